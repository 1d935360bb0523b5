"""`p2p sync`, the main job: participants collect, participants sync, topics sync, votes tally, render.

GitHub is observed once: each read is made by the first step that needs it and handed on,
so no step re-reads what an earlier one fetched, unless a step in between changed it. A failing
step is reported and the others still run; the exit status is then 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from p2p.cli.workspace import Workspace
from p2p.errors import GitHubError, P2PError
from p2p.models import Snapshot
from p2p.rules.plan import counted


def sync(ws: Workspace, *, dry_run: bool, force: bool) -> int:
    from p2p.cli import collect, participants, render, topics, votes

    roundtable = ws.roundtable()
    port = ws.port()
    failed: list[str] = []
    upcoming = roundtable.next_event(ws.now)
    where = "the offline sandbox .p2p/sandbox.json" if ws.sandbox else "GitHub"
    ws.out(
        f"p2p sync: {roundtable.settings.name} ({port.repository}) against {where}; "
        f"{counted(len(roundtable.events), 'event')}, next: {upcoming.id if upcoming else 'none scheduled'}"
        + (" (dry run: nothing is changed)" if dry_run else "")
    )

    def step(name: str, run: Callable[[], int]) -> None:
        ws.out(f"== {name}")
        try:
            code = run()
        except P2PError as error:
            ws.err(f"error: {error.message}")
            code = error.exit_code
        if code:
            failed.append(name)

    seat_requests = roundtable.settings.seat_requests != "off"
    observed = _observe(ws, upcoming.id if upcoming else None, seat_requests=seat_requests)

    def collect_seat_requests() -> int:
        if not seat_requests:
            ws.out("seat requests are off (`seat_requests: off` in p2p.yaml)")
            return 0
        if observed.topics is not None:  # the repository's labels, read with the topics
            collect.create_labels(ws, observed.topics.labels, dry_run=dry_run)
        requests = observed.seat_requests
        if requests is None:
            requests = port.read_seat_requests()
        return collect.collect_with(ws, requests, event_id=None, dry_run=dry_run)

    step("participants collect", collect_seat_requests)

    step(
        "participants sync",
        lambda: participants.sync_with(
            ws, observed.access or port.read_access(), dry_run=dry_run, force=force
        ),
    )

    event = ws.roundtable().next_event(ws.now)  # as the files now say: collect may have registered people
    agenda_before = _read(ws.event_path(event)) if event is not None else b""
    if event is None:
        ws.out("== topics sync, votes tally: skipped, no upcoming event")
    else:
        snapshot = Snapshot()
        writes = port.requests.writes

        def observe_and_sync_topics() -> int:
            nonlocal snapshot
            read_before = observed.topics is not None and observed.topics.event_id == event.id
            snapshot = observed if read_before else topics.observe(ws, event)
            return topics.sync_with(ws, event, snapshot, dry_run=dry_run)

        def tally_votes() -> int:
            # Topics sync changed GitHub (issues, labels, cards): the tally reads it again rather
            # than count from what it was before.
            observed = snapshot if port.requests.writes == writes else topics.observe(ws, event)
            return votes.tally_with(ws, event, observed, dry_run=dry_run, as_json=False)

        step(f"topics sync {event.id}", observe_and_sync_topics)
        if snapshot.topics is not None:
            step(f"votes tally {event.id}", tally_votes)

    def render_files() -> int:
        if event is not None and _read(ws.event_path(event)) != agenda_before:
            ws.roundtable(reload=True)  # the tally wrote the agenda
        return render.render_step(ws, dry_run=dry_run)

    step("render", render_files)

    if failed:
        ws.err(f"sync finished with {counted(len(failed), 'failed step')}: {', '.join(failed)}")
        return 1
    ws.out("sync: done" + (" (dry run)" if dry_run else ""))
    return 0


def _observe(ws: Workspace, event_id: str | None, *, seat_requests: bool) -> Snapshot:
    """Everything the steps read of GitHub, in one request (and the invitations' one): who has
    access, the next event's topics, the board and the seat requests. When that combined read is
    refused, each step reads its own part, so that one missing permission fails one step alone
    and says which."""
    port = ws.port()
    try:
        return port.read_snapshot(event_id, ws.roundtable().settings.project, seat_requests=seat_requests)
    except GitHubError as error:
        if ws.verbose:
            ws.err(f"the combined read was refused ({error.message}): each step reads its own part")
        return Snapshot()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""
