"""Importing a hand-written roundtable page: its history as event files, with every guess reported.

A real page is written by people over years: dates with and without a year, ordinal
suffixes, themes on the heading or on the next line, presenters in a sentence, topics as
bullets or one per line, drinks and venues, text mis-decoded on its way through an editor.
`parse_page` reads such a page into event data and notes every judgement it had to make,
with the line it came from; every line that is not part of an event is reported too, so
nothing is silently dropped. It is pure: text in, data out.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from p2p.files.edit import SCHEMA_COMMENT, event_text
from p2p.models import Event

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

TITLE_MAX = 120  # a first line longer than this is a paragraph, not a title
TOPIC_MAX = 100  # lines longer than this are sentences of a description, not topics


@dataclass(frozen=True)
class Note:
    """Something the importer reports about one line of the page (1-based)."""

    line: int
    text: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.text}"


@dataclass
class ImportedEvent:
    """One event read from the page: its file data, the lines it used and the guesses it took."""

    line: int
    data: dict[str, Any]
    lines: list[int] = field(default_factory=list)
    guesses: list[Note] = field(default_factory=list)
    slug: str | None = None

    @property
    def date(self) -> date:
        value = self.data["date"]
        assert isinstance(value, date)  # noqa: S101 - set by the parser
        return value

    @property
    def id(self) -> str:
        return self.date.isoformat() + (f"-{self.slug}" if self.slug else "")

    def guess(self, line: int, text: str) -> None:
        self.guesses.append(Note(line, text))


@dataclass(frozen=True)
class PageImport:
    """What a page gave: its events (oldest first) and the lines that are no event."""

    events: tuple[ImportedEvent, ...]
    skipped: tuple[Note, ...]

    @property
    def guesses(self) -> tuple[Note, ...]:
        return tuple(sorted((g for e in self.events for g in e.guesses), key=lambda g: g.line))


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


# --- one event from its block -----------------------------------------------------------------


def _event(block: _Block) -> ImportedEvent:
    assert block.heading is not None and block.written is not None  # noqa: S101
    heading = block.heading
    imported = ImportedEvent(line=heading.number, data={}, lines=sorted([heading.number, *block.extra]))
    title = clean_title(_THEME.sub("", block.written.rest.lstrip(" :,.-–—")))
    title_line = heading.number if title else 0
    body = [line for line in block.body if line is not None]
    if not title and body and _reads_as_title(body[0]):
        title, title_line = clean_title(_THEME.sub("", body[0].text)), body[0].number
        imported.lines.append(body[0].number)
        body = body[1:]

    topics, takeaways, notes, paragraphs = _sort_lines(block, {line.number for line in body}, imported)
    presenters = [
        found
        for paragraph in paragraphs
        for line in paragraph
        for sentence in _sentences(line.text)
        if (found := find_presenter(sentence, line.number))
    ]
    presenters = [p for i, p in enumerate(presenters) if p.name not in {q.name for q in presenters[:i]}]

    # Several short lines in one paragraph, none naming a presenter: one topic per line.
    if (
        not topics
        and len(paragraphs) == 1
        and len(paragraphs[0]) >= 2
        and all(len(line.text) <= TOPIC_MAX for line in paragraphs[0])
        and not any(p.line in {line.number for line in paragraphs[0]} for p in presenters)
    ):
        topics = [clean_title(line.text) for line in paragraphs[0]]
        start, end = paragraphs[0][0].number, paragraphs[0][-1].number
        imported.guess(start, f"read lines {start}-{end} as the event's topics, one per line")
        paragraphs = []
    description = "\n\n".join("\n".join(line.text for line in p) for p in paragraphs)
    if not title:
        title, title_line = _derive_title(imported, presenters, paragraphs, topics)
    event_format, title, location = _format(
        imported, title, title_line or heading.number, description, presenters
    )
    for presenter in presenters:
        shown = presenter.name + (f" ({presenter.affiliation})" if presenter.affiliation else "")
        imported.guess(presenter.line, f"took {shown} as a presenter, from {presenter.sentence!r}")

    imported.data = {
        "date": None,  # set once the year is known
        "title": title,
        "format": event_format,
        "location": location,
        "description": description or None,
        "presenters": [
            {"name": p.name, **({"affiliation": p.affiliation} if p.affiliation else {})} for p in presenters
        ]
        or None,
        "topics": topics or None,
        "takeaways": takeaways or None,
        "notes": "\n".join(notes) or None,
    }
    return imported


def _reads_as_title(line: Line) -> bool:
    """A "Theme:" line, or a short first line that is no list item, note, label or presenter sentence."""
    if _THEME.match(line.text):
        return True
    return (
        len(line.text) <= TITLE_MAX
        and not _BULLET.match(line.text)
        and not _NOTE.match(line.text)
        and not _LABEL.match(line.text)
        and find_presenter(line.text, line.number) is None
    )


def _sort_lines(
    block: _Block, kept: set[int], imported: ImportedEvent
) -> tuple[list[str], list[str], list[str], list[list[Line]]]:
    """The event's lines as topics, takeaways, notes and paragraphs of its description."""
    topics: list[str] = []
    takeaways: list[str] = []
    notes: list[str] = []
    paragraphs: list[list[Line]] = [[]]
    mode = "topics"
    for entry in block.body:
        if entry is None:
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if entry.number not in kept:
            continue
        imported.lines.append(entry.number)
        label = _LABEL.match(entry.text) or _LABEL.match(_HEADING.sub(r"\g<text>", entry.text))
        bullet = _BULLET.match(entry.text)
        if label:
            mode = (
                "takeaways" if re.match(r"(key\s+)?(take|learn)", label["label"], re.IGNORECASE) else "topics"
            )
            paragraphs.append([])
        elif bullet or mode == "takeaways":
            item = clean_title(bullet["text"] if bullet else entry.text)
            (takeaways if mode == "takeaways" else topics).append(item)
        elif _NOTE.match(entry.text):
            notes.append(re.sub(r"^notes?\s*:\s*", "", entry.text, flags=re.IGNORECASE))
            imported.guess(entry.number, f"read as a note: {entry.text!r}")
        else:
            paragraphs[-1].append(entry)
    return topics, takeaways, notes, [p for p in paragraphs if p]


