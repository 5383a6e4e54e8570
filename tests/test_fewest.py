"""The repair search one programme and a portfolio share, on a model small enough to
know every answer: three groups, at most one of which can hold with `b`."""

from __future__ import annotations

from conftest import FAST
from ortools.sat.python import cp_model

from optimiser.explain.fewest import MAX_REPAIRS, fewest_dropped, repeat
from optimiser.explain.oracle import Context
from optimiser.result import Repair
from optimiser.settings import Clock, Effort


def ctx() -> Context:
    return Context(FAST, Clock(FAST.time_limit), Effort(FAST.search_effort))


def relaxable() -> tuple[cp_model.CpModel, dict[str, cp_model.IntVar]]:
    """Groups a, b, c: a and b cannot both hold, nor b and c."""
    model = cp_model.CpModel()
    lits = {g: model.new_bool_var(g) for g in ("a", "b", "c")}
    model.add(lits["a"] + lits["b"] <= 1)
    model.add(lits["b"] + lits["c"] <= 1)
    return model, lits


def test_the_fewest_groups_are_dropped_and_proved_fewest() -> None:
    model, lits = relaxable()
    found = fewest_dropped(model, lits, ctx(), [], ["a", "b"], None, None, lambda: 0)
    assert found is not None and found.drop == ["b"] and found.proved


def test_a_blocked_set_keeps_one_of_its_groups() -> None:
    model, lits = relaxable()
    found = fewest_dropped(model, lits, ctx(), [["b"]], ["a", "b"], None, None, lambda: 0)
    assert found is not None and sorted(found.drop) == ["a", "c"]


def test_the_second_stage_chooses_by_amounts_among_the_fewest() -> None:
    model, lits = relaxable()
    model.add(lits["a"] + lits["c"] <= 1)  # now two of the three must go

    def costly() -> object:  # keeping b or c costs
        return lits["b"] + lits["c"]

    found = fewest_dropped(model, lits, ctx(), [], None, None, None, costly)
    assert found is not None and sorted(found.drop) == ["b", "c"] and found.proved


def test_a_single_group_known_to_suffice_is_the_repair_without_a_first_stage() -> None:
    model, lits = relaxable()
    found = fewest_dropped(model, lits, ctx(), [], ["a", "b"], None, "b", lambda: 0)
    assert found is not None and found.drop == ["b"] and found.proved


def test_constraints_of_the_caller_hold_and_nothing_to_drop_is_no_repair() -> None:
    model, lits = relaxable()

    def keep_b() -> None:
        model.add(lits["b"] == 1)

    found = fewest_dropped(model, lits, ctx(), [], None, None, None, lambda: 0, keep_b)
    assert found is not None and sorted(found.drop) == ["a", "c"]
    free = cp_model.CpModel()
    alone = {"a": free.new_bool_var("a")}
    assert fewest_dropped(free, alone, ctx(), [], None, None, None, lambda: 0) is None


def test_repairs_repeat_until_none_is_left_or_enough_are_found() -> None:
    calls: list[tuple[int, float | None, str | None]] = []

    def next_repair(found: list[Repair], cap: float | None, single: str | None) -> Repair | None:
        calls.append((len(found), cap, single))
        return Repair([f"g{len(found)}"], "") if len(found) < 2 else None

    out = repeat(next_repair, ctx(), "g0")
    assert [r.drop for r in out] == [["g0"], ["g1"]]
    assert calls[0] == (0, None, "g0") and all(s is None and c for _, c, s in calls[1:])
    earlier = [Repair(["x"], "")]
    many = repeat(lambda found, cap, single: Repair(["y"], ""), ctx(), None, earlier)
    assert len(many) == MAX_REPAIRS and many[0] is earlier[0]
