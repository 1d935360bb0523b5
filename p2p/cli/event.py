"""`p2p event new`: create an event file."""

from __future__ import annotations

import re
from datetime import date as Date
from typing import Any, get_args

from p2p.cli.workspace import Workspace
from p2p.errors import P2PError, UsageError
from p2p.files import SETTINGS_FILE
from p2p.files.atomic import write_text_atomic
from p2p.files.edit import create_event_file
from p2p.files.load import SLUG, event_files, relative_path
from p2p.files.schema import EVENT_SCHEMA_FILE, event_schema_text
from p2p.models import START_PATTERN, Format

MAX_SLUG = 60  # a file name has room for 255 bytes; a slug is a word or two
_START = re.compile(START_PATTERN)


def new(ws: Workspace, *, date: str, title: str, format: str, start: str | None, slug: str | None) -> int:
    """Create events/DATE[-SLUG].yaml with the schema line, date, title, format and start."""
    try:
        day = Date.fromisoformat(date)
    except ValueError:
        raise UsageError(f"{date!r} is not a date written YYYY-MM-DD, like 2024-05-15") from None
    if len(date) != 10:
        raise UsageError(f"{date!r} is not a date written YYYY-MM-DD, like 2024-05-15")
    formats = get_args(Format)
    if format not in formats:
        raise UsageError(f"unknown format {format!r}; allowed: {', '.join(formats)}")
    if not title.strip():
        raise UsageError("--title is empty: give the event a title")
    check_one_line("--title", title)
    if start is not None and not _START.match(start):
        raise UsageError(f"--start {start!r} is not a time written HH:MM (24-hour), like 17:00")
    if slug is not None and not SLUG.match(slug):
        raise UsageError(f"--slug {slug!r}: use lowercase letters, digits and single hyphens, like evening")
    if slug is not None and len(slug) > MAX_SLUG:
        raise UsageError(f"--slug {slug!r} is too long: at most {MAX_SLUG} characters, like evening")
    if not ws.settings_path.exists():
        raise P2PError(
            f"no {SETTINGS_FILE} in {ws.root}: it is not a roundtable repository "
            "(run `p2p init`, or point --repo-dir at the repository)"
        )
    name = f"{day.isoformat()}-{slug}.yaml" if slug else f"{day.isoformat()}.yaml"
    path = ws.events_dir / name
    same_day = [p for p in event_files(ws.files) if p.name[:10] == day.isoformat()]
    if same_day and slug is None:
        raise P2PError(
            f"{relative_path(same_day[0], ws.root)} already holds an event on {day.isoformat()}: "
            "give --slug S for a second event that day (events/DATE-S.yaml)"
        )
    if path.exists():
        raise P2PError(f"{relative_path(path, ws.root)} already exists")
    data: dict[str, Any] = {"date": day, "title": title.strip(), "format": format, "start": start}
    create_event_file(path, data)
    schema = ws.files / EVENT_SCHEMA_FILE
    if not schema.exists():  # the file's first line points editors at it
        write_text_atomic(schema, event_schema_text())
    ws.out(f"created {relative_path(path, ws.root)}")
    return 0


def check_one_line(option: str, value: str) -> None:
    """A title or a name is one line of text: a line break would turn it into a block of text."""
    if any(not c.isprintable() for c in value):
        raise UsageError(f"{option} {value!r} holds a line break or control character: write it on one line")
