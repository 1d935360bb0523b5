"""SPEC 4.3, takeaways: `Takeaway:` comments on an event's topics, kept in its event file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from p2p.models import Comment, Event, Roundtable, Takeaway, TopicState, login_key
from p2p.rules.plan import printable
from p2p.rules.seats import seats
from p2p.rules.topics import active_topics, is_topic_of, may_speak

_TAKEAWAY = re.compile(r"\s*takeaway:(?P<text>.*)", re.IGNORECASE | re.DOTALL)


def takeaway_text(body: str) -> str | None:
    """The takeaway a comment states: the body after a leading `Takeaway:` (any case, after
    white space), trimmed; None when the comment states none."""
    found = _TAKEAWAY.match(body)
    if found is None:
        return None
    text = found["text"].replace("\r\n", "\n").strip()
    return text or None


@dataclass(frozen=True)
class AddTakeaway:
    takeaway: Takeaway
    author: str

    verb = "add takeaway"

    @property
    def subject(self) -> str:
        return f"#{self.takeaway.issue} comment {self.takeaway.comment}"

    @property
    def reason(self) -> str:
        return f"by {self.author}: {printable(self.takeaway.text)}"


@dataclass(frozen=True)
class UpdateTakeaway:
    index: int
    old: Takeaway
    new: Takeaway

    verb = "update takeaway"

    @property
    def subject(self) -> str:
        return f"#{self.new.issue} comment {self.new.comment}"

    @property
    def reason(self) -> str:
        return f"comment edited: {printable(self.new.text)}"


@dataclass(frozen=True)
class RemoveTakeaway:
    index: int
    old: Takeaway
    why: str

    verb = "remove takeaway"

    @property
    def subject(self) -> str:
        return f"#{self.old.issue} comment {self.old.comment}"

    @property
    def reason(self) -> str:
        return self.why


TakeawayChange = AddTakeaway | UpdateTakeaway | RemoveTakeaway


def plan_takeaways(
    roundtable: Roundtable, event: Event, topics: TopicState, comments: Sequence[Comment]
) -> list[TakeawayChange]:
    """The changes that make the event's `takeaways` follow the `Takeaway:` comments.

    `comments` are every comment on the event's active topics (withdrawn ones contribute
    none). A comment counts when an organizer or an accepted participant of the event wrote
    it and it states a takeaway. An entry with a `comment` key follows its comment: updated
    when the comment was edited, removed when it was deleted or no longer counts. Entries
    without `comment` are the organizers' own and are never touched. Entries whose issue this
    run did not read are left alone.
    """
    active = {issue.number for issue in active_topics(topics, event.id)}
    withdrawn = {i.number for i in topics.issues if is_topic_of(i, event.id) and i.withdrawn}
    stated: dict[int, tuple[Takeaway, str]] = {}
    for comment in sorted(comments, key=lambda c: c.id):
        if comment.issue not in active or comment.is_bot or comment.author is None:
            continue
        if not may_speak(roundtable, event, comment.author):
            continue
        text = takeaway_text(comment.body)
        if text is not None:
            stated[comment.id] = (
                Takeaway(text=text, issue=comment.issue, comment=comment.id),
                comment.author,
            )

    changes: list[TakeawayChange] = []
    followed: set[int] = set()
    for index, entry in enumerate(event.takeaways):
        if entry.comment is None:
            continue
        if entry.comment in followed:
            changes.append(RemoveTakeaway(index, entry, "a second entry for the same comment"))
        elif entry.comment in stated:
            followed.add(entry.comment)
            new = stated[entry.comment][0]
            if new != entry:
                changes.append(UpdateTakeaway(index, entry, new))
        elif entry.issue in withdrawn:
            changes.append(RemoveTakeaway(index, entry, f"topic #{entry.issue} was withdrawn"))
        elif entry.issue in active:
            changes.append(
                RemoveTakeaway(index, entry, "the comment was deleted or no longer states a takeaway")
            )
    for comment_id, (takeaway, author) in stated.items():
        if comment_id not in followed:
            changes.append(AddTakeaway(takeaway, author))
    return changes


Why = Literal[
    "bot",
    "deleted account",
    "not a participant",
    "waitlisted",
    "cancelled",
    "withdrawn topic",
    "other event",
    "not a topic",
]


@dataclass(frozen=True)
class LeftOut:
    """A comment that states a takeaway and is not collected, and why."""

    comment: int
    issue: int
    author: str | None
    text: str
    why: Why


def left_out(
    roundtable: Roundtable, event: Event, topics: TopicState, comments: Sequence[Comment]
) -> tuple[LeftOut, ...]:
    """Every comment among `comments` that states a takeaway and that `plan_takeaways` does not
    collect, with the reason, as the tally reports each 👍 it does not count: on a withdrawn
    topic, on an issue without the `topic` label, on a topic of no event or another one (a
    proposal not yet given this event, say), by a bot, a deleted account, or someone not
    accepted for the event."""
    seat_of = {login_key(s.login): s.kind for s in seats(event.participants, roundtable.capacity(event))}
    active = {issue.number for issue in active_topics(topics, event.id)}
    withdrawn = {i.number for i in topics.issues if is_topic_of(i, event.id) and i.withdrawn}
    not_topics = {i.number for i in topics.issues if not i.is_topic}

    def why(comment: Comment) -> Why | None:
        if comment.issue in withdrawn:
            return "withdrawn topic"
        if comment.issue in not_topics:
            return "not a topic"
        if comment.issue not in active:
            return "other event"
        if comment.is_bot:
            return "bot"
        if comment.author is None:
            return "deleted account"
        if may_speak(roundtable, event, comment.author):
            return None
        kind = seat_of.get(login_key(comment.author))
        return kind if kind in ("waitlisted", "cancelled") else "not a participant"

    found = []
    for comment in sorted(comments, key=lambda c: c.id):
        text = takeaway_text(comment.body)
        reason = why(comment) if text is not None else None
        if text is not None and reason is not None:
            found.append(LeftOut(comment.id, comment.issue, comment.author, text, reason))
    return tuple(found)


class TakeawayList(Protocol):
    """An event's takeaways, edited entry by entry: in its file (where comments and quoting stay),
    or in a list."""

    def replace(self, index: int, takeaway: Takeaway) -> None: ...

    def remove(self, index: int) -> None: ...

    def append(self, takeaway: Takeaway) -> None: ...


def apply_takeaways(takeaways: TakeawayList, changes: Sequence[TakeawayChange]) -> None:
    """Make the planned changes: updates in place, then removals from the last one back, so that
    the indexes planned stay right, then additions at the end, in the order planned."""
    for change in changes:
        if isinstance(change, UpdateTakeaway):
            takeaways.replace(change.index, change.new)
    removals = sorted((c for c in changes if isinstance(c, RemoveTakeaway)), key=lambda c: c.index)
    for removal in reversed(removals):
        takeaways.remove(removal.index)
    for change in changes:
        if isinstance(change, AddTakeaway):
            takeaways.append(change.takeaway)
