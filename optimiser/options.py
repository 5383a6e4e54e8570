"""Command-line values that need more than a type: parsed here, so the commands stay short.

Also the ranges of the options shared by the solving commands."""

from __future__ import annotations

import math

import typer

#: the longest --time-limit (seconds), the largest --seed and the most --workers
MAX_TIME = 86_400.0
MAX_SEED = 2**31 - 1
MAX_WORKERS = 64


#: the levels HTQs are approved at, and so the standards `match` ranks unless told otherwise
HTQ_LEVELS = [4, 5]


def parse_levels(value: str | None, default: list[int] | None = None) -> list[int] | None:
    """Levels such as "4,5" as [4, 5]; `default` where nothing is given; None for "all"."""
    if value is None:
        return default
    if value.strip().lower() == "all":
        return None
    try:
        levels = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"levels are whole numbers such as 4,5, or all (got {value!r})"
        ) from None
    return levels or None


def time_limit(value: float) -> float:
    """--time-limit: seconds above 0, at most a day (NaN and infinity refused)."""
    if not (math.isfinite(value) and 0 < value <= MAX_TIME):
        raise typer.BadParameter(
            f"must be a number of seconds above 0 and at most {MAX_TIME:,.0f} (got {value})"
        )
    return value


def seed(value: int) -> int:
    """--seed: CP-SAT's random seed is a 32-bit number."""
    if not 0 <= value <= MAX_SEED:
        raise typer.BadParameter(f"must be a whole number from 0 to {MAX_SEED:,} (got {value})")
    return value
