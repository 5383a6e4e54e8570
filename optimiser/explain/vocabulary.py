"""The names a person typed: an explanation names each setting as the input spells it.

The explainer and the rule families speak the YAML keys (max_ksbs, capacity_per_credit).
A workbook names a module's room in the Modules sheet's "Max KSBs" column; its Rules sheet
names each rule by its key. The caller, which knows the input file, picks the vocabulary
(`for_input`) and the explanation is said in it (`say`).
"""

from __future__ import annotations

import re
from pathlib import Path

from optimiser.result import Result

#: YAML/JSON: the keys as they are
KEYS: dict[str, str] = {}
#: a workbook: the columns a person fills in (the Rules sheet uses the keys)
WORKBOOK: dict[str, str] = {"max_ksbs": "Max KSBs", "assessable_by": "Assessable by"}


def for_input(path: Path | None) -> dict[str, str]:
    """The vocabulary of a scenario file: the workbook's columns for .xlsx, else the keys."""
    return WORKBOOK if path is not None and path.suffix.lower() == ".xlsx" else KEYS


def words(text: str, vocabulary: dict[str, str]) -> str:
    """`text` with each key (a whole word) in the vocabulary's spelling."""
    for key, name in vocabulary.items():
        text = re.sub(rf"(?<![\w.]){re.escape(key)}(?![\w])", name, text)
    return text


def say(result: Result, vocabulary: dict[str, str]) -> Result:
    """Rewrite a result's explanation, repairs' suggestions and advice in the vocabulary
    (in place; the groups' ids keep their contract spelling)."""
    if not vocabulary:
        return result
    if result.explanation is not None:
        result.explanation = [words(line, vocabulary) for line in result.explanation]
    for repair in result.repairs or []:
        repair.suggestion = words(repair.suggestion, vocabulary)
    for tip in result.advice:
        tip.suggestion = words(tip.suggestion, vocabulary)
    return result
