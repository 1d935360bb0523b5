"""Strict YAML reading: bytes to plain data with the line of every key and item, and syntax errors
in an organizer's words at their line."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
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

from p2p.errors import InputError, InputErrors

MAX_BYTES = 1024 * 1024  # an event file is a page of text; anything larger is a mistake
MAX_DEPTH = 32  # nesting deeper than this is no event file
MAX_ERRORS = 50  # per file: beyond this, more messages help nobody

Loc = tuple[str | int, ...]

CORE_TAG = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    CORE_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
_TIMESTAMP = re.compile(
    r"""^(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})
    (?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})
    (?:\.(?P<fraction>[0-9]*))?
    (?:[ \t]*(?P<tz>Z|(?P<sign>[-+])(?P<tzhour>[0-9]{1,2})(?::?(?P<tzminute>[0-9]{2}))?))?)?$""",
    re.VERBOSE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Problems:
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
                        self.shown,
                        errors[-1].line,
                        f"and {self.dropped} more {'error' if self.dropped == 1 else 'errors'}: "
                        "fix these first",
                    )
                )
            raise InputErrors(errors)


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _decode(raw: bytes, problems: Problems) -> str | None:
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


def read_text(path: Path, problems: Problems) -> str | None:
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


def _yaml_problem(error: YAMLError, problems: Problems, text: str) -> None:
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
class Parsed:
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

    def __init__(self, yaml: YAML, problems: Problems) -> None:
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
                    shown = "!!" + tag.removeprefix(CORE_TAG) if tag.startswith(CORE_TAG) else tag
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
            if tag == CORE_TAG + "null":
                return None
            if tag == CORE_TAG + "bool":
                return text.lower() == "true"
            if tag == CORE_TAG + "int":
                return _int(text)
            if tag == CORE_TAG + "float":
                return _float(text)
            if tag == CORE_TAG + "timestamp":
                return parse_timestamp(text)
        except ValueError:
            kind = {"timestamp": "date or time", "int": "whole number", "float": "number"}
            self.problems.add(line, f"{text} is not a real {kind.get(tag.removeprefix(CORE_TAG), 'value')}")
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


def parse_yaml(text: str, problems: Problems) -> Parsed | None:
    """Plain data and its lines, or None when the text is no valid YAML for us."""
    yaml = YAML(typ="rt", pure=True)
    reader = _Reader(yaml, problems)
    try:
        if not reader.read(yaml.parse(text)):
            return None
    except YAMLError as error:
        _yaml_problem(error, problems, text)
        return None
    return Parsed(reader.root, reader.lines, frozenset(reader.bad))
