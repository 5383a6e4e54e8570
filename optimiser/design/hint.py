"""A first programme for the design search to start from (a hint, never a constraint).

Greedy and deterministic: each level is cut into modules of the largest sizes that make
120 credits (required modules first); each home group (a duty's or theme's KSBs) goes
whole, largest first, to the module with the most room left (split over the roomiest
modules only where no module can take it whole); cross-cutting KSBs fill in; each module
takes the allowed methods that evidence most of its KSBs. Where the hint satisfies every
rule the search starts from it, and with the cohesion bound of the model (each duty
costs at least one module) a programme that keeps every duty whole is proved best at
once. Where it breaks a rule, CP-SAT simply searches as it would without it.
"""

from __future__ import annotations

from optimiser.design.model import DesignModel
from optimiser.design.spec import CREDITS_PER_LEVEL, DesignSpec
from optimiser.outcomes.groups import home_groups


def _sizes(spec: DesignSpec, credits: int) -> list[int] | None:
    """Module sizes that sum to `credits`, fewest modules first (largest sizes first)."""
    sizes = sorted(set(spec.sizes), reverse=True)
    best: dict[int, list[int]] = {0: []}
    for total in range(1, credits + 1):
        options: list[list[int]] = [best[total - s] + [s] for s in sizes if total - s in best]
        if options:
            fewest = min(len(o) for o in options)
            best[total] = sorted(next(o for o in options if len(o) == fewest), reverse=True)
    return best.get(credits)


def add_hint(dm: DesignModel) -> bool:
    """Hint every decision of the model; False where no hint could be built."""
    spec = dm.spec
    codes = [k.code for k in spec.standard.ksbs]
    # (slot index, credits) per level: required slots first, then free slots by size
    plan: list[tuple[int, int]] = []
    for level in spec.levels:
        slots = dm.at(level)
        required = [s for s in slots if dm.slots[s].required is not None]
        free = [s for s in slots if dm.slots[s].required is None]
        left = CREDITS_PER_LEVEL - sum(
            next(iter(dm.slots[s].size)) for s in required if dm.slots[s].required
        )
        sizes = _sizes(spec, left) if left >= 0 else None
        if sizes is None or len(sizes) > len(free):
            return False
        plan += [(s, next(iter(dm.slots[s].size))) for s in required]
        plan += list(zip(free, sizes, strict=False))
    room = {s: spec.capacity(c) for s, c in plan}
    holds: dict[int, list[int]] = {s: [] for s, _ in plan}
    _, home = home_groups(spec.standard)
    members: dict[int, list[int]] = {}
    for k, code in enumerate(codes):
        members.setdefault(home.get(code, -1 - k), []).append(k)
    for _, ks in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        rest = list(ks)
        while rest:
            s = max(holds, key=lambda s: (room[s] - len(holds[s]), -s))
            free_room = max(room[s] - len(holds[s]), 1)
            holds[s] += rest[:free_room]
            rest = rest[free_room:]
    _order(dm, plan, holds)
    return True


def _order(dm: DesignModel, plan: list[tuple[int, int]], holds: dict[int, list[int]]) -> None:
    """Put the hinted modules in the slots' order (size, then load, descending), choose
    their methods, and hint every variable."""
    spec = dm.spec
    credits = dict(plan)
    chosen: dict[int, tuple[int, list[int]]] = {}
    for level in spec.levels:
        slots = dm.at(level)
        fixed = [s for s in slots if dm.slots[s].required is not None]
        for s in fixed:
            chosen[s] = (credits[s], holds[s])
        free = [s for s in slots if dm.slots[s].required is None]
        filled = sorted(
            ((credits[s], holds[s]) for s in free if s in credits),
            key=lambda ch: (-ch[0], -len(ch[1])),
        )
        for s, content in zip(free, filled, strict=False):
            chosen[s] = content
    table = spec.rules.evidence_table()
    ksbs = spec.standard.ksbs
    for s, slot in enumerate(dm.slots):
        size, ks = chosen.get(s, (0, []))
        dm.model.add_hint(slot.used, s in chosen)
        for c, var in slot.size.items():
            dm.model.add_hint(var, c == size)
        picked = list(slot.required.methods) if slot.required else []
        limit = max(spec.methods_per_module, len(picked))

        def evidences(name: str, k: int) -> bool:
            ksb = ksbs[k]
            allowed = ksb.assessable_by
            return ksb.kind in table.get(name, ()) and (allowed is None or name in allowed)

        while s in chosen and len(picked) < limit:
            open_ks = [k for k in ks if not any(evidences(m, k) for m in picked)]
            best, name = 0, ""
            for candidate in sorted(slot.methods):
                score = sum(evidences(candidate, k) for k in open_ks)
                if score > best:
                    best, name = score, candidate
            if best == 0:
                break
            picked.append(name)
        if s in chosen and not picked:
            picked = sorted(slot.methods)[:1]
        for name, var in slot.methods.items():
            dm.model.add_hint(var, name in picked)
        for k in range(len(ksbs)):
            dm.model.add_hint(dm.x[k][s], k in ks)