def _format(
    imported: ImportedEvent, title: str, line: int, description: str, presenters: Sequence[Presenter]
) -> tuple[str, str, str | None]:
    """The event's format, its title without a "- Live" mark, and the venue of a social event."""
    if _SOCIAL.search(title) or (_SOCIAL.search(description) and not presenters):
        imported.guess(line, "read as a social event (in person), not a virtual one")
        live = _LIVE_SUFFIX.search(title)
        title = title[: live.start()].rstrip() if live else title
        venue = _VENUE.search(title)
        if venue:
            imported.guess(line, f"took the venue {venue['venue']!r} as the location")
        return "social", title, venue["venue"] if venue else None
    if presenters and not _LEAN_COFFEE.search(f"{title} {description}"):
        imported.guess(presenters[0].line, "read as a presentation, since someone presents")
        return "presentation", title, None
    return "lean-coffee", title, None


def _derive_title(
    imported: ImportedEvent,
    presenters: Sequence[Presenter],
    paragraphs: Sequence[Sequence[Line]],
    topics: Sequence[str],
) -> tuple[str, int]:
    """A title for an event the page gives none: what its presenter speaks about, else its first words."""
    for presenter in presenters:
        about = _ABOUT.search(presenter.sentence)
        if about:
            title = clean_title(about["subject"])
            title = title[:1].upper() + title[1:]
            imported.guess(
                presenter.line, f"no title given: took {title!r}, what {presenter.name} presents about"
            )
            return title, presenter.line
    source = next((line for p in paragraphs for line in p), None)
    if source is not None:
        title = clean_title(_sentences(source.text)[0])
        if len(title) > 80:
            title = title[:77].rsplit(" ", 1)[0] + "…"
        imported.guess(source.number, f"no title given: took the first sentence, {title!r}")
        return title, source.number
    title = topics[0] if topics else "Roundtable"
    imported.guess(imported.line, f"no title given: took {title!r}")
    return title, imported.line


