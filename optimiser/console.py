"""The consoles htq prints to: user text is never read as markup, and lines never wrap.

Codes, names, titles and paths come from the user and may hold anything, `[/x]` or
`[bold]` included. htq's own styling is limited to a few balanced tags (`[bold]...[/bold]`,
`[dim]...[/dim]`, `[red]...[/red]`); every other bracket is printed as it stands, and a
table cell is always plain text. A printed line is never wrapped, whatever the terminal's
width or a pipe's, so one problem stays one line.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from rich.console import Console
from rich.errors import MarkupError
from rich.text import Text

#: the styles htq may write as markup; a tag is htq's own only when it closes again later
#: in the same string (a new style in a message must be added here, or it prints as text)
STYLES = frozenset(
    {"bold", "dim", "italic", "underline"}
    | {
        f"{weight}{colour}"
        for weight in ("", "bold ")
        for colour in ("red", "green", "yellow", "blue", "magenta", "cyan")
    }
)

# rich's own pattern of a markup tag, with the backslashes that may escape it
_TAG = re.compile(r"(\\*)\[([a-z#/@][^\[]*?)\]")


def protect(text: str) -> str:
    """`text` with every bracket escaped except htq's own balanced style tags."""
    tags = list(_TAG.finditer(text))
    keep: set[int] = set()
    i = 0
    while i < len(tags):
        tag = tags[i]
        if not tag.group(1) and tag.group(2) in STYLES:
            close = f"/{tag.group(2)}"
            j = next((j for j in range(i + 1, len(tags)) if tags[j].group(2) == close), None)
            if j is not None and not tags[j].group(1):
                keep.update((i, j))
                i = j + 1
                continue
        i += 1
    out: list[str] = []
    last = 0
    for n, tag in enumerate(tags):
        out.append(text[last : tag.start()])
        if n in keep:
            out.append(tag.group(0))
        else:
            slashes = tag.group(1)
            out.append(f"{slashes}{slashes}\\[{tag.group(2)}]")
        last = tag.end()
    out.append(text[last:])
    return "".join(out)


def styled(text: str) -> Text:
    """`text` rendered with htq's own style tags only (never raises on stray brackets)."""
    try:
        return Text.from_markup(protect(text), emoji=False)
    except MarkupError:  # pragma: no cover - protect() leaves only balanced tags
        return Text(text)


class SafeConsole(Console):
    """A rich console that prints user text as it stands and never wraps a printed line."""

    def __init__(self, *, stderr: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("soft_wrap", True)
        super().__init__(stderr=stderr, markup=False, emoji=False, highlight=False, **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Strings keep htq's own style tags and nothing else; `markup=False` keeps none."""
        markup = kwargs.pop("markup", None)
        kwargs.pop("highlight", None)
        shown = [
            (Text(o) if markup is False else styled(o)) if isinstance(o, str) else o
            for o in objects
        ]
        super().print(*shown, **kwargs)


def out_console(json_to: str | None = None) -> SafeConsole:
    """Human output goes to stdout, unless the JSON goes there (then to stderr)."""
    return SafeConsole(stderr=json_to == "-")


def err_console() -> SafeConsole:
    return SafeConsole(stderr=True)


def one_line(text: str) -> str:
    """`text` on one line: line breaks and other control characters written as escapes."""
    return "".join(
        repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text
    )
