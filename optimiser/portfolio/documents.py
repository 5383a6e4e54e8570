"""What a portfolio's filed documents say (its result workbook and its HTML report), once
for both: the portfolio's status, a line a programme, the shared modules' rooms and loads,
where no mapping exists the conflict and repairs in the portfolio's words, and each
programme's part as a scenario's documents give it (`optimiser.report.content.Document`,
built from the programme's own scenario and result). The writers only lay it out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from models import Scenario
from models.portfolio import Portfolio
from optimiser.instance import Instance
from optimiser.portfolio.check import PortfolioCheck
from optimiser.portfolio.explain import describe
from optimiser.portfolio.impact import PortfolioImpact
from optimiser.portfolio.model import build_joint, split_id
from optimiser.portfolio.result import PortfolioResult
from optimiser.portfolio.revise import PortfolioRevision
from optimiser.portfolio.rooms import shared_rooms
from optimiser.portfolio.solve import shared_loads
from optimiser.report.content import STATUS_WORDS, Document, htq_version, plural
from optimiser.report.source import own_mapping
from optimiser.report.terminal import objective_words, revision_lines, solver_lines
from optimiser.result import Repair, Result, SolveStatus
from optimiser.revise import Revision
from optimiser.solve import content_fit, fit_of, quality_figures


@dataclass
class Part:
    """One programme: its code and its scenario document (its result, or its own mapping
    checked)."""

    code: str
    doc: Document

    @property
    def coverage(self) -> str:
        """How many of what it must cover are covered in full, as its summary says it."""
        found = [v for k, v in self.doc.coverage_facts() if "covered in full" in k]
        return found[0] if found else "no mapping"

    @property
    def count(self) -> int | None:
        """The rules its mapping breaks (a check), or the cells changed from its existing
        mapping (a result against one); None where neither applies."""
        if self.doc.checked is not None:
            return len(self.doc.checked)
        changes = self.doc.r.changes
        if changes is None or not self.doc.r.solved:
            return None
        return len(changes.added) + len(changes.removed)

    @property
    def quality(self) -> str:
        objective = self.doc.r.objective
        return objective_words(objective).removeprefix("Quality: ") if objective else "-"


@dataclass
class SharedRow:
    """A shared module: its room, where the room comes from, and each user's load (None
    where no mapping exists)."""

    module: str
    title: str
    room: int
    source: str
    users: list[str]
    loads: dict[str, int] | None

    @property
    def total(self) -> int | None:
        return None if self.loads is None else sum(self.loads.values())

    @property
    def left(self) -> int | None:
        """The room left (below 0: over its room), or None where no mapping exists."""
        total = self.total
        return None if total is None else self.room - total

    def load_of(self, programme: str) -> int | str | None:
        """A programme's load here: None where it does not use the module, "-" where no
        mapping exists."""
        if programme not in self.users:
            return None
        return "-" if self.loads is None else self.loads[programme]


@dataclass
class PortfolioDocument:
    """The facts of a portfolio's solve, check, revise or impact, ready to be laid out."""

    name: str
    status: str
    #: the status is not a good one (no mapping, or rules broken)
    bad: bool
    parts: list[Part]
    shared: list[SharedRow]
    #: heading of the programmes' count column
    count_heading: str
    #: what the command found about the change it was asked about
    notes: list[str] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    #: (rule id, what it says) of each rule in the conflict
    conflict: list[tuple[str, str]] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    solver: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"KSB mappings: {self.name}"

    @property
    def version_line(self) -> str:
        return self.parts[0].doc.version_line if self.parts else f"htq {htq_version()}"

    def programme_rows(self) -> list[list[object]]:
        """Per programme: code, title, standard (reference and version), status, coverage,
        count, quality."""
        return [
            [
                part.code,
                part.doc.programme,
                _standard(part.doc),
                part.doc.status,
                part.coverage,
                "-" if part.count is None else part.count,
                part.quality,
            ]
            for part in self.parts
        ]

    @property
    def programme_heading(self) -> list[str]:
        return [
            "Programme",
            "Title",
            "Standard",
            "Status",
            "Covered in full",
            self.count_heading,
            "Quality figures",
        ]


def _standard(doc: Document) -> str:
    std = doc.s.standard
    return std.reference + (f", version {std.version}" if std.version else "")


def _name(portfolio: Portfolio) -> str:
    return portfolio.name or "Portfolio"


def _shared(
    portfolio: Portfolio, insts: list[Instance], loads: dict[str, dict[str, Any]]
) -> list[SharedRow]:
    """Every shared module's row; `loads`: a result's `shared` (empty: no mapping)."""
    out = []
    for code, room in shared_rooms(portfolio, insts).items():
        got = loads.get(code)
        out.append(
            SharedRow(
                code,
                portfolio.module(code).title,
                room.room,
                room.source,
                [portfolio.codes[p] for p, _, _ in room.uses],
                None if got is None else dict(got["programmes"]),
            )
        )
    return out


