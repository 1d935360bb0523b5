"""Reading a hand-written page: its lines (mis-decoded text repaired), its dates, and its sections."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class Note:
    """Something the importer reports about one line of the page (1-based)."""

    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


# --- mis-decoded text ----------------------------------------------------------------------------


def _cp1252_char(byte: int) -> str:
    """The character a byte shows as when UTF-8 is wrongly read as Windows-1252."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)  # the five bytes cp1252 leaves undefined show as C1 controls


_TAIL = "".join(re.escape(_cp1252_char(b)) for b in range(0x80, 0xC0))
_LEADS = (("\u00c2-\u00df", 1), ("\u00e0-\u00ef", 2), ("\u00f0-\u00f4", 3))
_MOJIBAKE = re.compile("|".join(f"[{lead}][{_TAIL}]{{{n}}}" for lead, n in _LEADS))


def _byte(char: str) -> int:
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return ord(char)


def fix_mojibake(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Text with UTF-8 that was read as Windows-1252 repaired (`â€˜` -> `‘`), and each repair."""
    repairs: list[tuple[str, str]] = []

    def repair(match: re.Match[str]) -> str:
        found = match.group(0)
        try:
            fixed = bytes(_byte(c) for c in found).decode("utf-8")
        except (UnicodeDecodeError, ValueError):
            return found
        repairs.append((found, fixed))
        return fixed

    return _MOJIBAKE.sub(repair, text), repairs


# --- dates -----------------------------------------------------------------------------------------

_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(
        rf"^{_WEEKDAY}(?P<month>[a-z]{{3,9}})\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}(?!\d)(?:(?:,\s*|\s+)(?P<year>\d{{4}})\b)?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^{_WEEKDAY}(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?(?P<month>[a-z]{{3,9}})\.?(?:,?\s+(?P<year>\d{{4}})\b)?",
        re.IGNORECASE,
    ),
)


@dataclass(frozen=True)
class WrittenDate:
    """A date as the page wrote it: the year may be missing."""

    month: int
    day: int
    year: int | None
    text: str  # as written, for messages
    rest: str  # what follows the date on its line


def parse_date(text: str) -> WrittenDate | None:
    """The date at the start of `text` ("November 3rd", "May 12 2020", "2023-10-11"), if any."""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text.strip())
        if match is None:
            continue
        month_text = match["month"]
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
        if month is None or not 1 <= month <= 12:
            continue
        year = int(match["year"]) if match["year"] else None
        return WrittenDate(
            month, int(match["day"]), year, match.group(0).strip(), text.strip()[match.end() :]
        )
    return None


def _real(year: int, written: WrittenDate) -> date | None:
    try:
        return date(year, written.month, written.day)
    except ValueError:
        return None


def show(day: date) -> str:
    return f"{_MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


# --- the page's structure -----------------------------------------------------------------------

_HEADING = re.compile(r"^ {0,3}(?P<marks>#{1,6})\s+(?P<text>.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(?P<text>.+)$")
_NEXT_EVENT = re.compile(r"^(?:upcoming|next)\s+(?:event|meeting|session)\b\s*[:\-–—]?\s*", re.IGNORECASE)
_THEME = re.compile(r"^\W*theme\s*[:\-–—]\s*", re.IGNORECASE)
_LABEL = re.compile(
    r"^[#*_\s]*(?P<label>topics?|agenda|(?:key\s+)?takeaways?|learnings?)\s*:?[*_\s]*$", re.IGNORECASE
)
_NOTE = re.compile(
    r"^(?:notes?\s*:|p\.?s\.?\s*:?|(?:drinks?|beverages?|food|snacks?|beers?|cocktails?|pizza)\b)",
    re.IGNORECASE,
)
_SOCIAL = re.compile(
    r"\b(?:happy\s+hour|live|in[-\s]person|brewery|brew\s*pub|meetup|get[-\s]together|dinner)\b",
    re.IGNORECASE,
)
_LIVE_SUFFIX = re.compile(r"\s+[-–—]\s+(?:live|in[-\s]person)\s*$", re.IGNORECASE)
_VENUE = re.compile(r"\bat\s+(?P<venue>[A-Z0-9].+?)\s*$")
_LEAN_COFFEE = re.compile(r"\blean\s*coffee\b", re.IGNORECASE)

_NAME = r"(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})"
_VERB = (
    r"(?:will\s+|to\s+)?(?:present(?:s|ed)?|share(?:s|d)?|guide(?:s|d)?|lead(?:s)?|led|talk(?:s|ed)?"
    r"|moderate(?:s|d)?|host(?:s|ed)?|kick(?:s|ed)?\s+off|launch(?:es|ed)?|facilitate(?:s|d)?"
    r"|speak(?:s)?|spoke|open(?:s|ed)?|walk(?:s|ed)?\s+us)\b"
)
_PRESENTER_PATTERNS = (
    re.compile(rf"^{_NAME},\s+(?P<affiliation>[^,]+?(?:,\s+[^,]+?)?),\s+{_VERB}"),
    re.compile(rf"^{_NAME},\s+(?P<affiliation>.+?)\s+{_VERB}"),
    re.compile(rf"^{_NAME}\s+{_VERB}"),
)
_NOT_A_NAME = frozenset(
    {"a", "an", "the", "our", "we", "this", "that", "every", "each", "some", "join", "please"}
)
_ABOUT = re.compile(r"\b(?:about|on|around)\s+(?P<subject>[^.;!?]+)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_QUOTES = "'\"‘’“”`"


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # trimmed, mojibake repaired


@dataclass
class _Block:
    """Lines of the page under one heading."""

    heading: Line | None
    level: int
    written: WrittenDate | None
    is_next: bool = False
    body: list[Line | None] = field(default_factory=list)  # None: a blank line
    extra: list[int] = field(default_factory=list)  # further lines the event uses


@dataclass(frozen=True)
class Presenter:
    name: str
    affiliation: str | None
    line: int
    sentence: str


def _affiliation(text: str | None) -> str | None:
    """'VP Product and Engineering at Serenity App' -> 'VP Product and Engineering, Serenity App'."""
    if not text:
        return None
    text = text.strip(" ,")
    for joint in (" at ", " of ", " with ", " from "):
        head, found, tail = text.rpartition(joint)
        if found and head and tail[:1].isupper():
            return f"{head.strip()}, {tail.strip()}"
    return text


def find_presenter(sentence: str, line: int) -> Presenter | None:
    """The person a sentence such as "Rob Pinna will present ..." names, with their affiliation."""
    for pattern in _PRESENTER_PATTERNS:
        match = pattern.match(sentence.strip())
        if match is None:
            continue
        name = match["name"]
        if name.split()[0].lower() in _NOT_A_NAME:
            continue
        affiliation = match.groupdict().get("affiliation")
        return Presenter(name, _affiliation(affiliation), line, sentence.strip())
    return None


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def clean_title(text: str) -> str:
    """A title without emphasis marks, surrounding quotes or a closing full stop."""
    text = re.sub(r"\s+", " ", text.replace("**", "").replace("__", "")).strip()
    for _ in range(2):
        text = text.strip(_QUOTES + " ")
        if text.endswith(".") and not text.endswith(".."):
            text = text[:-1]
    return text.strip()


def _lines(text: str) -> tuple[list[Line], list[Note]]:
    repaired: list[Note] = []
    lines = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        fixed, repairs = fix_mojibake(raw)
        for found, good in repairs:
            repaired.append(Note(number, f"repaired mis-decoded text {found!r} as {good!r}"))
        lines.append(Line(number, fixed.strip()))
    return lines, repaired


def _blocks(lines: Sequence[Line]) -> list[_Block]:
    """The page cut at its headings; a deeper heading inside an event stays in the event.

    A "Next event:" heading without a date announces the dated heading (or date line) after it.
    """
    blocks = [_Block(None, 0, None)]
    for line in lines:
        heading = _HEADING.match(line.text)
        current = blocks[-1]
        if heading is None:
            if current.is_next and current.written is None and line.text and not any(current.body):
                written = parse_date(line.text)  # "Next event:", then a line with the date
                if written is not None:
                    current.written = written
                    current.extra.append(line.number)
                    continue
            current.body.append(line if line.text else None)
            continue
        level, text = len(heading["marks"]), heading["text"]
        next_match = _NEXT_EVENT.match(text)
        if next_match:
            text = text[next_match.end() :]
        written = parse_date(text)
        if written is None and not next_match and current.written is not None and level > current.level:
            current.body.append(line)  # a sub-heading of the event, such as "Takeaways"
            continue
        announced = current.is_next and current.written is None and not any(current.body)
        block = _Block(line, level, written, is_next=bool(next_match) or (announced and written is not None))
        if announced and written is not None and current.heading is not None:
            blocks.pop()  # the announcement becomes part of the event it announces
            block.extra.append(current.heading.number)
        blocks.append(block)
    return blocks
