"""Importing a hand-written roundtable page: its history as event files, with every guess reported.

A real page is written by people over years: dates with and without a year, ordinal
suffixes, themes on the heading or on the next line, presenters in a sentence, topics as
bullets or one per line, drinks and venues, text mis-decoded on its way through an editor.
`parse_page` reads such a page into event data and notes every judgement it had to make,
with the line it came from; every line that is not part of an event is reported too, so
nothing is silently dropped. It is pure: text in, data out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from p2p.files.edit import SCHEMA_COMMENT, event_text
from p2p.files.readme_event import ImportedEvent, _event, _settle_years
from p2p.files.readme_page import _HEADING, Note, WrittenDate, _Block, _blocks, _lines, _real, show
from p2p.models import Event


@dataclass(frozen=True)
class PageImport:
    """What a page gave: its events (oldest first) and the lines that are no event."""

    events: tuple[ImportedEvent, ...]
    skipped: tuple[Note, ...]

    @property
    def guesses(self) -> tuple[Note, ...]:
        return tuple(sorted((g for e in self.events for g in e.guesses), key=lambda g: g.line))


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
