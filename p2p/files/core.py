"""p2p.yaml and event files: strict loading with file:line errors, round-trip edits, atomic writes."""

from __future__ import annotations

import codecs
import difflib
import fcntl
import io
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from p2p.errors import InputError, InputErrors, P2PError
from p2p.models import Event, Roundtable, Settings, login_key

SETTINGS_FILE = "p2p.yaml"
EVENTS_DIR = "events"
SCHEMA_COMMENT = "# yaml-language-server: $schema=schema.json"
MAX_BYTES = 1024 * 1024  # an event file is a page of text; anything larger is a mistake
MAX_DEPTH = 32  # nesting deeper than this is no event file
MAX_ERRORS = 50  # per file: beyond this, more messages help nobody
LOCK_TIMEOUT = 10.0  # seconds to wait for another command editing the same file

EVENT_FILE_NAME = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?:-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*))?\.yaml$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Items of these lists are written one per line in flow style: `- {issue: 12, title: "...", votes: 7}`.
FLOW_ITEM_LISTS = frozenset({"agenda", "takeaways"})
# Items of these lists that hold only this key are written as a plain string.
STRING_ITEM_LISTS = {"takeaways": "text", "topics": "title"}

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
        self.dropped = 0  # beyond MAX_ERRORS: counted, not kept

    @property
    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS - 1  # the last place says what was left out

    def add(self, line: int, message: str, *, last: bool = False) -> None:
        """Keep the first MAX_ERRORS messages (and the one that says reading stopped)."""
        if self.full and not last:
            self.dropped += 1
            return
        self.errors.append(InputError(self.shown, line, message))

    def raise_if_any(self) -> None:
        if self.errors:
            errors = sorted(self.errors, key=lambda e: e.line)
            if self.dropped:
                errors.append(
                    InputError(
                        self.shown, errors[-1].line, f"and {self.dropped} more error(s): fix these first"
                    )
                )
            raise InputErrors(errors)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _decode(raw: bytes, problems: _Problems) -> str | None:
    """The file's text, or None after reporting why it is no text file for us."""
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
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)  # never more: an absurd file is refused, not read
            size = max(os.fstat(handle.fileno()).st_size, len(raw))
    except FileNotFoundError:
        problems.add(0, "file not found")
        return None
    except IsADirectoryError:
        problems.add(0, "this is a folder, not a file")
        return None
    except OSError as error:
        problems.add(0, f"cannot read the file: {error.strerror or error}")
        return None
    if size > MAX_BYTES:
        problems.add(
            0, f"the file is too large ({size:,} bytes; at most {MAX_BYTES:,}): is it the right file?"
        )
        return None
    return _decode(raw, problems)


# The parser's words for the mistakes people make by hand, and what to do instead: (words in the
# parser's problem, the message; {opened} is the line where a quote or bracket opens, {char} the
# character found). The first match wins.
_SYNTAX_HINTS = (
    ("'\\t'", "a tab character: indent and separate with spaces, not tabs"),
    (
        "mapping values are not allowed here",
        'a value containing `: ` must be in quotes, like title: "Hiring: what works"; '
        "if this line holds a key, indent it like the keys above it",
    ),
    (
        "cannot start any token",
        'a value cannot start with {char}: put the whole value in quotes, like "{char}..."',
    ),
    (
        "but found '<scalar>'",
        "text after the end of a value: a value that starts with a quote, [ or { must be quoted "
        'as a whole, like title: "[draft] Hiring"',
    ),
    (
        "expected <block end>",
        "this line is indented differently from the lines above it: "
        "line up list entries (- ...) and keys under each other",
    ),
    (
        "could not find expected ':'",
        "expected `key: value` here: add the missing `:`, or indent the lines of a | text block "
        "under their key",
    ),
    (
        "expected ',' or ']'",
        "a list written [ ... ] that opens at line {opened} does not read: close it with ], and put "
        "entries holding `: ` or `,` in quotes",
    ),
    (
        "expected ',' or '}'",
        "a mapping written { ... } that opens at line {opened} does not read: close it with }, and put "
        "values holding `: ` or `,` in quotes",
    ),
    ("end of stream", "a quoted value is never closed: its quote opens at line {opened}"),
    (
        "sequence entries are not allowed here",
        "a list entry (- ...) where a value was expected: start the list on the next line, indented, "
        "or put the value in quotes",
    ),
)
# Problems found only once the parser reaches the next line: the line at fault is where the
# unfinished thing started.
_AT_CONTEXT = ("could not find expected ':'",)