def result_document(
    portfolio: Portfolio,
    result: PortfolioResult,
    scenarios: list[Scenario] | None = None,
    notes: dict[str, list[str]] | None = None,
    lead: list[str] | None = None,
) -> PortfolioDocument:
    """The documents of a solve (or a revise's or an impact's re-mapping): `scenarios`
    replace the programmes (a revised standard); `notes`: what changed, per programme;
    `lead`: what changed, for the portfolio."""
    scenarios = scenarios or portfolio.scenarios
    insts = [Instance(s) for s in scenarios]
    parts = []
    for code, inst in zip(portfolio.codes, insts, strict=True):
        res = replace(result.programmes[code], change_notes=(notes or {}).get(code, []))
        if result.status == SolveStatus.INFEASIBLE:  # the portfolio's conflict is theirs
            res = replace(
                res,
                conflict=result.conflict,
                repairs=result.repairs,
                explanation=result.explanation,
                conflict_irreducible=result.conflict_irreducible,
            )
        parts.append(Part(code, Document(inst, res, fit_of(inst))))
    out = PortfolioDocument(
        _name(portfolio),
        STATUS_WORDS[result.status],
        not result.solved,
        parts,
        _shared(portfolio, insts, result.shared),
        "Cells changed",
        notes=list(lead or []),
        solver=solver_lines(Result(result.status, solver=result.solver)),
    )
    if result.status == SolveStatus.INFEASIBLE:
        out.explanation = list(result.explanation or [])
        out.repairs = list(result.repairs or [])
        if result.conflict:
            joint = build_joint(portfolio, scenarios, relax=True)
            out.conflict = [(g, describe(joint, g)) for g in result.conflict]
    return out


def revision_document(portfolio: Portfolio, rev: PortfolioRevision) -> PortfolioDocument:
    """The documents of a revise: each revised programme says what the new standard
    changed, as a scenario's revise does."""
    scenarios = list(portfolio.scenarios)
    notes: dict[str, list[str]] = {}
    for p, code in enumerate(portfolio.codes):
        carried = rev.revised.get(code)
        if carried is None:
            continue
        scenarios[p] = carried.scenario
        one = Revision(
            rev.result.programmes[code],
            carried.diff,
            carried.scenario,
            carried.dropped,
            carried.gone,
            baseline=portfolio.scenarios[p].mapping,
            carried=carried.baseline,
        )
        notes[code] = [*one.diff.sentences(), *one.notes(), *revision_lines(one)]
    kept = [c for c in portfolio.codes if c not in rev.revised]
    lead = [f"Re-mapped to the new standard: {', '.join(rev.revised)}."]
    if kept:
        lead.append(
            f"Kept on their own standards: {', '.join(kept)} (changed only where a shared "
            "module's room needs it)."
        )
    return result_document(portfolio, rev.result, scenarios, notes, lead)


def impact_document(portfolio: Portfolio, found: PortfolioImpact) -> PortfolioDocument:
    """The documents of an impact: the changed portfolio's fewest-changes re-mapping, each
    programme with its classification and reasons, as a scenario's impact gives them."""
    notes = {
        code: [f"This change is {one.classification} for KSB alignment.", *one.reasons]
        for code, one in found.programmes.items()
    }
    lead = [f"This change is {found.classification} for the portfolio's KSB alignment."]
    return result_document(portfolio, found.repair, notes=notes, lead=lead)


def check_document(portfolio: Portfolio, found: PortfolioCheck) -> PortfolioDocument:
    """The documents of a check: each programme's own mapping, with the rules it breaks
    (its own, and the rooms of the shared modules it uses) and its quality figures."""
    insts = [Instance(s) for s in portfolio.scenarios]
    overfull = {v.group.split(":", 1)[1]: v.detail for v in found.shared}
    parts, pairs_of = [], []
    for code, inst in zip(portfolio.codes, insts, strict=True):
        res = own_mapping(inst).result
        pairs = inst.pairs_of(inst.scenario.mapping or {})
        pairs_of.append(pairs)
        fit = fit_of(inst)
        res.objective = quality_figures(inst, pairs, None, content_fit(inst, fit))
        broken = [v.detail for v in found.programmes[code].violations]
        broken += [detail for module, detail in overfull.items() if module in inst.m_index]
        parts.append(Part(code, Document(inst, res, fit, broken)))
    n = len(found.violations)
    rooms = shared_rooms(portfolio, insts)
    return PortfolioDocument(
        _name(portfolio),
        "Existing mappings: "
        + (f"{plural(n, 'rule')} broken" if n else "every rule and every shared room holds"),
        n > 0,
        parts,
        _shared(portfolio, insts, shared_loads(portfolio.codes, rooms, pairs_of)),
        "Rules broken",
    )


def programme_of(gid: str) -> str:
    """The programme a rule of the conflict belongs to, or `shared` for a shared room."""
    code, _ = split_id(gid)
    return code or "shared"
