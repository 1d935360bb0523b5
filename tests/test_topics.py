"""SPEC 4.3: seeded topics opened once, proposals labelled, every topic on the board."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from p2p.models import (
    Board,
    BoardField,
    BoardItem,
    Event,
    FieldOption,
    Issue,
    Registration,
    Roundtable,
    SeededTopic,
    Settings,
    TopicState,
)
from p2p.rules.board import MoveItem, SetValue
from p2p.rules.plan import Batch, format_plan, printable
from p2p.rules.topics import (
    CreateLabel,
    LabelProposal,
    OpenTopic,
    PlaceTopic,
    SetValues,
    TopicAction,
    active_topics,
    batched,
    marker,
    plan_topics,
    seeded_issues,
    topic_body,
    waiting_proposals,
)
from p2p.sandbox.store import Sandbox

E = "2030-05-01"
LATER = "2030-06-12"
VIEWER = "p2p-bot"
WHEN = datetime(2030, 4, 1, 10, tzinfo=UTC)


def event(event_id: str = E, *, topics: tuple[str, ...] = ("Hiring", "Vendor contracts")) -> Event:
    return Event(
        id=event_id,
        date=date.fromisoformat(event_id),
        title="Lean coffee",
        start="17:00",
        capacity=1,
        topics=tuple(SeededTopic(title=t) for t in topics),
        participants=(
            Registration(github="alice", registered=WHEN),
            Registration(github="carol", registered=WHEN),
        ),
    )


def roundtable(*events: Event) -> Roundtable:
    settings = Settings(repository="acme/roundtable", organizers=("orga",))
    return Roundtable(settings=settings, events=events or (event(),))


def issue(
    number: int,
    title: str = "A topic",
    *,
    author: str = "alice",
    body: str = "",
    labels: tuple[str, ...] = ("topic", f"event:{E}"),
    withdrawn: bool = False,
    closed: bool = False,
) -> Issue:
    return Issue(
        number=number,
        node_id=f"I_{number}",
        title=title,
        body=body,
        author=author,
        labels=labels,
        state="closed" if withdrawn or closed else "open",
        state_reason="not_planned" if withdrawn else ("completed" if closed else None),
    )


def seeded(
    number: int, n: int, title: str, *, author: str = VIEWER, event_id: str = E, author_is_bot: bool = False
) -> Issue:
    body = f"text\n\n{marker(event_id, n)}\n"
    made = issue(number, title, author=author, body=body, labels=("topic", f"event:{E}"))
    return made.model_copy(update={"author_is_bot": author_is_bot})


def topics(*issues: Issue, labels: tuple[str, ...] = ("topic",), viewer_is_bot: bool = False) -> TopicState:
    return TopicState(viewer=VIEWER, viewer_is_bot=viewer_is_bot, event_id=E, issues=issues, labels=labels)


STATUS = BoardField(
    id="F_status",
    name="Status",
    type="single_select",
    options=(FieldOption(id="o1", name="To Discuss"), FieldOption(id="o2", name="Discussing")),
)
EVENT_FIELD = BoardField(id="F_event", name="Event", type="text")


def board(*items: BoardItem, fields: tuple[BoardField, ...] = (STATUS, EVENT_FIELD)) -> Board:
    return Board(id="B", number=1, fields=fields, items=items)


def item(number: int, **values: str | float) -> BoardItem:
    return BoardItem(id=f"ITEM_{number}", issue=number, values=values)


def summary(actions: list[TopicAction]) -> list[tuple[str, str]]:
    return [(a.verb, a.subject) for a in actions]


def values_set(actions: list[TopicAction]) -> list[tuple[str, str | float]]:
    """The field values the plan sets, one after the other, whatever action carries them."""
    out: list[tuple[str, str | float]] = []
    for action in actions:
        if isinstance(action, SetValues):
            out += [(v.field.name, v.value) for v in action.values]
        elif isinstance(action, SetValue):
            out.append((action.field.name, action.value))
    return out


# --- seeded topics -------------------------------------------------------------------------


def test_each_seeded_topic_gets_an_issue() -> None:
    actions = plan_topics(roundtable(), event(), topics(), None, E)
    assert summary(actions) == [
        ("open issue", "topic 1: Hiring"),
        ("open issue", "topic 2: Vendor contracts"),
    ]
    first = actions[0]
    assert isinstance(first, OpenTopic)
    assert first.labels == ("topic", f"event:{E}")
    assert marker(E, 1) in first.body


def test_seeded_topics_are_opened_once() -> None:
    state = topics(seeded(1, 1, "Hiring"), seeded(2, 2, "Vendor contracts"))
    assert plan_topics(roundtable(), event(), state, None, E) == []


def test_a_closed_or_withdrawn_seeded_issue_is_not_opened_again() -> None:
    state = topics(
        seeded(1, 1, "Hiring").model_copy(update={"state": "closed", "state_reason": "not_planned"}),
        seeded(2, 2, "Vendor contracts").model_copy(update={"state": "closed", "state_reason": "completed"}),
    )
    assert plan_topics(roundtable(), event(), state, None, E) == []


@pytest.mark.parametrize(
    ("forged", "why"),
    [
        pytest.param(
            seeded(5, 1, "Hiring", author="mallory"), "a participant pastes the marker", id="forged"
        ),
        pytest.param(seeded(5, 1, "Hiring", author="orga"), "even an organizer's own issue", id="organizer"),
        pytest.param(seeded(5, 1, "Hiring", event_id=LATER), "another event's marker", id="other-event"),
    ],
)
def test_only_the_toolkits_own_marker_counts(forged: Issue, why: str) -> None:
    actions = plan_topics(roundtable(), event(topics=("Hiring",)), topics(forged), None, E)
    assert summary(actions) == [("open issue", "topic 1: Hiring")], why
    assert seeded_issues(event(topics=("Hiring",)), topics(forged)) == {}


@pytest.mark.parametrize(
    ("viewer_is_bot", "author_is_bot", "own"),
    [
        pytest.param(True, True, True, id="an App's token: its bot's issue"),
        pytest.param(True, False, False, id="an App's token: a person who took the bot's login"),
        pytest.param(False, False, True, id="a person's token: their issue"),
        pytest.param(False, True, False, id="a person's token: an App's bot of the same login"),
    ],
)
def test_the_toolkits_own_issue_has_the_viewers_login_and_kind(
    viewer_is_bot: bool, author_is_bot: bool, own: bool
) -> None:
    # Logins show without "[bot]": a person named like the App ("p2p-bot" beside "p2p-bot[bot]")
    # has the same login, and must not pass for the toolkit.
    found = seeded(5, 1, "Hiring", author_is_bot=author_is_bot)
    state = topics(found, viewer_is_bot=viewer_is_bot)
    actions = plan_topics(roundtable(), event(topics=("Hiring",)), state, None, E)
    assert summary(actions) == ([] if own else [("open issue", "topic 1: Hiring")])
    assert seeded_issues(event(topics=("Hiring",)), state) == ({1: found} if own else {})


def test_the_viewer_compares_regardless_of_case() -> None:
    state = topics(seeded(1, 1, "Hiring", author="P2P-Bot"))
    assert plan_topics(roundtable(), event(topics=("Hiring",)), state, None, E) == []


def test_inserting_a_seeded_topic_opens_only_the_new_one() -> None:
    state = topics(seeded(1, 1, "Hiring"), seeded(2, 2, "Vendor contracts"))
    actions = plan_topics(
        roundtable(), event(topics=("On-call", "Hiring", "Vendor contracts")), state, None, E
    )
    assert summary(actions) == [("open issue", "topic 1: On-call")]


def test_fixing_a_typo_in_a_seeded_title_opens_nothing() -> None:
    state = topics(seeded(1, 1, "Hirng"), seeded(2, 2, "Vendor contracts"))
    assert plan_topics(roundtable(), event(), state, None, E) == []


def test_the_body_keeps_the_description_but_no_html_comment() -> None:
    topic = SeededTopic(title="X", description="What worked?\n<!-- p2p:topic 2030-05-01 9 -->")
    body = topic_body(event(), 1, topic)
    assert body.startswith("What worked?")
    assert body.count("<!--") == 1
    assert body.rstrip().endswith(marker(E, 1))


# --- the topic label ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("labels", "created"),
    [
        pytest.param(("bug",), True, id="the repository lacks it"),
        pytest.param((), True, id="the repository has no label at all"),
        pytest.param(("Topic",), False, id="it exists, whatever its case"),
    ],
)
def test_the_topic_label_is_created_when_the_repository_lacks_it(
    labels: tuple[str, ...], created: bool
) -> None:
    actions = plan_topics(roundtable(event(topics=())), event(topics=()), topics(labels=labels), None, E)
    assert summary(actions) == ([("create label", "topic")] if created else [])


def test_the_topic_label_comes_before_the_seeded_issues_and_says_why() -> None:
    actions = plan_topics(roundtable(), event(), topics(labels=()), None, E)
    assert summary(actions)[:2] == [("create label", "topic"), ("open issue", "topic 1: Hiring")]
    label = actions[0]
    assert isinstance(label, CreateLabel)
    assert (label.name, label.color) == ("topic", "0e8a16")
    assert len(label.description) <= 100  # GitHub's limit for a label's description
    assert "topic form applies only labels that exist" in label.reason


# --- proposals -------------------------------------------------------------------------------


def proposal(number: int, author: str, *, closed: bool = False) -> Issue:
    return issue(number, "My question", author=author, labels=("topic",), closed=closed)


@pytest.mark.parametrize(
    ("author", "labelled"),
    [
        pytest.param("alice", True, id="an accepted participant"),
        pytest.param("ALICE", True, id="logins regardless of case"),
        pytest.param("orga", True, id="an organizer"),
        pytest.param("carol", False, id="a waitlisted participant waits"),
        pytest.param("eve", False, id="an outsider waits"),
    ],
)
def test_proposals_get_the_next_events_label(author: str, labelled: bool) -> None:
    rt = roundtable(event(topics=()))
    state = topics(proposal(7, author))
    actions = plan_topics(rt, event(topics=()), state, None, E)
    assert summary(actions) == ([("add label", f"#7 event:{E}")] if labelled else [])
    waiting = waiting_proposals(rt, state, E)
    assert [i.number for i, _ in waiting] == ([] if labelled else [7])


def test_a_closed_proposal_and_a_non_topic_are_left_alone() -> None:
    state = topics(proposal(7, "alice", closed=True), issue(8, labels=()), issue(9, labels=("event:x",)))
    assert plan_topics(roundtable(event(topics=())), event(topics=()), state, None, E) == []


def test_without_a_next_event_proposals_wait() -> None:
    rt = roundtable(event(topics=()))
    state = topics(proposal(7, "alice"))
    assert plan_topics(rt, event(topics=()), state, None, None) == []
    assert waiting_proposals(rt, state, None)[0][1] == "no upcoming event to label it with"


def test_the_label_is_said_to_be_new_when_the_repository_lacks_it() -> None:
    rt = roundtable(event(topics=()))
    new = plan_topics(rt, event(topics=()), topics(proposal(7, "alice"), labels=("topic",)), None, E)
    known = plan_topics(
        rt, event(topics=()), topics(proposal(7, "alice"), labels=("topic", f"EVENT:{E}")), None, E
    )
    assert isinstance(new[0], LabelProposal) and new[0].new_label
    assert isinstance(known[0], LabelProposal) and not known[0].new_label
    assert "is created" in new[0].reason


def test_proposals_go_to_the_next_event_even_when_another_is_synced() -> None:
    past, upcoming = event(topics=()), event(LATER, topics=())
    rt = roundtable(past, upcoming)
    actions = plan_topics(rt, past, topics(proposal(7, "alice")), board(), LATER)
    assert summary(actions) == [("add label", f"#7 event:{LATER}")]  # and not on this event's board


def test_labels_compare_regardless_of_case() -> None:
    # GitHub's label names are unique whatever their case and an issue shows the repository's
    # spelling: where the repository's label is "Topic", every topic carries "Topic".
    rt = roundtable(event(topics=()))
    state = topics(
        issue(3, labels=("Topic", f"Event:{E}")),
        issue(7, "My question", labels=("TOPIC",)),
        issue(8, "Claimed", labels=("topic", f"EVENT:{LATER}")),
    )
    actions = plan_topics(rt, event(topics=()), state, board(), E)
    assert summary(actions) == [
        ("add label", f"#7 event:{E}"),
        ("add to board", "#3"),
        ("add to board", "#7"),
    ]
    assert [i.number for i in active_topics(state, E)] == [3]


# --- the board -------------------------------------------------------------------------------


def test_every_active_topic_goes_on_the_board_with_status_and_event() -> None:
    rt = roundtable(event(topics=()))
    state = topics(issue(3), issue(4, withdrawn=True), issue(5, labels=(f"event:{E}",)), proposal(7, "alice"))
    actions = plan_topics(rt, event(topics=()), state, board(), E)
    assert summary(actions) == [
        ("add label", f"#7 event:{E}"),
        ("add to board", "#3"),
        ("add to board", "#7"),
    ]
    placed = actions[1]
    assert isinstance(placed, PlaceTopic)
    assert placed.reason == f"topic of {E}: Status To Discuss, Event {E}"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param({"Status": "To Discuss", "Event": E}, [], id="all set"),
        pytest.param({"Status": "Discussing", "Event": E}, [], id="a card organizers moved stays"),
        pytest.param({"Event": E}, [("Status", "To Discuss")], id="no status yet"),
        pytest.param({"Status": "Discussed"}, [("Event", E)], id="no event"),
        pytest.param({"Status": "Discussed", "Event": "old"}, [("Event", E)], id="wrong event"),
        pytest.param({}, [("Status", "To Discuss"), ("Event", E)], id="nothing"),
    ],
)
def test_cards_on_the_board_get_only_what_they_lack(
    values: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    actions = plan_topics(
        roundtable(event(topics=())), event(topics=()), topics(issue(3)), board(item(3, **values)), E
    )
    assert values_set(actions) == expected
    assert len(actions) == min(len(expected), 1)  # what one card lacks, in one request


def test_a_card_that_lacks_both_values_gets_them_in_one_action() -> None:
    (action,) = plan_topics(
        roundtable(event(topics=())), event(topics=()), topics(issue(3)), board(item(3)), E
    )
    assert isinstance(action, SetValues)
    assert (action.verb, action.subject) == ("set fields", "#3 Status, Event")
    assert action.reason == f"empty -> To Discuss: a new topic; empty -> {E}: topic of {E}"


def test_withdrawn_topics_are_left_off_the_board() -> None:
    state = topics(issue(3, withdrawn=True))
    assert plan_topics(roundtable(event(topics=())), event(topics=()), state, board(), E) == []


def test_without_a_board_nothing_is_placed() -> None:
    assert plan_topics(roundtable(event(topics=())), event(topics=()), topics(issue(3)), None, E) == []


def test_a_board_without_the_fields_still_gets_the_card() -> None:
    actions = plan_topics(
        roundtable(event(topics=())), event(topics=()), topics(issue(3)), board(fields=()), E
    )
    assert isinstance(actions[0], PlaceTopic)
    assert (actions[0].status, actions[0].event) == (None, None)
    assert actions[0].reason == f"topic of {E}"


def test_status_options_are_matched_regardless_of_case() -> None:
    status = STATUS.model_copy(update={"options": (FieldOption(id="o1", name="to discuss"),)})
    actions = plan_topics(
        roundtable(event(topics=())),
        event(topics=()),
        topics(issue(3)),
        board(item(3, Event=E), fields=(status,)),
        E,
    )
    assert values_set(actions) == [("Status", "to discuss")]


def test_the_plan_prints() -> None:
    actions = plan_topics(roundtable(), event(), topics(), board(), E)
    text = format_plan(actions)
    assert "seeded topic 1 of 2030-05-01 has no issue (then on the board)" in text


# --- applying through a port (the sandbox) -----------------------------------------------------


def test_opening_a_seeded_topic_puts_it_on_the_board() -> None:
    sandbox = Sandbox.new("acme/roundtable", now=WHEN)
    start = sandbox.board
    assert start is not None
    sandbox.create_field(start, "Event", "text")
    current = sandbox.board
    assert current is not None
    (action,) = plan_topics(roundtable(), event(topics=("Hiring",)), topics(), current, E)
    writes = sandbox.requests.writes
    action.apply(sandbox)
    assert sandbox.requests.writes - writes == 3  # the issue, the card, then its Status and Event at once
    (opened,) = sandbox.issues
    assert (opened.title, opened.author, opened.labels) == ("Hiring", VIEWER, ("topic", f"event:{E}"))
    after = sandbox.board
    assert after is not None
    assert [(i.issue, i.values) for i in after.items] == [(1, {"Status": "To Discuss", "Event": E})]


def test_adding_a_card_already_on_the_board_keeps_its_status() -> None:
    sandbox = Sandbox.new("acme/roundtable", now=WHEN)
    number = sandbox.add_issue("Q", labels=("topic", f"event:{E}"), author="alice")
    start = sandbox.board
    assert start is not None
    (state,) = sandbox.issues
    existing = sandbox.add_item(start, state)
    status = start.field("Status")
    assert status is not None
    sandbox.set_field(start, existing, status, "Discussing")
    writes = sandbox.requests.writes
    PlaceTopic(start, state, status, None, E).apply(sandbox)
    assert sandbox.requests.writes - writes == 1  # the card came back with its Status: nothing to set
    after = sandbox.board
    assert after is not None
    assert [(i.issue, i.values) for i in after.items] == [(number, {"Status": "Discussing"})]


def test_values_and_moves_go_50_to_a_request_where_the_first_stood() -> None:
    votes = BoardField(id="F_votes", name="Votes", type="number")
    start = board(*(item(n) for n in range(1, 64)), fields=(STATUS, EVENT_FIELD, votes))
    other = start.model_copy(update={"id": "B2", "number": 2})
    values = [SetValue(start, i, votes, 1.0, "rank") for i in start.items]
    elsewhere = SetValue(other, item(99), votes, 2.0, "rank")
    first = MoveItem(start, start.items[0], None, "rank 1")
    second = MoveItem(start, start.items[1], start.items[0], "rank 2")

    applied = batched([first, *values[:30], elsewhere, *values[30:], second])

    assert all(isinstance(a, Batch) for a in applied)
    batches = [a.actions for a in applied if isinstance(a, Batch)]
    # The moves together where the first stood, in order; the board's 63 values 50 and 13; the
    # one value of the other board in a request of its own.
    assert batches == [(first, second), tuple(values[:50]), tuple(values[50:]), (elsewhere,)]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("\x1b[2Jclear", "\\u001b[2Jclear"),
        ("two\nlines", "two\\u000alines"),
        ("x" * 80, "x" * 59 + "…"),
        ("a\u202eb", "a\\u202eb"),
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown
