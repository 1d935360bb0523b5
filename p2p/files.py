"""p2p.yaml and event files: strict loading with file:line errors, round-trip edits, atomic writes."""

from __future__ import annotations

import difflib
import fcntl
import io
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    NodeEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from p2p.errors import InputError, InputErrors, P2PError
from p2p.models import Event, Roundtable, Settings, login_key

SETTINGS_FILE = "p2p.yaml"
EVENTS_DIR = "events"
SCHEMA_COMMENT = "# yaml-language-server: $schema=schema.json"
MAX_BYTES = 1024 * 1024  # an event file is a page of text; anything larger is a mistake
MAX_DEPTH = 32  # nesting deeper than this is no event file
LOCK_TIMEOUT = 10.0  # seconds to wait for another command editing the same file

EVENT_FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*))?\.yaml$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Items of these lists are written one per line in flow style: `- {issue: 12, title: "...", votes: 7}`.
FLOW_ITEM_LISTS = frozenset({"agenda", "takeaways"})

Loc = tuple[str | int, ...]
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_TIMESTAMP = re.compile(
    r"""^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<sign>[-+])(?P<tzhour>[0-9]{1,2})(?::?(?P<tzminute>[0-9]{2}))?))?)?$""",
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- reading: bytes -> text -> plain data with the line of every key and item ---------------


class _Problems:
    """Errors found in one file, each at a line."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.errors: list[InputError] = []

    def add(self, line: int, message: str) -> None:
        self.errors.append(InputError(self.shown, line, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InputErrors(sorted(self.errors, key=lambda e: e.line))


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _decode(raw: bytes, problems: _Problems) -> str | None:
    """The file's text, or None after reporting why it is no text file for us."""
    if len(raw) > MAX_BYTES:
        problems.add(
            0, f"the file is too large ({len(raw):,} bytes; at most {MAX_BYTES:,}): is it the right file?"
        )
        return None
    if b"\x00" in raw:
        problems.add(0, "this is a binary file, not YAML text (it contains NUL bytes)")
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        problems.add(line, "the file is not UTF-8 text (save it as UTF-8)")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    control = _CONTROL.search(text)
    if control:
        problems.add(
            _line_of(text, control.start()),
            f"the file contains a control character (U+{ord(control.group()):04X}): is it a binary file?",
        )
        return None
    return text


def _read(path: Path, problems: _Problems) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refuse before reading it all
            problems.add(
                0, f"the file is too large ({size:,} bytes; at most {MAX_BYTES:,}): is it the right file?"
            )
            return None
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(0, "file not found")
        return None
    except IsADirectoryError:
        problems.add(0, "this is a folder, not a file")
        return None
    except OSError as error:
        problems.add(0, f"cannot read the file: {error.strerror or error}")
        return None
    return _decode(raw, problems)


def _yaml_problem(error: YAMLError, problems: _Problems, text: str) -> None:
    """A syntax error in an organizer's words, at its line."""
    if isinstance(error, MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        what = " ".join(part for part in (error.context, error.problem) if part)
        problems.add(line, f"YAML syntax error: {what or 'cannot parse this line'}")
        return
    position = getattr(error, "position", None)
    line = _line_of(text, position) if isinstance(position, int) else 0
    problems.add(line, f"YAML syntax error: {error}")


def _scan(text: str, problems: _Problems) -> bool:
    """Reject what strict loading forbids before anything is composed: anchors and aliases
    (an alias bomb expands exponentially), foreign tags, several documents, deep nesting."""
    yaml = YAML(typ="rt", pure=True)
    depth = 0
    documents = 0
    try:
        for event in yaml.parse(text):
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
                problems.add(
                    line,
                    "anchors and aliases (&name, *name) are not allowed: write the value out in full",
                )
                return False
            if isinstance(event, NodeEvent):
                tag = getattr(event, "tag", None)
                tag = getattr(tag, "value", tag)
                if tag is not None and tag not in _ALLOWED_TAGS and tag != "!":
                    problems.add(line, f"YAML tags such as {tag} are not allowed: write a plain value")
                    return False
            if isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    problems.add(line, "a second YAML document (---) in one file: keep one document per file")
                    return False
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    problems.add(line, f"nested more than {MAX_DEPTH} levels deep")
                    return False
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError as error:
        _yaml_problem(error, problems, text)
        return False
    return True


def _tag(node: Node) -> str:
    tag = node.tag
    return str(getattr(tag, "value", tag))


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0o", 8), ("0x", 16), ("0b", 2)):
        if digits.lower().startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits, 10)


def _float(text: str) -> float:
    lowered = text.lower().replace("_", "")
    if lowered in (".inf", "+.inf"):
        return float("inf")
    if lowered == "-.inf":
        return float("-inf")
    if lowered == ".nan":
        return float("nan")
    return float(lowered)


def parse_timestamp(text: str) -> date | datetime:
    """A YAML timestamp as written: a date, or a date and time (aware when an offset is given)."""
    match = _TIMESTAMP.match(text.strip())
    if match is None:
        raise ValueError(text)
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["hour"] is None:
        return date(year, month, day)
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    zone: timezone | None = None
    if match["tz"] == "Z":
        zone = UTC_ZONE
    elif match["tz"]:
        offset = timedelta(hours=int(match["tzhour"]), minutes=int(match["tzminute"] or 0))
        zone = timezone(-offset if match["sign"] == "-" else offset)
    return datetime(
        year,
        month,
        day,
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"]),
        int(fraction),
        tzinfo=zone,
    )


UTC_ZONE = timezone.utc  # noqa: UP017 - the name reads better next to the offsets above


class _Builder:
    """Plain Python data from composed YAML nodes, with the line of every key and item.

    Building from nodes (not ruamel's constructor) keeps YAML 1.2 core-schema meanings
    exactly: `17:00` and `NO` stay strings, and a timestamp keeps the offset it was written with.
    """

    def __init__(self, problems: _Problems) -> None:
        self.problems = problems
        self.lines: dict[Loc, int] = {}

    def build(self, node: Node, loc: Loc) -> Any:
        line = node.start_mark.line + 1
        self.lines.setdefault(loc, line)
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, ScalarNode):
                    self.problems.add(key_line, "a key must be a plain word such as `title`")
                    continue
                key = str(key_node.value)
                if key in first:
                    self.problems.add(key_line, f"duplicate key `{key}` (first at line {first[key]})")
                    continue
                first[key] = key_line
                self.lines[(*loc, key)] = key_line
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, index)) for index, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            return self.scalar(node, line)
        return None  # pragma: no cover - no other node kinds exist

    def scalar(self, node: ScalarNode, line: int) -> Any:
        tag = _tag(node)
        value = str(node.value)
        try:
            if tag == _CORE + "null":
                return None
            if tag == _CORE + "bool":
                return value.lower() == "true"
            if tag == _CORE + "int":
                return _int(value)
            if tag == _CORE + "float":
                return _float(value)
            if tag == _CORE + "timestamp":
                return parse_timestamp(value)
        except ValueError:
            self.problems.add(line, f"{value!r} is not a valid {tag.removeprefix(_CORE)} value")
            return value
        return value


