"""Frozen models: the roundtable's files (desired state) and what GitHub shows (observed state)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

# GitHub logins: letters, digits and single inner hyphens, at most 39 characters.
LOGIN_PATTERN = r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}$"
_LOGIN = re.compile(LOGIN_PATTERN)
REPOSITORY_PATTERN = r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}/[A-Za-z0-9._-]{1,100}$"
START_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"

Format = Literal["lean-coffee", "presentation", "social"]
Permission = Literal["pull", "triage", "push"]
AfterEvent = Literal["keep", "revoke"]

# The label of every topic issue, and the one that ties a topic to an event: `event:<event id>`.
TOPIC_LABEL = "topic"
EVENT_PREFIX = "event:"


def login_key(login: str) -> str:
    """The form in which two GitHub logins compare: GitHub logins are case-insensitive."""
    return login.casefold()


def check_login(value: str) -> str:
    """The value, when it is a GitHub login; else ValueError saying what a login is."""
    if len(value) > 39 or not _LOGIN.fullmatch(value):  # fullmatch: `$` would let "name\n" pass
        raise ValueError(
            f"{value!r} is not a valid GitHub login (letters, digits and single hyphens, "
            "at most 39 characters, no hyphen at either end)"
        )
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as America/Denver") from None
    return value


Login = Annotated[
    str,
    AfterValidator(check_login),
    Field(json_schema_extra={"pattern": LOGIN_PATTERN, "maxLength": 39}),
]
Timezone = Annotated[str, AfterValidator(_check_timezone)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    """Immutable, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- desired state: p2p.yaml -------------------------------------------------------------


class Settings(Model):
    """This roundtable's settings, `p2p.yaml` (SPEC 3.1)."""

    name: Text = "Peer-to-peer"
    repository: Annotated[str | None, Field(pattern=REPOSITORY_PATTERN)] = None
    project: Annotated[int | None, Field(ge=1)] = None
    timezone: Timezone = "America/Denver"
    capacity: Annotated[int, Field(ge=1, le=1000)] = 12
    votes_per_participant: Annotated[int, Field(ge=1, le=100)] = 3
    timebox_minutes: Annotated[int, Field(ge=1, le=480)] = 8
    permission: Permission = "triage"
    after_event: AfterEvent = "keep"
    organizers: tuple[Login, ...] = ()
    seat_requests: Literal["approval", "open", "off"] = "approval"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_organizer(self, login: str) -> bool:
        return login_key(login) in {login_key(o) for o in self.organizers}


# --- desired state: events/*.yaml --------------------------------------------------------


class Presenter(Model):
    name: Text
    affiliation: str | None = None
    github: Login | None = None


class SeededTopic(Model):
    """A topic the organizers seed; written as a plain string or {title, description}."""

    title: Text
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"title": value} if isinstance(value, str) else value


class Registration(Model):
    """One registration, in the order it arrived."""

    github: Login
    name: str | None = None
    registered: AwareDatetime
    cancelled: bool = False
    request: Annotated[int | None, Field(ge=1)] = None  # the seat-request issue it came from (4.6)
    recording: bool | None = None  # False: they did not agree to the meeting being recorded


class AgendaItem(Model):
    """One ranked topic, as written by `p2p votes tally`; `p2p meeting` adds how it went."""

    issue: Annotated[int, Field(ge=1)]
    title: str
    votes: Annotated[int, Field(ge=0)]
    discussed: Annotated[int | None, Field(ge=0)] = None  # minutes; 0 when skipped
    extended: Annotated[int | None, Field(ge=1)] = None  # extensions of half a timebox
    ongoing: bool = False  # still under way when `p2p meeting` stopped: `discussed` is the minutes so far


