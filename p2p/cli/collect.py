"""`p2p participants collect`: seat requests on GitHub become registrations, and each one is
answered (SPEC 4.6)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from p2p.cli.workspace import Workspace
from p2p.errors import InputErrors, StaleError
from p2p.files.edit import EventDocument, edit_event
from p2p.files.load import relative_path
from p2p.models import Registration, SeatRequest
from p2p.pages import render as pages
from p2p.rules.plan import apply_plan, counted, format_plan
from p2p.rules.seat_requests import (
    RegistrationChange,
    ReplyState,
    apply_changes,
    missing_labels,
    plan_seat_requests,
)


def collect(ws: Workspace, *, event: str | None, dry_run: bool) -> int:
    """`p2p participants collect [EVENT]`: every seat request, or those for EVENT when named."""
    event_id = ws.event(event).id if event is not None else None
    if ws.roundtable().settings.seat_requests == "off":  # invalid files stop the run here too
        ws.out("participants collect: seat requests are off (`seat_requests: off` in p2p.yaml)")
        return 0
    return collect_with(ws, ws.port().read_seat_requests(), event_id=event_id, dry_run=dry_run)


def collect_with(
    ws: Workspace, requests: Sequence[SeatRequest], *, event_id: str | None, dry_run: bool
) -> int:
    """Everything after the read: plan, print, edit the event files, then post or update the
    replies one at a time. The files come first: a reply that fails is posted by the next run,
    which finds the registration written."""
    roundtable = ws.roundtable()
    repository = roundtable.settings.repository
    env = pages.environment(ws.root)

    def render(state: ReplyState) -> str:
        return pages.seat_reply(state, roundtable=roundtable, repository=repository, env=env)

    plan = plan_seat_requests(roundtable, requests, ws.now, render=render, event_id=event_id)
    ws.out(
        f"participants collect: {counted(len(requests), 'seat request')}"
        + (f" ({event_id})" if event_id else "")
    )
    for note in plan.notes:
        ws.out(f"note: {note}")
    ws.out(
        format_plan(
            [*plan.changes, *plan.replies],
            empty="nothing to change: every seat request is registered and answered",
        )
    )
    if plan.empty:
        return 0
    if dry_run:
        ws.out("dry run: nothing changed")
        return 0
    for changed_event in dict.fromkeys(c.event_id for c in plan.changes):
        before = roundtable.event(changed_event)
        assert before is not None  # noqa: S101
        path = ws.event_path(before)
        _edit(path, before.participants, [c for c in plan.changes if c.event_id == changed_event])
        ws.out(f"wrote {relative_path(path, ws.root)}")
    if plan.changes:
        with suppress(InputErrors):  # another file may be invalid; these were validated on write
            ws.roundtable(reload=True)
    if not plan.replies:
        return 0
    outcome = apply_plan(plan.replies, ws.port(), report=ws.out, progress=ws.progress)
    if outcome.error is not None:
        done = len(outcome.done)
        ws.err(
            f"stopped after {done} of {counted(len(plan.replies), 'reply', 'replies')}; "
            "run the command again to finish"
        )
        raise outcome.error
    return 0


def _edit(path: Path, planned_from: Sequence[Registration], changes: Sequence[RegistrationChange]) -> None:
    def change(document: EventDocument) -> None:
        if tuple(document.event.participants) != tuple(planned_from):
            raise StaleError(
                f"{path}: its participants changed while seat requests were collected; run again"
            )
        apply_changes(_FileRegistrations(document), changes)

    edit_event(path, change)


@dataclass(frozen=True)
class _FileRegistrations:
    """The `participants` of an event file being edited."""

    document: EventDocument

    def set(self, index: int, key: str, value: object) -> None:
        self.document.set_item_field("participants", index, key, value)

    def remove(self, index: int) -> None:
        self.document.remove("participants", index)

    def append(self, registration: Registration) -> None:
        self.document.append(
            "participants", registration.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
        )


def create_labels(ws: Workspace, labels: Sequence[str], *, dry_run: bool) -> None:
    """Create the seat labels the repository lacks (`labels`: those it has), so that the seat form
    can apply `seat-request` and an organizer `approved`."""
    from p2p.rules.topics import CreateLabel

    actions = [
        CreateLabel(name, color, description)
        for name, color, description in missing_labels(ws.roundtable().settings, labels)
    ]
    if not actions:
        return
    ws.out(format_plan(actions, empty=""))
    if dry_run:
        return
    outcome = apply_plan(actions, ws.port(), report=ws.out, progress=ws.progress)
    if outcome.error is not None:
        raise outcome.error