def _parse(text: str, problems: _Problems) -> tuple[Any, dict[Loc, int]] | None:
    """Plain data and its lines, or None when the text is no valid YAML for us."""
    if not _scan(text, problems):
        return None
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except YAMLError as error:
        _yaml_problem(error, problems, text)
        return None
    except RecursionError:
        problems.add(0, f"nested more than {MAX_DEPTH} levels deep")
        return None
    if node is None:
        return None, {}
    builder = _Builder(problems)
    data = builder.build(node, ())
    return data, builder.lines


# --- validation: plain data -> models, errors mapped back to lines ----------------------------


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


def _did_you_mean(key: str, known: Sequence[str]) -> str:
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    if close:
        return f"did you mean `{lowered[close[0]]}`?"
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
    if name == "registered" and kind == "timezone_aware":
        return f"{where}: the time {_shown(value)} has no UTC offset: write it like 2023-09-01T10:00:00-06:00"
    if kind in ("datetime_type", "datetime_parsing", "datetime_from_date_parsing"):
        return f"{where} must be a date and time with a UTC offset, like 2023-09-01T10:00:00-06:00"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"{where} must be a date written YYYY-MM-DD, like 2024-05-15 (got {_shown(value)})"
    if kind == "literal_error":
        allowed = ctx.get("expected", "")
        allowed = str(allowed).replace("'", "").replace(" or ", ", ")
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
    if kind in ("int_type", "int_parsing", "int_from_float"):
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


