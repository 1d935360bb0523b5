"""Plans: lists of small, printable actions that a planner decides and the shell applies."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from p2p.errors import P2PError
from p2p.port import Port


class Change(Protocol):
    """One planned change, as a row of a plan: what, to what, and the reason an organizer would
    want to read."""

    @property
    def verb(self) -> str: ...

    @property
    def subject(self) -> str: ...

    @property
    def reason(self) -> str: ...


class Action(Change, Protocol):
    """A change to GitHub, applied through the port."""

    def apply(self, port: Port) -> None: ...


def printable(text: str, *, width: int | None = 60) -> str:
    """Untrusted text made safe for one line of a terminal or a log: control characters
    (escape sequences, new lines) shown as code points, text longer than `width` cut."""
    out = "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text
    )
    out = " ".join(out.split())
    return out if width is None or len(out) <= width else out[: width - 1] + "…"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """A count in plain English: `1 write`, `2 writes`, `0 guesses` (irregular plurals given)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned columns: readable on a terminal, stable in logs and tests."""
    cells = [list(headers), *[list(row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def format_plan(changes: Sequence[Change], *, empty: str = "nothing to change") -> str:
    if not changes:
        return empty
    return table(("action", "subject", "reason"), [(c.verb, c.subject, c.reason) for c in changes])


class Progress:
    """How far applying a plan got. This one shows nothing: the `done:` lines say it, which is
    right for logs and pipes; on a terminal the command line puts a progress bar in its place."""

    def start(self, total: int) -> None:
        """A plan of `total` actions starts."""

    def advance(self, text: str) -> None:
        """One action is done."""

    def stop(self) -> None:
        """The plan is applied, or stopped."""


@dataclass
class Outcome:
    """What applying a plan did: the actions done, and the error that stopped it, if any."""

    done: list[Action] = field(default_factory=list)
    failed: Action | None = None
    error: P2PError | None = None
    # Actions refused with an error of a kind the caller let the plan go on past, with it.
    skipped: list[tuple[Action, P2PError]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


def apply_plan(
    actions: Sequence[Action],
    port: Port,
    *,
    report: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    go_on: tuple[type[P2PError], ...] = (),
) -> Outcome:
    """Apply actions one at a time, in order, stopping at the first refusal, except a refusal of
    a kind in `go_on`, which only that action suffers: it is kept in `skipped`, the plan goes on.

    What was done stays done: every planner is a reconciler, so the next run observes the
    new state and plans only what is left.
    """
    outcome = Outcome()
    progress = progress or Progress()
    progress.start(len(actions))
    try:
        for action in actions:
            try:
                action.apply(port)
            except P2PError as error:
                if isinstance(error, go_on):
                    outcome.skipped.append((action, error))
                    progress.advance(f"{action.verb} {action.subject}")
                    continue
                outcome.failed, outcome.error = action, error
                break
            outcome.done.append(action)
            progress.advance(f"{action.verb} {action.subject}")
            if report is not None:
                report(f"done: {action.verb} {action.subject}")
    finally:
        progress.stop()
    return outcome
