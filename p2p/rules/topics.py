"""SPEC 4.3, topics: seeded topics opened once, proposals labelled, every topic on the board."""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from p2p.models import (
    TOPIC_LABEL,
    Board,
    BoardField,
    BoardItem,
    Event,
    Issue,
    Roundtable,
    SeededTopic,
    TopicState,
    login_key,
)
from p2p.port import VALUES_PER_REQUEST, FieldValue, Port, item_name
from p2p.rules.board import (
    EVENT,
    STATUS,
    TO_DISCUSS,
    SetValue,
    same_value,
    to_discuss,
    usable,
    values_of,
    write_values,
)
from p2p.rules.plan import Batchable, printable
from p2p.rules.plan import batched as batched
from p2p.rules.seats import accepted_logins

TOPIC_COLOR = "0e8a16"
TOPIC_DESCRIPTION = "A topic for the roundtable's lean coffee: vote for it with a thumbs-up"
_MARKER = re.compile(r"<!-- p2p:topic (?P<event>\S+) (?P<n>[1-9][0-9]*) -->")


def marker(event_id: str, n: int) -> str:
    """The hidden line that ties an issue to the n-th seeded topic of an event."""
    return f"<!-- p2p:topic {event_id} {n} -->"


def is_topic_of(issue: Issue, event_id: str) -> bool:
    """A topic of the event: labelled `topic` and `event:<id>`. Withdrawn ones included."""
    return issue.is_topic and any(e.casefold() == event_id.casefold() for e in issue.event_ids())


def active_topics(topics: TopicState, event_id: str) -> tuple[Issue, ...]:
    """The event's topics that are not withdrawn, by issue number."""
    return tuple(
        sorted(
            (i for i in topics.issues if is_topic_of(i, event_id) and not i.withdrawn),
            key=lambda i: i.number,
        )
    )


def may_speak(roundtable: Roundtable, event: Event, login: str | None) -> bool:
    """Organizers and accepted participants of the event: whose proposals, votes and
    takeaways count."""
    if login is None:
        return False
    if roundtable.settings.is_organizer(login):
        return True
    return login_key(login) in accepted_logins(event.participants, roundtable.capacity(event))


def is_own(issue: Issue, topics: TopicState) -> bool:
    """Whether the token's own user opened the issue: the same login, and a bot exactly when the
    token is a GitHub App's. Logins are shown without "[bot]", and a person may take the login an
    App's bot has ("name" beside "name[bot]"): the login alone would let them pass for the App."""
    return (
        issue.author is not None
        and login_key(issue.author) == login_key(topics.viewer)
        and issue.author_is_bot == topics.viewer_is_bot
    )


def seeded_issues(event: Event, topics: TopicState) -> dict[int, Issue]:
    """Which issue is each seeded topic's (1-based), among the issues the toolkit opened.

    Only issues authored by the token's own user count, so a participant who pastes a marker
    into a proposal can neither suppress a seeded topic nor stand in for it. An issue is
    matched first by its title, then by the topic's place in the list: organizers may insert
    a topic or fix a typo in one without opening any issue twice.
    """
    own = []
    for issue in sorted(topics.issues, key=lambda i: i.number):
        if not is_own(issue, topics):
            continue
        for found in _MARKER.finditer(issue.body):
            if found["event"] == event.id:
                own.append((int(found["n"]), issue))
                break
    matched: dict[int, Issue] = {}
    used: set[int] = set()
    for n, topic in enumerate(event.topics, start=1):
        key = _title_key(topic.title)
        for _, issue in own:
            if issue.number not in used and _title_key(issue.title) == key:
                matched[n] = issue
                used.add(issue.number)
                break
    for n, _ in enumerate(event.topics, start=1):
        if n in matched:
            continue
        for place, issue in own:
            if place == n and issue.number not in used:
                matched[n] = issue
                used.add(issue.number)
                break
    return matched


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def topic_body(event: Event, n: int, topic: SeededTopic) -> str:
    """The body of a seeded topic's issue. The description is the organizers' Markdown; an
    HTML comment opener in it is broken so it cannot hide text or forge a marker."""
    parts = []
    if topic.description:
        parts.append(topic.description.strip().replace("<!--", "&lt;!--"))
    when = event.date.isoformat() + (f" {event.start}" if event.start else "")
    parts.append(
        f"A topic the organizers seeded for the roundtable of {when}. "
        "Vote for it with a 👍 reaction on this issue."
    )
    parts.append(marker(event.id, n))
    return "\n\n".join(parts) + "\n"


