"""Lean coffee's discussion, live: the meeting as a state machine over the agenda, a clock and the
facilitator's keys, giving board moves and log lines.

Nothing here reads a clock: every step is given `now`, in seconds on any monotonic scale. A topic's
clock runs only between a start and the next pause, done, skip or quit.

What the event file records of each agenda entry (`TopicProgress`), and how a later run resumes:

- `discussed` None: not reached yet;
- `discussed` 0: skipped, back to To Discuss;
- `discussed` N >= 1: done, N whole minutes discussed (rounded to the nearest, halves up, and at
  least 1, so a done topic never reads as skipped); `extended` the extensions, None for none;
- `ongoing` true: the topic under way when the meeting stopped, `discussed` its minutes so far
  (0 for less than half a minute) and `extended` its extensions. A later run continues it,
  paused: its card is still in Discussing, its clock resumes from those minutes.

The agenda is taken in the order the tally wrote it, which is vote order. Topics are reached one
after the other: every topic before the current one is done or skipped, none after it is. One
exception: a later run continues the topic left under way first, even where a tally since the
quit moved it below topics not reached yet, and takes those up after it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from p2p.models import AgendaItem
from p2p.rules.plan import counted, printable

Status = Literal["To Discuss", "Discussing", "Discussed"]
TO_DISCUSS: Status = "To Discuss"
DISCUSSING: Status = "Discussing"
DISCUSSED: Status = "Discussed"
Phase = Literal["ready", "running", "paused", "over", "stopped"]
KEYS = "sednuq"


@dataclass(frozen=True)
class TopicProgress:
    """One agenda entry as the event file records it: what a meeting opens from and writes back."""

    issue: int
    title: str
    votes: int
    discussed: int | None = None  # minutes; 0 when skipped; None when not reached
    extended: int | None = None
    ongoing: bool = False  # under way when the meeting stopped: `discussed` is the minutes so far


@dataclass(frozen=True)
class Topic:
    """One agenda entry during the meeting."""

    issue: int
    title: str
    votes: int
    status: Status = TO_DISCUSS
    skipped: bool = False
    elapsed: float = 0.0  # seconds discussed, up to the last time its clock stopped
    extended: int = 0

    @property
    def reached(self) -> bool:
        return self.status == DISCUSSED or self.skipped


@dataclass(frozen=True)
class Move:
    """A board write: the topic's card to that Status column."""

    issue: int
    status: Status


@dataclass(frozen=True)
class Log:
    text: str


Effect = Move | Log


@dataclass(frozen=True)
class Meeting:
    topics: tuple[Topic, ...]  # vote order
    timebox: float  # seconds
    current: int | None  # the topic taken up; None once every topic is reached
    running_since: float | None = None
    stopped: bool = False  # quit: finished for now, a later run resumes
    previous: Meeting | None = field(default=None, repr=False)  # the state before the last step, for undo
    last: str = ""  # what the last step did, for undo's log line

    @property
    def topic(self) -> Topic | None:
        return None if self.current is None else self.topics[self.current]

    @property
    def phase(self) -> Phase:
        if self.stopped:
            return "stopped"
        if self.topic is None:
            return "over"
        if self.running_since is not None:
            return "running"
        return "paused" if self.topic.status == DISCUSSING else "ready"

    def elapsed(self, now: float) -> float:
        """Seconds the current topic has been discussed, its clock running or not."""
        if self.topic is None:
            return 0.0
        running = 0.0 if self.running_since is None else max(0.0, now - self.running_since)
        return self.topic.elapsed + running

    def remaining(self, now: float) -> float:
        """Seconds left of the current topic's timebox and extensions; negative in overtime."""
        if self.topic is None:
            return 0.0
        return self.timebox + self.topic.extended * self.timebox / 2 - self.elapsed(now)


def open_meeting(agenda: Sequence[TopicProgress], *, timebox_minutes: int) -> Meeting:
    """The meeting as the event file left it: new, or resumed at the first topic not reached."""
    topics = tuple(_topic(entry) for entry in agenda)
    # The topic under way at the last quit first, even if a tally since moved it down the agenda.
    under_way = (i for i, t in enumerate(topics) if t.status == DISCUSSING and not t.reached)
    current = next(under_way, next((i for i, t in enumerate(topics) if not t.reached), None))
    return Meeting(topics=topics, timebox=timebox_minutes * 60.0, current=current)