class Takeaway(Model):
    """A takeaway; written as a plain string (the organizers' own) or {text, issue, comment}."""

    text: Text
    issue: Annotated[int | None, Field(ge=1)] = None
    comment: Annotated[int | None, Field(ge=1)] = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Event(Model):
    """One event file, `events/YYYY-MM-DD[-slug].yaml` (SPEC 3.2)."""

    id: SkipJsonSchema[str] = Field(default="", exclude=True)
    date: date
    title: Text
    format: Format = "lean-coffee"
    start: Annotated[str | None, Field(pattern=START_PATTERN)] = None
    duration: Annotated[int | None, Field(ge=1, le=1440)] = None
    location: str | None = None
    description: str | None = None
    presenters: tuple[Presenter, ...] = ()
    capacity: Annotated[int | None, Field(ge=1, le=1000)] = None
    topics: tuple[SeededTopic, ...] = ()
    participants: tuple[Registration, ...] = ()
    agenda: tuple[AgendaItem, ...] = ()
    takeaways: tuple[Takeaway, ...] = ()
    recording: str | None = None
    notes: str | None = None

    @property
    def start_time(self) -> time | None:
        if self.start is None:
            return None
        hours, minutes = self.start.split(":")
        return time(int(hours), int(minutes))

    @property
    def label(self) -> str:
        """The issue label that ties a topic to this event."""
        return f"{EVENT_PREFIX}{self.id}"


class Roundtable(Model):
    """Settings and every event, oldest first: the whole desired state."""

    settings: Settings
    events: tuple[Event, ...] = ()

    def today(self, now: datetime) -> date:
        """The calendar date of `now` in the roundtable's time zone."""
        return now.astimezone(self.settings.zone).date()

    def has_ended(self, event: Event, now: datetime) -> bool:
        """An event has ended once its date is before today; an event today is still next."""
        return event.date < self.today(now)

    def next_event(self, now: datetime) -> Event | None:
        """The first event whose date is today or later in the configured time zone."""
        today = self.today(now)
        return next((e for e in self.events if e.date >= today), None)

    def past_events(self, now: datetime) -> tuple[Event, ...]:
        """Events that have ended, newest first."""
        today = self.today(now)
        return tuple(reversed([e for e in self.events if e.date < today]))

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events if e.id == event_id), None)

    def capacity(self, event: Event) -> int:
        return event.capacity if event.capacity is not None else self.settings.capacity


# --- observed state: what GitHub shows ---------------------------------------------------


class Collaborator(Model):
    login: str
    permission: str | None = None
    # Access given on the repository itself, which the toolkit grants and takes away (SPEC 4.2).
    # False: access only through the organization (its base permission, a team, ownership).
    direct: bool = True


class Invitation(Model):
    """A pending repository invitation; GitHub expires them after 7 days."""

    id: int
    login: str
    created_at: datetime
    expired: bool = False
    permission: str | None = None


class AccessState(Model):
    """Who holds access to the repository, or an invitation to it."""

    owner_is_organization: bool = True
    collaborators: tuple[Collaborator, ...] = ()
    invitations: tuple[Invitation, ...] = ()


class Reaction(Model):
    """A 👍 reaction on an issue."""

    login: str
    is_bot: bool = False
    created_at: datetime


class Comment(Model):
    id: int
    issue: int
    author: str | None
    body: str
    is_bot: bool = False


def event_id_of(label: str) -> str | None:
    """The event id an `event:<id>` label names (the prefix in any case); None for other labels."""
    prefix = len(EVENT_PREFIX)
    return label[prefix:] if label[:prefix].casefold() == EVENT_PREFIX else None


IssueState = Literal["open", "closed"]
StateReason = Literal["completed", "not_planned", "reopened", "duplicate"]


