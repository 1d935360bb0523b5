"""`p2p takeaways collect`: `Takeaway:` comments on an event's topics kept in its event file (SPEC 4.3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from p2p.cli.workspace import Workspace
from p2p.errors import StaleError
from p2p.files.edit import EventDocument, edit_event
from p2p.files.load import relative_path
from p2p.models import Takeaway
from p2p.rules.plan import counted, format_plan, printable, table
from p2p.rules.takeaways import LeftOut, TakeawayChange, apply_takeaways, left_out, plan_takeaways
from p2p.rules.topics import active_topics


def collect(ws: Workspace, *, event: str | None, dry_run: bool) -> int:
    """`p2p takeaways collect [EVENT]`: `Takeaway:` comments into the event file."""
    chosen = ws.event(event)
    port = ws.port()
    topics = port.read_topics(chosen.id)
    numbers = [issue.number for issue in active_topics(topics, chosen.id)]
    # Every issue read, withdrawn topics and proposals included: a takeaway stated there is not
    # collected, and the report says so rather than leave its author wondering.
    read = sorted({issue.number for issue in topics.issues})
    comments = port.read_comments(read) if read else ()
    changes = plan_takeaways(ws.roundtable(), chosen, topics, comments)
    path = ws.event_path(chosen)
    ws.out(
        f"takeaways collect: {chosen.id} "
        f"({counted(len(numbers), 'topic')}, {counted(len(comments), 'comment')})"
    )
    _report_left_out(ws, left_out(ws.roundtable(), chosen, topics, comments))
    ws.out(format_plan(changes, empty="nothing to change: every takeaway is in the event file"))
    if not changes:
        return 0
    if dry_run:
        ws.out("dry run: nothing changed")
        return 0
    _edit_takeaways(path, chosen.takeaways, changes)
    ws.out(f"wrote {relative_path(path, ws.root)}")
    return 0


def _report_left_out(ws: Workspace, comments: Sequence[LeftOut]) -> None:
    """Each `Takeaway:` comment not collected, and why, as `votes tally` lists the 👍 it did not count."""
    if not comments:
        return
    ws.out("not collected:")
    ws.out(
        table(
            ("who", "issue", "comment", "why", "takeaway"),
            [
                (
                    printable(c.author or "(deleted)", width=40),
                    f"#{c.issue}",
                    str(c.comment),
                    c.why,
                    printable(c.text, width=40),
                )
                for c in comments
            ],
        )
    )


def _edit_takeaways(path: Path, planned_from: Sequence[Takeaway], changes: Sequence[TakeawayChange]) -> None:
    def change(document: EventDocument) -> None:
        current = [Takeaway.model_validate(t) for t in document.get("takeaways") or []]
        if tuple(current) != tuple(planned_from):
            raise StaleError(
                f"{path}: its takeaways changed while they were collected; run the command again"
            )
        apply_takeaways(_FileTakeaways(document), changes)
        if not document.get("takeaways"):
            document.delete("takeaways")

    edit_event(path, change)


@dataclass(frozen=True)
class _FileTakeaways:
    """The `takeaways` of an event file being edited."""

    document: EventDocument

    def replace(self, index: int, takeaway: Takeaway) -> None:
        self.document.replace("takeaways", index, takeaway)

    def remove(self, index: int) -> None:
        self.document.remove("takeaways", index)

    def append(self, takeaway: Takeaway) -> None:
        self.document.append("takeaways", takeaway)
