"""`p2p votes tally`: the 👍 counted, the board ordered by votes, the agenda written (SPEC 4.4)."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from p2p.cli.board import board_hint
from p2p.cli.topics import observe, topics_of
from p2p.cli.workspace import Workspace
from p2p.errors import NothingToDo
from p2p.files.edit import EventDocument, edit_event
from p2p.files.load import relative_path
from p2p.models import AgendaItem, Board, Event, Snapshot
from p2p.rules.plan import Action, apply_plan, counted, printable, table
from p2p.rules.topics import batched
from p2p.rules.votes import Tally, agenda_slots, plan_tally
from p2p.rules.votes import tally as count_votes


def tally(ws: Workspace, *, event: str | None, dry_run: bool, as_json: bool) -> int:
    """`p2p votes tally [EVENT]`."""
    try:
        chosen = ws.event(event)
    except NothingToDo as nothing:
        if not as_json:
            raise
        ws.err(nothing.message)  # the message on standard error, the document on standard output
        ws.out(json.dumps(_no_event_json(ws, dry_run=dry_run), indent=2))
        return 0
    return tally_with(ws, chosen, observe(ws, chosen), dry_run=dry_run, as_json=as_json)


def tally_with(ws: Workspace, event: Event, snapshot: Snapshot, *, dry_run: bool, as_json: bool) -> int:
    """Votes tally on a snapshot already observed."""
    topics = topics_of(snapshot, event)
    roundtable = ws.roundtable()
    result = count_votes(roundtable, event, topics)
    board = snapshot.board
    actions: list[Action] = list(plan_tally(result, board)) if board is not None else []
    agenda = carried_over(result.agenda(), event.agenda)
    path = ws.event_path(event)
    write_agenda = agenda != event.agenda
    file_rows = []
    if write_agenda:
        file_rows.append(
            ("write agenda", relative_path(path, ws.root), f"{counted(len(agenda), 'topic')} ranked")
        )

    if as_json:
        ws.out(_tally_json(ws, event, result, actions, file_rows, board, dry_run=dry_run))
    else:
        _print_tally(ws, event, result)
        board_hint(ws, board)
        rows = [(a.verb, a.subject, a.reason) for a in actions] + file_rows
        ws.out(table(("action", "subject", "reason"), rows) if rows else "nothing to change")
    if dry_run:
        if not as_json and (actions or file_rows):
            ws.out("dry run: nothing changed")
        return 0
    report = None if as_json else ws.out
    # The Votes values and the moves go 50 to a request (the first tally writes one value per
    # topic); the plan above shows one row per value.
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


def carried_over(agenda: Sequence[AgendaItem], before: Sequence[AgendaItem]) -> tuple[AgendaItem, ...]:
    """The new agenda keeping what `p2p meeting` wrote of each topic still on it: the tally also
    runs on a schedule on meeting day."""
    progress = {item.issue: item for item in before}
    return tuple(
        item.model_copy(update={"discussed": old.discussed, "extended": old.extended, "ongoing": old.ongoing})
        if (old := progress.get(item.issue)) is not None
        else item
        for item in agenda
    )


def _edit_agenda(path: Path, agenda: Sequence[AgendaItem]) -> None:
    def change(document: EventDocument) -> None:
        if agenda:
            document.set("agenda", list(agenda))
        else:
            document.delete("agenda")

    edit_event(path, change)


# --- the tally's report ------------------------------------------------------------------


def _print_tally(ws: Workspace, event: Event, result: Tally) -> None:
    settings = ws.roundtable().settings
    slots = {s.issue: s for s in agenda_slots(result, event, settings)}
    when = f", from {event.start} {settings.timezone}" if event.start else ""
    length = f", {event.duration} min" if event.duration else ""
    ws.out(
        f"votes tally: {event.id} ({counted(result.budget, 'vote')} each, "
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
            f"over budget ({counted(result.budget, 'vote')} each, later 👍 not counted): "
            + ", ".join(result.over_budget)
        )
    if result.ignored:
        ws.out("not counted:")
        ws.out(
            table(
                ("who", "issue", f"reacted ({settings.timezone})", "why"),
                [
                    (i.login, f"#{i.issue}", f"{i.at.astimezone(settings.zone):%Y-%m-%d %H:%M}", i.why)
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


def _no_event_json(ws: Workspace, *, dry_run: bool) -> dict[str, Any]:
    """The tally's document when there is no event to tally: the same keys, `"event": null`."""
    settings = ws.roundtable().settings
    return {
        "event": None,
        "votes_per_participant": settings.votes_per_participant,
        "timebox_minutes": settings.timebox_minutes,
        "board": None,
        "agenda": [],
        "over_budget": [],
        "ignored": [],
        "changes": [],
        "dry_run": dry_run,
    }


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