def _validate(
    model: type[M], data: dict[str, Any], lines: Mapping[Loc, int], problems: _Problems
) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            problems.add(_line_for(tuple(detail["loc"]), lines), _message(detail, model))
        return None


# --- settings and events ----------------------------------------------------------------------


def _settings_from_text(text: str, problems: _Problems) -> Settings | None:
    parsed = _parse(text, problems)
    if parsed is None:
        return None
    data, lines = parsed
    if data is None:
        data = {}  # a p2p.yaml with comments only: every setting has its default
    if not isinstance(data, dict):
        problems.add(lines.get((), 1), "p2p.yaml must be a mapping of settings such as `name:`")
        return None
    if problems.errors:
        return None
    return _validate(Settings, data, lines, problems)


def load_settings(path: Path) -> Settings:
    """p2p.yaml, strictly (raises InputErrors)."""
    return _load_settings(path, str(path))


def _load_settings(path: Path, shown: str) -> Settings:
    problems = _Problems(shown)
    if not path.exists():
        problems.add(
            0,
            f"not found: this folder has no {SETTINGS_FILE}, so it is no roundtable repository "
            "(create it, run `p2p init`, or point --repo-dir at the repository)",
        )
        problems.raise_if_any()
    text = _read(path, problems)
    settings = _settings_from_text(text, problems) if text is not None else None
    problems.raise_if_any()
    assert settings is not None  # noqa: S101 - no errors means a model
    return settings


def _event_from_text(text: str, name: str, problems: _Problems) -> Event | None:
    """An event from its file's text; `name` is the file name, which gives the id."""
    match = EVENT_FILE_NAME.match(name)
    if match is None:
        problems.add(
            0,
            "an event file is named YYYY-MM-DD.yaml or YYYY-MM-DD-slug.yaml "
            "(slug: lowercase letters, digits and hyphens), like 2024-05-15.yaml",
        )
    parsed = _parse(text, problems)
    if parsed is None:
        return None
    data, lines = parsed
    if data is None:
        problems.add(1, "the file is empty: an event needs at least `date:` and `title:`")
        return None
    if not isinstance(data, dict):
        problems.add(lines.get((), 1), "an event file must be a mapping of keys such as `date:` and `title:`")
        return None
    if "id" in data:
        problems.add(
            lines[("id",)],
            f"`id` is not allowed: an event's id is its file name ({name.removesuffix('.yaml')})",
        )
        data = {k: v for k, v in data.items() if k != "id"}
    participants = data.get("participants")
    if isinstance(participants, list):
        seen: dict[str, int] = {}
        for index, entry in enumerate(participants):
            login = entry.get("github") if isinstance(entry, dict) else None
            if not isinstance(login, str):
                continue
            line = lines.get(("participants", index, "github"), 1)
            if login_key(login) in seen:
                problems.add(
                    line,
                    f"{login} is registered twice (also at line {seen[login_key(login)]}): "
                    "GitHub logins are case-insensitive; keep one entry",
                )
            else:
                seen[login_key(login)] = line
    if match is not None:
        try:
            named: date | None = date.fromisoformat(match["date"])
        except ValueError:
            named = None
            problems.add(0, f"the file name's date {match['date']} is not a real date")
        written = data.get("date")
        if (
            named is not None
            and isinstance(written, date)
            and not isinstance(written, datetime)
            and named != written
        ):
            problems.add(
                lines.get(("date",), 1),
                f"the file name says {named.isoformat()} but `date` is {written.isoformat()}: "
                "rename the file or fix the date",
            )
    event = _validate(Event, data, lines, problems)
    if event is None or problems.errors:
        return None
    return event.model_copy(update={"id": name.removesuffix(".yaml")})