# --- actions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTopic:
    """Open the issue of a seeded topic and, when there is a board, put it there."""

    event_id: str
    n: int
    title: str
    body: str
    labels: tuple[str, ...]
    board: Board | None = None
    status: BoardField | None = None
    event_field: BoardField | None = None

    verb = "open issue"

    @property
    def subject(self) -> str:
        return f"topic {self.n}: {printable(self.title, width=50)}"

    @property
    def reason(self) -> str:
        text = f"seeded topic {self.n} of {self.event_id} has no issue"
        return text + (" (then on the board)" if self.board is not None else "")

    def apply(self, port: Port) -> None:
        issue = port.create_issue(self.title, self.body, self.labels)
        if self.board is not None:
            PlaceTopic(self.board, issue, self.status, self.event_field, self.event_id).apply(port)

    @property
    def batch(self) -> Hashable | None:
        # Its card goes with the other new cards; the issue itself is one request of its own.
        return None if self.board is None else ("cards", self.board.id)

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        place_topics(port, actions)

    def placed(self, issue: Issue) -> PlaceTopic:
        """Its card, once its issue is open."""
        if self.board is None:
            raise ValueError(f"seeded topic {self.n} has no board to go on")
        return PlaceTopic(self.board, issue, self.status, self.event_field, self.event_id)


def first_values(
    board: Board, item: BoardItem, status: BoardField | None, event_field: BoardField | None, event_id: str
) -> list[SetValue]:
    """What a topic's card lacks: a Status when it has none (organizers move cards on from To
    Discuss, and their column stays), and its Event."""
    values = []
    if status is not None and item.values.get(status.name) is None:
        values.append(SetValue(board, item, status, to_discuss(status), "a new topic"))
    if event_field is not None and not same_value(item.values.get(event_field.name), event_id):
        values.append(SetValue(board, item, event_field, event_id, f"topic of {event_id}"))
    return values


@dataclass(frozen=True)
class PlaceTopic:
    """Put a topic on the board and give it its first values: the card, then its Status and Event
    in one request."""

    board: Board
    issue: Issue
    status: BoardField | None
    event: BoardField | None
    event_id: str

    verb = "add to board"

    @property
    def subject(self) -> str:
        return f"#{self.issue.number}"

    @property
    def reason(self) -> str:
        values = []
        if self.status is not None:
            values.append(f"{STATUS} {TO_DISCUSS}")
        if self.event is not None:
            values.append(f"{EVENT} {self.event_id}")
        return f"topic of {self.event_id}" + (f": {', '.join(values)}" if values else "")

    def apply(self, port: Port) -> None:
        item = port.add_item(self.board, self.issue)
        # GitHub answers "already on the board" with the existing item and its values: only what
        # it lacks is set.
        lacking = first_values(self.board, item, self.status, self.event, self.event_id)
        port.set_fields(self.board, [FieldValue(v.item, v.field, v.value) for v in lacking])

    @property
    def batch(self) -> Hashable:
        return ("cards", self.board.id)

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        place_topics(port, actions)


def place_topics(port: Port, actions: Sequence[Batchable]) -> None:
    """New cards, many to a request: the seeded topics' issues opened first (one request each),
    then every card added in one request, then what the cards lack, VALUES_PER_REQUEST values
    to a request."""
    placing = []
    for action in actions:
        if isinstance(action, OpenTopic):
            placing.append(action.placed(port.create_issue(action.title, action.body, action.labels)))
        elif isinstance(action, PlaceTopic):
            placing.append(action)
    if not placing:
        return
    if len(placing) == 1:
        placing[0].apply(port)
        return
    board = placing[0].board
    items = port.add_items(board, [p.issue for p in placing])
    lacking = [
        FieldValue(v.item, v.field, v.value)
        for p, item in zip(placing, items, strict=True)
        for v in first_values(board, item, p.status, p.event, p.event_id)
    ]
    write_values(port, board, lacking)


@dataclass(frozen=True)
class SetValues:
    """Several values on the board, of one card or of several, written in one request."""

    board: Board
    values: tuple[SetValue, ...]

    verb = "set fields"

    def __post_init__(self) -> None:
        if not 0 < len(self.values) <= VALUES_PER_REQUEST:
            raise ValueError(f"one request sets 1 to {VALUES_PER_REQUEST} values, not {len(self.values)}")

    @property
    def subject(self) -> str:
        cards = ", ".join(dict.fromkeys(item_name(v.item, short=True) for v in self.values))
        return f"{cards} {', '.join(dict.fromkeys(printable(v.field.name) for v in self.values))}"

    @property
    def reason(self) -> str:
        return "; ".join(v.reason for v in self.values)

    def apply(self, port: Port) -> None:
        port.set_fields(self.board, [FieldValue(v.item, v.field, v.value) for v in self.values])

    @property
    def batch(self) -> Hashable:
        return ("values", self.board.id)  # with the single values of the plan

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        write_values(port, self.board, values_of(actions))


