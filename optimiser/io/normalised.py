"""Read a normalised standard file (one standard as JSON, KSB codes already assigned).

Shape::

    {"reference": "ST0116", "title": "...", "level": 4, "version": null,
     "ksbs": [{"code": "K1", "type": "knowledge", "text": "...", "source_id": "..."}],
     "duties": [{"code": "D1", "text": "...", "ksbs": ["K1", "S2"], "core": true}],
     "counts": {"knowledge": 12, "skill": 17, "behaviour": 9, "duties": 21},
     "source": "...", "...": "..."}

``type`` becomes the KSB's ``kind``. Provenance and bookkeeping keys (notes, source,
route, options, a duty's ``core``/``options``, a KSB's ``source_id``) are metadata for
the reader and are not part of the standard; they are ignored. ``counts``, where
given, must agree with the lists: a disagreement means a damaged file and is an
input error. Whitespace inside texts is normalised (runs collapse to one space).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models import Standard
from optimiser.errors import InputError, InputErrors
from optimiser.io.parse import read_json
from optimiser.io.validation import translate_validation

_KINDS = ("knowledge", "skill", "behaviour")


def read_normalised_standard(path: str | Path) -> Standard:
    """Read and validate one normalised standard file."""
    path = Path(path)
    file = str(path)
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError(file, "", "not a normalised standard: the top level must be an object")
    for key in ("reference", "ksbs"):
        if key not in data:
            raise InputError(file, key, "required key is missing")
    ksbs = _list(file, data, "ksbs")
    duties = _list(file, data, "duties") if data.get("duties") is not None else []
    out: dict[str, Any] = {
        "reference": data["reference"],
        "title": _text(file, data, "title", "title"),
        "level": data.get("level"),
        "version": _version(file, data),
        "ksbs": [_ksb(file, item, i) for i, item in enumerate(ksbs)],
        "duties": [_duty(file, item, i) for i, item in enumerate(duties)],
    }
    try:
        standard = Standard.model_validate(out)
    except ValidationError as exc:
        found = translate_validation(exc, path, None)
        first = found.errors[0] if isinstance(found, InputErrors) else found
        raise InputError(file, first.place, first.message) from None
    _check_counts(file, data, standard)
    return standard


def _list(file: str, data: dict[str, Any], key: str) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise InputError(file, key, f"must be a list (got {type(value).__name__})")
    return value


def _text(file: str, obj: dict[str, Any], key: str, place: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(file, place, f"must be text (got {type(value).__name__})")
    return " ".join(value.split())


def _version(file: str, data: dict[str, Any]) -> str | None:
    value = data.get("version")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InputError(file, "version", f"must be a version (got {type(value).__name__})")
    return str(value)


def _ksb(file: str, item: Any, i: int) -> dict[str, Any]:
    place = f"ksbs[{i}]"
    if not isinstance(item, dict):
        raise InputError(file, place, f"must be an object (got {type(item).__name__})")
    if "code" not in item:
        raise InputError(file, f"{place}.code", "required key is missing")
    out: dict[str, Any] = {
        "code": item["code"],
        "text": _text(file, item, "text", f"{place}.text"),
    }
    kind = item.get("type", item.get("kind"))
    if kind is not None:
        if kind not in _KINDS:
            raise InputError(
                file, f"{place}.type", f"must be knowledge, skill or behaviour (got {kind!r})"
            )
        out["kind"] = kind
    return out


def _duty(file: str, item: Any, i: int) -> dict[str, Any]:
    place = f"duties[{i}]"
    if not isinstance(item, dict):
        raise InputError(file, place, f"must be an object (got {type(item).__name__})")
    if "code" not in item:
        raise InputError(file, f"{place}.code", "required key is missing")
    ksbs = item.get("ksbs") or []
    if not isinstance(ksbs, list):
        raise InputError(file, f"{place}.ksbs", f"must be a list (got {type(ksbs).__name__})")
    return {"code": item["code"], "text": _text(file, item, "text", f"{place}.text"), "ksbs": ksbs}


def _check_counts(file: str, data: dict[str, Any], standard: Standard) -> None:
    counts = data.get("counts")
    if not isinstance(counts, dict):
        return
    actual = {kind: sum(1 for k in standard.ksbs if k.kind == kind) for kind in _KINDS}
    actual["duties"] = len(standard.duties)
    for key, value in counts.items():
        if key in actual and isinstance(value, int) and value != actual[key]:
            raise InputError(
                file,
                f"counts.{key}",
                f"says {value} but the file lists {actual[key]}; the file looks damaged",
            )