class Issue(Model):
    """An issue that is, or may become, a topic."""

    number: int
    node_id: str
    title: str
    body: str = ""
    state: IssueState = "open"
    state_reason: StateReason | None = None
    author: str | None = None
    author_is_bot: bool = False  # a GitHub App's bot, shown without "[bot]" as `author`
    labels: tuple[str, ...] = ()
    reactions: tuple[Reaction, ...] = ()  # 👍 only
    url: str = ""

    def has_label(self, name: str) -> bool:
        """Whether the issue carries the label. GitHub's label names are unique whatever their case
        and an issue shows the repository's spelling ("Topic" where the repository has "Topic")."""
        return any(label.casefold() == name.casefold() for label in self.labels)

    @property
    def is_topic(self) -> bool:
        return self.has_label(TOPIC_LABEL)

    @property
    def withdrawn(self) -> bool:
        """Closed as "not planned" (SPEC 4.3) or as a duplicate, the reason GitHub later split off
        from "not planned": off the agenda, not voted on, no takeaways."""
        return self.state == "closed" and self.state_reason in ("not_planned", "duplicate")

    def event_ids(self) -> tuple[str, ...]:
        """The event ids of the issue's `event:<id>` labels, whatever the prefix's case."""
        return tuple(found for found in map(event_id_of, self.labels) if found is not None)


class TopicState(Model):
    """Topic issues of one event and open proposals without an event, as the token sees them."""

    viewer: str
    event_id: str
    viewer_is_bot: bool = False  # the token is a GitHub App's: `viewer` is its bot, without "[bot]"
    issues: tuple[Issue, ...] = ()
    labels: tuple[str, ...] = ()  # labels that exist in the repository, when known


FieldType = Literal["number", "text", "single_select", "other"]


class FieldOption(Model):
    id: str
    name: str


class BoardField(Model):
    id: str
    name: str
    type: FieldType
    options: tuple[FieldOption, ...] = ()

    def option(self, name: str) -> FieldOption | None:
        return next((o for o in self.options if o.name == name), None)


class BoardItem(Model):
    """A card on the board; `values` maps field name to its text, number or option name."""

    id: str
    issue: int | None  # None for drafts and items of other repositories
    values: dict[str, str | float] = Field(default_factory=dict)


class Board(Model):
    """The Projects (v2) board, its fields and its items in board order."""

    id: str
    number: int
    title: str = ""
    fields: tuple[BoardField, ...] = ()
    items: tuple[BoardItem, ...] = ()

    def field(self, name: str) -> BoardField | None:
        """The field of that name, whatever its case: GitHub refuses two fields whose names differ
        only in case."""
        return next((f for f in self.fields if f.name.casefold() == name.casefold()), None)

    def item_for(self, issue: int) -> BoardItem | None:
        return next((i for i in self.items if i.issue == issue), None)


class Snapshot(Model):
    """What one run observed of GitHub (access, an event's topics, the board, seat requests), read
    once and handed from step to step, so no step reads it again unless an earlier one changed it."""

    topics: TopicState | None = None
    board: Board | None = None
    # `p2p sync` reads these in the same request (Port.read_snapshot); a command that reads one
    # part alone leaves the others None.
    access: AccessState | None = None
    seat_requests: tuple[SeatRequest, ...] | None = None


# --- observed state: seat requests (SPEC 4.6) --------------------------------------------

IssueEventKind = Literal["labeled", "unlabeled", "closed", "reopened"]


class IssueEvent(Model):
    """One event of an issue's timeline: who labelled, unlabelled, closed or reopened it, and when.
    `actor` is None for a deleted account."""

    event: IssueEventKind
    actor: str | None
    actor_is_bot: bool = False
    label: str | None = None  # labeled, unlabeled
    state_reason: StateReason | None = None  # closed
    created_at: datetime


class RequestComment(Model):
    """A comment on a seat request. `mine`: written by the token's own user (GraphQL's
    viewerDidAuthor), which is how the toolkit finds its reply."""

    id: int
    author: str | None
    author_is_bot: bool = False
    body: str
    created_at: datetime
    updated_at: datetime
    mine: bool = False


class SeatRequest(Model):
    """An issue labelled `seat-request`: who asked (as GitHub reports it), what the form says,
    and what happened to it since."""

    number: int
    author: str | None  # None: a deleted account
    author_is_bot: bool = False
    created_at: datetime
    state: IssueState = "open"
    state_reason: StateReason | None = None
    body: str = ""
    labels: tuple[str, ...] = ()
    events: tuple[IssueEvent, ...] = ()  # oldest first
    comments: tuple[RequestComment, ...] = ()  # oldest first
