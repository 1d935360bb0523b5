"""`p2p topics sync`: seeded topics opened, new proposals labelled, the event's topics on the
board (SPEC 4.3).

What topics sync and the tally work from is read in one place, `observe`: the topic issues
with their 👍 in one GraphQL request, the board in one more. `p2p sync` observes once and hands
the snapshot to both steps; it reads again for the tally only when topics sync changed GitHub.
"""

from __future__ import annotations

from p2p.cli.board import board_hint
from p2p.cli.workspace import Workspace
from p2p.models import Event, Snapshot, TopicState
from p2p.rules.plan import counted, printable
from p2p.rules.topics import LabelProposal, active_topics, plan_topics, waiting_proposals


def sync(ws: Workspace, *, event: str | None, dry_run: bool) -> int:
    """`p2p topics sync [EVENT]`."""
    chosen = ws.event(event)
    return sync_with(ws, chosen, observe(ws, chosen), dry_run=dry_run)


def sync_with(ws: Workspace, event: Event, snapshot: Snapshot, *, dry_run: bool) -> int:
    """Topics sync on a snapshot already observed."""
    topics = topics_of(snapshot, event)
    board = snapshot.board
    roundtable = ws.roundtable()
    upcoming = roundtable.next_event(ws.now)
    next_id = upcoming.id if upcoming is not None else None
    actions = plan_topics(roundtable, event, topics, board, next_id)
    seeded = len(event.topics)
    active = len(active_topics(topics, event.id))
    # The topics the event has now, and apart the proposals this run gives it: "0 topics" then
    # two labelled would read as a contradiction.
    joining = sum(1 for action in actions if isinstance(action, LabelProposal))
    ws.out(
        f"topics sync: {event.id} ({seeded} seeded, {counted(active, 'topic')}"
        + (f", {counted(joining, 'new proposal')} to label" if joining else "")
        + (f", board #{board.number})" if board is not None else ", no board)")
    )
    for issue, why in waiting_proposals(roundtable, topics, next_id):
        ws.out(f"waiting: #{issue.number} {printable(issue.title, width=40)}: {why}")
    board_hint(ws, board)
    ws.apply(actions, dry_run=dry_run, empty="nothing to change: every topic has its issue and card")
    return 0


def observe(ws: Workspace, event: Event) -> Snapshot:
    """The event's topic issues with their 👍 (one request) and the board (one more)."""
    port = ws.port()
    number = ws.roundtable().settings.project
    return Snapshot(
        topics=port.read_topics(event.id),
        board=port.read_board(number) if number is not None else None,
    )


def topics_of(snapshot: Snapshot, event: Event) -> TopicState:
    """The event's topics in a snapshot `observe` read."""
    topics = snapshot.topics
    if topics is None or topics.event_id != event.id:
        raise ValueError(f"the snapshot holds no topics of {event.id}: observe them first")
    return topics
