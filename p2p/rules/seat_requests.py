"""SPEC 4.6, seat requests: issues opened with the "Request a seat" form become registrations, and
each one is answered with one comment that follows its state."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from p2p.models import Event, Registration, RequestComment, Roundtable, SeatRequest, Settings, login_key
from p2p.port import Port
from p2p.rules.plan import printable
from p2p.rules.seats import find_registration, register, seats

SEAT_REQUEST_LABEL = "seat-request"
APPROVED_LABEL = "approved"
FORM_FILE = ".github/ISSUE_TEMPLATE/seat.yml"
NO_RESPONSE = "_No response_"
RECORDING_CONSENT = "I agree to the meeting being recorded."
# The longest name kept from a form: a name, not an essay.
NAME_LENGTH = 100

# --- the form ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeatForm:
    """What a submitted seat-request form says. `event` is the event id as the dropdown wrote it
    (None when the body holds no event); nothing in it says who the person is."""

    event: str | None
    name: str | None
    affiliation: str | None
    recording: bool


def form_body(
    event_id: str, title: str, name: str, *, affiliation: str | None = None, recording: bool = True
) -> str:
    """The issue body GitHub writes for a submitted form: a `### Label` heading per field, the
    answer below it, `_No response_` for an empty optional input ("Syntax for issue forms", GitHub
    Docs)."""
    box = "X" if recording else " "
    return (
        f"### Event\n\n{event_id} — {title}\n\n"
        f"### Name\n\n{name}\n\n"
        f"### Affiliation\n\n{affiliation or NO_RESPONSE}\n\n"
        f"### Recording\n\n- [{box}] {RECORDING_CONSENT}"
    )


_HEADING = re.compile(r"^###[ \t]+(?P<label>.+?)[ \t]*$")
_TICKED = re.compile(r"^\s*[-*]\s+\[[xX]\]")


def _sections(body: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.replace("\r\n", "\n").split("\n"):
        heading = _HEADING.match(line)
        if heading is not None:
            current = sections.setdefault(heading["label"].casefold(), [])
            continue
        if current is not None:
            current.append(line)
    return {label: "\n".join(lines).strip() for label, lines in sections.items()}


def _answer(text: str | None) -> str | None:
    if text is None or text == NO_RESPONSE:
        return None
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    cleaned = " ".join(cleaned.split())
    return cleaned[:NAME_LENGTH] or None


def parse_form(body: str) -> SeatForm:
    """The answers of a seat-request body; the event id is the dropdown's text up to its first
    " — " or white space."""
    sections = _sections(body)
    chosen = _answer(sections.get("event"))
    event = chosen.split(" — ", 1)[0].split()[0] if chosen else None
    recording = sections.get("recording", "")
    return SeatForm(
        event=event,
        name=_answer(sections.get("name")),
        affiliation=_answer(sections.get("affiliation")),
        recording=any(_TICKED.match(line) for line in recording.split("\n")),
    )


# --- what happened to a request ---------------------------------------------------------------


def is_bot(login: str | None, flagged: bool) -> bool:
    """A GitHub App's bot: typed Bot by GitHub, or a login ending in "[bot]" (REST's spelling)."""
    return flagged or (login or "").endswith("[bot]")


def _command(comment: RequestComment) -> str | None:
    """The slash command a comment gives: its first word, when that is one (any case)."""
    words = comment.body.strip().split(maxsplit=1)
    return words[0].casefold() if words and words[0].startswith("/") else None


@dataclass(frozen=True)
class History:
    """A request's story read from its timeline and comments: whether it stands, since when it
    counts (None: still waiting for an organizer), and when it was last withdrawn or renewed."""

    active: bool
    declined: bool
    counted_at: datetime | None
    withdrawn_at: datetime | None
    renewed_at: datetime | None


def history(request: SeatRequest, roundtable: Roundtable) -> History:
    """Fold the request's events in time order. Only the author withdraws (closing it, `/cancel`)
    and renews (reopening, `/uncancel`); only an organizer approves (the `approved` label as the
    timeline shows who applied it, or `/approve`), declines (closing it as not planned) or
    reopens it for them. Anyone else's label, comment or close changes nothing."""
    settings = roundtable.settings
    author = login_key(request.author or "")

    def by_author(login: str | None) -> bool:
        return login is not None and login_key(login) == author

    def by_organizer(login: str | None) -> bool:
        return login is not None and settings.is_organizer(login)

    signals: list[tuple[datetime, int, str]] = []
    for n, event in enumerate(request.events):
        if event.actor_is_bot or is_bot(event.actor, False):
            continue
        if event.event == "labeled" and (event.label or "").casefold() == APPROVED_LABEL:
            if by_organizer(event.actor):
                signals.append((event.created_at, n, "approve"))
        elif event.event == "closed":
            if by_author(event.actor):
                signals.append((event.created_at, n, "withdraw"))
            elif by_organizer(event.actor) and event.state_reason == "not_planned":
                signals.append((event.created_at, n, "decline"))
        elif event.event == "reopened" and (by_author(event.actor) or by_organizer(event.actor)):
            signals.append((event.created_at, n, "renew"))
    for n, comment in enumerate(request.comments, start=len(request.events)):
        if (comment.mine and _MARK in comment.body) or is_bot(comment.author, comment.author_is_bot):
            continue  # the toolkit's own reply, or a bot's comment
        command = _command(comment)
        if command == "/approve" and by_organizer(comment.author):
            signals.append((comment.created_at, n, "approve"))
        elif command == "/cancel" and by_author(comment.author):
            signals.append((comment.created_at, n, "withdraw"))
        elif command == "/uncancel" and by_author(comment.author):
            signals.append((comment.created_at, n, "renew"))

    approved_at = request.created_at if settings.seat_requests == "open" else None
    active, declined = True, False
    withdrawn_at: datetime | None = None
    renewed_at: datetime | None = None
    for at, _, signal in sorted(signals):
        if signal == "approve" and approved_at is None:
            approved_at = at
        elif signal in ("withdraw", "decline") and (active or (signal == "decline" and not declined)):
            active, declined, withdrawn_at = False, signal == "decline", at
        elif signal == "renew" and not active:
            active, declined, renewed_at = True, False, at
    counted_at = None
    if approved_at is not None:
        counted_at = max(approved_at, renewed_at) if renewed_at is not None else approved_at
    return History(active, declined, counted_at, withdrawn_at, renewed_at)