# --- years: missing ones inferred, misplaced ones corrected -------------------------------------


def _descending(dates: Sequence[date | None]) -> bool:
    """Whether the page lists its events newest first (most real pages do)."""
    known = [d for d in dates if d is not None]
    down = sum(1 for a, b in itertools.pairwise(known) if a > b)
    up = sum(1 for a, b in itertools.pairwise(known) if a < b)
    return down >= up


def _neighbour(dates: Sequence[date | None], index: int, step: int) -> tuple[int, date] | None:
    position = index + step
    while 0 <= position < len(dates):
        found = dates[position]
        if found is not None:
            return position, found
        position += step
    return None


def _in_order(before: date | None, day: date, after: date | None, descending: bool) -> bool:
    """Whether `day` fits between the entries written above and below it."""
    newer, older = (before, after) if descending else (after, before)
    return (newer is None or day <= newer) and (older is None or day >= older)


def _settle_years(events: list[ImportedEvent], written: list[WrittenDate], today: date) -> None:
    """Give every event its date: check written years against the page's order, infer missing ones."""
    dates: list[date | None] = [_real(w.year, w) if w.year else None for w in written]
    descending = _descending(dates)
    lines = [e.line for e in events]

    def where(index: int | None) -> str:
        if index is None:
            return ""
        day = dates[index]
        return f"{show(day)} (line {lines[index]})" if day else ""

    # A written year that puts an entry out of order, between neighbours that agree, is a typo.
    for index, day in enumerate(dates):
        if day is None:
            continue
        above, below = _neighbour(dates, index, -1), _neighbour(dates, index, 1)
        before, after = (above[1] if above else None), (below[1] if below else None)
        if _in_order(before, day, after, descending):
            continue
        neighbours = f"between {where(above[0] if above else None)} and {where(below[0] if below else None)}"
        if before is not None and after is not None and _in_order(before, after, after, descending):
            candidates = [_real(day.year + shift, written[index]) for shift in (1, -1, 2, -2)]
            fits = [c for c in candidates if c is not None and _in_order(before, c, after, descending)]
            if fits:
                dates[index] = fits[0]
                events[index].guess(
                    lines[index],
                    f"{written[index].text} is out of order {neighbours}: took it as {show(fits[0])}",
                )
                continue
        events[index].guess(
            lines[index], f"{written[index].text} is out of order {neighbours}: kept as written"
        )

    # A missing year: the one that keeps the entry in order with the entry above, else below.
    for index, day in enumerate(dates):
        if day is not None:
            continue
        above, below = _neighbour(dates, index, -1), _neighbour(dates, index, 1)
        chosen: date | None = None
        reason = ""
        near = above if above is not None else below
        if near is not None:
            position, neighbour = near
            # Below a newer entry the date is the latest on or before it; above an older one,
            # the earliest on or after it.
            older = (near is above) == descending
            years = range(neighbour.year, neighbour.year + (-8 if older else 8), -1 if older else 1)
            fits = [
                d
                for y in years
                if (d := _real(y, written[index])) and (d <= neighbour if older else d >= neighbour)
            ]
            chosen = fits[0] if fits else None
            reason = f"the page lists it {'below' if near is above else 'above'} {where(position)}"
        if chosen is None:
            fits = [d for y in range(today.year, today.year - 8, -1) if (d := _real(y, written[index]))]
            chosen = fits[0] if fits else None
            reason = "no entry near it gives a year, so this year"
        if chosen is None:
            raise ValueError(f"line {lines[index]}: {written[index].text} is no real date")
        dates[index] = chosen
        events[index].guess(
            lines[index], f"{written[index].text} has no year: took {show(chosen)}, as {reason}"
        )

    for event, day in zip(events, dates, strict=True):
        event.data["date"] = day


