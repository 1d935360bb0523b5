"""`topics sync`, `votes tally`, `board setup` and `takeaways collect`: read, decide, act, report.

GitHub is read once per run: the topic issues with their 👍 in one GraphQL request, the board
in one more, comments only for takeaways. `p2p sync` hands its own snapshot to `sync_with`
and `tally_with`; `sync_with` returns it updated with what it changed, so the tally that
follows needs no second read.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from p2p.errors import P2PError, StaleError
from p2p.files.edit import EventDocument, edit_event
from p2p.files.load import relative_path
from p2p.models import (
    AccessState,
    AgendaItem,
    Board,
    BoardField,
    BoardItem,
    Comment,
    Event,
    FieldType,
    Invitation,
    Issue,
    Snapshot,
    Takeaway,
    TopicState,
)
from p2p.port import FieldValue, Port, RequestCount
from p2p.rules.board import board_findings, missing_fields, plan_board_setup
from p2p.rules.plan import Action, apply_plan, format_plan, printable, table
from p2p.rules.takeaways import AddTakeaway, RemoveTakeaway, TakeawayChange, UpdateTakeaway, plan_takeaways
from p2p.rules.topics import active_topics, batched, plan_topics, waiting_proposals
from p2p.rules.votes import Tally, agenda_slots, plan_tally
from p2p.rules.votes import tally as count_votes
from p2p.workspace import Workspace

# --- the commands as cli.py calls them ---------------------------------------------------


def sync(ws: Workspace, *, event: str | None, dry_run: bool) -> int:
    """`p2p topics sync [EVENT]`."""
    chosen = ws.event(event)
    sync_with(ws, chosen, Snapshot(), dry_run=dry_run)
    return 0


def tally(ws: Workspace, *, event: str | None, dry_run: bool, as_json: bool) -> int:
    """`p2p votes tally [EVENT]`."""
    chosen = ws.event(event)
    return tally_with(ws, chosen, Snapshot(), dry_run=dry_run, as_json=as_json)


def board_setup(ws: Workspace, *, dry_run: bool) -> int:
    """`p2p board setup`: the Votes, Event and Status fields, created where missing."""
    number = ws.roundtable().settings.project
    if number is None:
        raise P2PError("p2p.yaml sets no `project:`: add the number of the roundtable's Projects board")
    port = ws.port()
    board = port.read_board(number)
    if board is None:
        raise P2PError(_no_board(ws, number))
    actions = plan_board_setup(board)
    ws.out(f"board setup: board #{number}" + (f" ({printable(board.title)})" if board.title else ""))
    findings = board_findings(board)
    _act(ws, actions, port, dry_run=dry_run, empty="nothing to change: the board has every field it needs")
    for finding in findings:
        (ws.err if finding.problem else ws.out)(("problem: " if finding.problem else "note: ") + finding.text)
    return 1 if any(f.problem for f in findings) else 0


def collect(ws: Workspace, *, event: str | None, dry_run: bool) -> int:
    """`p2p takeaways collect [EVENT]`: `Takeaway:` comments into the event file."""
    chosen = ws.event(event)
    port = ws.port()
    topics = port.read_topics(chosen.id)
    numbers = [issue.number for issue in active_topics(topics, chosen.id)]
    comments = port.read_comments(numbers) if numbers else ()
    changes = plan_takeaways(ws.roundtable(), chosen, topics, comments)
    path = ws.event_path(chosen)
    ws.out(f"takeaways collect: {chosen.id} ({len(numbers)} topic(s), {len(comments)} comment(s))")
    ws.out(format_plan(changes, empty="nothing to change: every takeaway is in the event file"))
    if not changes:
        return 0
    if dry_run:
        ws.out("dry run: nothing changed")
        return 0
    _edit_takeaways(path, chosen.takeaways, changes)
    ws.out(f"wrote {relative_path(path, ws.root)}")
    return 0


# --- the steps `p2p sync` shares a snapshot with ------------------------------------------


def sync_with(ws: Workspace, event: Event, snapshot: Snapshot, *, dry_run: bool) -> Snapshot:
    """Topics sync on a snapshot already read; returns it updated with what this step changed."""
    snapshot, topics = _complete(ws, event, snapshot)
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
    _board_hint(ws, board)
    recorder = Recorder(ws.port(), snapshot)
    _act(
        ws, actions, recorder, dry_run=dry_run, empty="nothing to change: every topic has its issue and card"
    )
    return recorder.snapshot


def tally_with(ws: Workspace, event: Event, snapshot: Snapshot, *, dry_run: bool, as_json: bool) -> int:
    """Votes tally on a snapshot already read."""
    snapshot, topics = _complete(ws, event, snapshot)
    roundtable = ws.roundtable()
    result = count_votes(roundtable, event, topics)
    board = snapshot.board
    actions: list[Action] = list(plan_tally(result, board)) if board is not None else []
    agenda = result.agenda()
    path = ws.event_path(event)
    write_agenda = agenda != event.agenda
    file_rows = []
    if write_agenda:
        file_rows.append(("write agenda", relative_path(path, ws.root), f"{len(agenda)} topic(s) ranked"))

    if as_json:
        ws.out(_tally_json(ws, event, result, actions, file_rows, board, dry_run=dry_run))
    else:
        _print_tally(ws, event, result)
        _board_hint(ws, board)
        rows = [(a.verb, a.subject, a.reason) for a in actions] + file_rows
        ws.out(table(("action", "subject", "reason"), rows) if rows else "nothing to change")
    if dry_run:
        if not as_json and (actions or file_rows):
            ws.out("dry run: nothing changed")
        return 0
    report = None if as_json else ws.out
    # The Votes values go 20 to a request (the first tally writes one per topic); the plan above
    # shows one row per value.
    outcome = apply_plan(
        batched(actions), ws.port(), report=report, progress=None if as_json else ws.progress
    )
    if write_agenda:
        _edit_agenda(path, agenda)
        if report is not None:
            report(f"done: write agenda {relative_path(path, ws.root)}")
    if outcome.error is not None:
        raise outcome.error
    return 0


# --- reading -----------------------------------------------------------------------------


def _complete(ws: Workspace, event: Event, snapshot: Snapshot) -> tuple[Snapshot, TopicState]:
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


def _no_board(ws: Workspace, number: int) -> str:
    owner = ws.repository().split("/")[0]
    return (
        f"GitHub: {owner} has no Projects board #{number}: create one, "
        "or fix `project:` in p2p.yaml (the board's number is in its address)"
    )


def _board_hint(ws: Workspace, board: Board | None) -> None:
    if board is None:
        number = ws.roundtable().settings.project
        if number is None:
            ws.out("no board: p2p.yaml sets no `project:`; board steps skipped")
        else:
            ws.err(f"warning: {_no_board(ws, number)}; board steps skipped")
        return
    missing = missing_fields(board)
    if missing:
        ws.out(f"board #{board.number} lacks {', '.join(missing)}: run `p2p board setup`")


# --- acting ------------------------------------------------------------------------------


def _act(ws: Workspace, actions: Sequence[Action], port: Port, *, dry_run: bool, empty: str) -> None:
    """Print the plan; unless it is a dry run, apply it and raise the error that stopped it."""
    ws.out(format_plan(actions, empty=empty))
    if not actions:
        return
    if dry_run:
        ws.out("dry run: nothing changed")
        return
    outcome = apply_plan(actions, port, report=ws.out, progress=ws.progress)
    if outcome.error is not None:
        done = len(outcome.done)
        ws.err(f"stopped after {done} of {len(actions)} change(s); run the command again to finish")
        raise outcome.error


def _edit_agenda(path: Path, agenda: Sequence[AgendaItem]) -> None:
    def change(document: EventDocument) -> None:
        if agenda:
            document.set("agenda", list(agenda))
        else:
            document.delete("agenda")

    edit_event(path, change)


def _edit_takeaways(path: Path, planned_from: Sequence[Takeaway], changes: Sequence[TakeawayChange]) -> None:
    def change(document: EventDocument) -> None:
        current = [Takeaway.model_validate(t) for t in document.get("takeaways") or []]
        if tuple(current) != tuple(planned_from):
            raise StaleError(
                f"{path}: its takeaways changed while they were collected; run the command again"
            )
        for item in changes:
            if isinstance(item, UpdateTakeaway):
                document.replace("takeaways", item.index, item.new)
        # Remove from the end, so the indexes planned stay right.
        for item in sorted(
            (c for c in changes if isinstance(c, RemoveTakeaway)), key=lambda c: c.index, reverse=True
        ):
            document.remove("takeaways", item.index)
        for item in changes:
            if isinstance(item, AddTakeaway):
                document.append("takeaways", item.takeaway)
        if not document.get("takeaways"):
            document.delete("takeaways")

    edit_event(path, change)


# --- the tally's report ------------------------------------------------------------------


def _print_tally(ws: Workspace, event: Event, result: Tally) -> None:
    settings = ws.roundtable().settings
    slots = {s.issue: s for s in agenda_slots(result, event, settings)}
    when = f", from {event.start}" if event.start else ""
    length = f", {event.duration} min" if event.duration else ""
    ws.out(
        f"votes tally: {event.id} ({result.budget} vote(s) each, "
        f"{settings.timebox_minutes} min per topic{when}{length})"
    )
    if not result.ranking:
        ws.out("no topics yet")
    else:
        rows = [
            (
                str(r.rank),
                str(r.votes),
                f"#{r.issue.number}",
                slots[r.issue.number].describe(),
                printable(r.issue.title),
            )
            for r in result.ranking
        ]
        ws.out(table(("rank", "votes", "issue", "slot", "title"), rows))
    if result.over_budget:
        ws.out(
            f"over budget ({result.budget} vote(s) each, later 👍 not counted): "
            + ", ".join(result.over_budget)
        )
    if result.ignored:
        ws.out("not counted:")
        ws.out(
            table(
                ("who", "issue", "reacted", "why"),
                [
                    (i.login, f"#{i.issue}", f"{i.at.astimezone(UTC):%Y-%m-%d %H:%M} UTC", i.why)
                    for i in result.ignored
                ],
            )
        )


def _tally_json(
    ws: Workspace,
    event: Event,
    result: Tally,
    actions: Sequence[Action],
    file_rows: Sequence[tuple[str, str, str]],
    board: Board | None,
    *,
    dry_run: bool,
) -> str:
    slots = {s.issue: s for s in agenda_slots(result, event, ws.roundtable().settings)}
    document = {
        "event": event.id,
        "votes_per_participant": result.budget,
        "timebox_minutes": ws.roundtable().settings.timebox_minutes,
        "board": board.number if board is not None else None,
        "agenda": [
            {
                "rank": r.rank,
                "issue": r.issue.number,
                "title": r.issue.title,
                "votes": r.votes,
                "voters": list(r.voters),
                "slot": {
                    "offset": slots[r.issue.number].offset,
                    "minutes": slots[r.issue.number].minutes,
                    "start": _clock(slots[r.issue.number].start),
                    "end": _clock(slots[r.issue.number].end),
                    "reserve": slots[r.issue.number].reserve,
                },
            }
            for r in result.ranking
        ],
        "over_budget": list(result.over_budget),
        "ignored": [
            {"login": i.login, "issue": i.issue, "reacted": i.at.isoformat(), "why": i.why}
            for i in result.ignored
        ],
        "changes": [{"action": a.verb, "subject": a.subject, "reason": a.reason} for a in actions]
        + [{"action": verb, "subject": subject, "reason": reason} for verb, subject, reason in file_rows],
        "dry_run": dry_run,
    }
    return _escaped(json.dumps(document, indent=2, ensure_ascii=False))


def _escaped(text: str) -> str:
    """JSON that shows no control character raw: JSON escapes only those below U+0020, and
    titles are untrusted. C1 controls, format characters (bidi overrides) and line separators
    become \\u escapes; the rest stays readable."""
    return "".join(
        json.dumps(c)[1:-1] if ord(c) > 0x7F and unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c
        for c in text
    )


def _clock(value: Any) -> str | None:
    return None if value is None else f"{value:%H:%M}"


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