def _yaml_problem(error: YAMLError, problems: _Problems, text: str) -> None:
    """A syntax error in an organizer's words, at its line."""
    if not isinstance(error, MarkedYAMLError):
        position = getattr(error, "position", None)
        line = _line_of(text, position) if isinstance(position, int) else 0
        problems.add(line, f"YAML syntax error: {error}")
        return
    problem = error.problem or "cannot read this line"
    context = error.context_mark
    opened = context.line + 1 if context is not None else 0
    mark = error.problem_mark or context
    line = mark.line + 1 if mark is not None else 0
    if context is not None and any(words in problem for words in _AT_CONTEXT):
        line = opened
    hint = next((message for words, message in _SYNTAX_HINTS if words in problem), None)
    if hint is not None and (opened or "{opened}" not in hint):
        char = problem.partition("'")[2].partition("'")[0]
        hint = hint.replace("{opened}", str(opened)).replace("{char}", char)
        problems.add(line, f"YAML syntax error: {hint}")
        return
    what = problem
    if error.context:
        what += f" ({error.context}"
        if opened and opened != line:
            what += f", which started at line {opened}"
        what += ")"
    problems.add(line, f"YAML syntax error: {what}")


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
        zone = UTC
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


_SKIP = object()  # a value read but not kept: the value of a duplicate or unusable key


@dataclass
class _Frame:
    """A mapping or list being read, where it sits, and (for a mapping) the key awaiting its value."""

    value: Any  # dict, list, or _SKIP for one read only to be dropped
    loc: Loc
    key: Any = None  # None: the next scalar is a key
    first: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Parsed:
    data: Any
    lines: dict[Loc, int]
    bad: frozenset[Loc] = frozenset()


