"""SPEC 4.4: the dot-vote rule, the ranking, the agenda's slots and the board's order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p2p.models import (
    Board,
    BoardField,
    BoardItem,
    Event,
    Issue,
    Reaction,
    Registration,
    Roundtable,
    Settings,
    TopicState,
)
from p2p.rules.board import MoveItem, SetValue, order_moves
from p2p.rules.votes import Slot, agenda_slots, plan_tally, tally

EVENT = "2030-05-01"
T0 = datetime(2030, 4, 20, 12, 0, tzinfo=UTC)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def registration(login: str, minute: int, *, cancelled: bool = False) -> Registration:
    return Registration(github=login, registered=at(minute) - timedelta(days=10), cancelled=cancelled)


# alice and bob hold the two seats; carol waits; dave cancelled; orga organizes.
PEOPLE = (
    registration("alice", 1),
    registration("bob", 2),
    registration("carol", 3),
    registration("dave", 0, cancelled=True),
)


def roundtable(*, budget: int = 2, people: tuple[Registration, ...] = PEOPLE) -> tuple[Roundtable, Event]:
    event = Event(id=EVENT, date=date(2030, 5, 1), title="Lean coffee", capacity=2, participants=people)
    settings = Settings(repository="acme/roundtable", votes_per_participant=budget, organizers=("orga",))
    return Roundtable(settings=settings, events=(event,)), event


@dataclass
class Topic:
    number: int
    votes: list[tuple[str, int] | tuple[str, int, bool]] = field(default_factory=list)
    withdrawn: bool = False
    labels: tuple[str, ...] = ("topic", f"event:{EVENT}")

    def issue(self) -> Issue:
        reactions = tuple(
            Reaction(login=v[0], created_at=at(v[1]), is_bot=len(v) > 2 and bool(v[2])) for v in self.votes
        )
        return Issue(
            number=self.number,
            node_id=f"I_{self.number}",
            title=f"Topic {self.number}",
            labels=self.labels,
            state="closed" if self.withdrawn else "open",
            state_reason="not_planned" if self.withdrawn else None,
            reactions=reactions,
        )


def state(*topics: Topic) -> TopicState:
    return TopicState(viewer="p2p-bot", event_id=EVENT, issues=tuple(t.issue() for t in topics))


CASES = [
    pytest.param([Topic(1, [("alice", 1)])], {1: 1}, set(), id="an accepted participant's vote counts"),
    pytest.param([Topic(1, [("orga", 1)])], {1: 1}, set(), id="an organizer's vote counts"),
    pytest.param([Topic(1, [("ORGA", 1)])], {1: 1}, set(), id="organizers compare regardless of case"),
    pytest.param(
        [Topic(1, [("eve", 1)])], {1: 0}, {("eve", 1, "not a participant")}, id="an outsider's vote does not"
    ),
    pytest.param([Topic(1, [("carol", 1)])], {1: 0}, {("carol", 1, "waitlisted")}, id="waitlisted"),
    pytest.param([Topic(1, [("dave", 1)])], {1: 0}, {("dave", 1, "cancelled")}, id="cancelled"),
    pytest.param(
        [Topic(1, [("renovate", 1, True)])], {1: 0}, {("renovate", 1, "bot")}, id="a bot is not a voter"
    ),
    pytest.param(
        [Topic(1, [("alice", 1, True)])],
        {1: 0},
        {("alice", 1, "bot")},
        id="bots are known by account type, not by login",
    ),
    pytest.param(
        [Topic(1, [("helper[bot]", 1, False)])],
        {1: 0},
        {("helper[bot]", 1, "not a participant")},
        id="a [bot] suffix alone makes no bot",
    ),
    pytest.param(
        [Topic(1, [("alice", 1)]), Topic(2, [("alice", 2)]), Topic(3, [("alice", 3)])],
        {1: 1, 2: 1, 3: 0},
        {("alice", 3, "over budget")},
        id="the budget spans every issue of the event",
    ),
    pytest.param(
        [Topic(1, [("alice", 9)]), Topic(2, [("alice", 1)]), Topic(3, [("alice", 5)])],
        {1: 0, 2: 1, 3: 1},
        {("alice", 1, "over budget")},
        id="earliest reactions count, whatever the issue",
    ),
    pytest.param(
        [Topic(3, [("alice", 1)]), Topic(2, [("alice", 1)]), Topic(1, [("alice", 1)])],
        {1: 1, 2: 1, 3: 0},
        {("alice", 3, "over budget")},
        id="ties in reaction time go by issue number",
    ),
    pytest.param(
        [Topic(1, [("alice", 1)]), Topic(2, [("Alice", 2)]), Topic(3, [("ALICE", 3)])],
        {1: 1, 2: 1, 3: 0},
        {("ALICE", 3, "over budget")},
        id="one budget per person, logins regardless of case",
    ),
    pytest.param(
        [Topic(1, [("alice", 1)], withdrawn=True), Topic(2, [("alice", 2)]), Topic(3, [("alice", 3)])],
        {2: 1, 3: 1},
        {("alice", 1, "withdrawn topic")},
        id="a withdrawn topic gets no votes and costs none",
    ),
    pytest.param(
        [Topic(1, [("alice", 1)], labels=(f"event:{EVENT}",)), Topic(2, [("alice", 2)])],
        {2: 1},
        set(),
        id="an issue without the topic label is no topic",
    ),
    pytest.param(
        [Topic(1, [("alice", 1)], labels=("Topic", f"Event:{EVENT}"))],
        {1: 1},
        set(),
        id="labels compare regardless of case",
    ),
    pytest.param(
        [Topic(1, [("alice", 1)], labels=("topic", "event:2030-06-01")), Topic(2, [("alice", 2)])],
        {2: 1},
        set(),
        id="another event's topic is not voted on here",
    ),
    pytest.param(
        [Topic(1, [("alice", 1), ("bob", 2), ("orga", 3)]), Topic(2, [("bob", 1), ("carol", 1)])],
        {1: 3, 2: 1},
        {("carol", 2, "waitlisted")},
        id="several voters",
    ),
]


@pytest.mark.parametrize(("topics", "counts", "ignored"), CASES)
def test_vote_rule(topics: list[Topic], counts: dict[int, int], ignored: set[tuple[str, int, str]]) -> None:
    rt, event = roundtable()
    result = tally(rt, event, state(*topics))
    assert {r.issue.number: r.votes for r in result.ranking} == counts
    assert {(i.login, i.issue, i.why) for i in result.ignored} == ignored


def test_a_seat_freed_by_a_cancellation_gives_the_vote_to_the_next_in_line() -> None:
    people = (registration("alice", 1, cancelled=True), registration("bob", 2), registration("carol", 3))
    rt, event = roundtable(people=people)
    result = tally(rt, event, state(Topic(1, [("carol", 1), ("alice", 2)])))
    assert result.votes(1) == 1
    assert {(i.login, i.why) for i in result.ignored} == {("alice", "cancelled")}


def test_over_budget_names_each_voter_once() -> None:
    rt, event = roundtable(budget=1)
    result = tally(
        rt, event, state(Topic(1, [("bob", 1), ("alice", 1)]), Topic(2, [("bob", 2)]), Topic(3, [("bob", 3)]))
    )
    assert result.over_budget == ("bob",)
    assert [(v.login, v.issue) for v in result.counted] == [("alice", 1), ("bob", 1)]


def test_ranking_by_votes_then_older_issue_first() -> None:
    rt, event = roundtable()
    topics = state(
        Topic(4, [("alice", 1)]),
        Topic(2, []),
        Topic(7, [("alice", 2), ("bob", 1)]),
        Topic(3, [("bob", 2)]),
    )
    result = tally(rt, event, topics)
    assert [(r.rank, r.issue.number, r.votes) for r in result.ranking] == [
        (1, 7, 2),
        (2, 3, 1),
        (3, 4, 1),
        (4, 2, 0),
    ]
    assert result.ranking[0].voters == ("bob", "alice")
    assert [(a.issue, a.votes) for a in result.agenda()] == [(7, 2), (3, 1), (4, 1), (2, 0)]


def test_no_topics_no_ranking() -> None:
    rt, event = roundtable()
    result = tally(rt, event, state())
    assert result.ranking == ()
    assert result.agenda() == ()


# --- slots ---------------------------------------------------------------------------------


def slots_for(count: int, *, start: str | None, duration: int | None, box: int = 8) -> tuple[Slot, ...]:
    rt, event = roundtable()
    event = event.model_copy(update={"start": start, "duration": duration})
    result = tally(rt, event, state(*(Topic(n) for n in range(1, count + 1))))
    return agenda_slots(result, event, Settings(repository="acme/roundtable", timebox_minutes=box))


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(
            "17:00", 20, ["17:00-17:08", "17:08-17:16", "reserve", "reserve"], id="start and duration"
        ),
        pytest.param("17:00", 24, ["17:00-17:08", "17:08-17:16", "17:16-17:24", "reserve"], id="exact fit"),
        pytest.param(
            "17:00", None, ["17:00-17:08", "17:08-17:16", "17:16-17:24", "17:24-17:32"], id="no duration"
        ),
        pytest.param(None, 16, ["+0-8 min", "+8-16 min", "reserve", "reserve"], id="no start"),
        pytest.param(None, None, ["+0-8 min", "+8-16 min", "+16-24 min", "+24-32 min"], id="neither"),
        pytest.param(
            "23:50", None, ["23:50-23:58", "23:58-00:06", "00:06-00:14", "00:14-00:22"], id="midnight"
        ),
    ],
)
def test_slots(start: str | None, duration: int | None, expected: list[str]) -> None:
    assert [s.describe() for s in slots_for(4, start=start, duration=duration)] == expected


def test_slot_fields() -> None:
    first, second = slots_for(2, start="17:00", duration=10)
    assert (first.offset, first.minutes, first.start, first.end, first.reserve) == (
        0,
        8,
        time(17),
        time(17, 8),
        False,
    )
    assert (second.offset, second.start, second.end, second.reserve) == (8, None, None, True)


# --- the board -------------------------------------------------------------------------------

VOTES_FIELD = BoardField(id="F_votes", name="Votes", type="number")


def board(*items: tuple[int | None, float | None]) -> Board:
    return Board(
        id="B",
        number=1,
        fields=(VOTES_FIELD,),
        items=tuple(
            BoardItem(id=f"ITEM_{n}_{i}", issue=n, values={} if v is None else {"Votes": v})
            for i, (n, v) in enumerate(items)
        ),
    )


def test_plan_tally_writes_only_changed_counts_and_moves_only_what_is_out_of_place() -> None:
    rt, event = roundtable()
    result = tally(rt, event, state(Topic(1, [("alice", 1)]), Topic(2, [("alice", 2), ("bob", 1)]), Topic(3)))
    # ranking: #2 (2 votes), #1 (1), #3 (0); the board holds #1, a draft, #2, #3
    current = board((1, 1.0), (None, None), (2, 1.0), (3, None))
    actions = plan_tally(result, current)
    writes = [(a.item.issue, a.value) for a in actions if isinstance(a, SetValue)]
    assert writes == [(2, 2.0), (3, 0.0)]
    moves = [a for a in actions if isinstance(a, MoveItem)]
    assert [(m.item.issue, m.after.issue if m.after else None) for m in moves] == [(1, 2)]
    assert "rank 2, 1 vote" in moves[0].reason


def test_plan_tally_in_steady_state_plans_nothing() -> None:
    rt, event = roundtable()
    result = tally(rt, event, state(Topic(1, [("alice", 1)]), Topic(2)))
    assert plan_tally(result, board((1, 1.0), (2, 0.0))) == []


def test_plan_tally_without_votes_field_still_orders() -> None:
    rt, event = roundtable()
    result = tally(rt, event, state(Topic(1), Topic(2, [("alice", 1)])))
    current = Board(id="B", number=1, items=(BoardItem(id="a", issue=1), BoardItem(id="b", issue=2)))
    actions = plan_tally(result, current)
    assert len(actions) == 1
    assert isinstance(actions[0], MoveItem)
    assert simulate(["a", "b"], [actions[0]]) == ["b", "a"]


def simulate(order: list[str], moves: list[MoveItem]) -> list[str]:
    for move in moves:
        order.remove(move.item.id)
        order.insert(0 if move.after is None else order.index(move.after.id) + 1, move.item.id)
    return order


def longest_increasing(values: list[int]) -> int:
    best: list[int] = []
    for i, v in enumerate(values):
        best.append(1 + max((best[j] for j in range(i) if values[j] < v), default=0))
    return max(best, default=0)


@settings(max_examples=200, deadline=None)
@given(
    st.permutations(list(range(1, 9))),
    st.lists(st.integers(min_value=0, max_value=8), max_size=4),
)
def test_order_moves_sorts_with_the_fewest_moves(current: list[int], others_at: list[int]) -> None:
    order = [f"I{n}" for n in current]
    for k, place in enumerate(others_at):  # items of other events interleaved
        order.insert(min(place, len(order)), f"X{k}")
    items = tuple(BoardItem(id=i, issue=int(i[1:]) if i[0] == "I" else 100 + int(i[1:])) for i in order)
    ranked = sorted(current)
    moves = order_moves(Board(id="B", number=1, items=items), ranked)
    after = simulate(list(order), moves)
    assert [i for i in after if i[0] == "I"] == [f"I{n}" for n in ranked]
    assert [i for i in after if i[0] == "X"] == [i for i in order if i[0] == "X"]
    assert len(moves) == len(current) - longest_increasing(current)
