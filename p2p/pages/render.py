"""The generated pages: README regions, the knowledge base and the calendar, as pure text.

Every function here takes models and returns text; reading and writing files is the
caller's (`p2p.cli.render`). The clock enters only through `now`, which decides which
events are past and which is next, so the same files give the same bytes on any machine.

Templates (`NAME.md.j2`) come from the roundtable's own `templates/` folder first, then from
the package's defaults. They render with `StrictUndefined` and without autoescaping: every
untrusted string goes through the `md` filter (one line) or `md_block` (the organizers'
Markdown) of `p2p.pages.markdown`. The context a template sees:

- `settings` (p2p.yaml), `repository` ("owner/name" or none), `links` (a `Links`);
- README regions: `next` (an `EventView` or none), `upcoming` (later events), `past`
  (ended events, newest first);
- TAKEAWAYS.md: `events` (every event with takeaways, newest first).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
import jinja2

from p2p.errors import InputError
from p2p.models import Event, Presenter, Roundtable
from p2p.pages.markdown import block, fence_after, inline, link_target, one_line
from p2p.rules.meeting import met, outcome
from p2p.rules.seat_requests import ReplyState
from p2p.rules.seats import seats

README_FILE = "README.md"
TAKEAWAYS_FILE = "TAKEAWAYS.md"
CALENDAR_FILE = "events.ics"
TEMPLATES_DIR = "templates"
REQUIRED_REGIONS = ("next-event", "previous-events")

FORMAT_NAMES = {"lean-coffee": "lean coffee", "presentation": "presentation", "social": "social"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# --- README regions: the markers -------------------------------------------------------------

_MARKER = re.compile(r"^[ \t]*<!--[ \t]*p2p:(?P<kind>begin|end)[ \t]+(?P<name>\S+?)[ \t]*-->[ \t]*$")
_ANY_MARKER = re.compile(r"p2p:(?:begin|end)\b")
_BEGIN, _END = "`<!-- p2p:begin NAME -->`", "`<!-- p2p:end NAME -->`"
_REGION_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Region:
    """One generated region of a page: the lines (0-based) of its begin and end markers."""

    name: str
    begin: int
    end: int


def find_regions(text: str, *, path: str = README_FILE) -> tuple[Region, ...]:
    """The regions of a page, in order; an unbalanced, nested or repeated marker is an error.

    Markers are whole lines. Lines inside fenced code blocks are text, not markers, so a page
    may show the markers in an example.
    """
    regions: list[Region] = []
    opened: tuple[str, int] | None = None  # name and line index of the region being read
    fence = ""  # the fence of the code block being read, if any
    for index, raw in enumerate(text.split("\n")):
        line, number = raw.rstrip("\r"), index + 1
        if opened is None:  # inside a region, a fence is the region's text
            after = fence_after(line, fence)
            if fence or after:
                fence = after
                continue
        match = _MARKER.match(line)
        if match is None:
            if line.lstrip().startswith("<!--") and _ANY_MARKER.search(line):
                raise InputError(
                    path, number, f"a region marker stands alone on its line: {_BEGIN} or {_END}"
                )
            continue
        name = match["name"]
        if not _REGION_NAME.match(name):
            raise InputError(path, number, f"{name!r} is no region name (lowercase letters, digits, hyphens)")
        if match["kind"] == "begin":
            if opened is not None:
                raise InputError(
                    path,
                    number,
                    f"region {name!r} begins inside region {opened[0]!r} (line {opened[1] + 1}): "
                    f"add `<!-- p2p:end {opened[0]} -->` before this line",
                )
            twice = next((r for r in regions if r.name == name), None)
            if twice is not None:
                raise InputError(
                    path, number, f"region {name!r} appears twice (first at line {twice.begin + 1})"
                )
            opened = (name, index)
        elif opened is None:
            raise InputError(
                path, number, f"`<!-- p2p:end {name} -->` has no `<!-- p2p:begin {name} -->` before it"
            )
        elif name != opened[0]:
            raise InputError(
                path,
                number,
                f"region {opened[0]!r} (line {opened[1] + 1}) ends with `p2p:end {name}`: "
                f"write `<!-- p2p:end {opened[0]} -->`",
            )
        else:
            regions.append(Region(name, opened[1], index))
            opened = None
    if opened is not None:
        raise InputError(
            path,
            opened[1] + 1,
            f"region {opened[0]!r} never ends: add `<!-- p2p:end {opened[0]} -->` after it",
        )
    return tuple(regions)


def replace_regions(text: str, bodies: Mapping[str, str], *, path: str = README_FILE) -> str:
    """`text` with the lines between each region's markers replaced by the region's new body.

    Everything outside the regions stays byte for byte. The body takes the line ending of
    its begin marker, so a CRLF file stays CRLF. A region that `bodies` lacks is an error.
    """
    lines = text.split("\n")
    result: list[str] = []
    position = 0
    for region in find_regions(text, path=path):
        if region.name not in bodies:
            raise InputError(path, region.begin + 1, f"nothing to generate for region {region.name!r}")
        result.extend(lines[position : region.begin + 1])
        ending = "\r" if lines[region.begin].endswith("\r") else ""
        body = bodies[region.name].strip("\n")
        result.extend(line + ending for line in ["", *(body.split("\n") if body else []), ""])
        position = region.end
    result.extend(lines[position:])
    return "\n".join(result)


def readme(
    text: str,
    roundtable: Roundtable,
    now: datetime,
    *,
    repository: str | None,
    env: jinja2.Environment,
    path: str = README_FILE,
) -> str:
    """The README with every region regenerated from its template `NAME.md.j2`.

    The regions `next-event` and `previous-events` must be on the page; any other region
    needs a template of its name.
    """
    regions = find_regions(text, path=path)
    names = [r.name for r in regions]
    for required in REQUIRED_REGIONS:
        if required not in names:
            raise InputError(
                path,
                0,
                f"no region {required!r}: add the lines `<!-- p2p:begin {required} -->` and "
                f"`<!-- p2p:end {required} -->` where it belongs",
            )
    for region in regions:
        try:
            env.get_template(f"{region.name}.md.j2")
        except jinja2.TemplateNotFound:
            raise InputError(
                path,
                region.begin + 1,
                f"no template for region {region.name!r}: add {TEMPLATES_DIR}/{region.name}.md.j2",
            ) from None
        except jinja2.TemplateSyntaxError:
            pass  # reported with its own file and line when rendered
    bodies = readme_regions(roundtable, now, repository=repository, env=env, names=names)
    return replace_regions(text, bodies, path=path)


# --- what templates see -----------------------------------------------------------------------


def long_date(day: date) -> str:
    """Wednesday, October 11, 2023 (English whatever the machine's locale)."""
    return f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}, {day.year}"