class _Reader:
    """Plain data and the line of every key and item, built straight from YAML parse events.

    Strict loading rejects, before anything is composed, what it forbids: anchors and aliases
    (an alias bomb expands exponentially), foreign tags, several documents, deep nesting.
    Building from events (not ruamel's constructor) keeps YAML 1.2 core-schema meanings
    exactly: `17:00` and `NO` stay strings, and a timestamp keeps the offset it was written with.
    """

    def __init__(self, yaml: YAML, problems: _Problems) -> None:
        self.resolver = yaml.resolver
        self.problems = problems
        self.lines: dict[Loc, int] = {}
        self.bad: set[Loc] = set()  # values already reported; validation says nothing more of them
        self.stack: list[_Frame] = []
        self.documents = 0
        self.root: Any = None

    def read(self, events: Iterator[Any]) -> bool:
        for event in events:
            line = event.start_mark.line + 1 if event.start_mark is not None else 0
            if self.problems.full:
                self.problems.add(
                    line, "too many errors: stopped reading here; fix the ones above first", last=True
                )
                return False
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
                self.problems.add(
                    line, "anchors and aliases (&name, *name) are not allowed: write the value out in full"
                )
                return False
            if isinstance(event, DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.problems.add(
                        line, "a second YAML document (---) in one file: keep one document per file"
                    )
                    return False
            elif isinstance(event, ScalarEvent | CollectionStartEvent):
                tag = _explicit_tag(event)
                if tag is not None and tag not in _ALLOWED_TAGS:
                    shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
                    self.problems.add(line, f"YAML tags such as {shown} are not allowed: write a plain value")
                    return False
                if isinstance(event, ScalarEvent):
                    self.scalar(event, line)
                else:
                    if len(self.stack) >= MAX_DEPTH:
                        self.problems.add(line, f"nested more than {MAX_DEPTH} levels deep")
                        return False
                    self.start(event, line)
            elif isinstance(event, CollectionEndEvent):
                frame = self.stack.pop()
                self.done(frame.value)
        return True

    def place(self, line: int) -> Loc | None:
        """Where the value starting at `line` goes; None when it is a key, or dropped."""
        if not self.stack:
            self.lines[()] = line
            return ()
        parent = self.stack[-1]
        if parent.value is _SKIP:
            return None
        if isinstance(parent.value, list):
            loc = (*parent.loc, len(parent.value))
            self.lines[loc] = line
            return loc
        if parent.key is None or parent.key is _SKIP:
            return None
        return (*parent.loc, parent.key)

    def start(self, event: Any, line: int) -> None:
        loc = self.place(line)
        parent = self.stack[-1] if self.stack else None
        if loc is None and parent is not None and isinstance(parent.value, dict) and parent.key is None:
            self.problems.add(line, "a key must be a plain word such as `title`")
            parent.key = _SKIP
        container: Any = {} if isinstance(event, MappingStartEvent) else []
        self.stack.append(_Frame(container if loc is not None else _SKIP, loc or ()))

    def scalar(self, event: ScalarEvent, line: int) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.value, dict) and parent.key is None:
            key = str(event.value)
            if key in parent.first:
                self.problems.add(line, f"duplicate key `{key}` (first at line {parent.first[key]})")
                parent.key = _SKIP
                return
            parent.first[key] = line
            parent.key = key
            self.lines[(*parent.loc, key)] = line
            return
        loc = self.place(line)
        self.done(self.value(event, line, loc) if loc is not None else _SKIP)

    def done(self, value: Any) -> None:
        """A value is complete: hand it to the mapping or list it belongs to."""
        if not self.stack:
            self.root = value
            return
        parent = self.stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(value)
        elif isinstance(parent.value, dict):
            if parent.key is not _SKIP and value is not _SKIP:
                parent.value[parent.key] = value
            parent.key = None

    def value(self, event: ScalarEvent, line: int, loc: Loc) -> Any:
        tag = _explicit_tag(event)
        if tag is None:
            tag = _tag_text(self.resolver.resolve(ScalarNode, event.value, event.implicit))
        text = str(event.value)
        try:
            if tag == _CORE + "null":
                return None
            if tag == _CORE + "bool":
                return text.lower() == "true"
            if tag == _CORE + "int":
                return _int(text)
            if tag == _CORE + "float":
                return _float(text)
            if tag == _CORE + "timestamp":
                return parse_timestamp(text)
        except ValueError:
            kind = {"timestamp": "date or time", "int": "whole number", "float": "number"}
            self.problems.add(line, f"{text} is not a real {kind.get(tag.removeprefix(_CORE), 'value')}")
            self.bad.add(loc)
            return text
        return text


def _tag_text(tag: Any) -> str:
    return tag if isinstance(tag, str) else str(getattr(tag, "value", tag))


def _explicit_tag(event: Any) -> str | None:
    """A tag written in the file (`!!str`, `!foo`), or None where the value's form decides."""
    tag = getattr(event, "ctag", None) or getattr(event, "tag", None)
    if tag is None:
        return None
    text = _tag_text(tag)
    return None if text == "!" else text


def _parse(text: str, problems: _Problems) -> _Parsed | None:
    """Plain data and its lines, or None when the text is no valid YAML for us."""
    yaml = YAML(typ="rt", pure=True)
    reader = _Reader(yaml, problems)
    try:
        if not reader.read(yaml.parse(text)):
            return None
    except YAMLError as error:
        _yaml_problem(error, problems, text)
        return None
    return _Parsed(reader.root, reader.lines, frozenset(reader.bad))


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


def _validate(model: type[M], data: dict[str, Any], parsed: _Parsed, problems: _Problems) -> M | None:
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


# --- settings and events ----------------------------------------------------------------------


