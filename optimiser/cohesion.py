"""The cohesion criterion (duty spread) and the rows that let the solver bound it.

`touched[d, M]` says that duty d has a KSB in module M; the criterion is their sum. The
minimisation pushes each one down, so only lower bounds are written: one per KSB of the
duty (`touched ≥ x[k][M]`) and the rows below, none of which removes a mapping that the
stages before allow (each is a count any such mapping obeys).

The stage runs after fit/entries and balance are fixed, and what they fixed says much
about where KSBs can go:

* **room per module.** With the entries E fixed and the balance at most B, module M's
  imbalance |C·load_M − c_M·E| is at most B less the least imbalance of every other
  module, which bounds its load on both sides: at the defaults that is the floor or the
  ceiling of its share, far below its capacity.
* **one entry each.** Where E equals the number of KSBs, every KSB (each covered at
  least once) sits in exactly one module.
* **a duty's modules.** A duty's KSBs in M are at most `r[d, M]` = the least of its
  size, M's room and how many of them M can evidence; per coverage scope they must all
  sit somewhere, so Σ_M r[d, M]·touched[d, M] ≥ |d|, and, counted outright, the duty
  touches at least as many modules of the scope as the fewest whose r's reach |d|.

Measured on two-level programmes without module text (62 KSBs × 15 modules): the
duty-spread stage went from unproved (bound 50 at 5 units, 41 at the default share) to
proved with these rows; see the README for the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimiser.builder import Builder, LinExpr
from optimiser.instance import Instance


@dataclass
class Fixed:
    """What the stages before cohesion fixed: entries, and the balance at most this."""

    entries: int | None = None
    balance: int | None = None
    #: the stage's variables once made: (KSBs of the duty, module, touched)
    touched: list[tuple[list[int], int, cp_model.IntVar]] = field(default_factory=list)

    def hint(self, pairs: set[tuple[int, int]]) -> list[tuple[cp_model.IntVar, int]]:
        """The touched variables' values for a mapping: a whole hint, so that the
        stage starts from the mapping the stages before found."""
        return [(t, int(any((k, j) in pairs for k in ks))) for ks, j, t in self.touched]


def load_range(inst: Instance, entries: int, balance: int) -> list[tuple[int, int]]:
    """Per module, the loads a mapping with `entries` entries and balance at most
    `balance` (Σ_M |C·load_M − c_M·E|, C the total credits) can give it."""
    total = sum(m.credits for m in inst.modules)
    n = len(inst.ksbs)

    def dev(j: int, load: int) -> int:
        return abs(load * total - inst.modules[j].credits * entries)

    least = [min(dev(j, v) for v in range(n + 1)) for j in inst.M]
    spare = balance - sum(least)
    out = []
    for j in inst.M:
        ok = [v for v in range(n + 1) if dev(j, v) <= spare + least[j]]
        out.append((min(ok), max(ok)) if ok else (0, n))
    return out


def duties(inst: Instance) -> list[tuple[str, list[int]]]:
    """The duties the criterion counts: those with two or more KSBs."""
    return [(code, members) for code, members in inst.duties if len(members) > 1]


def fewest(sizes: list[int], need: int) -> int:
    """The fewest of `sizes` that add up to `need` (all of them where they cannot)."""
    total = 0
    for i, size in enumerate(sorted(sizes, reverse=True)):
        if total >= need:
            return i
        total += size
    return len(sizes)


def rooms(inst: Instance, fixed: Fixed) -> list[int]:
    """Each module's most KSBs under what the stages before fixed."""
    room = [min(c, len(inst.ksbs)) for c in inst.capacity]
    if fixed.entries is not None and fixed.balance is not None:
        for j, (_, hi) in enumerate(load_range(inst, fixed.entries, fixed.balance)):
            room[j] = min(room[j], hi)
    return room


def least_modules(
    inst: Instance, members: list[int], room: list[int]
) -> tuple[dict[int, int], int]:
    """r[M] (the duty's KSBs module M can hold) and the fewest modules the duty touches."""
    r = {
        j: min(len(members), room[j], sum(inst.assessable[k][j] for k in members)) for j in inst.M
    }
    need = max(fewest([r[j] for j in scope.modules], len(members)) for scope in inst.scopes)
    return r, need


def counting_bound(inst: Instance, fixed: Fixed) -> int:
    """A lower bound on the duty spread by counting alone: each duty touches at least
    the fewest modules of a scope that can hold all its KSBs."""
    room = rooms(inst, fixed)
    return sum(least_modules(inst, members, room)[1] for _, members in duties(inst))


def duty_spread(b: Builder, fixed: Fixed | None = None) -> LinExpr:
    """Σ over duties of the modules each duty touches, with the rows above."""
    inst = b.inst
    model = b.model
    fixed = fixed or Fixed()
    room = rooms(inst, fixed)
    if fixed.entries is not None and fixed.balance is not None:
        for j, (lo, hi) in enumerate(load_range(inst, fixed.entries, fixed.balance)):
            model.add(b.load(j) >= lo)
            model.add(b.load(j) <= hi)
    if fixed.entries is not None and fixed.entries == len(inst.ksbs):
        for k in inst.K:
            model.add(b.count(k) == 1)
    terms = []
    for code, members in duties(inst):
        r, need = least_modules(inst, members, room)
        touched = {}
        for j in inst.M:
            t = model.new_bool_var(f"duty[{code},{inst.modules[j].code}]")
            for k in members:
                model.add(t >= b.x[k][j])
            model.add(sum(b.x[k][j] for k in members) <= r[j] * t)
            touched[j] = t
            terms.append(t)
            fixed.touched.append((members, j, t))
        for scope in inst.scopes:
            model.add(sum(r[j] * touched[j] for j in scope.modules) >= len(members))
        if need > 1:
            for scope in inst.scopes:
                least = fewest([r[j] for j in scope.modules], len(members))
                model.add(sum(touched[j] for j in scope.modules) >= least)
    return sum(terms)
