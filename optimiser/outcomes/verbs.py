"""Verbs of learning outcomes: vague ones, and those typical of level 4 and of level 5.

Grounded in the level descriptors of the Framework for Higher Education Qualifications
(FHEQ, QAA 2014) and the sector's guidance on KSB-aligned outcomes:

* Level 4 (Certificate of Higher Education, HNC): knowledge of the underlying concepts and
  principles of a field, and the ability to evaluate and interpret them within that
  context; to present, evaluate and interpret data; to communicate accurately. Verbs that
  ask students to use, carry out, explain and apply well-defined knowledge and methods.
* Level 5 (Diploma of Higher Education, HND, foundation degree): knowledge of well-
  established principles and of the way they have developed; the ability to apply them
  in other contexts, to use a range of established techniques to analyse information,
  to propose solutions, and to evaluate the appropriateness of different approaches.
  Verbs that ask students to analyse, compare, evaluate, justify and manage.
* Below level 4 (recall and recognition: list, name, state, define) and above level 5
  (level 6 and 7 work: critically appraise, synthesise, originate) are flagged at both.

A verb may fit both levels (apply, demonstrate, develop, ...). Vague verbs describe a
state of mind that cannot be observed (understand, know, appreciate, be aware of, be
familiar with, ...); an outcome needs an active verb that a student enacts and an
assessor can see.
"""

from __future__ import annotations

import re

#: Vague verbs and phrases: nothing a student does that an assessor can see.
VAGUE = (
    "be aware of",
    "be familiar with",
    "be exposed to",
    "be acquainted with",
    "have an awareness of",
    "have knowledge of",
    "have an understanding of",
    "gain an understanding of",
    "gain knowledge of",
    "develop an understanding of",
    "develop an awareness of",
    "develop an appreciation of",
    "show an awareness of",
    "understand",
    "know",
    "appreciate",
    "comprehend",
    "realise",
    "believe",
    "grasp",
    "internalise",
    "get to grips with",
)

#: Verbs typical of both levels.
BOTH = (
    "apply",
    "assess",
    "calculate",
    "carry out",
    "communicate",
    "conduct",
    "configure",
    "construct",
    "contribute",
    "demonstrate",
    "deploy",
    "develop",
    "discuss",
    "document",
    "evidence",
    "implement",
    "interpret",
    "investigate",
    "maintain",
    "monitor",
    "operate",
    "perform",
    "plan",
    "prepare",
    "present",
    "produce",
    "reflect",
    "report",
    "research",
    "select",
    "solve",
    "test",
    "undertake",
    "work",
    "build",
    "create",
    "install",
    "measure",
    "respond",
    "support",
    "troubleshoot",
)
#: Verbs typical of level 4 (well-defined tasks), not of level 5.
LEVEL4_ONLY = (
    "describe",
    "explain",
    "identify",
    "illustrate",
    "outline",
    "use",
    "follow",
    "record",
    "classify",
    "summarise",
    "show",
    "recognise and explain",
)
#: Verbs typical of level 5 (judgement across contexts), not of level 4.
LEVEL5_ONLY = (
    "analyse",
    "appraise",
    "compare",
    "contrast",
    "critique",
    "design",
    "differentiate",
    "evaluate",
    "examine",
    "formulate",
    "integrate",
    "justify",
    "lead",
    "manage",
    "optimise",
    "propose",
    "recommend",
    "review",
    "diagnose",
    "critically evaluate",
)
#: Verbs below level 4 (recall and recognition).
BELOW = ("list", "name", "state", "define", "recall", "recognise", "label", "repeat", "memorise")
#: Verbs above level 5 (level 6 and 7 work).
ABOVE = (
    "synthesise",
    "originate",
    "critically appraise",
    "critically analyse",
    "theorise",
    "create new knowledge",
    "advance",
    "pioneer",
)

LEVEL_VERBS: dict[int, tuple[str, ...]] = {
    4: BOTH + LEVEL4_ONLY,
    5: BOTH + LEVEL5_ONLY,
}
#: Every verb htq recognises as active and assessable, at some level.
ACTIVE = BOTH + LEVEL4_ONLY + LEVEL5_ONLY + BELOW + ABOVE

#: The verb a drafted outcome leads with: by level and by the cluster's main kind.
DRAFT_VERB: dict[tuple[int, str], str] = {
    (4, "knowledge"): "explain",
    (4, "skill"): "apply",
    (4, "behaviour"): "demonstrate",
    (5, "knowledge"): "analyse",
    (5, "skill"): "evaluate and apply",
    (5, "behaviour"): "demonstrate and justify",
}


def _forms(verb: str) -> str:
    """A regex for a verb phrase and its usual inflections ('analyse', 'analyses', ...)."""
    words = verb.split()
    last = re.escape(words[-1])
    tail = (
        rf"{last}(?:s|es|d|ed|ing)?"
        if not words[-1].endswith("e")
        else rf"{last[:-1]}(?:e|es|ed|ing)"
    )
    head = "".join(re.escape(w) + r"\s+" for w in words[:-1])
    return r"\b" + head + tail + r"\b"


_PATTERNS: dict[str, re.Pattern[str]] = {
    v: re.compile(_forms(v), re.IGNORECASE) for v in (*VAGUE, *ACTIVE)
}
#: An outcome's stem, which says nothing about what a student does.
_STEM = re.compile(
    r"^.*?\b(?:you|students?|learners?)\s+(?:will|should|can|must)\s+(?:be\s+able\s+to\s+)?",
    re.IGNORECASE,
)
_JOIN = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|/)\s*", re.IGNORECASE)
_ADVERB = re.compile(r"(?:effectively|accurately|safely|independently|confidently)\s+", re.I)


def body(text: str) -> str:
    """The outcome without its stem ('On successful completion ... you will be able to')."""
    return _STEM.sub("", text.strip(), count=1).strip()


def find(text: str, verbs: tuple[str, ...]) -> list[str]:
    """The verbs of `verbs` that the text uses, longest phrases first, none inside another
    found phrase (so 'critically evaluate' is not also 'evaluate')."""
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for verb in sorted(verbs, key=lambda v: (-len(v), v)):
        for match in _PATTERNS[verb].finditer(text):
            span = match.span()
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            if verb not in found:
                found.append(verb)
    return found


def lead_verbs(text: str) -> list[str]:
    """The verbs an outcome leads with: the recognised verbs at the start of its body,
    joined by 'and', 'or' or commas ('identify, analyse and evaluate ...'). Empty where
    the body does not start with a verb htq knows."""
    rest = body(text)
    pos = 0
    out: list[str] = []
    while True:
        adverb = _ADVERB.match(rest, pos)
        if adverb:
            pos = adverb.end()
        hit = None
        for verb in sorted(ACTIVE + VAGUE, key=lambda v: (-len(v), v)):
            match = _PATTERNS[verb].match(rest, pos)
            if match:
                hit = (verb, match.end())
                break
        if hit is None:
            return out
        if hit[0] in ACTIVE:
            out.append(hit[0])
        pos = hit[1]
        join = _JOIN.match(rest, pos)
        if join is None or join.end() == pos:
            return out
        pos = join.end()
