"""The facilitator's screen during `p2p meeting`: one state of the meeting drawn as a Rich renderable."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from p2p.rules.meeting import DISCUSSED, Meeting, Topic, mmss
from p2p.rules.plan import printable

KEY_HELP = "s start/pause · e extend · d done · n skip · u undo · q quit"
_PHASE = {"ready": "not started", "running": "running", "paused": "paused"}


def countdown(meeting: Meeting, now: float) -> str:
    """The current topic's time left as mm:ss, counted up to the whole second (08:00 at the start,
    00:00 once the time is up), then the overtime with a minus sign."""
    return mmss(math.ceil(meeting.remaining(now)))


def meeting_view(
    meeting: Meeting, now: float, *, title: str = "", failed: Sequence[str] = (), waiting: int = 0
) -> RenderableType:
    """The current topic with its countdown, the agenda in vote order, the board moves still
    waiting to be written and the board writes that failed (each a line the caller wrote), above
    the keys."""
    parts: list[RenderableType] = [_current(meeting, now, title=title), _agenda(meeting, now)]
    if waiting:
        plural = "move" if waiting == 1 else "moves"
        parts.append(Text(f"Board: {waiting} {plural} waiting to be written", style="yellow"))
    if failed:
        lines = Text("\n".join(printable(line, width=None) for line in failed), style="red")
        parts.append(Panel(lines, title="Board writes that failed", border_style="red"))
    parts.append(Text(KEY_HELP, style="dim"))
    return Group(*parts)


def _current(meeting: Meeting, now: float, *, title: str) -> Panel:
    heading = printable(title) if title else "Lean coffee"
    topic = meeting.topic
    if meeting.stopped:
        body = Text("Stopped. Run `p2p meeting` again to resume.", style="bold")
    elif topic is None:
        body = Text("Every topic has been reached. Press q to write the agenda.", style="bold")
    else:
        body = _topic_panel(meeting, topic, now)
    return Panel(body, title=heading, border_style="cyan")


def _topic_panel(meeting: Meeting, topic: Topic, now: float) -> Text:
    overtime = math.ceil(meeting.remaining(now)) < 0
    body = Text()
    body.append(f"#{topic.issue} ", style="bold")
    body.append(printable(topic.title, width=None), style="bold")
    body.append(f"   {topic.votes} {'vote' if topic.votes == 1 else 'votes'}\n\n")
    body.append(countdown(meeting, now), style="bold red" if overtime else "bold green")
    body.append(" overtime" if overtime else " left")
    body.append(f"   {_PHASE.get(meeting.phase, meeting.phase)}\n")
    extensions = ""
    if topic.extended:
        plural = "" if topic.extended == 1 else "s"
        extensions = f" + {topic.extended} extension{plural} of {mmss(meeting.timebox / 2)}"
    body.append(f"timebox {mmss(meeting.timebox)}{extensions}, discussed {mmss(meeting.elapsed(now))}")
    return body


def _agenda(meeting: Meeting, now: float) -> Table:
    table = Table(title="Agenda", title_justify="left", expand=True)
    table.add_column("", width=1)
    table.add_column("#", justify="right")
    table.add_column("Topic", ratio=1, overflow="ellipsis", no_wrap=True)
    table.add_column("Votes", justify="right")
    table.add_column("Time", justify="right")
    for index, topic in enumerate(meeting.topics):
        current = index == meeting.current
        mark, style, time = _row(topic, current=current, elapsed=meeting.elapsed(now) if current else 0.0)
        table.add_row(
            mark, str(topic.issue), printable(topic.title, width=None), str(topic.votes), time, style=style
        )
    return table


def _row(topic: Topic, *, current: bool, elapsed: float) -> tuple[str, str, str]:
    """The mark, the style and the time column of one agenda row."""
    extended = f" +{topic.extended}" if topic.extended else ""
    if topic.status == DISCUSSED:
        return "✓", "dim", f"{mmss(topic.elapsed)}{extended}"
    if topic.skipped:
        return "↷", "dim italic", "skipped"
    if current:
        return "▶", "bold", f"{mmss(elapsed)}{extended}"
    return "·", "", ""
