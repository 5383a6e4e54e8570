"""Cell values both ways: text that is safe in a cell and comes back exactly, lists in one
cell, and what people type read as text, numbers and yes/no."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Sequence
from typing import Any

from openpyxl.cell.cell import Cell  # type: ignore[import-untyped]

from optimiser.io.xlsx.layout import NONE_TOKEN

_UNDERSCORE_BEFORE_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Text starting with one of these could be taken for a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
EXCEL_MAX_CHARS = 32767


def needs_escape(ch: str) -> bool:
    o = ord(ch)
    return (o < 0x20 and ch not in "\t\n") or 0xD800 <= o <= 0xDFFF or o in (0xFFFE, 0xFFFF)


def encode_text(text: str) -> str:
    """Excel's ``_xHHHH_`` escape for characters a cell cannot hold (and for ``\\r``)."""
    text = _UNDERSCORE_BEFORE_ESCAPE.sub("_x005F_", text)
    if any(needs_escape(ch) for ch in text):
        text = "".join(f"_x{ord(ch):04X}_" if needs_escape(ch) else ch for ch in text)
    return text


def decode_text(text: str) -> str:
    """Undo `encode_text` (and Excel's own escaping of the same kind)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class TextTooLong(ValueError):
    """A text longer than an Excel cell holds. Knows the cell it was meant for, and says it
    (sheet, row, column letter), so that any writer's error names the place."""

    def __init__(self, cell: Cell, length: int) -> None:
        self.sheet = str(cell.parent.title)
        self.row = int(cell.row)
        self.column = int(cell.column)
        self.reason = (
            f"a text of {length:,} characters does not fit in an Excel cell "
            f"(at most {EXCEL_MAX_CHARS:,})"
        )
        where = f"sheet {self.sheet}, row {self.row}, column {cell.column_letter}"
        super().__init__(f"{where}: {self.reason}")


def set_text(cell: Cell, text: str | None) -> None:
    """Write user text as a plain string: never a formula, kept as text when edited.

    openpyxl turns a string starting with "=" into a formula; forcing the data type to
    "s" stores it as a string that no spreadsheet evaluates, and the quote prefix (the
    cell style Excel uses for a leading apostrophe) keeps it text when the user edits it.
    """
    if text is None:
        cell.value = None
        return
    encoded = encode_text(text)
    if len(encoded) > EXCEL_MAX_CHARS:
        raise TextTooLong(cell, len(encoded))
    cell.value = encoded
    cell.data_type = "s"
    if looks_like_formula(encoded) or _looks_numeric(encoded):
        cell.quotePrefix = True


def _number_survives(value: float) -> bool:
    """Whether a number comes back exactly from a cell (openpyxl writes 16 digits)."""
    if isinstance(value, int):
        return abs(value) < 10**15
    return math.isfinite(value) and float(f"{value:.16g}") == value


def set_value(cell: Cell, value: object) -> None:
    """Write a number, a yes/no word or text (text through `set_text`)."""
    if value is None or isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, bool):
        set_text(cell, "yes" if value else "no")
    elif isinstance(value, int | float):
        if _number_survives(value):
            cell.value = value
        else:
            set_text(cell, repr(value))
    else:
        set_text(cell, str(value))


COMMA_SEPARATORS = ",;\n"
LINE_SEPARATORS = "\n"


def join_list(items: Sequence[str] | None, separators: str = COMMA_SEPARATORS) -> str | None:
    """A list as cell text; None stays empty, an empty list is ``(none)``."""
    if items is None:
        return None
    if not items:
        return NONE_TOKEN
    joiner = ", " if separators == COMMA_SEPARATORS else "\n"
    return joiner.join(_quote_item(item, separators) for item in items)


def _quote_item(item: str, separators: str) -> str:
    needs = (
        item == ""
        or item != item.strip()
        or item.startswith('"')
        or item == NONE_TOKEN
        or any(ch in item for ch in separators + "\r")
    )
    if not needs:
        return item
    return '"' + item.replace('"', '""') + '"'


def split_list(text: str, separators: str = COMMA_SEPARATORS) -> list[str]:
    """Cell text as a list: items between separators, double quotes protect an item."""
    if text.strip() == NONE_TOKEN:
        return []
    items: list[str] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t" and text[i] not in separators:
            i += 1
        if i < n and text[i] == '"':
            i += 1
            buf: list[str] = []
            closed = False
            while i < n:
                ch = text[i]
                if ch == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    closed = True
                    break
                buf.append(ch)
                i += 1
            if not closed:
                raise ValueError("a double quote is opened but never closed")
            end = _next_separator(text, i, separators)
            if text[i:end].strip():
                raise ValueError(
                    f"text {text[i:end].strip()!r} follows a quoted item; put a comma between"
                )
            items.append("".join(buf))
        else:
            end = _next_separator(text, i, separators)
            raw = text[i:end].strip()
            if raw:
                items.append(raw)
        if end >= n:
            return items
        i = end + 1


def _next_separator(text: str, start: int, separators: str) -> int:
    for j in range(start, len(text)):
        if text[j] in separators:
            return j
    return len(text)


# --------------------------------------------------------------------------------------
# What people type
# --------------------------------------------------------------------------------------

YES_WORDS = {"yes", "y", "true", "1", "x"}
NO_WORDS = {"no", "n", "false", "0"}


def blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "")


def canon(header: Any) -> str:
    """A header or label as compared: spaces collapsed, lower case."""
    return " ".join(str(header).split()).lower() if header is not None else ""


def as_text(v: Any, *, keep_blank: bool = False) -> str | None:
    """A cell as text: numbers as written (15, not 15.0), dates in ISO form; a blank cell is
    None (a cell of spaces too, unless `keep_blank`)."""
    if v is None:
        return None
    if isinstance(v, str):
        return None if v.strip() == "" and not keep_blank else v
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, _dt.datetime | _dt.date | _dt.time):
        return v.isoformat()
    return str(v)


def as_number(v: Any) -> int | float | None:
    """A cell as a number (text that reads as one too); ValueError says what was found."""
    if blank(v):
        return None
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise ValueError(f"expected a number, found {v!r}")
    if isinstance(v, str):
        s = v.strip()
        try:
            v = int(s)
        except ValueError:
            try:
                v = float(s)
            except ValueError:
                raise ValueError(f"expected a number, found the text {s!r}") from None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def as_yes_no(v: Any) -> bool | None:
    """A yes/no cell: yes, y, true, 1, x or no, n, false, 0 (any case); blank is None."""
    if blank(v):
        return None
    if isinstance(v, bool):
        return v
    word = str(v).strip().lower()
    if isinstance(v, int | float) and float(v).is_integer():
        word = str(int(v))
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(f"expected yes or no, found {v!r}")
