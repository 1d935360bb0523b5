"""A progress bar for long plans on a terminal (GitHub writes are spaced a second apart)."""

from __future__ import annotations

from typing import Any

from p2p.rules.plan import Progress

# Short plans finish before a bar would be read; it would only flicker.
SHORT_PLAN = 5


class TerminalProgress(Progress):
    """A Rich progress bar on standard error, gone once the plan is applied."""

    def __init__(self) -> None:
        self._bar: Any = None
        self._task: Any = None

    def start(self, total: int) -> None:
        if total < SHORT_PLAN:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("applying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._bar.add_task("", total=total)
        self._bar.start()

    def advance(self, text: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=text[:40])

    def echo(self, text: str) -> bool:
        """Print a line above the bar while it is shown, and say whether it did. A line written
        to the terminal past the bar's back would land on the bar's line and leave it behind."""
        if self._bar is None:
            return False
        self._bar.console.print(text, markup=False, highlight=False, emoji=False, soft_wrap=True)
        return True

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
