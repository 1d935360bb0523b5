"""SPEC 4.3 takeaways: `Takeaway:` comments by the people in the room follow their comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from p2p.models import Comment, Event, Issue, Registration, Roundtable, Settings, Takeaway, TopicState
from p2p.rules.takeaways import (
    AddTakeaway,
    RemoveTakeaway,
    TakeawayChange,
    UpdateTakeaway,
    apply_takeaways,
    plan_takeaways,
    takeaway_text,
)


@dataclass
class Entries:
    """Takeaways in a list, edited as the event file is."""

    items: list[Takeaway]

    def replace(self, index: int, takeaway: Takeaway) -> None:
        self.items[index] = takeaway

    def remove(self, index: int) -> None:
        del self.items[index]

    def append(self, takeaway: Takeaway) -> None:
        self.items.append(takeaway)


def applied(before: tuple[Takeaway, ...], changes: list[TakeawayChange]) -> tuple[Takeaway, ...]:
    entries = Entries(list(before))
    apply_takeaways(entries, changes)
    return tuple(entries.items)


E = "2030-05-01"
WHEN = datetime(2030, 4, 1, 10, tzinfo=UTC)


def roundtable(takeaways: tuple[Takeaway, ...] = ()) -> tuple[Roundtable, Event]:
    event = Event(
        id=E,
        date=date(2030, 5, 1),
        title="Lean coffee",
        capacity=1,
        participants=(
            Registration(github="alice", registered=WHEN),
            Registration(github="carol", registered=WHEN),  # waitlisted
            Registration(github="dave", registered=WHEN, cancelled=True),
        ),
        takeaways=takeaways,
    )
    settings = Settings(repository="acme/roundtable", organizers=("orga",))
    return Roundtable(settings=settings, events=(event,)), event


def topic(
    number: int, *, withdrawn: bool = False, labels: tuple[str, ...] = ("topic", f"event:{E}")
) -> Issue:
    return Issue(
        number=number,
        node_id=f"I_{number}",
        title=f"Topic {number}",
        labels=labels,
        state="closed" if withdrawn else "open",
        state_reason="not_planned" if withdrawn else None,
    )


TOPICS = TopicState(
    viewer="p2p-bot",
    event_id=E,
    issues=(topic(1), topic(2), topic(3, withdrawn=True), topic(4, labels=(f"event:{E}",))),
)


def comment(
    cid: int, body: str, *, issue: int = 1, author: str | None = "alice", bot: bool = False
) -> Comment:
    return Comment(id=cid, issue=issue, author=author, body=body, is_bot=bot)


def plan(comments: list[Comment], takeaways: tuple[Takeaway, ...] = ()) -> list[TakeawayChange]:
    rt, event = roundtable(takeaways)
    return plan_takeaways(rt, event, TOPICS, comments)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("Takeaway: Pair QA with product early.", "Pair QA with product early."),
        ("  \n takeaway:   spaced out  \n", "spaced out"),
        ("TAKEAWAY:no space", "no space"),
        ("Takeaway: first line\r\nsecond line", "first line\nsecond line"),
        ("Takeaway:   ", None),
        ("I think Takeaway: not at the start", None),
        ("Takeaways: plural is another word", None),
        ("> Takeaway: quoted", None),
    ],
)
def test_takeaway_text(body: str, text: str | None) -> None:
    assert takeaway_text(body) == text


@pytest.mark.parametrize(
    ("author", "bot", "counts"),
    [
        pytest.param("alice", False, True, id="an accepted participant"),
        pytest.param("Alice", False, True, id="logins regardless of case"),
        pytest.param("orga", False, True, id="an organizer"),
        pytest.param("carol", False, False, id="waitlisted"),
        pytest.param("dave", False, False, id="cancelled"),
        pytest.param("eve", False, False, id="an outsider"),
        pytest.param("alice", True, False, id="a bot"),
        pytest.param(None, False, False, id="a deleted account"),
    ],
)
def test_who_may_state_a_takeaway(author: str | None, bot: bool, counts: bool) -> None:
    changes = plan([comment(10, "Takeaway: x", author=author, bot=bot)])
    assert changes == ([AddTakeaway(Takeaway(text="x", issue=1, comment=10), author or "")] if counts else [])


def test_comments_on_withdrawn_topics_and_non_topics_do_not_count() -> None:
    assert plan([comment(10, "Takeaway: x", issue=3), comment(11, "Takeaway: y", issue=4)]) == []


def test_adds_in_comment_order_and_a_second_run_adds_nothing() -> None:
    comments = [comment(12, "Takeaway: b", issue=2), comment(10, "Takeaway: a"), comment(11, "no")]
    changes = plan(comments)
    assert [c.subject for c in changes] == ["#1 comment 10", "#2 comment 12"]
    after = applied((), changes)
    assert after == (Takeaway(text="a", issue=1, comment=10), Takeaway(text="b", issue=2, comment=12))
    assert plan(comments, after) == []


def test_an_edited_comment_updates_its_entry_in_place() -> None:
    before = (Takeaway(text="mine"), Takeaway(text="old", issue=1, comment=10), Takeaway(text="z"))
    changes = plan([comment(10, "Takeaway: new")], before)
    assert changes == [UpdateTakeaway(1, before[1], Takeaway(text="new", issue=1, comment=10))]
    assert "comment edited: new" in changes[0].reason
    assert applied(before, changes) == (
        Takeaway(text="mine"),
        Takeaway(text="new", issue=1, comment=10),
        Takeaway(text="z"),
    )


@pytest.mark.parametrize(
    ("comments", "why"),
    [
        pytest.param([], "the comment was deleted or no longer states a takeaway", id="deleted"),
        pytest.param(
            [comment(10, "never mind")], "the comment was deleted or no longer states a takeaway", id="edited"
        ),
        pytest.param(
            [comment(10, "Takeaway: x", author="eve")], "the comment was deleted", id="author not eligible"
        ),
    ],
)
def test_an_entry_goes_with_its_comment(comments: list[Comment], why: str) -> None:
    before = (Takeaway(text="x", issue=1, comment=10),)
    changes = plan(comments, before)
    assert len(changes) == 1 and isinstance(changes[0], RemoveTakeaway)
    assert changes[0].reason.startswith(why)
    assert applied(before, changes) == ()


def test_the_organizers_own_entries_are_never_touched() -> None:
    before = (Takeaway(text="x"), Takeaway(text="y", issue=1))
    assert plan([], before) == []
    assert plan([comment(10, "Takeaway: x")], before) == [
        AddTakeaway(Takeaway(text="x", issue=1, comment=10), "alice")
    ]


def test_an_entry_of_a_withdrawn_topic_goes() -> None:
    before = (Takeaway(text="x", issue=3, comment=10),)
    changes = plan([], before)
    assert [(type(c).__name__, c.reason) for c in changes] == [("RemoveTakeaway", "topic #3 was withdrawn")]


def test_an_entry_whose_issue_was_not_read_stays() -> None:
    before = (Takeaway(text="x", issue=99, comment=10), Takeaway(text="y", comment=11))
    assert plan([], before) == []


def test_a_second_entry_for_one_comment_goes() -> None:
    before = (Takeaway(text="x", issue=1, comment=10), Takeaway(text="x", issue=1, comment=10))
    changes = plan([comment(10, "Takeaway: x")], before)
    assert [(type(c).__name__, getattr(c, "index", None)) for c in changes] == [("RemoveTakeaway", 1)]
    assert applied(before, changes) == before[:1]


def test_add_update_and_remove_at_once() -> None:
    before = (
        Takeaway(text="gone", issue=1, comment=9),
        Takeaway(text="mine"),
        Takeaway(text="old", issue=2, comment=11),
    )
    comments = [comment(11, "Takeaway: edited", issue=2), comment(12, "Takeaway: new")]
    after = applied(before, plan(comments, before))
    assert after == (
        Takeaway(text="mine"),
        Takeaway(text="edited", issue=2, comment=11),
        Takeaway(text="new", issue=1, comment=12),
    )
    assert plan(comments, after) == []


def test_removals_go_from_the_last_one_back() -> None:
    before = (
        Takeaway(text="a", issue=1, comment=9),
        Takeaway(text="mine"),
        Takeaway(text="b", issue=2, comment=10),
        Takeaway(text="c", issue=2, comment=11),
    )
    changes = plan([comment(11, "Takeaway: c", issue=2)], before)
    assert [getattr(c, "index", None) for c in changes] == [0, 2]
    assert applied(before, changes) == (Takeaway(text="mine"), before[3])