def short_date(day: date) -> str:
    """October 11, 2023."""
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


@dataclass(frozen=True)
class Links:
    """Where a participant goes to take part; none without a repository."""

    repository: str | None

    @property
    def home(self) -> str | None:
        return f"https://github.com/{self.repository}" if self.repository else None

    @property
    def propose(self) -> str | None:
        """The topic issue form (GitHub: creating an issue from a URL query, `template=`)."""
        return f"{self.home}/issues/new?template=topic.yml" if self.home else None

    @property
    def seat_form(self) -> str | None:
        """The seat-request issue form (SPEC 4.6), by the same URL query as `propose`."""
        return f"{self.home}/issues/new?template=seat.yml" if self.home else None

    @property
    def calendar(self) -> str:
        """events.ics as the raw file, which a calendar can subscribe to; GitHub's page for the
        file is HTML. HEAD follows the default branch, whatever its name."""
        if not self.repository:
            return CALENDAR_FILE
        return f"https://raw.githubusercontent.com/{self.repository}/HEAD/{CALENDAR_FILE}"

    @property
    def webcal(self) -> str | None:
        """The same file as a `webcal://` link, which calendar apps open as a subscription."""
        return "webcal://" + self.calendar.removeprefix("https://") if self.repository else None

    @staticmethod
    def profile(login: str) -> str:
        """A person's GitHub page; the login percent-encoded, so no text can end the link."""
        return f"https://github.com/{quote(login, safe='')}"

    def issue(self, number: int | None) -> str | None:
        return f"{self.home}/issues/{number}" if self.home and number else None

    def topics(self, event: Event) -> str | None:
        """The event's topic issues, most 👍 first (GitHub Docs: "Sorting search results")."""
        if not self.home:
            return None
        query = quote(f'is:issue label:topic label:"{event.label}" sort:reactions-+1-desc', safe=":")
        return f"{self.home}/issues?q={query}"


