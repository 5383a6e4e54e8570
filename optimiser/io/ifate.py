"""Import occupational standards from the public IfATE / Skills England API JSON.

The API gives each standard its knowledge, skill and behaviour statements as arrays
of ``{knowledgeId|skillId|behaviourId, detail}`` and its duties as
``{dutyId, dutyDetail, isThisACoreDuty, mappedKnowledge, mappedSkills, mappedBehaviour,
mappedOptions}`` where the ``mapped*`` lists hold the ids of KSBs. A file holds one
standard object or a list of them.

The import numbers the statements K1…, S1…, B1… in source order (the way the
published standard numbers them), normalises whitespace, numbers duties D1… in
source order and turns each duty's id links into KSB codes. Anything that cannot be
carried over faithfully (a link to an id that is not one of the standard's KSBs, a
statement with no text, ...) is listed in plain English in ``ImportResult.unresolved``;
facts worth keeping that the standard model has no field for (core or option duty,
where the reference came from) go to ``ImportResult.notes``.

Malformed input (not JSON, a missing ``knowledges`` or ``skills`` array, a value of
the wrong type) raises `InputError` naming the file and the place, e.g.
``standards.json: [3].skills[2].detail: must be text (got 5)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from models import KSB, Duty, Standard, kind_of_code
from models.rules import Kind
from optimiser.errors import InputError, key_path
from optimiser.io.parse import read_json

#: (array key, id key, code prefix, kind) for the three kinds of statement.
_ARRAYS: tuple[tuple[str, str, str, Kind], ...] = (
    ("knowledges", "knowledgeId", "K", "knowledge"),
    ("skills", "skillId", "S", "skill"),
    ("behaviours", "behaviourId", "B", "behaviour"),
)
#: Duty link arrays, with the kind their ids are expected to name.
_LINKS: tuple[tuple[str, Kind], ...] = (
    ("mappedKnowledge", "knowledge"),
    ("mappedSkills", "skill"),
    ("mappedBehaviour", "behaviour"),
)
_REFERENCE_KEYS = ("referenceNumber", "reference", "standardReference", "standardCode")
_VERSION_KEYS = ("version", "versionNumber")
_DUTY_ID_KEYS = ("dutyId", "dutyID", "dutyid")


@dataclass
class ImportResult:
    """One imported standard and what the import could not carry over."""

    standard: Standard
    #: Plain-English problems: links to unknown ids, statements without text, ...
    unresolved: list[str] = field(default_factory=list)
    #: Plain-English facts the standard model has no field for (core/option duties, ...).
    notes: list[str] = field(default_factory=list)
    #: Position of the standard in the file (0 for a file holding one object).
    index: int = 0
    lars_code: str | None = None
    #: Source id (GUID) of each KSB code, for tracing back to the API.
    source_ids: dict[str, str] = field(default_factory=dict)


def normalise_text(text: str) -> str:
    """Collapse runs of whitespace (including line breaks and no-break spaces) to one space."""
    return " ".join(text.split())


def import_standards(path: str | Path, reference: str | None = None) -> list[ImportResult]:
    """Import every standard in an API JSON file, or only those `reference` selects.

    `reference` matches a standard's reference number (``ST0116``), its LARS code
    (``339`` or ``LARS339``), its ``standardUId`` or its title (case and spacing
    ignored). Selecting nothing is an input error that lists what the file holds.
    """
    path = Path(path)
    entries, places = _read_entries(path)
    selected = list(range(len(entries)))
    if reference is not None:
        selected = _select(path, entries, reference)
    return [_import_one(path, entries[i], places[i], i) for i in selected]


def import_standard(path: str | Path, reference: str | None = None) -> ImportResult:
    """Import exactly one standard: the file's only one, or the one `reference` selects."""
    path = Path(path)
    results = import_standards(path, reference)
    if len(results) != 1:
        entries, _ = _read_entries(path)
        listing = _listing(entries)
        what = "the file holds" if reference is None else f"{reference!r} matches"
        raise InputError(
            str(path),
            "",
            f"{what} {len(results)} standards; choose one with a reference, LARS code "
            f"or title: {listing}",
        )
    return results[0]


