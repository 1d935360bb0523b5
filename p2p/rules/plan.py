"""Plans: lists of small, printable actions that a planner decides and the shell applies."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from p2p.errors import P2PError
from p2p.port import MUTATIONS_PER_REQUEST, Port


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


@runtime_checkable
class Batchable(Action, Protocol):
    """An action GitHub takes together with others of its kind, as aliased mutations of one
    request: the actions of a plan with the same `batch` key are applied by `apply_batch`, up to
    MUTATIONS_PER_REQUEST of them at a time (`batched`). A key of None: this one goes alone."""

    @property
    def batch(self) -> Hashable | None: ...

    def apply_batch(self, port: Port, actions: Sequence[Batchable]) -> None:
        """Apply `actions` (this one first, all of its key) in as few requests as the port allows."""
        ...


@dataclass(frozen=True)
class Batch:
    """Actions of one kind applied together; the plan shows, and the report says, each of them."""

    actions: tuple[Batchable, ...]

    def __post_init__(self) -> None:
        if not 0 < len(self.actions) <= MUTATIONS_PER_REQUEST:
            raise ValueError(f"a batch holds 1 to {MUTATIONS_PER_REQUEST} actions, not {len(self.actions)}")

    @property
    def verb(self) -> str:
        return self.actions[0].verb

    @property
    def subject(self) -> str:
        return ", ".join(a.subject for a in self.actions)

    @property
    def reason(self) -> str:
        return "; ".join(dict.fromkeys(a.reason for a in self.actions))

    def apply(self, port: Port) -> None:
        self.actions[0].apply_batch(port, self.actions)


def batched(actions: Sequence[Action]) -> list[Action]:
    """The plan as it is applied: the batchable actions of one key go MUTATIONS_PER_REQUEST to a
    Batch, where the first of them stood; every other action keeps its place.

    Moving a later action forward is safe for what is batched: labels, cards, values and moves
    of different items do not depend on one another, and those of one key keep their order.
    """
    groups: dict[Hashable, list[Batchable]] = {}
    for action in actions:
        if isinstance(action, Batchable) and action.batch is not None:
            groups.setdefault(action.batch, []).append(action)
    applied: list[Action] = []
    for action in actions:
        if not isinstance(action, Batchable) or action.batch is None:
            applied.append(action)
            continue
        chosen = groups[action.batch]
        if action is not chosen[0]:
            continue  # in the batch of the first of its key
        for start in range(0, len(chosen), MUTATIONS_PER_REQUEST):
            applied.append(Batch(tuple(chosen[start : start + MUTATIONS_PER_REQUEST])))
    return applied


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
    """Apply actions in order, those GitHub takes together in batches (`batched`), stopping at
    the first refusal, except a refusal of a kind in `go_on`, which only that action suffers: it
    is kept in `skipped`, the plan goes on. Each action of a batch is reported done once its
    batch is.

    What was done stays done: every planner is a reconciler, so the next run observes the
    new state and plans only what is left.
    """
    outcome = Outcome()
    progress = progress or Progress()
    progress.start(len(actions))
    try:
        for step in batched(actions):
            members: Sequence[Action] = step.actions if isinstance(step, Batch) else (step,)
            try:
                step.apply(port)
            except P2PError as error:
                if isinstance(error, go_on):
                    for action in members:
                        outcome.skipped.append((action, error))
                        progress.advance(f"{action.verb} {action.subject}")
                    continue
                outcome.failed, outcome.error = members[0], error
                break
            for action in members:
                outcome.done.append(action)
                progress.advance(f"{action.verb} {action.subject}")
                if report is not None:
                    report(f"done: {action.verb} {action.subject}")
    finally:
        progress.stop()
    return outcome
