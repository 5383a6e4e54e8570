"""The programmes solved one by one, each with the whole room of every shared module: a
relaxation of the portfolio. Where the mappings found together fit every shared room,
they are the portfolio's answer, and proved best where each was proved best.

Why that is a proof: the portfolio's objective is the programmes' own, summed stage by
stage, and its rules are each programme's rules plus the shared rooms. A programme alone
with the whole shared room of its shared modules (as if the others placed nothing there)
has every mapping it could have in the portfolio, and more: its best is at least as good
as its part of any portfolio answer. Where the best mappings of all programmes fit the
shared rooms together, no portfolio answer does better at the first stage; the stages
after it hold the first at its best, which holds each programme at its own best, and the
same argument repeats. Otherwise the joint model decides (`optimiser.portfolio.solve`).
"""

from __future__ import annotations

from dataclasses import replace

from models import Scenario
from optimiser.fit import FitMatrix
from optimiser.portfolio.rooms import SharedRoom
from optimiser.result import Result
from optimiser.settings import Clock, SolverSettings
from optimiser.solve import solve

Mapping = dict[str, list[str]]


def relaxed(scenarios: list[Scenario], rooms: dict[str, SharedRoom]) -> list[Scenario]:
    """Each programme with the whole room of each shared module it uses."""
    return _with_rooms(scenarios, {(c, p): r.room for c, r in rooms.items() for p, _, _ in r.uses})


def split(scenarios: list[Scenario], rooms: dict[str, SharedRoom]) -> list[Scenario]:
    """Each programme with its part of each shared room: its own room where those add up
    to no more than the shared room, else the shared room shared out in proportion to
    them (largest remainders first). Mappings of these fit every shared room together."""
    parts: dict[tuple[str, int], int] = {}
    for code, room in rooms.items():
        own = {p: r for p, _, r in room.uses}
        total = sum(own.values())
        if total <= room.room:
            parts.update({(code, p): r for p, r in own.items()})
            continue
        exact = {
            p: room.room * r / total if total else room.room / len(own) for p, r in own.items()
        }
        share = {p: int(v) for p, v in exact.items()}
        rest = room.room - sum(share.values())
        for p in sorted(exact, key=lambda q: (share[q] - exact[q], q))[:rest]:
            share[p] += 1
        parts.update({(code, p): n for p, n in share.items()})
    return _with_rooms(scenarios, parts)


def _with_rooms(scenarios: list[Scenario], rooms: dict[tuple[str, int], int]) -> list[Scenario]:
    out = []
    for p, scen in enumerate(scenarios):
        copy = scen.model_copy(deep=True)
        for module in copy.programme.modules:
            if (module.code, p) in rooms:
                module.max_ksbs = rooms[module.code, p]
        out.append(copy)
    return out


def solve_apart(
    scenarios: list[Scenario],
    baselines: list[Mapping | None],
    settings: SolverSettings,
    clock: Clock,
    matrices: list[FitMatrix | None],
    effort: float,
) -> list[Result]:
    """Each programme solved alone, sharing `effort` by size."""
    sizes = [len(s.standard.ksbs) * len(s.programme.modules) for s in scenarios]
    out = []
    for scen, size, base, matrix in zip(scenarios, sizes, baselines, matrices, strict=True):
        mine = replace(settings, effort=effort * size / sum(sizes))
        out.append(solve(scen, baseline=base, settings=mine, clock=clock, matrix=matrix))
    return out


def within(result: Result, part: Scenario) -> bool:
    """The answer holds no more in each shared module than the programme's part of it."""
    return all(
        m.max_ksbs is None or len(result.mapping.get(m.code, [])) <= m.max_ksbs
        for m in part.programme.modules
    )


def fits(results: list[Result], scenarios: list[Scenario], rooms: dict[str, SharedRoom]) -> bool:
    """The mappings together fit every shared room."""
    for code, room in rooms.items():
        load = sum(len(r.mapping.get(code, [])) for r in results)
        if load > room.room:
            return False
    return True


def stages(results: list[Result]) -> dict[str, dict[str, object]]:
    """The programmes' stage figures summed: proved where every programme's was."""
    out: dict[str, dict[str, object]] = {}
    for result in results:
        for name, s in (result.solver.get("stages") or {}).items():
            into = out.setdefault(name, {"value": 0, "bound": 0, "proved": True, "effort": 0.0})
            into["value"] = int(str(into["value"])) + s["value"]
            into["bound"] = int(str(into["bound"])) + s["bound"]
            into["proved"] = bool(into["proved"]) and s["proved"]
            into["effort"] = round(float(str(into["effort"])) + s["effort"], 3)
    return out
