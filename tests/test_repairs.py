"""Repairs a programme team would make: new assessment methods go where the modules' own
content teaches the KSBs; an impact's repair first undoes the change that caused it; each
suggestion names the setting as the user typed it. Every repair is re-checked by the
independent checker, never by the explainer's own model."""

from __future__ import annotations

from conftest import SCENARIOS, solve_fast
from independent import holds

from optimiser.instance import Instance
from optimiser.io.load import load_scenario
from optimiser.solve import fit_of

INFEASIBLE = SCENARIOS / "hnc-cyber-security-infeasible.yaml"


def test_new_methods_go_to_the_modules_whose_content_teaches_the_ksbs() -> None:
    """On the shipped online HNC, each KSB a method repair moves goes to the module whose
    text fits it best among those that cannot evidence it yet (and that no earlier
    repair already gave a method); the repaired programme holds."""
    scenario = load_scenario(INFEASIBLE)
    inst = Instance(scenario)
    fit = fit_of(inst)
    assert fit is not None, "the shipped modules have text"
    result = solve_fast(scenario)
    assert result.status == "infeasible"
    method_repairs = [r for r in result.repairs if r.new_methods]
    assert method_repairs, result.repairs
    taken: set[str] = set()
    for repair in method_repairs:
        assert set(repair.placed) == set(repair.new_methods)
        for module, ksbs in repair.placed.items():
            assert f"add a practical assessment to {module}" in repair.suggestion
            for code in ksbs:
                k = inst.k_index[code]
                open_ = [
                    m.code
                    for j, m in enumerate(inst.modules)
                    if not inst.assessable[k][j] and m.code not in taken
                ]
                best = max(open_, key=lambda m: fit.score(code, m))
                assert module == best, (code, module, best)
        # the independent checker: with the methods added, the programme has a mapping
        trial = scenario.model_copy(deep=True)
        for m in trial.programme.modules:
            if m.code in repair.placed:
                m.assessments = [*m.assessments, "practical"]
        assert holds(trial)
        assert not holds(scenario)
        taken |= set(repair.new_methods)
