"""`p2p meeting`: the lean-coffee discussion, live, its cards moved and its agenda written (SPEC 5)."""

from __future__ import annotations

import codecs
import collections
import contextlib
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from p2p.cli.workspace import Workspace
from p2p.errors import GitHubError, P2PError
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
    clock: Clock | None = None,
    stdin: IO[str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """`p2p meeting [EVENT] [--keys K]`: keys from --keys, from standard input when it is not a
    terminal, else one at a time on a full-screen view."""
    clock = clock or file_clock(ws.env) or time.monotonic
    chosen = ws.event(event)
    if not chosen.agenda:
        ws.err(f"{chosen.id} has no agenda yet: run `p2p votes tally {chosen.id}` first")
        return 1
    opened = open_meeting(
        [_progress(item) for item in chosen.agenda], timebox_minutes=ws.roundtable().settings.timebox_minutes
    )
    writer = BoardWriter(ws, sleep=sleep)
    source = sys.stdin if stdin is None else stdin
    if keys is None and source.isatty():
        final = _live(ws, chosen, opened, writer, clock, Checkpoint(ws.event_path(chosen), opened))
    else:
        final = _scripted(ws, opened, writer, _keys(keys if keys is not None else source.read()), clock)
    _write_agenda(ws.event_path(chosen), final)
    ws.out(f"agenda written: {sum(t.reached for t in final.topics)} of {len(final.topics)} topics reached")
    for line in writer.failed:
        ws.err(f"board write failed: {line}")
    if any(line.startswith("#") for line in writer.failed):
        ws.err("the board may not show what the meeting did: move those cards by hand")
    return 1 if writer.failed else 0


CLOCK_VARIABLE = "P2P_MEETING_CLOCK"


def file_clock(env: Mapping[str, str]) -> Clock | None:
    """The clock tests drive: with P2P_MEETING_CLOCK naming a file, the meeting's time is the
    number of seconds that file holds, read afresh at every tick (a file that cannot be read just
    then keeps the time it had). For tests of the full-screen view, which runs in a terminal of
    its own; not an organizer's option, so neither --help nor the guide shows it."""
    name = env.get(CLOCK_VARIABLE)
    if not name:
        return None
    path = Path(name)

    def seconds() -> float:
        try:
            return float(path.read_text(encoding="utf-8").strip())
        except (OSError, ValueError) as error:
            raise P2PError(f"{CLOCK_VARIABLE}: {path}: not a number of seconds ({error})") from None

    last = [seconds()]  # a clock file that is wrong from the start is an error

    def read() -> float:
        with contextlib.suppress(P2PError):
            last[0] = seconds()
        return last[0]

    return read


def _keys(text: str) -> Iterator[str]:
    """Keys separated by whitespace, or run together: one character a key."""
    for token in text.split():
        yield from token


def _progress(item: AgendaItem) -> TopicProgress:
    return TopicProgress(
        issue=item.issue,
        title=item.title,
        votes=item.votes,
        discussed=item.discussed,
        extended=item.extended,
        ongoing=item.ongoing,
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
            return meeting
    # The keys ran out before a `q`: the meeting stops there all the same, its clock with it.
    meeting, effects = step(meeting, "q", clock())
    for effect in effects:
        if isinstance(effect, Log):
            ws.out(effect.text)
    return meeting


def _write_agenda(path: Path, meeting: Meeting) -> None:
    items = [
        AgendaItem(
            issue=e.issue,
            title=e.title,
            votes=e.votes,
            discussed=e.discussed,
            extended=e.extended,
            ongoing=e.ongoing,
        )
        for e in agenda_entries(meeting)
    ]

    def change(document: EventDocument) -> None:
        document.set("agenda", items)

    edit_event(path, change)


RETRY_WAITS = (2.0, 8.0)  # seconds before the second and the third try of a board write


@dataclass
class BoardWriter:
    """Each move one Status write through the port; a failed write is listed, not raised.

    A write that failed for a 5xx or a dropped connection is tried again (up to three tries): a
    Status value set twice is the value set once, so sending it again cannot do anything twice.
    The port itself paces the writes a second apart."""

    ws: Workspace
    sleep: Callable[[float], None] = time.sleep
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
            for wait in (*RETRY_WAITS, None):
                try:
                    port.set_fields(board, [FieldValue(item, status, move.status)])
                    return
                except GitHubError as error:
                    if wait is None or not _transient(error):
                        raise
                    self.sleep(wait)
        except P2PError as error:
            self.failed.append(f"#{move.issue} to {move.status}: {error}")


def _transient(error: GitHubError) -> bool:
    """A failure GitHub may not repeat: a 5xx, or no answer at all (the client's "could not reach")."""
    if error.status is not None:
        return error.status >= 500
    return error.message.startswith("could not reach GitHub")


# --- the terminal: a full-screen view, one key at a time ----------------------------------------


@dataclass
class Checkpoint:
    """The agenda written as the live meeting goes, each time a topic is done or skipped (or that
    is undone), so a terminal closed mid-meeting loses no more than the topic under way."""

    path: Path
    meeting: Meeting

    def __call__(self, meeting: Meeting) -> None:
        if [t.reached for t in meeting.topics] == [t.reached for t in self.meeting.topics]:
            return
        self.meeting = meeting
        # A checkpoint that cannot be written waits for the next, or for the last write, which
        # reports why.
        with contextlib.suppress(P2PError, OSError):
            _write_agenda(self.path, meeting)


def _live(
    ws: Workspace, event: Event, meeting: Meeting, writer: BoardWriter, clock: Clock, checkpoint: Checkpoint
) -> Meeting:
    from rich.live import Live

    from p2p.pages.meeting import meeting_view

    moves: queue.Queue[Move | None] = queue.Queue()
    waiting = [0]  # moves queued or being written, for the screen
    lock = threading.Lock()

    # Board writes take a request each: a thread makes them so the countdown never waits.
    def drain() -> None:
        while (move := moves.get()) is not None:
            writer.write(move)
            with lock:
                waiting[0] -= 1

    worker = threading.Thread(target=drain, daemon=True)
    worker.start()
    title = f"{event.title} ({event.id})"
    interrupted = False
    with (
        _RawKeys() as read_key,
        Live(meeting_view(meeting, clock(), title=title), screen=True, auto_refresh=False) as live,
    ):
        while not meeting.stopped:
            try:
                key = read_key(0.25)
                if key is not None:
                    meeting, effects = step(meeting, key, clock())
                    for effect in effects:
                        if isinstance(effect, Move):
                            with lock:
                                waiting[0] += 1
                            moves.put(effect)
                    checkpoint(meeting)
                view = meeting_view(
                    meeting, clock(), title=title, failed=list(writer.failed), waiting=waiting[0]
                )
                live.update(view, refresh=True)
            except KeyboardInterrupt:  # Ctrl-C: the meeting stops as with q, its agenda written
                meeting, _ = step(meeting, "q", clock())
                interrupted = True
    if interrupted:
        ws.err("interrupted: stopped as with q")
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

        # Bytes are read from the descriptor, not through sys.stdin: its buffer would keep the
        # second of two keys that came together where select cannot see it.
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending: collections.deque[str] = collections.deque()

        def read_posix(timeout: float) -> str | None:
            if not pending:
                ready, _, _ = select.select([self._fd], [], [], timeout)
                if ready:
                    pending.extend(decoder.decode(os.read(self._fd, 1024)))
            return pending.popleft() if pending else None

        return read_posix

    def __exit__(self, *exc: object) -> None:
        if sys.platform != "win32":
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