# --- the plan ---------------------------------------------------------------------------------

ReplyKind = Literal[
    "waiting", "accepted", "waitlisted", "cancelled", "declined", "over", "unknown", "duplicate"
]


@dataclass(frozen=True)
class ReplyState:
    """What a request's reply says: its state, and what the template may show."""

    kind: ReplyKind
    event: Event | None
    name: str | None  # from the form: untrusted, escaped where shown
    position: int | None = None  # seat n, or place k on the waitlist
    capacity: int | None = None
    original: int | None = None  # the request a duplicate repeats


def marker(event_id: str | None) -> str:
    """The hidden mark of the toolkit's reply on a request."""
    return f"<!-- p2p:seat {event_id or 'unknown'} -->"


_MARK = "<!-- p2p:seat "


def find_reply(request: SeatRequest) -> RequestComment | None:
    """The toolkit's reply: the first marked comment written by the token's own user."""
    return next((c for c in request.comments if c.mine and _MARK in c.body), None)


@dataclass(frozen=True)
class RegistrationChange:
    """A change to one registration of an event file: `new` appends it; `renewed` un-cancels the
    one at `index` in place, `moved` removes it and appends it again (4.1, like `participants
    add`); `cancel` marks it cancelled."""

    how: Literal["new", "renewed", "moved", "cancel"]
    event_id: str
    index: int
    registration: Registration
    why: str

    @property
    def verb(self) -> str:
        return {"new": "register", "renewed": "register again", "moved": "register again"}.get(
            self.how, "cancel registration"
        )

    @property
    def subject(self) -> str:
        return f"{self.registration.github} for {self.event_id}"

    @property
    def reason(self) -> str:
        return self.why


@dataclass(frozen=True)
class PostReply:
    number: int
    body: str
    state: str

    verb = "reply"

    @property
    def subject(self) -> str:
        return f"seat request #{self.number}"

    @property
    def reason(self) -> str:
        return self.state

    def apply(self, port: Port) -> None:
        port.post_comment(self.number, self.body)


@dataclass(frozen=True)
class UpdateReply:
    number: int
    comment_id: int
    body: str
    state: str

    verb = "update reply"

    @property
    def subject(self) -> str:
        return f"seat request #{self.number}"

    @property
    def reason(self) -> str:
        return self.state

    def apply(self, port: Port) -> None:
        port.update_comment(self.comment_id, self.body)


Reply = PostReply | UpdateReply


@dataclass(frozen=True)
class SeatPlan:
    """Registrations to change, event by event (file edits), and replies to post or update."""

    changes: tuple[RegistrationChange, ...] = ()
    replies: tuple[Reply, ...] = ()
    notes: tuple[str, ...] = ()
    events: dict[str, Event] = field(default_factory=dict)  # each event as the plan leaves it

    @property
    def empty(self) -> bool:
        return not self.changes and not self.replies


