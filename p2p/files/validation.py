"""Validation of plain data against the models, each error in plain English at its file's line,
with a "did you mean" for a misspelt key or value."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from p2p.files.reader import MAX_ERRORS, Loc, Parsed, Problems

M = TypeVar("M", bound=BaseModel)


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return None
        current = _inner_model(current.model_fields[part].annotation)
    return current


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [name for name, field in model.model_fields.items() if not field.exclude]


def _close(key: str, known: Sequence[str]) -> list[str]:
    """The known key an organizer most likely meant: a near spelling, or a shortening like `repo`."""
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    if not close and len(key) >= 3:
        close = [k for k in lowered if k.startswith(key.lower())][:1]
    return [lowered[k] for k in close]


def _did_you_mean(key: str, known: Sequence[str]) -> str:
    close = _close(key, known)
    if close:
        return f"did you mean `{close[0]}`?"
    return "allowed here: " + ", ".join(known)


def _where(loc: Loc) -> str:
    """`title`, or `github` of participants entry 3, in the file's own words."""
    if not loc:
        return "the file"
    last = loc[-1]
    if isinstance(last, int):
        return f"{loc[-2]} entry {last + 1}" if len(loc) >= 2 else f"entry {last + 1}"
    if len(loc) >= 3 and isinstance(loc[-2], int):
        return f"`{last}` of {loc[-3]} entry {loc[-2] + 1}"
    return f"`{last}`"


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if value is None:
        return "nothing"
    return str(value)


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    name = loc[-1] if loc and isinstance(loc[-1], str) else ""
    where = _where(loc)
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        known = _keys_of(parent) if parent is not None else []
        return f"unknown key `{name}`: {_did_you_mean(str(name), known)}"
    if kind == "missing":
        return f"{where} is missing (it is required)"
    if name == "start" and kind in ("string_type", "string_pattern_mismatch"):
        return f'`start` must be a time written HH:MM in quotes, like "17:00" (got {_shown(value)})'
    if name == "repository" and kind == "string_pattern_mismatch":
        return f"`repository` must be owner/name, like acme/roundtable (got {_shown(value)})"
    if name == "registered" and kind == "timezone_aware":
        return f"{where}: the time {_shown(value)} has no UTC offset: write it like 2023-09-01T10:00:00-06:00"
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return f"{where} must be a date and time with a UTC offset, like 2023-09-01T10:00:00-06:00"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"{where} must be a date written YYYY-MM-DD, like 2024-05-15 (got {_shown(value)})"
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        close = _close(str(value), allowed.split(", ")) if isinstance(value, str) else []
        if close:
            return f"{where}: unknown value {_shown(value)}: did you mean `{close[0]}`? (allowed: {allowed})"
        return f"{where}: unknown value {_shown(value)}; allowed: {allowed}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        limit = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        return f"{where} is out of range: it must be {bound} {limit} (got {_shown(value)})"
    if kind in ("int_type", "int_parsing", "int_from_float", "finite_number"):
        return f"{where} must be a whole number (got {_shown(value)})"
    if kind in ("bool_type", "bool_parsing"):
        return f"{where} must be true or false (got {_shown(value)})"
    if kind == "string_type":
        if value is None:
            return f"{where} has no value"
        return f"{where} must be text (got {_shown(value)}; put it in quotes)"
    if kind == "string_too_short":
        return f"{where} is empty"
    if kind in ("tuple_type", "list_type"):
        return f"{where} must be a list (got {_shown(value)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{where} must be a mapping of keys (got {_shown(value)})"
    if kind == "value_error":
        return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
    if kind == "string_pattern_mismatch":
        return f"{where}: {_shown(value)} is not in the expected form"
    return f"{where}: {error['msg']}"


def _line_for(loc: Loc, lines: Mapping[Loc, int]) -> int:
    for end in range(len(loc), -1, -1):
        line = lines.get(loc[:end])
        if line is not None:
            return line
    return 1


def validate(model: type[M], data: dict[str, Any], parsed: Parsed, problems: Problems) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = error.errors(include_url=False)
    # A misspelt key is reported once, as unknown with its hint, not also as a missing one.
    hinted: set[Loc] = set()
    unknown = [d for d in details if d["type"] == "extra_forbidden" and d["loc"]]
    for detail in unknown[:MAX_ERRORS]:  # hints only for the keys that can be reported
        loc = tuple(detail["loc"])
        parent = _model_at(model, loc[:-1])
        known = _keys_of(parent) if parent is not None else []
        hinted.update((*loc[:-1], k) for k in _close(str(loc[-1]), known))
    for detail in details:
        loc = tuple(detail["loc"])
        if any(loc[: len(bad)] == bad for bad in parsed.bad):
            continue
        if detail["type"] == "missing" and loc in hinted:
            continue
        if problems.full:  # counted without building a message nobody will read
            problems.dropped += 1
            continue
        problems.add(_line_for(loc, parsed.lines), _message(detail, model))
    return None
