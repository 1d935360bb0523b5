"""`p2p meeting`: the lean-coffee discussion, live, its cards moved and its agenda written (SPEC 5)."""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from p2p.cli.workspace import Workspace
from p2p.errors import P2PError
from p2p.files.edit import EventDocument, edit_event
from p2p.models import AgendaItem, Board, Event
from p2p.port import FieldValue, Port
from p2p.rules.board import STATUS
from p2p.rules.meeting import Log, Meeting, Move, TopicProgress, agenda_entries, open_meeting, step

Clock = Callable[[], float]


def meeting(
    ws: Workspace,
    *,
    event: str | None,
    keys: str | None,
    clock: Clock = time.monotonic,
    stdin: IO[str] | None = None,
) -> int:
    """`p2p meeting [EVENT] [--keys K]`: keys from --keys, from standard input when it is not a
    terminal, else one at a time on a full-screen view."""
    chosen = ws.event(event)
    if not chosen.agenda:
        ws.err(f"{chosen.id} has no agenda yet: run `p2p votes tally {chosen.id}` first")
        return 1
    opened = open_meeting(
        [_progress(item) for item in chosen.agenda], timebox_minutes=ws.roundtable().settings.timebox_minutes
    )
    writer = BoardWriter(ws)
    source = sys.stdin if stdin is None else stdin
    if keys is None and source.isatty():
        final = _live(ws, chosen, opened, writer, clock)
    else:
        final = _scripted(ws, opened, writer, _keys(keys if keys is not None else source.read()), clock)
    _write_agenda(ws.event_path(chosen), final)
    ws.out(f"agenda written: {sum(t.reached for t in final.topics)} of {len(final.topics)} topics reached")
    for line in writer.failed:
        ws.err(f"board write failed: {line}")
    return 1 if writer.failed else 0


def _keys(text: str) -> Iterator[str]:
    """Keys separated by whitespace, or run together: one character a key."""
    for token in text.split():
        yield from token


def _progress(item: AgendaItem) -> TopicProgress:
    return TopicProgress(
        issue=item.issue, title=item.title, votes=item.votes, discussed=item.discussed, extended=item.extended
    )


def _scripted(
    ws: Workspace, meeting: Meeting, writer: BoardWriter, keys: Iterable[str], clock: Clock
) -> Meeting:
    for key in keys:
        meeting, effects = step(meeting, key, clock())
        for effect in effects:
            if isinstance(effect, Move):
                writer.write(effect)
            elif isinstance(effect, Log):
                ws.out(effect.text)
        if meeting.stopped:
            break
    return meeting


def _write_agenda(path: Path, meeting: Meeting) -> None:
    items = [
        AgendaItem(issue=e.issue, title=e.title, votes=e.votes, discussed=e.discussed, extended=e.extended)
        for e in agenda_entries(meeting)
    ]

    def change(document: EventDocument) -> None:
        document.set("agenda", items)

    edit_event(path, change)


@dataclass
class BoardWriter:
    """Each move one Status write through the port; a failed write is listed, not raised."""

    ws: Workspace
    failed: list[str] = field(default_factory=list)
    _board: Board | None = None
    _read: bool = False

    def board(self) -> Board | None:
        if not self._read:
            self._read = True
            number = self.ws.roundtable().settings.project
            if number is None:
                self.failed.append("p2p.yaml sets no `project:`: no card is moved")
            else:
                self._board = self.ws.port().read_board(number)
                if self._board is None:
                    self.failed.append(
                        f"no Projects board #{number}, or the token lacks Projects access "
                        "(`p2p doctor` tells which): no card is moved"
                    )
        return self._board

    def write(self, move: Move) -> None:
        try:
            board = self.board()
            if board is None:
                return
            item = board.item_for(move.issue)
            status = board.field(STATUS)
            if item is None:
                raise P2PError(f"issue #{move.issue} has no card on board #{board.number}")
            if status is None:
                raise P2PError(f"board #{board.number} has no Status field: run `p2p board setup`")
            port: Port = self.ws.port()
            port.set_fields(board, [FieldValue(item, status, move.status)])
        except P2PError as error:
            self.failed.append(f"#{move.issue} to {move.status}: {error}")


# --- the terminal: a full-screen view, one key at a time ----------------------------------------


def _live(ws: Workspace, event: Event, meeting: Meeting, writer: BoardWriter, clock: Clock) -> Meeting:
    from rich.live import Live

    from p2p.pages.meeting import meeting_view

    moves: queue.Queue[Move | None] = queue.Queue()

    # Board writes take a request each: a thread makes them so the countdown never waits.
    def drain() -> None:
        while (move := moves.get()) is not None:
            writer.write(move)

    worker = threading.Thread(target=drain, daemon=True)
    worker.start()
    title = f"{event.title} ({event.id})"
    with (
        _RawKeys() as read_key,
        Live(meeting_view(meeting, clock(), title=title), screen=True, auto_refresh=False) as live,
    ):
        while not meeting.stopped:
            key = read_key(0.25)
            if key is not None:
                meeting, effects = step(meeting, key, clock())
                for effect in effects:
                    if isinstance(effect, Move):
                        moves.put(effect)
            live.update(meeting_view(meeting, clock(), title=title, failed=list(writer.failed)), refresh=True)
    moves.put(None)
    worker.join()
    return meeting


class _RawKeys:
    """The terminal in cbreak mode, giving one key at a time (None when none came in time)."""

    def __enter__(self) -> Callable[[float], str | None]:
        if sys.platform == "win32":
            import msvcrt

            def read_windows(timeout: float) -> str | None:
                deadline = time.monotonic() + timeout
                while time.monotonic() < deadline:
                    if msvcrt.kbhit():
                        return msvcrt.getwch()
                    time.sleep(0.02)
                return None

            return read_windows
        import select
        import termios
        import tty

        self._fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)

        def read_posix(timeout: float) -> str | None:
            ready, _, _ = select.select([sys.stdin], [], [], timeout)
            return sys.stdin.read(1) if ready else None

        return read_posix

    def __exit__(self, *exc: object) -> None:
        if sys.platform != "win32":
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
