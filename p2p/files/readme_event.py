"""One event read from a section of a hand-written page, and the years its dates are missing."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from p2p.files.readme_page import (
    _ABOUT,
    _BULLET,
    _HEADING,
    _LABEL,
    _LEAN_COFFEE,
    _LIVE_SUFFIX,
    _NOTE,
    _SOCIAL,
    _THEME,
    _VENUE,
    Line,
    Note,
    Presenter,
    WrittenDate,
    _Block,
    _real,
    _sentences,
    clean_title,
    find_presenter,
    show,
)

TITLE_MAX = 120  # a first line longer than this is a paragraph, not a title
TOPIC_MAX = 100  # lines longer than this are sentences of a description, not topics


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
