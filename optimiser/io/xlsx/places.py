"""Where each part of the data read from a workbook sits: key path -> sheet, row, column."""

from __future__ import annotations

from dataclasses import dataclass, field

#: (sheet, row or None, column header or letter or None)
Spot = tuple[str, int | None, str | None]


@dataclass
class Places:
    """Key paths of the read data (``programme.modules[2].credits``) and their cells."""

    at: dict[str, Spot] = field(default_factory=dict)

    def put(self, key: str, sheet: str, row: int | None, column: str | None) -> None:
        self.at[key] = (sheet, row, column)

    def find(self, key: str) -> Spot | None:
        """The spot of `key`, or of the nearest enclosing key that has one."""
        while True:
            if key in self.at:
                return self.at[key]
            cut = max(key.rfind("."), key.rfind("["))
            if cut <= 0:
                return None
            key = key[:cut]
