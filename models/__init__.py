"""Domain data of htq: pydantic models only, no solver code.

A scenario is one occupational standard, one programme, the rules in force and,
optionally, locks, content-fit preferences and an existing mapping. Cross-references are
checked here so that everything downstream can trust codes.
"""

from models.programme import Module, Outcome, OutcomeText, Programme
from models.rules import DEFAULT_EVIDENCE, KINDS, Kind, Rules, SpiralRule, kind_of_code
from models.scenario import Lock, Preference, Scenario
from models.standard import KSB, Duty, Standard

__all__ = [
    "DEFAULT_EVIDENCE",
    "KINDS",
    "KSB",
    "Duty",
    "Kind",
    "Lock",
    "Module",
    "Outcome",
    "OutcomeText",
    "Preference",
    "Programme",
    "Rules",
    "Scenario",
    "SpiralRule",
    "Standard",
    "kind_of_code",
]