def _report_twice(logins: Iterable[tuple[Any, int]], twice: str, problems: _Problems) -> None:
    """Each login (with its line) written a second time, in any case."""
    first: dict[str, int] = {}
    for login, line in logins:
        if not isinstance(login, str):
            continue
        if login_key(login) in first:
            problems.add(
                line,
                f"{login} {twice} (also at line {first[login_key(login)]}): "
                "GitHub logins are case-insensitive; keep one entry",
            )
        else:
            first[login_key(login)] = line


def _settings_from_text(text: str, problems: _Problems) -> Settings | None:
    parsed = _parse(text, problems)
    if parsed is None:
        return None
    data, lines = parsed.data, parsed.lines
    if data is None:
        data = {}  # a p2p.yaml with comments only: every setting has its default
    if not isinstance(data, dict):
        problems.add(lines.get((), 1), "p2p.yaml must be a mapping of settings such as `name:`")
        return None
    organizers = data.get("organizers")
    if isinstance(organizers, list):
        logins = ((login, lines.get(("organizers", index), 1)) for index, login in enumerate(organizers))
        _report_twice(logins, "is an organizer twice", problems)
    if problems.errors:
        return None
    return _validate(Settings, data, parsed, problems)


def load_settings(path: Path, *, shown: str | None = None) -> Settings:
    """p2p.yaml, strictly (raises InputErrors naming the file as `shown`, by default its path)."""
    problems = _Problems(str(path) if shown is None else shown)
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
    data, lines = parsed.data, parsed.lines
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
        logins = (
            (entry.get("github"), lines.get(("participants", index, "github"), 1))
            for index, entry in enumerate(participants)
            if isinstance(entry, dict)
        )
        _report_twice(logins, "is registered twice", problems)
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
    event = _validate(Event, data, parsed, problems)
    if event is None or problems.errors:
        return None
    return event.model_copy(update={"id": name.removesuffix(".yaml")})


def load_event(path: Path, *, shown: str | None = None) -> Event:
    """One event file, strictly; its id is the file name without .yaml (raises InputErrors naming
    the file as `shown`, by default its path)."""
    problems = _Problems(str(path) if shown is None else shown)
    text = _read(path, problems)
    event = _event_from_text(text, path.name, problems) if text is not None else None
    problems.raise_if_any()
    assert event is not None  # noqa: S101 - no errors means a model
    return event


def relative_path(path: Path, root: Path) -> str:
    """How a file is named in messages: relative to the roundtable's folder when inside it."""
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
        settings = load_settings(root / SETTINGS_FILE, shown=SETTINGS_FILE)
    except InputErrors as failure:
        errors.extend(failure.errors)
    events: list[Event] = []
    folder = root / EVENTS_DIR
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.suffix == ".yml" and not path.name.startswith("."):
                errors.append(
                    InputError(
                        relative_path(path, root),
                        0,
                        f"event files end in .yaml: rename it to {path.stem}.yaml",
                    )
                )
    for path in event_files(root):
        try:
            events.append(load_event(path, shown=relative_path(path, root)))
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


