"""`p2p topics sync`: seeded topics opened, new proposals labelled, the event's topics on the
board (SPEC 4.3).

GitHub is read once per run: the topic issues with their 👍 in one GraphQL request, the board
in one more. `p2p sync` hands its own snapshot to `sync_with`, which returns it updated with
what it changed, so the tally that follows needs no second read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from p2p.cli.board import board_hint
from p2p.cli.workspace import Workspace
from p2p.models import (
    AccessState,
    Board,
    BoardField,
    BoardItem,
    Comment,
    Event,
    FieldType,
    Invitation,
    Issue,
    Snapshot,
    TopicState,
)
from p2p.port import FieldValue, Port, RequestCount
from p2p.rules.plan import printable
from p2p.rules.topics import active_topics, plan_topics, waiting_proposals


def sync(ws: Workspace, *, event: str | None, dry_run: bool) -> int:
    """`p2p topics sync [EVENT]`."""
    chosen = ws.event(event)
    sync_with(ws, chosen, Snapshot(), dry_run=dry_run)
    return 0


def sync_with(ws: Workspace, event: Event, snapshot: Snapshot, *, dry_run: bool) -> Snapshot:
    """Topics sync on a snapshot already read; returns it updated with what this step changed."""
    snapshot, topics = complete(ws, event, snapshot)
    board = snapshot.board
    roundtable = ws.roundtable()
    upcoming = roundtable.next_event(ws.now)
    next_id = upcoming.id if upcoming is not None else None
    actions = plan_topics(roundtable, event, topics, board, next_id)
    seeded = len(event.topics)
    ws.out(
        f"topics sync: {event.id} ({seeded} seeded, {len(active_topics(topics, event.id))} topic(s), "
        + (f"board #{board.number})" if board is not None else "no board)")
    )
    for issue, why in waiting_proposals(roundtable, topics, next_id):
        ws.out(f"waiting: #{issue.number} {printable(issue.title, width=40)}: {why}")
    board_hint(ws, board)
    recorder = Recorder(ws.port(), snapshot)
    ws.apply(
        actions, recorder, dry_run=dry_run, empty="nothing to change: every topic has its issue and card"
    )
    return recorder.snapshot


def complete(ws: Workspace, event: Event, snapshot: Snapshot) -> tuple[Snapshot, TopicState]:
    """The snapshot and its topics, read now (the event's topics in one request, the board in
    one more) unless it already holds this event's topics: whoever read those read the board
    too, so a board of None then means there is none."""
    topics = snapshot.topics
    if topics is None or topics.event_id != event.id:
        port = ws.port()
        topics = port.read_topics(event.id)
        number = ws.roundtable().settings.project
        board = port.read_board(number) if number is not None else None
        snapshot = snapshot.model_copy(update={"topics": topics, "board": board})
    return snapshot, topics


# --- the snapshot, kept up to date while a plan is applied -------------------------------


@dataclass
class Recorder:
    """The port, noting each change it makes in the run's snapshot, so that later steps of
    the same run see the new issues, labels and cards without reading GitHub again."""

    port: Port
    snapshot: Snapshot

    @property
    def repository(self) -> str:
        return self.port.repository

    @property
    def requests(self) -> RequestCount:
        return self.port.requests

    def read_access(self) -> AccessState:
        return self.port.read_access()

    def read_topics(self, event_id: str) -> TopicState:
        return self.port.read_topics(event_id)

    def read_comments(self, issues: Sequence[int]) -> tuple[Comment, ...]:
        return self.port.read_comments(issues)

    def read_board(self, number: int) -> Board | None:
        return self.port.read_board(number)

    def invite(self, login: str, permission: str) -> Invitation | None:
        return self.port.invite(login, permission)

    def cancel_invitation(self, invitation_id: int) -> None:
        self.port.cancel_invitation(invitation_id)

    def remove_collaborator(self, login: str) -> None:
        self.port.remove_collaborator(login)

    def create_issue(self, title: str, body: str, labels: Sequence[str]) -> Issue:
        issue = self.port.create_issue(title, body, labels)
        self._issues(lambda issues: [*(i for i in issues if i.number != issue.number), issue], labels)
        return issue

    def add_labels(self, number: int, labels: Sequence[str]) -> None:
        self.port.add_labels(number, labels)

        def label(issues: list[Issue]) -> list[Issue]:
            return [
                i.model_copy(update={"labels": _merged(i.labels, labels)}) if i.number == number else i
                for i in issues
            ]

        self._issues(label, labels)

    def create_label(self, name: str, color: str, description: str) -> None:
        self.port.create_label(name, color, description)
        topics = self.snapshot.topics
        if topics is not None:
            labels = _merged(topics.labels, [name])
            self.snapshot = self.snapshot.model_copy(
                update={"topics": topics.model_copy(update={"labels": labels})}
            )

    def add_item(self, board: Board, issue: Issue) -> BoardItem:
        item = self.port.add_item(board, issue)
        self._items(board, lambda items: items if any(i.id == item.id for i in items) else [*items, item])
        return item

    def set_field(self, board: Board, item: BoardItem, field: BoardField, value: str | float) -> None:
        self.port.set_field(board, item, field, value)
        self._values(board, [FieldValue(item, field, value)])

    def set_fields(self, board: Board, values: Sequence[FieldValue]) -> None:
        self.port.set_fields(board, values)
        self._values(board, values)

    def _values(self, board: Board, values: Sequence[FieldValue]) -> None:
        stored: dict[str, dict[str, str | float]] = {}
        for value in values:
            number = float(value.value) if value.field.type == "number" else value.value
            stored.setdefault(value.item.id, {})[value.field.name] = number

        def update(items: list[BoardItem]) -> list[BoardItem]:
            return [
                i.model_copy(update={"values": {**i.values, **stored[i.id]}}) if i.id in stored else i
                for i in items
            ]

        self._items(board, update)

    def move_item(self, board: Board, item: BoardItem, after: BoardItem | None) -> None:
        self.port.move_item(board, item, after)

        def move(items: list[BoardItem]) -> list[BoardItem]:
            moving = next((i for i in items if i.id == item.id), None)
            if moving is None or (after is not None and after.id == item.id):
                return items
            rest = [i for i in items if i.id != item.id]
            at = (
                0
                if after is None
                else next((n + 1 for n, i in enumerate(rest) if i.id == after.id), len(rest))
            )
            return [*rest[:at], moving, *rest[at:]]

        self._items(board, move)

    def create_field(
        self, board: Board, name: str, type: FieldType, options: Sequence[str] = ()
    ) -> BoardField:
        field = self.port.create_field(board, name, type, options)
        self._board(board, lambda b: b.model_copy(update={"fields": (*b.fields, field)}))
        return field

    def set_options(self, board: Board, field: BoardField, options: Sequence[str]) -> BoardField:
        updated = self.port.set_options(board, field, options)
        self._board(
            board,
            lambda b: b.model_copy(
                update={"fields": tuple(updated if f.id == field.id else f for f in b.fields)}
            ),
        )
        return updated

    def _issues(self, change: Callable[[list[Issue]], list[Issue]], labels: Sequence[str]) -> None:
        topics = self.snapshot.topics
        if topics is None:
            return
        issues = tuple(sorted(change(list(topics.issues)), key=lambda i: i.number))
        updated = topics.model_copy(update={"issues": issues, "labels": _merged(topics.labels, labels)})
        self.snapshot = self.snapshot.model_copy(update={"topics": updated})

    def _board(self, board: Board, change: Callable[[Board], Board]) -> None:
        current = self.snapshot.board
        if current is not None and current.id == board.id:
            self.snapshot = self.snapshot.model_copy(update={"board": change(current)})

    def _items(self, board: Board, change: Callable[[list[BoardItem]], list[BoardItem]]) -> None:
        self._board(board, lambda b: b.model_copy(update={"items": tuple(change(list(b.items)))}))


def _merged(have: Sequence[str], more: Sequence[str]) -> tuple[str, ...]:
    folded = {name.casefold() for name in have}
    added = [name for name in dict.fromkeys(more) if name.casefold() not in folded]
    return (*have, *added)