def write_standard_yaml(
    standard: Standard, path: str | Path, comments: Sequence[str] = ()
) -> None:
    """Write `standard` as a standard YAML file that `load_standard` reads back equal.

    `comments` (for example an import's notes and unresolved items) are written as
    ``#`` lines at the top, where they are kept for the reader and ignored by htq.
    """
    data: dict[str, Any] = {"reference": standard.reference, "title": standard.title}
    if standard.level is not None:
        data["level"] = standard.level
    if standard.version is not None:
        data["version"] = standard.version
    ksbs: list[dict[str, Any]] = []
    for k in standard.ksbs:
        item: dict[str, Any] = {"code": k.code, "text": k.text}
        if kind_of_code(k.code) != k.kind:
            item["kind"] = k.kind
        if k.assessable_by is not None:
            item["assessable_by"] = list(k.assessable_by)
        if k.themes is not None:
            item["themes"] = list(k.themes)
        ksbs.append(item)
    data["ksbs"] = ksbs
    if standard.duties:
        data["duties"] = [
            {"code": d.code, "text": d.text, "ksbs": list(d.ksbs)} for d in standard.duties
        ]
    header = "".join(f"# {line}\n" for c in comments for line in c.splitlines() or [""])
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1_000_000)
    Path(path).write_text(header + body, encoding="utf-8")


# --- reading ---------------------------------------------------------------------------


def _read_entries(path: Path) -> tuple[list[Any], list[str]]:
    """The standard objects of the file and the key path of each."""
    data = read_json(path)
    if isinstance(data, dict):
        for key in ("standards", "results", "items"):
            if "knowledges" not in data and isinstance(data.get(key), list):
                return _check_objects(path, data[key], key)
        return [data], [""]
    if isinstance(data, list):
        return _check_objects(path, data, "")
    raise InputError(
        str(path),
        "",
        f"not an IfATE standard file: the top level must be a standard object or a list "
        f"of them (got {_type_name(data)})",
    )