def _topic(entry: TopicProgress) -> Topic:
    topic = Topic(issue=entry.issue, title=entry.title, votes=entry.votes)
    if entry.ongoing:
        elapsed = (entry.discussed or 0) * 60.0
        return replace(topic, status=DISCUSSING, elapsed=elapsed, extended=entry.extended or 0)
    if entry.discussed is None:
        return topic
    if entry.discussed == 0:
        return replace(topic, skipped=True)
    return replace(topic, status=DISCUSSED, elapsed=entry.discussed * 60.0, extended=entry.extended or 0)


def step(meeting: Meeting, key: str, now: float) -> tuple[Meeting, tuple[Effect, ...]]:
    """One key pressed at `now`: the next state, the board moves it calls for and a log line."""
    if meeting.stopped:
        return meeting, (Log(f"ignored {key!r}: the meeting has stopped"),)
    if key == "u":
        before = meeting.previous
        if before is None:
            return meeting, (Log("nothing to undo"),)
        return before, (*moves(meeting, before), Log(f"undid: {meeting.last}"))
    if key == "q":
        after, line = _quit(meeting, now)
    else:
        action = _ACTIONS.get(key)
        if action is None:
            return meeting, (Log(f"ignored {key!r}: the keys are {' '.join(KEYS)}"),)
        if meeting.topic is None:
            return meeting, (Log(f"ignored {key!r}: every topic has been reached"),)
        after, line = action(meeting, meeting.topic, now)
    after = replace(after, previous=meeting, last=line)
    return after, (*moves(meeting, after), Log(line))


def moves(before: Meeting, after: Meeting) -> tuple[Move, ...]:
    """The board moves from one state to the other; undo's compensating moves are these too.
    A topic newly skipped goes back to To Discuss even when this run never moved it, since an
    earlier run may have left its card in Discussing."""
    return tuple(
        Move(new.issue, new.status)
        for old, new in zip(before.topics, after.topics, strict=True)
        if old.status != new.status or (new.skipped and not old.skipped)
    )


Action = Callable[[Meeting, Topic, float], tuple[Meeting, str]]


def _start_or_pause(meeting: Meeting, topic: Topic, now: float) -> tuple[Meeting, str]:
    label = _label(topic)
    if meeting.running_since is not None:
        return _stop_clock(meeting, now), f"paused {label} at {mmss(meeting.elapsed(now))}"
    started = _with_topic(meeting, replace(topic, status=DISCUSSING))
    line = f"started {label}" if topic.status == TO_DISCUSS else f"resumed {label} at {mmss(topic.elapsed)}"
    return replace(started, running_since=now), line


def _extend(meeting: Meeting, topic: Topic, now: float) -> tuple[Meeting, str]:
    # The Roman vote said "go on": half a timebox more, as often as the room asks.
    count = topic.extended + 1
    extended = _with_topic(meeting, replace(topic, extended=count))
    plural = "" if count == 1 else "s"
    return extended, f"extended {_label(topic)} by {mmss(meeting.timebox / 2)} ({count} extension{plural})"


def _done(meeting: Meeting, topic: Topic, now: float) -> tuple[Meeting, str]:
    after = _close(meeting, now, status=DISCUSSED)
    return after, f"done {_label(topic)} after {mmss(meeting.elapsed(now))}{_then(after)}"


def _skip(meeting: Meeting, topic: Topic, now: float) -> tuple[Meeting, str]:
    after = _close(meeting, now, status=TO_DISCUSS, skipped=True)
    return after, f"skipped {_label(topic)}{_then(after)}"


def _quit(meeting: Meeting, now: float) -> tuple[Meeting, str]:
    reached = sum(t.reached for t in meeting.topics)
    return (
        replace(_stop_clock(meeting, now), stopped=True),
        f"stopped: {reached} of {counted(len(meeting.topics), 'topic')} reached",
    )