def load_event(path: Path) -> Event:
    """One event file, strictly; its id is the file name without .yaml (raises InputErrors)."""
    return _load_event(path, str(path))


def _load_event(path: Path, shown: str) -> Event:
    problems = _Problems(shown)
    text = _read(path, problems)
    event = _event_from_text(text, path.name, problems) if text is not None else None
    problems.raise_if_any()
    assert event is not None  # noqa: S101 - no errors means a model
    return event


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def event_files(root: Path) -> list[Path]:
    """The event files of a roundtable: events/*.yaml, sorted by name."""
    folder = root / EVENTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".yaml" and not p.name.startswith("."))


def _collect(root: Path) -> tuple[Settings | None, list[Event], list[InputError]]:
    errors: list[InputError] = []
    settings: Settings | None = None
    try:
        settings = _load_settings(root / SETTINGS_FILE, SETTINGS_FILE)
    except InputErrors as failure:
        errors.extend(failure.errors)
    events: list[Event] = []
    folder = root / EVENTS_DIR
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix == ".yml" and not path.name.startswith("."):
                errors.append(
                    InputError(
                        _relative(path, root), 0, f"event files end in .yaml: rename it to {path.stem}.yaml"
                    )
                )
    for path in event_files(root):
        try:
            events.append(_load_event(path, _relative(path, root)))
        except InputErrors as failure:
            errors.extend(failure.errors)
    events.sort(key=lambda e: (e.date, e.id))
    return settings, events, errors


def load_roundtable(root: Path) -> Roundtable:
    """p2p.yaml and every events/*.yaml, oldest first; raises InputErrors holding every error."""
    settings, events, errors = _collect(root)
    if errors or settings is None:
        raise InputErrors(errors)
    return Roundtable(settings=settings, events=tuple(events))


def check(root: Path) -> list[InputError]:
    """Every error of p2p.yaml and the event files; empty when all are valid."""
    return _collect(root)[2]