@dataclass(frozen=True)
class CreateLabel:
    """Create the `topic` label the issue form applies.

    GitHub's issue form adds only labels that exist ("If a label does not already exist in the
    repository, it will not be automatically added to the issue", Syntax for issue forms):
    without it, proposals opened with the form carry no label and never become topics."""

    name: str = TOPIC_LABEL
    color: str = TOPIC_COLOR
    description: str = TOPIC_DESCRIPTION

    verb = "create label"

    @property
    def subject(self) -> str:
        return self.name

    @property
    def reason(self) -> str:
        form = "topic form" if self.name == TOPIC_LABEL else "seat form"
        return f"the repository has none, and the {form} applies only labels that exist"

    def apply(self, port: Port) -> None:
        port.create_label(self.name, self.color, self.description)


@dataclass(frozen=True)
class LabelProposal:
    number: int
    label: str
    author: str | None
    new_label: bool

    verb = "add label"

    @property
    def subject(self) -> str:
        return f"#{self.number} {self.label}"

    @property
    def reason(self) -> str:
        who = f" by {self.author}" if self.author else ""
        return f"new proposal{who}" + (f" (label {self.label} is created)" if self.new_label else "")

    def apply(self, port: Port) -> None:
        port.add_labels(self.number, [self.label])

    @property
    def batch(self) -> Hashable:
        return ("labels",)

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        labels = [(a.number, [a.label]) for a in actions if isinstance(a, LabelProposal)]
        if len(labels) == 1:
            self.apply(port)
        else:
            port.add_labels_many(labels)  # a label the repository lacks is created first


TopicAction = CreateLabel | OpenTopic | LabelProposal | PlaceTopic | SetValue | SetValues


# --- the planner -----------------------------------------------------------------------


def proposals(topics: TopicState) -> tuple[Issue, ...]:
    """Open topic issues that no event claims yet."""
    return tuple(
        sorted(
            (i for i in topics.issues if i.is_topic and not i.event_ids() and i.state == "open"),
            key=lambda i: i.number,
        )
    )


def waiting_proposals(
    roundtable: Roundtable, topics: TopicState, next_event_id: str | None
) -> list[tuple[Issue, str]]:
    """Proposals left without an event this run, each with the reason."""
    target = roundtable.event(next_event_id) if next_event_id is not None else None
    waiting = []
    for issue in proposals(topics):
        if target is None:
            waiting.append((issue, "no upcoming event to label it with"))
        elif not may_speak(roundtable, target, issue.author):
            who = issue.author or "a deleted account"
            waiting.append(
                (issue, f"{who} is neither an organizer nor an accepted participant of {target.id}")
            )
    return waiting


def plan_topics(
    roundtable: Roundtable,
    event: Event,
    topics: TopicState,
    board: Board | None,
    next_event_id: str | None,
) -> list[TopicAction]:
    """Everything `topics sync` does for one event, as a plan.

    0. the repository gets the `topic` label when it has none (`topics.labels` tells);
    1. each seeded topic without its issue gets one, labelled `topic` and the event;
    2. open proposals (`topic`, no `event:` label) by an organizer or an accepted participant
       of the next event get that event's label (created when missing); others wait;
    3. every active topic of the event is on the board, with Status "To Discuss" when it has
       no status yet (organizers move cards on) and Event set: what one card lacks is set in
       one request.
    """
    actions: list[TopicAction] = []
    status = usable(board, STATUS) if board is not None else None
    event_field = usable(board, EVENT) if board is not None else None
    if not any(label.casefold() == TOPIC_LABEL for label in topics.labels):
        actions.append(CreateLabel())

    seeded = seeded_issues(event, topics)
    for n, topic in enumerate(event.topics, start=1):
        if n not in seeded:
            body = topic_body(event, n, topic)
            labels = (TOPIC_LABEL, event.label)
            actions.append(OpenTopic(event.id, n, topic.title, body, labels, board, status, event_field))

    on_board: list[Issue] = list(active_topics(topics, event.id))
    known_labels = {label.casefold() for label in topics.labels}
    target = roundtable.event(next_event_id) if next_event_id is not None else None
    if target is not None:
        label = target.label
        for issue in proposals(topics):
            if may_speak(roundtable, target, issue.author):
                new = bool(topics.labels) and label.casefold() not in known_labels
                actions.append(LabelProposal(issue.number, label, issue.author, new))
                known_labels.add(label.casefold())
                if target.id == event.id:
                    on_board.append(issue)

    if board is not None:
        for issue in sorted(on_board, key=lambda i: i.number):
            item = board.item_for(issue.number)
            if item is None:
                actions.append(PlaceTopic(board, issue, status, event_field, event.id))
                continue
            lacking = first_values(board, item, status, event_field, event.id)
            if len(lacking) == 1:
                actions.append(lacking[0])
            elif lacking:
                actions.append(SetValues(board, tuple(lacking)))  # one request for the card's values
    return actions