_ACTIONS: dict[str, Action] = {"s": _start_or_pause, "e": _extend, "d": _done, "n": _skip}


def _stop_clock(meeting: Meeting, now: float) -> Meeting:
    if meeting.topic is None or meeting.running_since is None:
        return meeting
    stopped = _with_topic(meeting, replace(meeting.topic, elapsed=meeting.elapsed(now)))
    return replace(stopped, running_since=None)


def _with_topic(meeting: Meeting, topic: Topic) -> Meeting:
    topics = tuple(topic if i == meeting.current else t for i, t in enumerate(meeting.topics))
    return replace(meeting, topics=topics)


def _close(meeting: Meeting, now: float, *, status: Status, skipped: bool = False) -> Meeting:
    """The current topic's clock stopped, its status set, and the next topic not reached taken up."""
    stopped = _stop_clock(meeting, now)
    if stopped.topic is not None:
        stopped = _with_topic(stopped, replace(stopped.topic, status=status, skipped=skipped))
    return _next(stopped)


def _next(meeting: Meeting) -> Meeting:
    """The next topic not reached after the current one, else the first not reached before it
    (only a resumed meeting has any: the topic it continued came later in the agenda)."""
    after = -1 if meeting.current is None else meeting.current
    order = sorted(range(len(meeting.topics)), key=lambda i: (i <= after, i))
    following = (i for i in order if not meeting.topics[i].reached)
    return replace(meeting, current=next(following, None), running_since=None)


def _label(topic: Topic) -> str:
    return f"#{topic.issue} {printable(topic.title)}"


def _then(meeting: Meeting) -> str:
    return "; every topic reached" if meeting.topic is None else f"; next #{meeting.topic.issue}"


def mmss(seconds: float) -> str:
    """Whole seconds as mm:ss (minutes past 59 as they are), a minus sign when negative."""
    whole = int(seconds)
    sign = "-" if whole < 0 else ""
    minutes, rest = divmod(abs(whole), 60)
    return f"{sign}{minutes:02d}:{rest:02d}"


def minutes(seconds: float) -> int:
    """Seconds as whole minutes, to the nearest and halves up."""
    return math.floor(seconds / 60 + 0.5)


def agenda_entries(meeting: Meeting) -> tuple[TopicProgress, ...]:
    """What the event file's agenda records of the meeting so far (the module docstring)."""
    return tuple(_entry(topic) for topic in meeting.topics)


def _entry(topic: Topic) -> TopicProgress:
    entry = TopicProgress(issue=topic.issue, title=topic.title, votes=topic.votes)
    if topic.skipped:
        return replace(entry, discussed=0)
    if topic.status == DISCUSSING:
        return replace(entry, discussed=minutes(topic.elapsed), extended=topic.extended or None, ongoing=True)
    if topic.status != DISCUSSED:
        return entry
    return replace(entry, discussed=max(1, minutes(topic.elapsed)), extended=topic.extended or None)


def not_reached(meeting: Meeting) -> tuple[Topic, ...]:
    """Topics neither done nor skipped, the one under way included."""
    return tuple(topic for topic in meeting.topics if not topic.reached)


# --- what the pages say of a meeting, from the event file ---------------------------------------


def met(agenda: Sequence[AgendaItem]) -> bool:
    """Whether `p2p meeting` recorded anything of this agenda: only then do the pages say how each
    topic went (an agenda from before the meeting, or from a hand-run one, says nothing of it)."""
    return any(item.discussed is not None for item in agenda)


def outcome(item: AgendaItem) -> str:
    """How one topic of a meeting went, in the pages' words: "discussed 11 minutes, extended
    once", "discussed 3 minutes, unfinished" (under way when the meeting stopped), "skipped" or
    "not reached"."""
    if item.discussed is None:
        return "not reached"
    if item.discussed == 0 and not item.ongoing:
        return "skipped"
    text = f"discussed {item.discussed} {'minute' if item.discussed == 1 else 'minutes'}"
    if item.extended:
        text += ", extended " + {1: "once", 2: "twice"}.get(item.extended, f"{item.extended} times")
    return text + (", unfinished" if item.ongoing else "")
