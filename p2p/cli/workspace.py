"""One run's surroundings: the roundtable folder, the clock, the output and the way to GitHub."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from p2p.errors import NothingToDo, P2PError, UsageError
from p2p.files import EVENTS_DIR, SETTINGS_FILE

# The command line imports this module before it parses a command: what it needs of the models
# and the rules is imported on first use, so `p2p --help` and `--version` load no pydantic.
if TYPE_CHECKING:
    from p2p.files.working_copy import WorkingCopy
    from p2p.models import Event, Roundtable, Settings
    from p2p.port import Port
    from p2p.rules.plan import Action, Progress

SANDBOX_FILE = Path(".p2p") / "sandbox.json"
# What the sandbox plays when p2p.yaml names no repository: a folder fresh from `p2p init`
# rehearses as well as one that does.
PLACEHOLDER_REPOSITORY = "example/roundtable"


def _print(text: str) -> None:
    print(text)


def _no_progress_shown() -> Progress:
    from p2p.rules.plan import Progress

    return Progress()


@dataclass
class Workspace:
    """The roundtable repository a command works on.

    `now` is read once per run and passed to every rule; `out` prints one block of text.
    The port is created on first use, so commands that never reach GitHub never import
    the GitHub adapter.
    """

    root: Path
    sandbox: bool = False
    verbose: bool = False
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    out: Callable[[str], None] = _print
    err: Callable[[str], None] = _print
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    progress: Progress = field(default_factory=_no_progress_shown)
    _port: Port | None = field(default=None, repr=False)
    _roundtable: Roundtable | None = field(default=None, repr=False)
    _copy: WorkingCopy | None = field(default=None, repr=False)

    @property
    def files(self) -> Path:
        """Where the run reads and writes the roundtable's files: the repository itself, or with
        --sandbox its working copy under `.p2p/sandbox/`, so a rehearsal changes no tracked file."""
        if not self.sandbox or not (self.root / SETTINGS_FILE).is_file():
            return self.root  # no roundtable here: loading says so, and nothing is created
        return self.working_copy().folder

    def working_copy(self) -> WorkingCopy:
        """The sandbox's working copy, brought up to date with the real files on first use."""
        if self._copy is None:
            from p2p.files.working_copy import WorkingCopy

            self._copy = WorkingCopy.open(self.root)
            for note in self._copy.notes:
                self.err(f"sandbox: {note}")
        return self._copy

    @property
    def settings_path(self) -> Path:
        return self.files / SETTINGS_FILE

    @property
    def events_dir(self) -> Path:
        return self.files / EVENTS_DIR

    def event_path(self, event: Event) -> Path:
        return self.events_dir / f"{event.id}.yaml"

    def roundtable(self, *, reload: bool = False) -> Roundtable:
        """Settings and events, loaded strictly (raises InputErrors)."""
        if self._roundtable is None or reload:
            from p2p.files.load import load_roundtable

            self._roundtable = load_roundtable(self.files)
        return self._roundtable

    def settings(self) -> Settings:
        """p2p.yaml alone, for a command that needs no event file (the sandbox's commands)."""
        if self._roundtable is not None:
            return self._roundtable.settings
        from p2p.files.load import load_settings

        return load_settings(self.settings_path, shown=SETTINGS_FILE)

    def event(self, event_id: str | None) -> Event:
        """The named event; with no id (or `next`) the next one; `last`: the latest that has ended,
        whose takeaways still come in after the day."""
        roundtable = self.roundtable()
        if event_id == "last":
            past = roundtable.past_events(self.now)
            if not past:
                raise NothingToDo(f"no event in {EVENTS_DIR}/ has ended yet, nothing to do")
            return past[0]
        if event_id is not None and event_id != "next":
            event = roundtable.event(event_id)
            if event is None:
                known = ", ".join(e.id for e in roundtable.events[-5:]) or "none"
                raise UsageError(f"no event {event_id!r} in {EVENTS_DIR}/ (latest: {known})")
            return event
        event = roundtable.next_event(self.now)
        if event is None:
            # Scheduled runs between events land here: nothing to do is not a failure.
            raise NothingToDo(
                f"no upcoming event in {EVENTS_DIR}/, nothing to do "
                "(create one with `p2p event new DATE --title T`)"
            )
        return event

    def repository(self) -> str:
        """owner/name: p2p.yaml's `repository`, else $GITHUB_REPOSITORY; the sandbox, without
        either, plays a placeholder."""
        configured = self.settings().repository or self.env.get("GITHUB_REPOSITORY")
        if not configured and self.sandbox:
            return PLACEHOLDER_REPOSITORY
        if not configured:
            raise P2PError(
                f"{SETTINGS_FILE}: no `repository:` set and $GITHUB_REPOSITORY is empty; "
                "add `repository: owner/name`"
            )
        return configured

    def port(self) -> Port:
        """The way to GitHub: the offline sandbox with --sandbox, else the real API."""
        if self._port is None:
            if self.sandbox:
                from p2p.sandbox.store import Sandbox

                repository = self.repository()
                path = self.root / SANDBOX_FILE
                if repository == PLACEHOLDER_REPOSITORY and not path.exists():
                    self.err(
                        f"sandbox: {SETTINGS_FILE} names no `repository:`, so the sandbox plays "
                        f"{PLACEHOLDER_REPOSITORY} (add `repository: owner/name` for your own)"
                    )
                self._port = Sandbox.open(path, repository=repository, now=self.now, people=self._people())
            else:
                from p2p.github.credentials import api_url, find_token

                repository = self.repository()
                token = find_token(self.env, api_url(self.env))  # before PyGithub is imported
                from p2p.github.adapter import GitHubRepository

                self._port = GitHubRepository.from_environment(repository, env=self.env, token=token)
        return self._port

    def _people(self) -> list[str]:
        """Every login the roundtable's files name: the accounts the sandbox's GitHub has."""
        roundtable = self.roundtable()
        found = list(roundtable.settings.organizers)
        for event in roundtable.events:
            found += [r.github for r in event.participants]
            found += [p.github for p in event.presenters if p.github]
        return found

    def apply(self, actions: Sequence[Action], *, dry_run: bool, empty: str) -> None:
        """Print the plan; unless it is a dry run, apply it through the port and raise the error
        that stopped it."""
        from p2p.rules.plan import apply_plan, counted, format_plan

        self.out(format_plan(actions, empty=empty))
        if not actions:
            return
        if dry_run:
            self.out("dry run: nothing changed")
            return
        outcome = apply_plan(actions, self.port(), report=self.out, progress=self.progress)
        if outcome.error is not None:
            done = len(outcome.done)
            self.err(
                f"stopped after {done} of {counted(len(actions), 'change')}; run the command again to finish"
            )
            raise outcome.error

    def close(self) -> None:
        """Persist what the port holds (the sandbox writes its file) and report requests; a
        sandbox run names the files it wrote in its working copy."""
        if self._copy is not None:
            written = self._copy.written()
            if written:
                names = ", ".join(self._copy.shown(name) for name in written)
                self.err(
                    f"sandbox: wrote {names} (the real files are unchanged; "
                    "`p2p sandbox diff` shows the difference)"
                )
        if self._port is None:
            return
        closer = getattr(self._port, "close", None)
        if callable(closer):
            closer()
        if self.verbose:
            from p2p.rules.plan import counted

            count = self._port.requests
            self.err(
                f"GitHub: {counted(count.total, 'HTTP request')} "
                f"({counted(count.reads, 'read')}, {counted(count.writes, 'write')})"
            )