@dataclass(frozen=True)
class Item:
    """A line of an event's list: a seeded topic, an agenda entry or a takeaway."""

    text: str
    url: str | None = None
    issue: int | None = None
    votes: int | None = None
    rank: int | None = None
    outcome: str | None = None  # an agenda entry's, once `p2p meeting` ran: "discussed 11 minutes"


@dataclass(frozen=True)
class EventView:
    """An event as the pages show it."""

    event: Event
    timezone: str
    capacity: int
    accepted: int
    waitlisted: int
    agenda: tuple[Item, ...]
    topics: tuple[Item, ...]
    takeaways: tuple[Item, ...]
    topics_url: str | None
    met: bool = False  # `p2p meeting` recorded how the agenda went: each agenda item has its outcome

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def anchor(self) -> str:
        """The event's anchor in TAKEAWAYS.md."""
        return self.event.id

    @property
    def long_date(self) -> str:
        return long_date(self.event.date)

    @property
    def short_date(self) -> str:
        return short_date(self.event.date)

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.event.format]

    @property
    def presenters(self) -> tuple[Presenter, ...]:
        return self.event.presenters

    @property
    def recording_url(self) -> str | None:
        """The recording's address, when it is a web address, made safe for a Markdown link."""
        return link_target(self.event.recording) if self.event.recording else None

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.accepted, 0)

    @property
    def time(self) -> str | None:
        """17:00–18:30 MDT (America/Denver); none without a start time."""
        start_time = self.event.start_time
        if start_time is None:
            return None
        start = datetime.combine(self.event.date, start_time, tzinfo=ZoneInfo(self.timezone))
        text = f"{start:%H:%M}"
        if self.event.duration:
            end = (start.astimezone(UTC) + timedelta(minutes=self.event.duration)).astimezone(start.tzinfo)
            text += f"–{end:%H:%M}"
        return f"{text} {start.tzname()} ({self.timezone})"


def event_view(roundtable: Roundtable, event: Event, links: Links) -> EventView:
    capacity = roundtable.capacity(event)
    places = seats(event.participants, capacity)
    return EventView(
        event=event,
        timezone=roundtable.settings.timezone,
        capacity=capacity,
        accepted=sum(1 for s in places if s.kind == "accepted"),
        waitlisted=sum(1 for s in places if s.kind == "waitlisted"),
        agenda=tuple(
            Item(
                a.title,
                links.issue(a.issue),
                a.issue,
                a.votes,
                rank,
                outcome(a) if met(event.agenda) else None,
            )
            for rank, a in enumerate(event.agenda, start=1)
        ),
        topics=tuple(Item(t.title) for t in event.topics),
        takeaways=tuple(Item(t.text, links.issue(t.issue), t.issue) for t in event.takeaways),
        topics_url=links.topics(event),
        met=met(event.agenda),
    )


# --- templates --------------------------------------------------------------------------------


