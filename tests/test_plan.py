"""Plans: printed as aligned tables, applied one action at a time, progress shown while they run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import pytest

from p2p.cli.terminal import SHORT_PLAN, TerminalProgress
from p2p.errors import GitHubError
from p2p.port import Port
from p2p.rules.plan import Progress, apply_plan, counted, format_plan, table


@dataclass(frozen=True)
class Note:
    """An action that records itself on a list, or fails when told to."""

    subject: str
    fails: bool = False
    verb: str = "note"
    reason: str = "because"

    def apply(self, port: Port) -> None:
        if self.fails:
            raise GitHubError(f"refused {self.subject}")
        cast(list[str], port).append(self.subject)


class Recorder(Progress):
    def __init__(self) -> None:
        self.events: list[str] = []

    def start(self, total: int) -> None:
        self.events.append(f"start {total}")

    def advance(self, text: str) -> None:
        self.events.append(text)

    def stop(self) -> None:
        self.events.append("stop")


def test_table_aligns_columns_under_a_rule() -> None:
    assert table(("a", "long header"), [("value", "x")]).splitlines() == [
        "a      long header",
        "-----  -----------",
        "value  x",
    ]


def test_an_empty_plan_says_so() -> None:
    assert format_plan([], empty="nothing to change") == "nothing to change"


def test_actions_apply_in_order_and_report_each() -> None:
    done: list[str] = []
    lines: list[str] = []
    progress = Recorder()
    outcome = apply_plan([Note("a"), Note("b")], cast(Port, done), report=lines.append, progress=progress)
    assert outcome.ok and done == ["a", "b"]
    assert lines == ["done: note a", "done: note b"]
    assert progress.events == ["start 2", "note a", "note b", "stop"]


def test_the_first_refusal_stops_the_plan_and_progress_still_ends() -> None:
    done: list[str] = []
    progress = Recorder()
    outcome = apply_plan([Note("a"), Note("b", fails=True), Note("c")], cast(Port, done), progress=progress)
    assert done == ["a"]
    assert outcome.failed == Note("b", fails=True)
    assert isinstance(outcome.error, GitHubError)
    assert progress.events == ["start 3", "note a", "stop"]


def test_terminal_progress_shows_a_bar_for_long_plans_only(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Any] = []
    progress = TerminalProgress()
    progress.start(SHORT_PLAN - 1)
    assert progress._bar is None  # a short plan is over before a bar could be read
    progress.stop()

    import rich.progress

    original = rich.progress.Progress.start

    def start(self: rich.progress.Progress) -> None:
        started.append(self)
        original(self)

    monkeypatch.setattr(rich.progress.Progress, "start", start)
    progress.start(SHORT_PLAN)
    for n in range(SHORT_PLAN):
        progress.advance(f"invite person{n}")
    bar: Any = progress._bar
    assert started == [bar]
    assert bar.tasks[0].completed == SHORT_PLAN
    progress.stop()
    assert progress._bar is None and bar.finished


@pytest.mark.parametrize(("count", "expected"), [(0, "0 writes"), (1, "1 write"), (2, "2 writes")])
def test_counts_read_as_plain_english(count: int, expected: str) -> None:
    assert counted(count, "write") == expected
    assert counted(count, "guess", "guesses").endswith("guess" if count == 1 else "guesses")