# --- the whole page --------------------------------------------------------------------------------


def parse_page(text: str, *, today: date) -> PageImport:
    """The events of a hand-written page, oldest first, and every line that is no event.

    `today` is used only when a date has no year and no neighbour to take one from.
    """
    lines, repairs = _lines(text)
    events: list[ImportedEvent] = []
    written: list[WrittenDate] = []
    skipped: list[Note] = []
    for block in _blocks(lines):
        content = [line for line in block.body if line is not None]
        if block.written is not None:
            day_ok = block.written.year is None or _real(block.written.year, block.written) is not None
            if day_ok and (
                block.written.year is not None or any(_real(y, block.written) for y in range(2000, 2100))
            ):
                events.append(_event(block))
                written.append(block.written)
                continue
            skipped.append(
                Note(
                    block.heading.number if block.heading else 0,
                    f"{block.written.text} is no real date: not imported",
                )
            )
        numbers = ([block.heading.number] if block.heading else []) + [line.number for line in content]
        if numbers:
            first, last = numbers[0], numbers[-1]
            where = f"lines {first}-{last}" if last > first else f"line {first}"
            skipped.append(Note(first, f"{_section_name(block)} ({where}) is no event: not imported"))
    _settle_years(events, written, today)
    for event in events:
        event.guesses.extend(r for r in repairs if r.line in event.lines)
        event.guesses.sort(key=lambda g: g.line)
    skipped.extend(r for r in repairs if not any(r.line in e.lines for e in events))
    _name_files(events)
    ordered = sorted(events, key=lambda e: (e.date, e.line))
    return PageImport(events=tuple(ordered), skipped=tuple(sorted(skipped, key=lambda n: n.line)))


def _section_name(block: _Block) -> str:
    if block.heading is None:
        return "the text before the first heading"
    heading = _HEADING.match(block.heading.text)
    text = heading["text"] if heading else block.heading.text
    if block.level == 1:
        return f"the page's title {text!r} and introduction"
    return f"the section {text!r}"


def _name_files(events: Sequence[ImportedEvent]) -> None:
    """Events on the same date get a slug from their title, so each has its own file."""
    by_date: dict[date, list[ImportedEvent]] = {}
    for event in events:
        by_date.setdefault(event.date, []).append(event)
    for same in by_date.values():
        if len(same) < 2:
            continue
        used: set[str] = set()
        for event in same[1:]:
            words = re.findall(r"[a-z0-9]+", str(event.data["title"]).lower())
            slug = "-".join(words[:4]) or "event"
            while slug in used:
                slug += "-2"
            used.add(slug)
            event.slug = slug
            event.guess(event.line, f"a second event on {show(event.date)}: named its file {event.id}.yaml")


KEY_ORDER = tuple(Event.model_fields)


def event_data(event: ImportedEvent) -> dict[str, Any]:
    """The event's keys in the order of the event format, empty ones left out."""
    return {k: event.data[k] for k in KEY_ORDER if event.data.get(k) is not None}


def event_file_text(event: ImportedEvent, *, source: str) -> str:
    """The event file: the schema line, where it came from and the guesses to review, the data."""
    Event.model_validate(event_data(event))  # a bug here is the importer's: fail before writing
    text = event_text(event_data(event))
    header = [f"# Imported from {source}, line {event.line}, by `p2p import-readme`."]
    if event.guesses:
        header.append("# Guesses to review:")
        header.extend(f"# - {note}" for note in event.guesses)
    schema_line, _, rest = text.partition("\n")
    assert schema_line == SCHEMA_COMMENT  # noqa: S101
    return "\n".join([schema_line, *header, rest])