def environment(root: Path | None = None) -> jinja2.Environment:
    """Templates from `root/templates/` first, then the package's defaults."""
    loaders: list[jinja2.BaseLoader] = []
    if root is not None:
        loaders.append(jinja2.FileSystemLoader(root / TEMPLATES_DIR))
    loaders.append(jinja2.PackageLoader("p2p.pages", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - Markdown, not HTML: templates escape with `md` / `md_block`
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = inline
    env.filters["md_block"] = block
    env.filters["yaml"] = _yaml_string
    return env


def _render(env: jinja2.Environment, name: str, context: Mapping[str, object]) -> str:
    """One template, with its errors reported against the template's file and line."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"{TEMPLATES_DIR}/{name}", error.lineno, error.message or "syntax error") from None
    except jinja2.TemplateNotFound as error:
        missing = "" if error.name == name else f": {error.name}"
        raise InputError(
            f"{TEMPLATES_DIR}/{name}", _template_line(error, name), f"no such template{missing}"
        ) from None
    except jinja2.TemplateError as error:
        raise InputError(f"{TEMPLATES_DIR}/{name}", _template_line(error, name), str(error)) from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as error:
        # An expression of the template failed (`{{ 1 // 0 }}`, `{{ "a" + 1 }}`): the template's
        # fault, reported at its line like any other.
        raise InputError(
            f"{TEMPLATES_DIR}/{name}", _template_line(error, name), f"{type(error).__name__}: {error}"
        ) from None


def _template_line(error: Exception, name: str) -> int:
    """The template line a rendering error happened on, from the traceback Jinja2 rewrote."""
    line = 0
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _context(roundtable: Roundtable, repository: str | None) -> dict[str, object]:
    return {"settings": roundtable.settings, "repository": repository, "links": Links(repository)}


def readme_regions(
    roundtable: Roundtable,
    now: datetime,
    *,
    repository: str | None,
    env: jinja2.Environment,
    names: Sequence[str] = REQUIRED_REGIONS,
) -> dict[str, str]:
    """The body of each named README region, from `templates/NAME.md.j2`."""
    links = Links(repository)
    next_event = roundtable.next_event(now)
    context = _context(roundtable, repository) | {
        "next": event_view(roundtable, next_event, links) if next_event else None,
        "upcoming": tuple(
            event_view(roundtable, e, links)
            for e in roundtable.events
            if e.date >= roundtable.today(now) and e is not next_event
        ),
        "past": tuple(event_view(roundtable, e, links) for e in roundtable.past_events(now)),
    }
    return {name: _render(env, f"{name}.md.j2", context) for name in names}


def takeaways_page(roundtable: Roundtable, *, repository: str | None, env: jinja2.Environment) -> str:
    """TAKEAWAYS.md: every takeaway, grouped by event, newest event first, with how each event's
    agenda went where `p2p meeting` recorded it."""
    links = Links(repository)
    events = tuple(
        event_view(roundtable, e, links) for e in reversed(roundtable.events) if e.takeaways or met(e.agenda)
    )
    return _render(env, f"{TAKEAWAYS_FILE}.j2", _context(roundtable, repository) | {"events": events})


# --- the calendar -----------------------------------------------------------------------------


# The length a calendar gives an event with a start time and no `duration` (documented in the
# guide): a lean coffee of a handful of timeboxes, with the welcome and the wrap-up.
CALENDAR_DURATION = 90


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "p2p"


def _ics_text(text: str) -> str:
    """Plain text for a calendar property: line breaks kept as \\n, other controls as spaces."""
    return "\n".join(one_line(line) for line in text.replace("\r\n", "\n").split("\n")).strip()


def calendar(roundtable: Roundtable, *, repository: str | None) -> str:
    """events.ics: every event (RFC 5545), with a VTIMEZONE for the zone of timed events.

    UIDs are the event id at the repository, so an event keeps its UID when edited. DTSTAMP
    is the event's date (RFC 5545 wants one; the clock would change the bytes every run).
    Events without a start time are all-day events (VALUE=DATE); a timed event without a
    duration lasts CALENDAR_DURATION minutes in the calendar.
    """
    settings = roundtable.settings
    home = Links(repository).home
    domain = repository.replace("/", ".") if repository else _slug(settings.name)
    feed = icalendar.Calendar()
    feed.add("prodid", f"-//p2p//{one_line(settings.name)}//EN")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    # TEXT, escaped: icalendar leaves an X- property's value as given (RFC 5545, 3.8.8.2: its
    # default value type is TEXT, where `,` `;` and `\` are escaped).
    feed.add("x-wr-calname", icalendar.vText(one_line(settings.name)))
    timed = [e for e in roundtable.events if e.start_time is not None]
    for event in roundtable.events:
        entry = icalendar.Event()
        entry.add("uid", f"{event.id}@{domain}")
        entry.add("dtstamp", datetime(event.date.year, event.date.month, event.date.day, tzinfo=UTC))
        start_time = event.start_time
        if start_time is None:
            entry.add("dtstart", event.date)
        else:
            entry.add("dtstart", datetime.combine(event.date, start_time, tzinfo=settings.zone))
            # A calendar shows an entry with no end as a point in time (RFC 5545, 3.6.1: its
            # DTSTART alone); a meeting lasts, so one without a duration is given the usual.
            entry.add("duration", timedelta(minutes=event.duration or CALENDAR_DURATION))
        entry.add("summary", one_line(event.title))
        entry.add("description", _ics_text(_description(event, settings.name, home)))
        if event.location:
            entry.add("location", one_line(event.location))
        entry.add("categories", [FORMAT_NAMES[event.format]])
        if home:
            entry.add("url", home)
        feed.add_component(entry)
    if timed:
        feed.add_missing_timezones(
            first_date=date(timed[0].date.year, 1, 1), last_date=date(timed[-1].date.year + 1, 1, 1)
        )
    ics: bytes = feed.to_ical()
    return ics.decode("utf-8")


def _description(event: Event, name: str, home: str | None) -> str:
    parts = [event.description.strip()] if event.description else []
    parts.append(f"{name}, {FORMAT_NAMES[event.format]}.")
    parts.extend(
        f"Presenter: {p.name}" + (f", {p.affiliation}" if p.affiliation else "") for p in event.presenters
    )
    if event.notes:
        parts.append(event.notes.strip())
    if home:
        parts.append(home)
    return "\n\n".join(parts)


# --- the reply on a seat request ---------------------------------------------------------------

SEAT_REPLY_TEMPLATE = "seat-reply.md.j2"


def seat_reply(
    reply: ReplyState, *, roundtable: Roundtable, repository: str | None, env: jinja2.Environment
) -> str:
    """The text of the toolkit's reply on a seat request (`reply`: a
    `p2p.rules.seat_requests.ReplyState`), from `templates/seat-reply.md.j2`."""
    return _render(env, SEAT_REPLY_TEMPLATE, {**_context(roundtable, repository), "reply": reply})


# --- the seat-request form ---------------------------------------------------------------------

SEAT_FORM_FILE = ".github/ISSUE_TEMPLATE/seat.yml"
SEAT_FORM_TEMPLATE = "seat.yml.j2"
_INTRO = {
    "approval": (
        "Seats go first come, first served, once an organizer approves the request. The toolkit "
        "answers here with your seat or your place on the waitlist, and keeps that answer up to date. "
        "Cannot come after all? Close this issue or comment `/cancel`."
    ),
    "open": (
        "Seats go first come, first served. The toolkit answers here with your seat or your place on "
        "the waitlist, and keeps that answer up to date. Cannot come after all? Close this issue or "
        "comment `/cancel`."
    ),
    "off": "Seat requests on GitHub are not open for this roundtable: please ask an organizer.",
}


def _yaml_string(value: object) -> str:
    """A YAML double-quoted scalar: JSON's string syntax is YAML's, and no text can end it."""
    return json.dumps(str(value), ensure_ascii=False)


def seat_form(roundtable: Roundtable, now: datetime, *, env: jinja2.Environment) -> str:
    """The "Request a seat" issue form, with one dropdown option per upcoming event."""
    upcoming = [e for e in roundtable.events if not roundtable.has_ended(e, now)]
    context = {
        **_context(roundtable, roundtable.settings.repository),
        "events": upcoming,
        "intro": _INTRO[roundtable.settings.seat_requests],
    }
    return _render(env, SEAT_FORM_TEMPLATE, context)