# --- writing: atomic replacement under a lock --------------------------------------------------


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` at once: a temporary file in the same folder, synced, renamed
    into place, so a crash leaves either the old file or the new one, never half of one."""
    data = text.encode("utf-8")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # noqa: PTH101 - the temporary file is a str path
        os.replace(temporary, path)  # noqa: PTH105
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)  # noqa: PTH108
        raise
    with suppress(OSError):  # make the rename itself durable where the platform allows
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextmanager
def file_lock(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock for editing `path` (a sibling `.NAME.lock`, removed afterwards)."""
    lock_path = path.with_name(f".{path.name}.lock")
    deadline = time.monotonic() + timeout
    while True:
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise P2PError(
                            f"{path.name} is being edited by another p2p command; try again in a moment"
                        ) from None
                    time.sleep(0.01)
            try:  # the holder before us may have removed the lock file: lock the current one
                current = os.stat(lock_path).st_ino  # noqa: PTH116
            except FileNotFoundError:
                current = -1
        except BaseException:
            os.close(descriptor)
            raise
        if current == os.fstat(descriptor).st_ino:
            break
        os.close(descriptor)
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock_path)  # noqa: PTH108
        os.close(descriptor)


# --- round-trip edits ----------------------------------------------------------------------


class _Timestamp(str):
    """A time written as a plain YAML timestamp, e.g. 2024-05-01T10:00:00-06:00."""

    __slots__ = ()


def _represent_timestamp(representer: RoundTripRepresenter, data: _Timestamp) -> Any:
    return representer.represent_scalar(_CORE + "timestamp", str(data))


def _round_trip(*, mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line
    yaml.allow_unicode = True
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    yaml.representer.add_representer(_Timestamp, _represent_timestamp)
    return yaml


_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (2, 3, 1), (3, 5, 2))


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _yaml_like(text: str, data: Any) -> YAML:
    """A round-trip YAML whose indentation reproduces the file's own as closely as possible."""
    best: tuple[float, YAML] | None = None
    for mapping, sequence, offset in _INDENTS:
        yaml = _round_trip(mapping=mapping, sequence=sequence, offset=offset)
        yaml.explicit_start = text.lstrip().startswith("---") or None
        dumped = _dump(yaml, data)
        if dumped == text:
            return yaml
        ratio = difflib.SequenceMatcher(None, dumped.splitlines(), text.splitlines(), autojunk=False).ratio()
        if best is None or ratio > best[0]:
            best = (ratio, yaml)
    assert best is not None  # noqa: S101
    return best[1]


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    pairs: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            pairs[block.a + k] = block.b + k
    return pairs


def merge_lines(base: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    """Three-way merge of lines: apply the change base -> theirs to ours.

    `base` is the file as the YAML library writes it back unchanged, `ours` the file as its
    author wrote it, `theirs` the library's text after the edit: the result keeps every line
    the author wrote except where the edit itself lands.
    """
    to_ours = _matches(base, ours)
    to_theirs = _matches(base, theirs)
    result: list[str] = []
    i = o = t = 0
    while True:
        k = i
        while k < len(base) and not (
            k in to_ours and k in to_theirs and to_ours[k] >= o and to_theirs[k] >= t
        ):
            k += 1
        o_end = to_ours[k] if k < len(base) else len(ours)
        t_end = to_theirs[k] if k < len(base) else len(theirs)
        b_chunk, o_chunk, t_chunk = base[i:k], ours[o:o_end], theirs[t:t_end]
        if o_chunk in (b_chunk, t_chunk):
            result.extend(t_chunk)
        elif t_chunk == b_chunk:
            result.extend(o_chunk)
        else:  # both differ: the edit wins in this region
            result.extend(t_chunk)
        if k >= len(base):
            return result
        result.append(ours[o_end])
        i, o, t = k + 1, o_end + 1, t_end + 1


def _to_yaml(value: Any, *, flow: bool = False, key: str | None = None) -> Any:
    """Plain Python data as round-trip YAML nodes in the style the event format uses."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
    if isinstance(value, CommentedMap | CommentedSeq):
        return value
    if isinstance(value, Mapping):
        result = CommentedMap()
        for k, v in value.items():
            result[str(k)] = _to_yaml(v, flow=flow, key=str(k))
        if flow:
            result.fa.set_flow_style()
        else:
            result.fa.set_block_style()
        return result
    if isinstance(value, list | tuple):
        seq = CommentedSeq([_to_yaml(item, flow=key in FLOW_ITEM_LISTS, key=None) for item in value])
        seq.fa.set_block_style()
        return seq
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a time written to an event file needs a UTC offset")
        return _Timestamp(value.isoformat())
    if isinstance(value, str):
        if flow or key == "start":
            return DoubleQuotedScalarString(value)
        if "\n" in value:
            return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


class EventDocument:
    """An event file loaded for editing: changes keep comments, key order and quoting.

    `get` returns the live value; the methods below change the document in the file's style.
    """

    def __init__(self, data: CommentedMap) -> None:
        self.data = data

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def set(self, key: str, value: Any) -> None:
        """Replace a top-level key's value in place, or append the key at the end."""
        self.data[key] = _to_yaml(value, key=key)

    def delete(self, key: str) -> None:
        """Remove a top-level key, if present."""
        if key in self.data:
            del self.data[key]

    def _list(self, key: str, *, create: bool) -> CommentedSeq:
        value = self.data.get(key)
        if value is None or (isinstance(value, CommentedSeq) and not value and value.fa.flow_style()):
            if not create:
                raise P2PError(f"the event has no `{key}` entries")
            value = CommentedSeq()
            value.fa.set_block_style()
            self.data[key] = value
        if not isinstance(value, CommentedSeq):
            raise P2PError(f"`{key}` is not a list in the event file")
        return value

    def _item(self, key: str, item: Any) -> Any:
        return _to_yaml(item, flow=key in FLOW_ITEM_LISTS and isinstance(item, Mapping | BaseModel))

    def append(self, key: str, item: Any) -> None:
        """Append an item to a top-level list, creating the list if missing."""
        self._list(key, create=True).append(self._item(key, item))

    def replace(self, key: str, index: int, item: Any) -> None:
        self._list(key, create=False)[index] = self._item(key, item)

    def remove(self, key: str, index: int) -> None:
        del self._list(key, create=False)[index]

    def set_item_field(self, key: str, index: int, field: str, value: Any) -> None:
        """Set one key of a list item in place, e.g. participant 3's `cancelled`."""
        entry = self._list(key, create=False)[index]
        if not isinstance(entry, CommentedMap):
            raise P2PError(f"entry {index + 1} of `{key}` is not a mapping")
        entry[field] = _to_yaml(value, key=field)


def _check_event_text(text: str, path: Path) -> Event:
    problems = _Problems(str(path))
    event = _event_from_text(text, path.name, problems)
    problems.raise_if_any()
    assert event is not None  # noqa: S101
    return event


def _plain(text: str) -> Any:
    parsed = _parse(text, _Problems(""))
    return None if parsed is None else parsed[0]


def edit_event(path: Path, change: Callable[[EventDocument], T]) -> T:
    """Edit an event file in place under a lock, keeping the organizers' text.

    `change` edits the document (and may raise to refuse); the result must be a valid event
    file, else nothing is written. The file is written atomically, and only when it changed.
    """
    with file_lock(path):
        problems = _Problems(str(path))
        original = _read(path, problems)
        problems.raise_if_any()
        assert original is not None  # noqa: S101
        _check_event_text(original, path)
        yaml = _round_trip()
        data = yaml.load(original)
        yaml = _yaml_like(original, data)
        base = _dump(yaml, data)
        result = change(EventDocument(data))
        edited = _dump(yaml, data)
        if base == original:
            text = edited
        else:
            text = "\n".join(merge_lines(base.split("\n"), original.split("\n"), edited.split("\n")))
            if _plain(text) != _plain(edited):  # the merge must mean exactly what the edit means
                text = edited
        try:
            _check_event_text(text, path)
        except InputErrors as failure:
            raise InputErrors(
                [
                    InputError(e.path, e.line, f"the change would make the file invalid: {e.reason}")
                    for e in failure.errors
                ]
            ) from None
        if text != original:
            write_text_atomic(path, text)
        return result


def event_text(data: Mapping[str, Any]) -> str:
    """A new event file's text: the schema line, then the keys in the order given."""
    yaml = _round_trip()
    document = _to_yaml({k: v for k, v in data.items() if v is not None})
    return f"{SCHEMA_COMMENT}\n{_dump(yaml, document)}"


def create_event_file(path: Path, data: Mapping[str, Any], *, overwrite: bool = False) -> Event:
    """Write a new event file from plain data (validated first); refuses to overwrite unless told."""
    text = event_text(data)
    event = _check_event_text(text, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path):
        if path.exists() and not overwrite:
            raise P2PError(f"{path} already exists")
        write_text_atomic(path, text)
    return event
