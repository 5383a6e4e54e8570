"""htq scenario workbooks: read one into plain scenario data, write one from a scenario.

The workbook carries the same content as a YAML scenario, one sheet per part:

* ``Instructions`` - plain English help; never read back.
* ``Scenario`` - key-value rows: Name, Programme title.
* ``Standard`` - key-value rows: Reference, Title, Level, Version.
* ``KSBs`` - Code, Kind, Text, Assessable by, Themes.
* ``Duties`` - Code, Text, KSBs.
* ``Modules`` - Code, Title, Level, Credits, Compulsory, Pathway, Assessments, Max KSBs,
  Description, Outcomes, Themes.
* ``Rules`` - Rule, Value, Default, What it means (an empty Value keeps the default).
* ``Locks`` - KSB, Module, Mapped.
* ``Preferences`` - KSB, Module, Preference (prefer or avoid): content-fit overrides.
* ``Mapping`` - row 1 switches the existing mapping on (yes) or off (no); row 2 holds
  the module codes as column headers; row 3 says per module whether it is part of the
  mapping; from row 4 on, one row per KSB with an ``x`` where it is mapped.

Lists sit in one cell: codes, methods, kinds and themes separated by commas, outcomes one
per line. An item that itself holds a separator is written in double quotes (``"a, b"``,
a quote inside doubled). ``(none)`` stands for an explicitly empty list; an empty cell
means "not given", so the default applies.

Text is never written as a formula, and characters Excel cannot hold in a cell are
written with Excel's own ``_xHHHH_`` escape, so reading a written workbook back gives the
scenario exactly.

Reading reports every problem of a workbook at once, one per cell, and warns of what it
reads without being asked to (hidden sheets and rows) or leaves out (sheets of other
names). Method names are read forgiving of case, spaces and hyphens ("Case study"), and
KSB codes typed in another case or with spaces ("k4 ") as the code of sheet KSBs.

The package, by job: `layout` (sheets, columns, rules), `cells` (the cell codec), `styles`
(how the written workbook looks and helps), `source` (the stored cells, streamed), `rows`
(one row model per table sheet), `places` (key path -> cell), `read` and `read_mapping`
(reading), `instructions` and `write` (writing).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optimiser.errors import InputError, InputErrors
from optimiser.io.xlsx.cells import (
    COMMA_SEPARATORS,
    LINE_SEPARATORS,
    decode_text,
    encode_text,
    join_list,
    looks_like_formula,
    set_text,
    set_value,
    split_list,
)
from optimiser.io.xlsx.layout import (
    MAP_FIRST_COL,
    MAP_FIRST_ROW,
    MAP_HEADER_ROW,
    MAP_INCLUDE_ROW,
    MAP_SWITCH_ROW,
    MAPPING,
    RULE_SPECS,
    SHEET_ORDER,
    RuleSpec,
    place_of,
)
from optimiser.io.xlsx.places import Places, Spot
from optimiser.io.xlsx.read import WorkbookData, read_workbook_data
from optimiser.io.xlsx.styles import fit_row
from optimiser.io.xlsx.write import rule_value, write_scenario_workbook, write_template


def read_workbook(path: Path) -> dict[str, Any]:
    """An htq scenario workbook as plain scenario data (the shape of a YAML scenario).

    Keys the workbook leaves empty are omitted so that the defaults apply. Problems of
    the workbook itself raise `InputError` (several: `InputErrors`) naming sheet, row and
    column.
    """
    book = read_workbook_data(Path(path))
    errors = book.errors()
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    return book.data


__all__ = [
    "COMMA_SEPARATORS",
    "LINE_SEPARATORS",
    "MAPPING",
    "MAP_FIRST_COL",
    "MAP_FIRST_ROW",
    "MAP_HEADER_ROW",
    "MAP_INCLUDE_ROW",
    "MAP_SWITCH_ROW",
    "RULE_SPECS",
    "SHEET_ORDER",
    "InputError",
    "Places",
    "RuleSpec",
    "Spot",
    "WorkbookData",
    "decode_text",
    "encode_text",
    "fit_row",
    "join_list",
    "looks_like_formula",
    "place_of",
    "read_workbook",
    "read_workbook_data",
    "rule_value",
    "set_text",
    "set_value",
    "split_list",
    "write_scenario_workbook",
    "write_template",
]