def _check_objects(path: Path, items: list[Any], key: str) -> tuple[list[Any], list[str]]:
    if not items:
        raise InputError(str(path), key, "the file holds no standards")
    places = [f"{key}[{i}]" for i in range(len(items))]
    for item, place in zip(items, places, strict=True):
        if not isinstance(item, dict):
            raise InputError(
                str(path), place, f"must be a standard object (got {_type_name(item)})"
            )
    return items, places


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _text_field(path: Path, obj: dict[str, Any], key: str, place: str) -> str | None:
    """A text value (None where absent or null); numbers are not text."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(str(path), place, f"must be text (got {_type_name(value)})")
    return value


def _id_field(path: Path, obj: dict[str, Any], keys: Sequence[str], place: str) -> str | None:
    for key in keys:
        if key in obj and obj[key] is not None:
            value = obj[key]
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise InputError(
                    str(path), key_path(place, key), f"must be an id (got {_type_name(value)})"
                )
            return str(value).strip()
    return None


def _reference_of(entry: dict[str, Any]) -> str | None:
    for key in _REFERENCE_KEYS:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _lars_of(entry: dict[str, Any]) -> str | None:
    value = entry.get("larsCode")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = str(value).strip()
    return text if text and text != "0" else None


def _title_of(entry: dict[str, Any]) -> str:
    value = entry.get("title")
    return normalise_text(value) if isinstance(value, str) else ""


def _listing(entries: list[Any], limit: int = 12) -> str:
    items = []
    for entry in entries[:limit]:
        ref = _reference_of(entry)
        lars = _lars_of(entry)
        label = ref or (f"LARS {lars}" if lars else "no reference")
        items.append(f"{label} ({_title_of(entry) or 'untitled'})")
    more = f" and {len(entries) - limit} more" if len(entries) > limit else ""
    return "; ".join(items) + more


def _select(path: Path, entries: list[Any], wanted: str) -> list[int]:
    key = normalise_text(wanted).casefold()
    lars_key = key.removeprefix("lars").strip()
    matches: list[int] = []
    for i, entry in enumerate(entries):
        candidates = {_title_of(entry).casefold()}
        ref = _reference_of(entry)
        if ref:
            candidates.add(ref.casefold())
        uid = entry.get("standardUId")
        if isinstance(uid, str):
            candidates.add(uid.strip().casefold())
        lars = _lars_of(entry)
        if key in candidates or (lars is not None and lars_key == lars.casefold()):
            matches.append(i)
    if not matches:
        has_refs = any(_reference_of(e) for e in entries)
        hint = (
            ""
            if has_refs
            else " (the file gives no reference numbers: choose by LARS code or title)"
        )
        raise InputError(
            str(path),
            "",
            f"no standard in the file matches {wanted!r}{hint}; it holds: {_listing(entries)}",
        )
    return matches


def _import_one(path: Path, entry: dict[str, Any], base: str, index: int) -> ImportResult:
    unresolved: list[str] = []
    notes: list[str] = []

    title = _text_field(path, entry, "title", key_path(base, "title"))
    title = normalise_text(title or "")
    lars = _lars_of(entry)
    if "larsCode" in entry and entry["larsCode"] is not None and lars is None:
        value = entry["larsCode"]
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InputError(
                str(path), key_path(base, "larsCode"), f"must be a code (got {_type_name(value)})"
            )
    level = _level(path, entry, base)
    version = _version(path, entry, base)
    reference = _reference_of(entry)
    for key in _REFERENCE_KEYS:
        if key in entry and entry[key] is not None and not isinstance(entry[key], str):
            raise InputError(
                str(path), key_path(base, key), f"must be text (got {_type_name(entry[key])})"
            )
    if reference is None:
        if lars is not None:
            reference = f"LARS{lars}"
            notes.append(
                f"The file gives no reference number for this standard; it is called "
                f"{reference} after its LARS code. Replace it with the ST reference if known."
            )
        else:
            reference = f"IMPORTED{index + 1}"
            notes.append(
                f"The file gives neither a reference number nor a LARS code; the standard "
                f"is called {reference}."
            )

    ksbs, by_id, source_ids = _statements(path, entry, base, unresolved)
    if not ksbs:
        raise InputError(
            str(path),
            key_path(base, "knowledges"),
            "the standard has no knowledge, skill or behaviour statements",
        )
    duties = _duties(path, entry, base, by_id, ksbs, unresolved, notes)
    try:
        standard = Standard(
            reference=reference,
            title=title,
            level=level,
            version=version,
            ksbs=ksbs,
            duties=duties,
        )
    except ValidationError as exc:  # pragma: no cover - the import builds valid codes
        raise InputError(str(path), base, str(exc)) from None
    return ImportResult(
        standard=standard,
        unresolved=unresolved,
        notes=notes,
        index=index,
        lars_code=lars,
        source_ids=source_ids,
    )


def _level(path: Path, entry: dict[str, Any], base: str) -> int | None:
    value = entry.get("level")
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(
            str(path), key_path(base, "level"), "must be a whole number (got true/false)"
        )
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InputError(
        str(path), key_path(base, "level"), f"must be a whole number (got {_type_name(value)})"
    )


def _version(path: Path, entry: dict[str, Any], base: str) -> str | None:
    for key in _VERSION_KEYS:
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise InputError(
                str(path), key_path(base, key), f"must be a version (got {_type_name(value)})"
            )
        text = str(value).strip()
        if text:
            return text
    return None


def _statements(
    path: Path, entry: dict[str, Any], base: str, unresolved: list[str]
) -> tuple[list[KSB], dict[str, str], dict[str, str]]:
    """The KSBs in source order, id -> code, and code -> id."""
    ksbs: list[KSB] = []
    by_id: dict[str, str] = {}
    source_ids: dict[str, str] = {}
    for array, id_key, prefix, kind in _ARRAYS:
        place = key_path(base, array)
        if array not in entry:
            if array == "behaviours":
                continue
            raise InputError(str(path), place, "required key is missing")
        items = entry[array]
        if items is None and array == "behaviours":
            continue
        if not isinstance(items, list):
            raise InputError(str(path), place, f"must be a list (got {_type_name(items)})")
        for j, item in enumerate(items):
            item_place = key_path(place, j)
            if not isinstance(item, dict):
                raise InputError(
                    str(path), item_place, f"must be an object (got {_type_name(item)})"
                )
            code = f"{prefix}{j + 1}"
            if "detail" not in item:
                raise InputError(
                    str(path), key_path(item_place, "detail"), "required key is missing"
                )
            detail = _text_field(path, item, "detail", key_path(item_place, "detail"))
            text = normalise_text(detail or "")
            if not text:
                unresolved.append(
                    f"{code} has no text in the source ({key_path(item_place, 'detail')})."
                )
            source_id = _id_field(path, item, (id_key, "id"), item_place)
            if source_id:
                if source_id in by_id:
                    unresolved.append(
                        f"{code} has the same source id as {by_id[source_id]}; duty links to "
                        f"that id are read as {by_id[source_id]}."
                    )
                else:
                    by_id[source_id] = code
                source_ids[code] = source_id
            ksbs.append(KSB(code=code, text=text, kind=kind))
    return ksbs, by_id, source_ids


def _duties(
    path: Path,
    entry: dict[str, Any],
    base: str,
    by_id: dict[str, str],
    ksbs: list[KSB],
    unresolved: list[str],
    notes: list[str],
) -> list[Duty]:
    place = key_path(base, "duties")
    items = entry.get("duties")
    if items is None:
        return []
    if not isinstance(items, list):
        raise InputError(str(path), place, f"must be a list (got {_type_name(items)})")
    order = {k.code: i for i, k in enumerate(ksbs)}
    kind_of = {k.code: k.kind for k in ksbs}
    option_names = _option_names(path, entry, base)
    duties: list[Duty] = []
    for i, item in enumerate(items):
        duty_place = key_path(place, i)
        if not isinstance(item, dict):
            raise InputError(str(path), duty_place, f"must be an object (got {_type_name(item)})")
        code = f"D{i + 1}"
        detail = _text_field(path, item, "dutyDetail", key_path(duty_place, "dutyDetail"))
        if detail is None:
            detail = _text_field(path, item, "detail", key_path(duty_place, "detail"))
        text = normalise_text(detail or "")
        if not text:
            unresolved.append(f"Duty {code} has no text in the source ({duty_place}).")
        _id_field(path, item, _DUTY_ID_KEYS, duty_place)
        linked: list[str] = []
        for key, kind in _LINKS:
            links = item.get(key)
            if links is None:
                continue
            link_place = key_path(duty_place, key)
            if not isinstance(links, list):
                raise InputError(
                    str(path), link_place, f"must be a list of ids (got {_type_name(links)})"
                )
            for j, link in enumerate(links):
                if isinstance(link, bool) or not isinstance(link, str | int):
                    raise InputError(
                        str(path),
                        key_path(link_place, j),
                        f"must be an id (got {_type_name(link)})",
                    )
                target = by_id.get(str(link).strip())
                if target is None:
                    unresolved.append(
                        f"Duty {code} links {kind} id {str(link).strip()!r} "
                        f"({key_path(link_place, j)}), which is not among the standard's KSBs; "
                        "the link was left out."
                    )
                    continue
                if kind_of[target] != kind:
                    notes.append(
                        f"Duty {code} lists {target} under {key} although {target} is a "
                        f"{kind_of[target]}; the link was kept."
                    )
                if target not in linked:
                    linked.append(target)
        linked.sort(key=order.__getitem__)
        _duty_notes(path, item, duty_place, code, option_names, notes)
        duties.append(Duty(code=code, text=text, ksbs=linked))
    return duties


def _option_names(path: Path, entry: dict[str, Any], base: str) -> dict[str, str]:
    """Option id -> title, where the file lists the standard's options as objects."""
    options = entry.get("options")
    names: dict[str, str] = {}
    if not isinstance(options, list):
        return names
    for option in options:
        if isinstance(option, dict):
            oid = option.get("optionId") or option.get("id")
            title = option.get("title") or option.get("name")
            if isinstance(oid, str | int) and isinstance(title, str):
                names[str(oid).strip()] = normalise_text(title)
    return names


def _duty_notes(
    path: Path,
    item: dict[str, Any],
    place: str,
    code: str,
    option_names: dict[str, str],
    notes: list[str],
) -> None:
    core = item.get("isThisACoreDuty")
    if core is not None and (isinstance(core, bool) or not isinstance(core, int | str)):
        raise InputError(
            str(path),
            key_path(place, "isThisACoreDuty"),
            f"must be 1/0 or true/false (got {_type_name(core)})",
        )
    options = item.get("mappedOptions")
    if options is not None and not isinstance(options, list):
        raise InputError(
            str(path),
            key_path(place, "mappedOptions"),
            f"must be a list of ids (got {_type_name(options)})",
        )
    is_core = core is None or str(core).strip().lower() in ("1", "true", "yes")
    if is_core and not options:
        return
    named = [option_names.get(str(o).strip(), "") for o in options or []]
    if options and all(named):
        which = " for the option(s) " + ", ".join(named)
    elif options:
        which = f" for {len(options)} option(s) the file does not name"
    else:
        which = ""
    kind = "a core duty" if is_core else "an option duty (not core)"
    notes.append(f"Duty {code} is {kind}{which}.")
