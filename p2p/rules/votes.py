"""SPEC 4.4, lean-coffee dot voting: who may vote, each voter's budget, the ranking and the
agenda's timebox slots."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from p2p.models import AgendaItem, Board, Event, Issue, Roundtable, Settings, TopicState, login_key
from p2p.rules.board import VOTES, MoveItem, SetValue, order_moves, same_value, usable
from p2p.rules.plan import counted
from p2p.rules.seats import seats
from p2p.rules.topics import active_topics, is_topic_of

Why = Literal["bot", "not a participant", "waitlisted", "cancelled", "over budget", "withdrawn topic"]


@dataclass(frozen=True)
class Vote:
    """A 👍 that counts."""

    login: str
    issue: int
    at: datetime


@dataclass(frozen=True)
class Ignored:
    """A 👍 that does not count, and why."""

    login: str
    issue: int
    at: datetime
    why: Why


@dataclass(frozen=True)
class Ranked:
    rank: int
    issue: Issue
    votes: int
    voters: tuple[str, ...]


@dataclass(frozen=True)
class Tally:
    """The outcome of the vote on one event's topics."""

    event_id: str
    budget: int
    ranking: tuple[Ranked, ...]
    counted: tuple[Vote, ...]
    ignored: tuple[Ignored, ...]

    def votes(self, issue: int) -> int:
        return next((r.votes for r in self.ranking if r.issue.number == issue), 0)

    @property
    def over_budget(self) -> tuple[str, ...]:
        """Who reacted to more topics than their budget allows, in order of login."""
        logins = {login_key(i.login): i.login for i in self.ignored if i.why == "over budget"}
        return tuple(logins[k] for k in sorted(logins))

    def agenda(self) -> tuple[AgendaItem, ...]:
        return tuple(
            AgendaItem(issue=r.issue.number, title=r.issue.title, votes=r.votes) for r in self.ranking
        )


def tally(roundtable: Roundtable, event: Event, topics: TopicState) -> Tally:
    """Count the 👍 on the event's topics.

    A 👍 counts when its author is an organizer or an accepted participant of the event and
    not a bot (by account type: a login may end in "[bot]" or not). Each voter's earliest
    `votes_per_participant` reactions count, by reaction time and then issue number; later
    ones are over budget. Withdrawn topics get no votes and cost none. Topics rank by counted
    votes, ties by issue number (older first).
    """
    settings = roundtable.settings
    budget = settings.votes_per_participant
    seat_of = {login_key(s.login): s.kind for s in seats(event.participants, roundtable.capacity(event))}

    def excluded(login: str, is_bot: bool) -> Why | None:
        if is_bot:
            return "bot"
        if settings.is_organizer(login):
            return None
        kind = seat_of.get(login_key(login))
        if kind is None:
            return "not a participant"
        return None if kind == "accepted" else kind

    active = active_topics(topics, event.id)
    ignored: list[Ignored] = [
        Ignored(r.login, issue.number, r.created_at, "withdrawn topic")
        for issue in topics.issues
        if is_topic_of(issue, event.id) and issue.withdrawn
        for r in issue.reactions
    ]
    reactions = sorted(
        ((r.created_at, issue.number, login_key(r.login), r) for issue in active for r in issue.reactions),
        key=lambda entry: entry[:3],
    )
    spent: Counter[str] = Counter()
    seen: set[tuple[str, int]] = set()
    counted: list[Vote] = []
    for at, number, key, reaction in reactions:
        why = excluded(reaction.login, reaction.is_bot)
        if why is not None:
            ignored.append(Ignored(reaction.login, number, at, why))
        elif (key, number) in seen:
            continue  # GitHub keeps one 👍 per person and issue; never count one twice
        elif spent[key] >= budget:
            ignored.append(Ignored(reaction.login, number, at, "over budget"))
        else:
            spent[key] += 1
            seen.add((key, number))
            counted.append(Vote(reaction.login, number, at))

    per_issue: dict[int, list[str]] = {issue.number: [] for issue in active}
    for vote in counted:
        per_issue[vote.issue].append(vote.login)
    order = sorted(active, key=lambda issue: (-len(per_issue[issue.number]), issue.number))
    ranking = tuple(
        Ranked(rank, issue, len(per_issue[issue.number]), tuple(per_issue[issue.number]))
        for rank, issue in enumerate(order, start=1)
    )
    ignored.sort(key=lambda i: (i.at, i.issue, login_key(i.login)))
    return Tally(event.id, budget, ranking, tuple(counted), tuple(ignored))


# --- the agenda's timebox slots ----------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A topic's place in the event: minutes from the start, and the clock time when the
    event has a start time. Topics beyond the event's duration are the reserve."""

    issue: int
    offset: int
    minutes: int
    start: time | None
    end: time | None
    reserve: bool

    def describe(self) -> str:
        if self.reserve:
            return "reserve"
        if self.start is not None and self.end is not None:
            return f"{self.start:%H:%M}-{self.end:%H:%M}"
        return f"+{self.offset}-{self.offset + self.minutes} min"


def agenda_slots(result: Tally, event: Event, settings: Settings) -> tuple[Slot, ...]:
    """Each ranked topic's timebox: `timebox_minutes` each, in rank order, from the event's
    start; the topics that do not fit within its duration are the reserve."""
    box = settings.timebox_minutes
    begin = datetime.combine(event.date, event.start_time) if event.start_time is not None else None
    slots = []
    for i, ranked in enumerate(result.ranking):
        offset = i * box
        fits = event.duration is None or offset + box <= event.duration
        start = end = None
        if begin is not None and fits:
            start = (begin + timedelta(minutes=offset)).time()
            end = (begin + timedelta(minutes=offset + box)).time()
        slots.append(Slot(ranked.issue.number, offset, box, start, end, not fits))
    return tuple(slots)


# --- the board -------------------------------------------------------------------------


def plan_tally(result: Tally, board: Board) -> list[SetValue | MoveItem]:
    """Write each topic's count into the board's Votes field where it differs, then order the
    topics' cards by rank with the fewest moves."""
    actions: list[SetValue | MoveItem] = []
    field = usable(board, VOTES)
    if field is not None:
        for ranked in result.ranking:
            item = board.item_for(ranked.issue.number)
            if item is not None and not same_value(item.values.get(field.name), ranked.votes):
                actions.append(SetValue(board, item, field, float(ranked.votes), f"rank {ranked.rank}"))
    why = {r.issue.number: f"rank {r.rank}, {counted(r.votes, 'vote')}" for r in result.ranking}
    actions.extend(order_moves(board, [r.issue.number for r in result.ranking], why=why))
    return actions