def describe(state: ReplyState) -> str:
    """A reply's state in a plan's words."""
    if state.kind == "accepted":
        return f"seat {state.position} of {state.capacity}"
    if state.kind == "waitlisted":
        return f"waitlist #{state.position}"
    if state.kind == "duplicate":
        return f"repeats #{state.original}"
    return {"waiting": "waiting for approval", "over": "event over", "unknown": "unknown event"}.get(
        state.kind, state.kind
    )


@dataclass
class _Asked:
    request: SeatRequest
    form: SeatForm
    event: Event | None
    history: History


def plan_seat_requests(
    roundtable: Roundtable,
    requests: Sequence[SeatRequest],
    now: datetime,
    *,
    render: Callable[[ReplyState], str],
    event_id: str | None = None,
) -> SeatPlan:
    """Registrations and replies for every seat request (of one event, when `event_id` is given).

    `render` turns a reply's state into its text (the template); the plan adds the marker.
    """
    settings = roundtable.settings
    if settings.seat_requests == "off":
        return SeatPlan(notes=("seat requests are off (`seat_requests: off` in p2p.yaml)",))
    asked: list[_Asked] = []
    for request in sorted(requests, key=lambda r: r.number):
        if request.author is None or is_bot(request.author, request.author_is_bot):
            continue  # a deleted account or a bot: nobody to seat, nobody to answer
        form = parse_form(request.body)
        event = roundtable.event(form.event) if form.event else None
        if event_id is not None and (event is None or event.id != event_id):
            continue
        asked.append(_Asked(request, form, event, history(request, roundtable)))

    # One request per person and event counts: the one the registration came from, else the
    # first that stands, else the first.
    primary: dict[tuple[str, str], _Asked] = {}
    by_person: dict[tuple[str, str], list[_Asked]] = {}
    for a in asked:
        if a.event is not None and not roundtable.has_ended(a.event, now):
            by_person.setdefault((a.event.id, login_key(a.request.author or "")), []).append(a)
    for key, group in by_person.items():
        event = group[0].event
        assert event is not None  # noqa: S101
        index = find_registration(event.participants, key[1])
        recorded = event.participants[index].request if index is not None else None
        primary[key] = (
            next((a for a in group if a.request.number == recorded), None)
            or next((a for a in group if a.history.active), None)
            or group[0]
        )

    changes: list[RegistrationChange] = []
    lines: dict[str, list[Registration]] = {e.id: list(e.participants) for e in roundtable.events}
    zone = settings.zone
    appended: list[tuple[datetime, int, RegistrationChange]] = []
    for key, a in primary.items():
        event_key, login = key
        line = lines[event_key]
        index = find_registration(line, login)
        story = a.history
        number = a.request.number
        current = line[index] if index is not None else None
        counted = story.counted_at.astimezone(zone).replace(microsecond=0) if story.counted_at else None
        if current is None:
            if story.active and counted is not None:
                entry = Registration(
                    github=a.request.author or "",
                    name=a.form.name,
                    registered=counted,
                    request=number,
                    recording=None if a.form.recording else False,
                )
                change = RegistrationChange("new", event_key, -1, entry, f"seat request #{number}")
                appended.append((counted, number, change))
        elif not current.cancelled:
            if (
                not story.active
                and story.withdrawn_at is not None
                and story.withdrawn_at >= current.registered
            ):
                why = "declined by an organizer" if story.declined else "withdrawn by its author"
                cancelled = current.model_copy(update={"cancelled": True})
                changes.append(
                    RegistrationChange("cancel", event_key, index or 0, cancelled, f"#{number} {why}")
                )
                line[index or 0] = cancelled
        elif (
            story.active
            and counted is not None
            and counted > current.registered
            and (current.request != number or story.renewed_at is not None)
        ):
            renewed = current.model_copy(
                update={"cancelled": False, "registered": counted, "request": number}
                | ({} if a.form.recording else {"recording": False})
            )
            how = register(line, login, counted).how
            assert index is not None  # noqa: S101
            if how == "renewed":
                changes.append(RegistrationChange("renewed", event_key, index, renewed, f"#{number} renewed"))
                line[index] = renewed
            else:
                change = RegistrationChange("moved", event_key, index, renewed, f"#{number} renewed")
                appended.append((counted, number, change))
    # A moved entry leaves its place (highest index first, so the others keep theirs), then every
    # entry that joins the end does, in the order they counted: as `apply_changes` edits the file.
    ordered = [c for _, _, c in sorted(appended, key=lambda t: (t[0], t[1]))]
    for change in sorted((c for c in ordered if c.how == "moved"), key=lambda c: -c.index):
        del lines[change.event_id][change.index]
    for change in ordered:
        lines[change.event_id].append(change.registration)
    changes += ordered

    events = {e.id: e.model_copy(update={"participants": tuple(lines[e.id])}) for e in roundtable.events}
    replies: list[Reply] = []
    for a in asked:
        state = _state(a, roundtable, events, primary, now)
        body = f"{marker(state.event.id if state.event else None)}\n{render(state).strip()}\n"
        existing = find_reply(a.request)
        if existing is None:
            replies.append(PostReply(a.request.number, body, describe(state)))
        elif existing.body.replace("\r\n", "\n").strip() != body.strip():  # as GitHub may store it
            replies.append(UpdateReply(a.request.number, existing.id, body, describe(state)))
    return SeatPlan(changes=tuple(changes), replies=tuple(replies), events=events)


