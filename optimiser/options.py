"""Command-line values that need more than a type: parsed here, so the commands stay short."""

from __future__ import annotations

import typer


def parse_levels(value: str | None) -> list[int] | None:
    """Levels such as "4,5" as [4, 5]; None (nothing given) for every level."""
    if value is None:
        return None
    try:
        levels = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(f"levels are whole numbers such as 4,5 (got {value!r})") from None
    return levels or None
