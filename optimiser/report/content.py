"""What the filed documents say, in words and numbers, once for the workbook and the HTML.

A `Document` is built from the Instance, the result and (optionally) the content-fit
matrix; the writers only lay it out. Nothing here solves or recomputes a rule: capacities,
evidencing methods and coverage scopes come from the Instance.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version

from optimiser.fit.model import FitMatrix
from optimiser.fit.text import terms
from optimiser.instance import Instance
from optimiser.io.xlsx import RULE_SPECS, rule_value
from optimiser.report.categories import DUTIES_COVERED, reference
from optimiser.report.categories import facts as category_facts
from optimiser.result import Result, SolveStatus
from optimiser.rules import describe, group_of

#: The rules' settings, as the documents name them beside their keys.
RULE_WORDS = {
    "capacity_per_credit": "KSBs per credit",
    "bunching": "Room: times a module's fair share",
    "min_ksbs_per_module": "Fewest KSBs in a module",
    "max_modules_per_ksb.knowledge": "Most modules per knowledge KSB",
    "max_modules_per_ksb.skill": "Most modules per skill",
    "max_modules_per_ksb.behaviour": "Most modules per behaviour",
    "max_level_percent": "Most pairs at one level, %",
    "spiral.min": "Fewest spiral KSBs",
    "spiral.max": "Most spiral KSBs",
    "spiral.kinds": "Kinds that count as spiral",
    "specialist.max_additional_percent": "Most additional content on a route, %",
    "specialist.max_pathway_ratio": "Largest route against the smallest (pathways)",
}


KIND_LABEL = {"knowledge": "Knowledge", "skill": "Skill", "behaviour": "Behaviour"}
KIND_PLURAL = {"knowledge": "knowledge", "skill": "skills", "behaviour": "behaviours"}

STATUS_WORDS = {
    SolveStatus.OPTIMAL: "Proposed mapping: every rule holds; proved the best",
    SolveStatus.FEASIBLE: "Proposed mapping: every rule holds; not proved the best",
    SolveStatus.INFEASIBLE: "No mapping possible: the rules conflict (see Explanation)",
    SolveStatus.UNKNOWN: "No answer: the solver found no mapping within its time limit",
}

#: The objective's parts and the solver's figures, in words.
FIGURE_WORDS = {
    "changes": "Cells changed from the existing mapping",
    "fit": "Content fit (sum of the placed pairs' scores)",
    "duty_spread": "Duty spread (KSBs of a duty apart)",
    "imbalance": "Load imbalance",
    "entries": "KSB-module pairs",
    "quality": "Quality score (lower is better)",
    "wall_s": "Time taken (seconds)",
    "seed": "Random seed",
    "workers": "Solver threads",
    "bound": "Best possible quality score (bound)",
    "gap": "Gap to the bound",
    "time_limit_hit": "Stopped by the time limit",
    "effort": "Solver effort (deterministic units)",
    "not_run": "Stages not run",
}

COVERAGE_WORDS = {
    "full": "full",
    "partial": "partial",
    "marked partial": "marked partial",
    "none": "not covered",
}


def method_words(method: str) -> str:
    """`professional_discussion` -> `professional discussion`."""
    return method.replace("_", " ")


def htq_version() -> str:
    try:
        return version("htq")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "development"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _figure_words(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def _stage_words(got: object) -> str:
    if not isinstance(got, dict):
        return _figure_words(got)
    proved = "proved" if got.get("proved") else "not proved"
    return f"{got.get('value')} (bound {got.get('bound')}, {proved})"


@dataclass
class Place:
    """One module a KSB is mapped to."""

    module: str
    title: str
    level: int
    methods: list[str]  # in words
    outcomes: list[str]  # labels ("LO2") of the outcomes that share words with the KSB
    fit: float | None
    why: list[str]
    #: the scenario's mapping marks the entry partial (it never counts for coverage)
    partial: bool = False
    #: where the programme's specification evidences it (outcome, unit, page), in words
    reference: str = ""

    @property
    def name(self) -> str:
        said = ["partial"] if self.partial else []
        said += [self.reference] if self.reference else []
        tail = f" [{'; '.join(said)}]" if said else ""
        return f"{self.module} {self.title}".strip() + tail


@dataclass
class KsbRow:
    code: str
    kind: str
    text: str
    places: list[Place]
    #: full; partial (some routes only); marked partial (only in entries the mapping
    #: marks partial, which never count); none
    coverage: str
    spiral: bool
    duty: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def methods(self) -> list[str]:
        out: list[str] = []
        for p in self.places:
            out += [m for m in p.methods if m not in out]
        return out

    @property
    def levels(self) -> list[int]:
        return sorted({p.level for p in self.places})


@dataclass
class ModuleRow:
    code: str
    title: str
    level: int
    credits: int
    status: str
    methods: list[str]
    outcomes: list[str]
    capacity: int
    capacity_source: str
    ksbs: list[str]
    duties: list[str]

    @property
    def load(self) -> int:
        return len(self.ksbs)


class Document:
    """The facts of one solve, revise or impact result, ready to be laid out."""

    def __init__(
        self,
        inst: Instance,
        result: Result,
        fit: FitMatrix | None = None,
        checked: list[str] | None = None,
    ) -> None:
        """`checked`: where the mapping is the scenario's own (not a proposal), the
        sentences of the rules it breaks (empty: every rule holds)."""
        self.inst = inst
        self.checked = checked
        self.r = result
        self.fit = fit
        self.s = inst.scenario
        self.pairs: set[tuple[int, int]] = {
            (inst.k_index[k], inst.m_index[m])
            for m, ks in result.mapping.items()
            if m in inst.m_index
            for k in ks
            if k in inst.k_index
        }
        self.spiral = set(result.spiral)
        self.date = _dt.date.today().isoformat()

    # -- headings ----------------------------------------------------------------------
    @property
    def programme(self) -> str:
        return self.s.programme.title or self.s.name or "Programme"

    @property
    def title(self) -> str:
        return f"KSB mapping: {self.programme}"

    @property
    def standard(self) -> str:
        std = self.s.standard
        parts = [std.reference]
        if std.version:
            parts.append(f"version {std.version}")
        if std.level is not None:
            parts.append(f"level {std.level}")
        return (f"{std.title} " if std.title else "") + "(" + ", ".join(parts) + ")"

    @property
    def status(self) -> str:
        if self.checked is not None:
            broken = len(self.checked)
            return "Existing mapping: " + (
                f"{plural(broken, 'rule')} broken" if broken else "every rule holds"
            )
        return STATUS_WORDS[SolveStatus(self.r.status)]

    @property
    def solved(self) -> bool:
        return self.checked is not None or self.r.solved

    @property
    def version_line(self) -> str:
        return f"Draft prepared with htq {htq_version()} on {self.date}"

    @property
    def proved_heading(self) -> str:
        return "What was checked" if self.checked is not None else "What the solver proved"

    def proved(self) -> str:
        """What the solver proved, in one or two sentences."""
        r, status = self.r, SolveStatus(self.r.status)
        changes = r.objective.get("changes")
        if self.checked is not None:
            return "The existing mapping was checked against every rule, cell by cell: " + (
                " ".join(self.checked) if self.checked else "every rule holds."
            )
        if status == SolveStatus.INFEASIBLE:
            n = len(r.conflict or [])
            first = (
                "No mapping keeps every rule: the solver proved that the "
                f"{plural(n, 'rule')} listed in the Explanation cannot all hold together"
            )
            if not r.conflict_irreducible:
                return first + " (within its limits it did not prove the set the smallest)."
            return first + ", and that dropping any one of them leaves a set that can."
        if status == SolveStatus.UNKNOWN:
            return (
                "Within its time limit the solver found no mapping and did not prove that "
                "none exists; a longer --time-limit may find one."
            )
        first = "Every rule in force holds (checked cell by cell)."
        if changes is not None:
            first += (
                f" No mapping that keeps every rule changes fewer cells of the existing "
                f"mapping than this one ({changes:g})."
            )
        if status == SolveStatus.OPTIMAL:
            return first + (
                " Among those mappings, none is better by the quality objective, stage by "
                "stage: content fit first, then balanced load, then KSBs of a duty together "
                "(proved)."
            )
        gap = r.solver.get("gap")
        within = f" it is at most {100 * gap:.1f} % from the best" if gap else ""
        return first + (
            " The solver stopped within its time limit before proving this mapping the best;"
            + (within or " it may not be the best")
            + "."
        )

    # -- KSBs --------------------------------------------------------------------------
    @cached_property
    def duty_of(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for d in self.s.standard.duties:
            for code in d.ksbs:
                out.setdefault(code, d.code)
        return out

    def _outcomes(self, ksb_text: str, outcomes: list[str] | None) -> list[str]:
        if not outcomes:
            return []
        mine = set(terms(ksb_text))
        return [f"LO{i}" for i, lo in enumerate(outcomes, start=1) if mine & set(terms(lo))]

    @cached_property
    def ksb_rows(self) -> list[KsbRow]:
        inst = self.inst
        scopes = [set(scope.modules) for scope in inst.scopes]
        rows: list[KsbRow] = []
        for k, ksb in enumerate(inst.ksbs):
            places: list[Place] = []
            mine: set[int] = set()
            for j, m in enumerate(inst.modules):
                if (k, j) not in self.pairs:
                    continue
                mine.add(j)
                score = self.fit.score(ksb.code, m.code) if self.fit is not None else None
                why = self.fit.why(ksb.code, m.code)[:3] if self.fit is not None else []
                places.append(
                    Place(
                        m.code,
                        m.title,
                        m.level,
                        [method_words(x) for x in inst.evidencing_methods(k, j)],
                        self._outcomes(ksb.text, m.outcomes),
                        score,
                        why,
                        not inst.covers(k, j),
                        reference(inst, k, j),
                    )
                )
            counting = {j for j in mine if inst.covers(k, j)}
            if not mine:
                coverage = "none"
            elif all(counting & scope for scope in scopes if scope):
                coverage = "full"
            elif not counting:
                coverage = "marked partial"
            else:
                coverage = "partial"
            row = KsbRow(
                ksb.code,
                KIND_LABEL.get(ksb.kind, ksb.kind),
                ksb.text,
                places,
                coverage,
                ksb.code in self.spiral,
                self.duty_of.get(ksb.code),
            )
            marked = [inst.modules[j].code for j in sorted(mine - counting)]
            if marked and coverage != "full":
                row.notes.append(f"marked partial ({', '.join(marked)})")
            if coverage == "partial":
                missing = [
                    scope.name or "the compulsory modules"
                    for scope in inst.scopes
                    if not counting & set(scope.modules)
                ]
                row.notes.append("not on the route through " + ", ".join(missing))
            if inst.specialist and not inst.is_duty(k) and not mine:
                row.notes.append("not required: a specialist qualification maps its duties")
            if row.spiral:
                row.notes.append(self._spiral_note(mine))
            rows.append(row)
        return rows

    def _spiral_note(self, mine: set[int]) -> str:
        """A spiral repeat, and the routes that meet it where optional modules carry it:
        a repeat in one pathway only is not met by every student."""
        inst = self.inst
        both = [
            scope.name
            for scope in inst.scopes
            if {inst.modules[j].level for j in mine & set(scope.modules)} >= {4, 5}
        ]
        note = "spiral: met at level 4 and again at level 5"
        if len(both) == len(inst.scopes):
            return note
        if not both:
            return note + " only across pathways: no one route meets it at both levels"
        return note + " only on the route through " + ", ".join(both)

    def count(self, coverage: str) -> int:
        return sum(1 for row in self.ksb_rows if row.coverage == coverage)

    # -- modules -----------------------------------------------------------------------
    @cached_property
    def module_rows(self) -> list[ModuleRow]:
        inst = self.inst
        rows: list[ModuleRow] = []
        for j, m in enumerate(inst.modules):
            ksbs = [inst.ksbs[k].code for k in inst.K if (k, j) in self.pairs]
            if m.compulsory:
                status = "compulsory"
            elif m.pathway is not None:
                status = f"optional, pathway {m.pathway}"
            else:
                status = "optional"
            rows.append(
                ModuleRow(
                    m.code,
                    m.title,
                    m.level,
                    m.credits,
                    status,
                    [method_words(x) for x in m.assessments],
                    list(m.outcomes or []),
                    inst.capacity[j],
                    inst.capacity_source(j),
                    ksbs,
                    [d.code for d in self.s.standard.duties if set(d.ksbs) & set(ksbs)],
                )
            )
        return sorted(rows, key=lambda row: row.level)

    # -- summary figures ---------------------------------------------------------------
    def coverage_facts(self) -> list[tuple[str, str]]:
        inst = self.inst
        core = [inst.ksbs[k] for k in inst.core]
        n = len(core)
        kinds = [
            plural(sum(1 for k in core if k.kind == kind), KIND_PLURAL[kind], KIND_PLURAL[kind])
            for kind in ("knowledge", "skill", "behaviour")
        ]
        compulsory = sum(1 for m in inst.modules if m.compulsory)
        out = [("KSBs in the standard", f"{n} ({', '.join(kinds)})")]
        if inst.specialist:
            out.append(("Specialist duties (the programme's own)", str(len(inst.duty_items))))
        out.append(
            (
                "Modules",
                f"{len(inst.modules)} ({compulsory} compulsory, "
                f"{len(inst.modules) - compulsory} optional)",
            )
        )
        if not self.solved:
            return out
        out += self._covered(inst.duty_items if inst.specialist else inst.core)
        if inst.specialist:
            mapped = {k for k, _ in self.pairs if not inst.is_duty(k)}
            out.append(
                (
                    "Core KSBs mapped (not required: taught again or embedded)",
                    f"{len(mapped)} of {n}",
                )
            )
        # a specialist qualification: the average of the duties and core KSBs it maps
        items = len({k for k, _ in self.pairs} if inst.specialist else inst.ksbs)
        who = "a mapped duty or KSB" if inst.specialist else "a KSB"
        average = f" ({who} sits in {len(self.pairs) / items:.1f} modules on average)"
        out.append(("KSB-module pairs", f"{len(self.pairs)}{average}" if items else "0"))
        if inst.two_levels:
            spiral = ", ".join(sorted(self.spiral, key=list(inst.k_index).index)) or "none"
            out.append(("Spiral KSBs (met at level 4 and 5)", f"{len(self.spiral)}: {spiral}"))
        full = [row.code for row in self.module_rows if row.load >= row.capacity]
        out.append(("Modules filled to their room", ", ".join(full) or "none"))
        # the specialist duties' coverage is said above, with the rest of the coverage
        out += [f for f in category_facts(inst, self.pairs) if f[0] != DUTIES_COVERED]
        if self.r.changes is not None:
            out.append(
                (
                    "Changes to the existing mapping",
                    f"{len(self.r.changes.added)} added, {len(self.r.changes.removed)} removed",
                )
            )
        return out

    def _covered(self, items: list[int]) -> list[tuple[str, str]]:
        """How the items that must be covered are: the KSBs of the standard, or (category
        specialist) the specialist duties."""
        noun = "Specialist duties" if self.inst.specialist else "KSBs"
        wanted = {self.inst.ksbs[k].code for k in items}
        rows = [row for row in self.ksb_rows if row.code in wanted]

        def count(coverage: str) -> int:
            return sum(1 for row in rows if row.coverage == coverage)

        n = len(rows)
        pct = 100 * count("full") / n if n else 0.0
        out = [
            (f"{noun} covered in full (on every route)", f"{count('full')} of {n} ({pct:.0f} %)"),
            (f"{noun} covered in part (some routes only)", str(count("partial"))),
        ]
        if count("marked partial"):
            out.append(
                (
                    f"{noun} only in entries marked partial (never count for coverage)",
                    str(count("marked partial")),
                )
            )
        out.append((f"{noun} not covered", str(count("none"))))
        return out

    def rules_facts(self) -> list[tuple[str, str]]:
        """Every rule setting in force, as (label with its key, value), then the evidence
        table's entries the scenario sets."""
        rules = self.s.rules
        out: list[tuple[str, str]] = []
        for spec in RULE_SPECS:
            if spec.name.startswith("specialist.") and self.s.category != "specialist":
                continue  # the specialist rules are in force only there
            value = rule_value(rules, spec.name)
            if spec.name == "bunching" and rules.capacity_per_credit is not None:
                value = f"{value:g}, not in force: capacity_per_credit sets each module's room"
            shown = ", ".join(value) if isinstance(value, list) else value
            label = RULE_WORDS.get(spec.name, spec.name)
            text = "not set (room from bunching)" if shown is None else str(shown)
            out.append((f"{label} ({spec.name})", text))
        for method, kinds in rules.evidence.items():
            out.append((f"evidence: {method_words(method)}", ", ".join(kinds) or "none"))
        return out

    def solver_facts(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for source in (self.r.objective, self.r.solver):
            for key, value in source.items():
                if key == "stages" and isinstance(value, dict):
                    for stage, got in value.items():
                        out.append((f"Stage {stage}", _stage_words(got)))
                    continue
                label = FIGURE_WORDS.get(key, key.replace("_", " "))
                out.append((label, _figure_words(value)))
        return out

    # -- no mapping --------------------------------------------------------------------
    def conflict_ksbs(self) -> list[tuple[str, str, list[str], list[str]]]:
        """The KSBs the conflict names: code, text, the conflict's rules about it, and the
        modules whose methods could evidence it."""
        inst = self.inst
        about: dict[int, list[str]] = {}
        for gid in self.r.conflict or []:
            group = group_of(inst, gid)
            if group is not None and len(group.ksbs) == 1:
                about.setdefault(group.ksbs[0], []).append(gid)
        out = []
        for k, groups in about.items():
            able = [inst.modules[j].code for j in inst.M if inst.assessable[k][j]]
            out.append((inst.ksbs[k].code, inst.ksbs[k].text, groups, able))
        return out

    def rule_words(self, group: str) -> str:
        """One rule (a group id) in words, with its numbers, as its family says it."""
        return describe(self.inst, group)