def _state(
    a: _Asked,
    roundtable: Roundtable,
    events: dict[str, Event],
    primary: dict[tuple[str, str], _Asked],
    now: datetime,
) -> ReplyState:
    name = a.form.name
    if a.event is None:
        return ReplyState("unknown", None, name)
    if roundtable.has_ended(a.event, now):
        return ReplyState("over", a.event, name)
    event = events[a.event.id]
    login = login_key(a.request.author or "")
    first = primary[(event.id, login)]
    if first is not a:
        return ReplyState("duplicate", event, name, original=first.request.number)
    capacity = roundtable.capacity(event)
    seat = next((s for s in seats(event.participants, capacity) if login_key(s.login) == login), None)
    story = a.history
    if seat is not None and seat.kind != "cancelled" and story.active:
        return ReplyState(seat.kind, event, name, position=seat.position, capacity=capacity)
    if story.declined:
        return ReplyState("declined", event, name)
    if story.active and story.counted_at is None:
        return ReplyState("waiting", event, name)
    return ReplyState("cancelled", event, name)


def summary(plan: SeatPlan) -> str:
    """One line for the end of a run."""
    return printable(f"{len(plan.changes)} registration changes, {len(plan.replies)} replies", width=None)


class Registrations(Protocol):
    """The `participants` of an event file being edited."""

    def set(self, index: int, key: str, value: object) -> None:
        """Set one key of registration `index` in place."""

    def remove(self, index: int) -> None: ...

    def append(self, registration: Registration) -> None: ...


def apply_changes(target: Registrations, changes: Sequence[RegistrationChange]) -> None:
    """Make one event's changes as the plan simulated them, changing only the lines they mean to:
    in place first, then the moved entries leave their places, then the new and moved ones join
    the end in order."""
    for change in changes:
        entry = change.registration
        if change.how == "cancel":
            target.set(change.index, "cancelled", True)
        elif change.how == "renewed":
            target.set(change.index, "registered", entry.registered)
            target.set(change.index, "cancelled", False)
            target.set(change.index, "request", entry.request)
            if entry.recording is False:
                target.set(change.index, "recording", False)
    for change in sorted((c for c in changes if c.how == "moved"), key=lambda c: -c.index):
        target.remove(change.index)
    for change in changes:
        if change.how in ("new", "moved"):
            target.append(change.registration)


# The labels the seat form and the approval need. GitHub's issue form applies only labels that
# exist ("If a label does not already exist in the repository, it will not be automatically added
# to the issue", Syntax for issue forms, GitHub Docs): without `seat-request`, requests arrive
# unlabelled and nobody reads them; without `approved`, an organizer has no label to apply.
SEAT_LABELS = {
    SEAT_REQUEST_LABEL: (
        "1d76db",
        "A request for a seat at a roundtable event, from the Request a seat form",
    ),
    APPROVED_LABEL: ("0e8a16", "An organizer approved this seat request"),
}


def missing_labels(settings: Settings, labels: Sequence[str]) -> list[tuple[str, str, str]]:
    """The seat labels (name, colour, description) the repository lacks, whatever their case:
    none when seat requests are off; `approved` only under `approval`."""
    if settings.seat_requests == "off":
        return []
    wanted = [SEAT_REQUEST_LABEL] + ([APPROVED_LABEL] if settings.seat_requests == "approval" else [])
    held = {label.casefold() for label in labels}
    return [(name, *SEAT_LABELS[name]) for name in wanted if name.casefold() not in held]
