"""Drafted learning outcomes: one composite outcome per cluster of a module's KSBs.

"On successful completion of this module, you will be able to <verb> <object>": the verb
fits the module's level and the cluster's main kind (level 4: explain, apply, demonstrate;
level 5: analyse, evaluate and apply, demonstrate and justify); the object comes from the
cluster's duty (or theme) or from its KSBs' own words. Every draft is marked as one, to
edit. Outcomes a module already lists with KSBs are kept; only KSBs none of them carries
get drafts, numbered after them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from optimiser.instance import Instance
from optimiser.outcomes.clusters import Cluster, carried, module_clusters
from optimiser.outcomes.verbs import DRAFT_VERB, VAGUE, find, lead_verbs

STEM = "On successful completion of this module, you will be able to"
DRAFT_MARK = "[Draft] "


@dataclass
class ModuleOutcome:
    code: str
    text: str
    verb: str
    ksbs: list[str]
    #: a draft htq wrote (True), or the team's own outcome (False)
    draft: bool
    #: methods of the module that evidence every KSB the outcome carries
    methods: list[str]

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "text": self.text,
            "verb": self.verb,
            "ksbs": self.ksbs,
            "draft": self.draft,
            "methods": self.methods,
        }


def _clean(text: str, words: int = 22) -> str:
    """Lower-case first letter, no trailing full stop, at most `words` words."""
    text = re.sub(r"\s+", " ", text).strip().rstrip(".;:")
    parts = text.split(" ")
    if len(parts) > words:
        text = " ".join(parts[:words]).rstrip(",;:") + " …"
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def cluster_kind(inst: Instance, ks: list[int]) -> str:
    """What the outcome leads with: doing (any skill), else conduct (any behaviour with no
    knowledge), else knowing how (knowledge, or knowledge with behaviours)."""
    kinds = {inst.kind(k) for k in ks}
    if "skill" in kinds:
        return "skill"
    return "behaviour" if kinds == {"behaviour"} else "knowledge"


def _object(inst: Instance, cluster: Cluster, kind: str) -> str:
    """What the outcome is about, from the duty's or the KSBs' own words."""
    kinds = {inst.kind(k) for k in cluster.ksbs}
    if cluster.group is not None and cluster.group.kind == "duty" and cluster.group.text:
        duty = _clean(cluster.group.text)
        candidate = {
            "knowledge": f"the principles needed to {duty}",
            "skill": (
                f"the knowledge and techniques needed to {duty}"
                if "knowledge" in kinds
                else f"suitable techniques to {duty}"
            ),
            "behaviour": f"professional behaviours while you {duty}",
        }[kind]
        if kind != "behaviour" and "behaviour" in kinds:
            candidate += ", showing the professional behaviours the work calls for"
    else:
        texts = [_clean(inst.ksbs[k].text, 14) for k in cluster.ksbs[:2] if inst.ksbs[k].text]
        joined = "; and ".join(texts)
        candidate = {
            "knowledge": joined,
            "skill": f"the skills to {joined}",
            "behaviour": f"the behaviours of {joined}",
        }[kind]
        if cluster.group is not None:
            candidate = f"{candidate} (theme: {cluster.group.text})"
    codes = ", ".join(inst.ksbs[k].code for k in cluster.ksbs)
    if not candidate.strip() or find(candidate, VAGUE):
        where = f"duty {cluster.group.code}" if cluster.group else codes
        return f"what {where} of the standard requires in practice"
    return candidate


def draft_text(inst: Instance, level: int, cluster: Cluster) -> tuple[str, str]:
    kind = cluster_kind(inst, cluster.ksbs)
    verb = DRAFT_VERB[(level, kind)]
    return f"{DRAFT_MARK}{STEM} {verb} {_object(inst, cluster, kind)}.", verb


def module_outcomes(
    inst: Instance, mapping: dict[str, list[str]]
) -> dict[str, list[ModuleOutcome]]:
    """Every module's outcomes: its own (with KSBs) first, then drafts for its KSBs that
    none of them carries."""
    out: dict[str, list[ModuleOutcome]] = {}
    for j, module in enumerate(inst.modules):
        own = [o for o in module.structured_outcomes() if o.ksbs]
        listed: list[ModuleOutcome] = []
        for o in own:
            ks = [inst.k_index[c] for c in o.ksbs]
            methods = [
                m
                for m in module.assessments
                if all(m in inst.evidencing_methods(k, j) for k in ks)
            ]
            verbs = lead_verbs(o.text)
            listed.append(
                ModuleOutcome(
                    o.code,
                    o.text,
                    verbs[0] if verbs else "",
                    list(o.ksbs),
                    o.text.startswith(DRAFT_MARK),
                    methods,
                )
            )
        done = carried(own)
        left = [inst.k_index[c] for c in mapping.get(module.code, []) if c not in done]
        n = len(module.outcomes or [])
        for cluster in module_clusters(inst, j, left):
            n += 1
            text, verb = draft_text(inst, module.level, cluster)
            codes = [inst.ksbs[k].code for k in cluster.ksbs]
            listed.append(ModuleOutcome(f"LO{n}", text, verb, codes, True, cluster.methods))
        out[module.code] = listed
    return out