def _cannot_write(path: Path, error: OSError) -> P2PError:
    return P2PError(f"{path}: cannot write the file: {error.strerror or error}")


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` at once: a temporary file in the same folder, synced, renamed
    into place, so a crash leaves either the old file or the new one, never half of one."""
    try:
        replace_file(path, text.encode("utf-8"))
    except OSError as error:
        raise _cannot_write(path, error) from None


def replace_file(path: Path, data: bytes) -> None:
    """The atomic replacement of `write_text_atomic`, raising the OSError for the caller to name."""
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
        Path(temporary).replace(path)
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
def file_lock(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock for editing `path` (a sibling `.NAME.lock`, removed afterwards)."""
    lock_path = path.with_name(f".{path.name}.lock")
    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    while True:
        try:
            descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise _cannot_write(path, error) from None
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


_INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (4, 8, 4), (4, 6, 2), (2, 3, 1), (3, 5, 2))


def _dump(yaml: YAML, data: Any) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _yaml_styles(text: str, data: Any) -> list[YAML]:
    """Round-trip YAMLs with the indentations an author may have used, closest to `text` first."""
    ranked: list[tuple[float, int, YAML]] = []
    for rank, (mapping, sequence, offset) in enumerate(_INDENTS):
        yaml = _round_trip(mapping=mapping, sequence=sequence, offset=offset)
        yaml.explicit_start = text.lstrip().startswith("---") or None
        dumped = _dump(yaml, data)
        ratio = difflib.SequenceMatcher(None, dumped.splitlines(), text.splitlines(), autojunk=False).ratio()
        ranked.append((-ratio, rank, yaml))
    return [yaml for _, _, yaml in sorted(ranked, key=lambda r: (r[0], r[1]))]


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
        elif b_chunk and t_chunk[: len(b_chunk)] == b_chunk:  # the edit adds lines after the author's
            result.extend(o_chunk + t_chunk[len(b_chunk) :])
        elif b_chunk and t_chunk[len(t_chunk) - len(b_chunk) :] == b_chunk:  # or before them
            result.extend(t_chunk[: len(t_chunk) - len(b_chunk)] + o_chunk)
        elif len(b_chunk) == len(o_chunk) == len(t_chunk):  # line for line: each line merges alone
            result.extend(
                t if o == b else o if t == b else t for b, o, t in zip(b_chunk, o_chunk, t_chunk, strict=True)
            )
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


def _set_key(mapping: CommentedMap, key: str, value: Any) -> None:
    """Set a key; a new key goes last, before the blank lines and comments that closed the mapping."""
    last = next(reversed(mapping), None) if len(mapping) else None
    new = key not in mapping
    mapping[key] = value
    if not new or last is None:
        return
    tokens = mapping.ca.items.get(last)
    if not tokens or len(tokens) < 3 or tokens[2] is None:
        return
    token = tokens[2]
    end_of_line, _, rest = str(token.value).partition("\n")
    if not rest:
        return
    if end_of_line:
        token.value = end_of_line + "\n"
    else:
        tokens[2] = None
    mapping.ca.items[key] = [None, None, CommentToken("\n" + rest, CommentMark(0), None), None]


def _closing_slot(node: Any) -> tuple[dict[Any, list[Any]], Any, int] | None:
    """Where the YAML library keeps the blank lines and comments after a block list's or
    mapping's last line: the comment slot of its deepest last key or item."""
    while isinstance(node, CommentedMap | CommentedSeq) and len(node) and not node.fa.flow_style():
        last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        value = node[last]
        if isinstance(value, CommentedMap | CommentedSeq) and len(value) and not value.fa.flow_style():
            node = value
            continue
        return node.ca.items, last, 2 if isinstance(node, CommentedMap) else 0
    return None


def _append_item(items: CommentedSeq, item: Any) -> None:
    """Append to a block list, before the blank lines and comments that close it: from the first
    blank line, or the first comment left of the entries, they belong to what follows the list."""
    before = _closing_slot(items)
    items.append(item)
    after = _closing_slot(items)
    if before is None or after is None:
        return
    comments, last, position = before
    token = (comments.get(last) or [None] * 4)[position]
    if token is None:
        return
    end_of_line, _, rest = str(token.value).partition("\n")
    lines = rest.splitlines(keepends=True)
    column = items.lc.col or 0
    split = next(
        (i for i, line in enumerate(lines) if not line.strip() or len(line) - len(line.lstrip()) < column),
        len(lines),
    )
    if split == len(lines):
        return
    kept = "".join(lines[:split])
    comments[last][position] = (
        CommentToken(f"{end_of_line}\n{kept}", token.start_mark, None) if (end_of_line or kept) else None
    )
    moved = CommentToken("\n" + "".join(lines[split:]), CommentMark(0), None)
    new_comments, new_last, new_position = after
    new_comments.setdefault(new_last, [None] * 4)[new_position] = moved


class EventDocument:
    """An event file loaded for editing: changes keep comments, key order and quoting.

    `event` is the file as validated when the lock was taken (typed values, e.g. `registered`
    as an aware datetime); `get` returns the live YAML value; the methods below change the
    document in the file's style.
    """

    def __init__(self, data: CommentedMap, event: Event) -> None:
        self.data = data
        self.event = event

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def set(self, key: str, value: Any) -> None:
        """Replace a top-level key's value in place, or append the key at the end."""
        if isinstance(value, list | tuple):
            items = CommentedSeq([self._item(key, item) for item in value])
            items.fa.set_block_style()
            self.data[key] = items
        else:
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
        if isinstance(item, BaseModel):
            item = item.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
        # A takeaway or a seeded topic that is only its text is written as a plain string.
        if isinstance(item, Mapping) and key in STRING_ITEM_LISTS and list(item) == [STRING_ITEM_LISTS[key]]:
            item = item[STRING_ITEM_LISTS[key]]
        return _to_yaml(item, flow=key in FLOW_ITEM_LISTS and isinstance(item, Mapping))

    def append(self, key: str, item: Any) -> None:
        """Append an item to a top-level list, creating the list if missing."""
        _append_item(self._list(key, create=True), self._item(key, item))

    def replace(self, key: str, index: int, item: Any) -> None:
        self._list(key, create=False)[index] = self._item(key, item)

    def remove(self, key: str, index: int) -> None:
        del self._list(key, create=False)[index]

    def set_item_field(self, key: str, index: int, field: str, value: Any) -> None:
        """Set one key of a list item in place, e.g. participant 3's `cancelled`."""
        entry = self._list(key, create=False)[index]
        if not isinstance(entry, CommentedMap):
            raise P2PError(f"entry {index + 1} of `{key}` is not a mapping")
        _set_key(entry, field, _to_yaml(value, key=field))


def _check_event_text(text: str, path: Path) -> Event:
    problems = _Problems(str(path))
    event = _event_from_text(text, path.name, problems)
    problems.raise_if_any()
    assert event is not None  # noqa: S101
    return event


def _meaning(text: str) -> tuple[bool, Any]:
    """What a text means as plain data (False when it does not parse)."""
    parsed = _parse(text, _Problems(""))
    return (False, None) if parsed is None else (True, parsed.data)


def _edited_text(
    original: str, data: CommentedMap, event: Event, change: Callable[[EventDocument], T]
) -> tuple[str, T]:
    """Apply `change` and return the new text, keeping every line of `original` the edit does not touch.

    The YAML library writes a whole document back in one style; a three-way merge of its
    output before and after the change onto the original keeps what the author wrote. Files
    mixing indentation styles are merged in the style closest to the part that changes.
    """
    styles = _yaml_styles(original, data)
    bases = [_dump(yaml, data) for yaml in styles]
    result = change(EventDocument(data, event))
    fallback: str | None = None
    for yaml, base in zip(styles, bases, strict=True):
        edited = _dump(yaml, data)
        if base == original:
            return edited, result
        fallback = fallback or edited
        merged = "\n".join(merge_lines(base.split("\n"), original.split("\n"), edited.split("\n")))
        if merged == original or _meaning(merged) == (True, _meaning(edited)[1]):
            return merged, result
    assert fallback is not None  # noqa: S101
    return fallback, result


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
        event = _check_event_text(original, path)
        data = _round_trip().load(original)
        text, result = _edited_text(original, data, event, change)
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
            # Write back in the file's own line endings and byte-order mark.
            raw = path.read_bytes()
            newline = "\r\n" if b"\r\n" in raw else "\n"
            mark = "\ufeff" if raw.startswith(codecs.BOM_UTF8) else ""
            write_text_atomic(path, mark + text.replace("\n", newline))
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _cannot_write(path, error) from None
    with file_lock(path):
        if path.exists() and not overwrite:
            raise P2PError(f"{path} already exists")
        write_text_atomic(path, text)
    return event
