"""Measure the toolkit: HTTP requests, writes, the pauses GitHub's pace puts between the writes,
and wall time per command, first run and steady state, at several sizes, against the stateful
fake GitHub, beside a straightforward PyGithub baseline; start-up time against an interpreter
that imports Typer; and how fast a file of thousands of mistakes is reported. Writes
bench/RESULTS.md.

    python -m bench            # the full run (a few minutes)
    python -m bench --quick    # small sizes only (seconds)

Each command is run in-process through the real command line (`p2p.cli.app`) with a token
set and `P2P_WRITE_DELAY=0`; the fake answers every request from its state, so request
counts are exact and the same on every run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from bench.world import (
    ORGANIZER,
    REPOSITORY,
    Size,
    accept_invitations,
    logins,
    open_seeded_topics,
    seed_github,
    write_roundtable,
)
from p2p.github.client import DEFAULT_WRITE_DELAY

if TYPE_CHECKING:
    from github.Repository import Repository

    from tests.fake import FakeGitHub

T = TypeVar("T")

TOKEN = "bench-token-0000"  # noqa: S105 - the fake accepts any token
API_URL = "https://api.github.com"
ENV = {"GITHUB_TOKEN": TOKEN, "P2P_WRITE_DELAY": "0", "GITHUB_API_URL": API_URL}

# One factor at a time around the reference roundtable of SPEC 7 (100 topics, 12 participants).
FULL = (
    Size(10, 12, 20),
    Size(100, 12, 20),
    Size(103, 12, 20),  # SPEC 7's first run: 100 proposals (and 3 seeded topics)
    Size(1000, 12, 20),
    Size(100, 50, 20),
    Size(100, 12, 1),
    Size(100, 12, 200),
)
QUICK = (Size(10, 12, 1), Size(100, 12, 3))
COMMANDS = ("participants sync", "topics sync", "votes tally", "sync", "render", "check")
# Which baseline script does the work of which command.
BASELINE_OF = {"participants sync": "access", "votes tally": "tally", "sync": "access + tally"}
BUDGET_REQUESTS = 2  # SPEC 7: steady-state `p2p sync`, 100 topics, 12 participants, open seat requests
FIRST_RUN_BUDGET = 40  # SPEC 7: the first `p2p sync` of a cycle, 100 proposals and 12 participants
STARTUP_RATIO = 1.5  # SPEC 7: `p2p --help` and `--version` against `python -c "import typer"`
TYPER = 'python -c "import typer"'
MISTAKES = 5000  # lines of unknown keys in one event file (tests/test_fuzz.py's bounded report)


@dataclass(frozen=True)
class Sample:
    """One run of one command: requests made (reads + writes), writes, seconds, exit status."""

    requests: int
    writes: int
    seconds: float
    exit_code: int = 0
    fake_seconds: float = 0.0  # of `seconds`, the time the fake GitHub took to answer
    output: str = field(default="", repr=False, compare=False)

    @property
    def reads(self) -> int:
        return self.requests - self.writes


@dataclass(frozen=True)
class Row:
    """A command at one size: its first run and its steady state."""

    size: Size
    command: str
    first: Sample
    steady: Sample


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    baseline: list[Row] = field(default_factory=list)
    startup: dict[str, float] = field(default_factory=dict)
    loading: dict[str, float] = field(default_factory=dict)

    def row(self, size: Size, command: str) -> Row:
        return next(r for r in self.rows if r.size == size and r.command == command)

    def baseline_row(self, size: Size, script: str) -> Row:
        return next(r for r in self.baseline if r.size == size and r.command == script)


# --- running commands against a world ------------------------------------------------------


class _Stopwatch:
    """Time spent answering requests: the fake's own share of a command's wall time."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, respond: Callable[[T], object]) -> Callable[[T], object]:
        def timed(request: T) -> object:
            start = time.perf_counter()
            try:
                return respond(request)
            finally:
                self.seconds += time.perf_counter() - start

        return timed


_FAKE_TIME: dict[int, _Stopwatch] = {}


@contextmanager
def world(size: Size) -> Iterator[tuple[Path, FakeGitHub]]:
    """A fresh roundtable folder and a fake GitHub seeded to match, active while in use."""
    from tests.fake import FakeGitHub

    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="p2p-bench-") as folder:
        root = Path(folder)
        upcoming = write_roundtable(root, size, now.date())
        fake = FakeGitHub(REPOSITORY, now=now)
        stopwatch = _FAKE_TIME[id(fake)] = _Stopwatch()
        # The fake registers this method as its responder when it starts: time every answer.
        setattr(fake, "_respond", stopwatch.wrap(fake._respond))  # noqa: B010
        try:
            with fake:
                seed_github(fake, size, upcoming=upcoming)
                fake.reset_counts()
                yield root, fake
        finally:
            del _FAKE_TIME[id(fake)]


def _fake_seconds(fake: FakeGitHub) -> float:
    return _FAKE_TIME[id(fake)].seconds


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def p2p(root: Path, fake: FakeGitHub, *args: str) -> Sample:
    """One command through the real command line, in-process; its requests counted by the fake."""
    from typer.testing import CliRunner

    from p2p.cli.app import app

    fake.reset_counts()
    answering = _fake_seconds(fake)
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["--repo-dir", str(root), *args], env=ENV, catch_exceptions=True)
    seconds = time.perf_counter() - start
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\n{type(result.exception).__name__}: {result.exception}"
    return Sample(
        len(fake.requests), fake.writes, seconds, result.exit_code, _fake_seconds(fake) - answering, output
    )


def script(fake: FakeGitHub, work: Callable[[], object]) -> Sample:
    """One run of a baseline script, counted the same way."""
    fake.reset_counts()
    answering = _fake_seconds(fake)
    start = time.perf_counter()
    with _environment(ENV):
        work()
    seconds = time.perf_counter() - start
    return Sample(len(fake.requests), fake.writes, seconds, 0, _fake_seconds(fake) - answering)


def measure_commands(size: Size) -> list[Row]:
    """Every command at one size, each first run followed by its steady state.

    The steps follow an organizer's cycle in one world: participants sync (then everybody
    accepts the invitation), topics sync, votes tally, render, check. `p2p sync` gets a
    fresh world of its own, so its first run does the whole job.
    """
    rows: list[Row] = []
    with world(size) as (root, fake):
        first = p2p(root, fake, "participants", "sync")
        accept_invitations(fake)
        rows.append(Row(size, "participants sync", first, p2p(root, fake, "participants", "sync")))
        for command in ("topics sync", "votes tally", "render", "check"):
            args = command.split()
            rows.append(Row(size, command, p2p(root, fake, *args), p2p(root, fake, *args)))
    with world(size) as (root, fake):
        first = p2p(root, fake, "sync")
        accept_invitations(fake)
        rows.append(Row(size, "sync", first, p2p(root, fake, "sync")))
    order = {command: n for n, command in enumerate(COMMANDS)}
    return sorted(rows, key=lambda row: order[row.command])


def measure_baseline(size: Size) -> list[Row]:
    """The PyGithub scripts in a fresh world: first run, everybody accepts, steady state."""
    from bench import baseline

    registrants = logins(size.participants)
    voters = [*registrants, ORGANIZER]

    def connect() -> Repository:
        return baseline.connect(api_url=API_URL, token=TOKEN, repository=REPOSITORY)

    def access() -> None:
        baseline.access(connect(), registrants)

    def tally() -> None:
        baseline.tally(connect(), voters)

    def both() -> None:
        repo = connect()
        baseline.access(repo, registrants)
        baseline.tally(repo, voters)

    rows: list[Row] = []
    for name, work in (("access", access), ("tally", tally), ("access + tally", both)):
        with world(size) as (_, fake):
            open_seeded_topics(fake, size)
            first = script(fake, work)
            accept_invitations(fake)
            rows.append(Row(size, name, first, script(fake, work)))
    return rows


# --- start-up -----------------------------------------------------------------------------


def _median_seconds(commands: dict[str, Sequence[str]], *, runs: int, cwd: Path) -> dict[str, float]:
    """The median wall time of each command, the commands taking turns round after round: on a
    shared machine a burst of load then falls on all of them alike, not on one."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    environment = {**os.environ, **ENV}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, cwd=cwd, env=environment)  # noqa: S603
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def measure_startup(*, runs: int = 15) -> dict[str, float]:
    """Wall time of a fresh process for commands that need no GitHub, against `python -c pass`."""
    size = Size(100, 12, 20)
    repo_root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="p2p-bench-") as folder:
        root = Path(folder)
        write_roundtable(root, size, datetime.now(UTC).date())
        p2p_command = [sys.executable, "-m", "p2p"]
        subprocess.run(  # noqa: S603 - the interpreter running the bench, on its own package
            [*p2p_command, "--repo-dir", folder, "render"],
            check=True,
            capture_output=True,
            cwd=repo_root,
        )
        return _median_seconds(
            {
                "python -c pass": [sys.executable, "-c", "pass"],
                TYPER: [sys.executable, "-c", "import typer"],
                "p2p --help": [*p2p_command, "--help"],
                "p2p --version": [*p2p_command, "--version"],
                f"p2p check ({size.events} events)": [*p2p_command, "--repo-dir", folder, "check"],
                f"p2p render ({size.events} events, up to date)": [
                    *p2p_command,
                    "--repo-dir",
                    folder,
                    "render",
                ],
            },
            runs=runs,
            cwd=repo_root,
        )


def measure_loading(*, runs: int = 5) -> dict[str, float]:
    """Seconds to load, and refuse with a bounded report, an event file of MISTAKES unknown keys
    (the test only guards against a hang: `test_a_file_of_thousands_of_mistakes_gets_a_bounded_report`)."""
    from p2p.errors import InputErrors
    from p2p.files.load import load_event

    times = []
    with tempfile.TemporaryDirectory(prefix="p2p-bench-") as folder:
        path = Path(folder) / "2026-01-14.yaml"
        path.write_text(
            "date: 2026-01-14\ntitle: x\n" + "".join(f"k{n}: 1\n" for n in range(MISTAKES)), encoding="utf-8"
        )
        for _ in range(runs):
            start = time.perf_counter()
            with suppress(InputErrors):
                load_event(path)
            times.append(time.perf_counter() - start)
    return {f"an event file of {MISTAKES:,} mistakes": statistics.median(times)}


# --- the report -----------------------------------------------------------------------------


def machine() -> str:
    """What the figures were measured on, without naming the machine."""
    return (
        f"{os.cpu_count()} CPUs ({platform.machine() or 'unknown'}), "
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}"
    )


def _requests(sample: Sample) -> str:
    text = f"{sample.requests} ({sample.writes} w)"
    return text if sample.exit_code == 0 else f"{text}, exit {sample.exit_code}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _paced(sample: Sample) -> str:
    """The pauses GitHub's pace puts between the writes: one DEFAULT_WRITE_DELAY a write."""
    seconds = sample.writes * DEFAULT_WRITE_DELAY
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _time(sample: Sample) -> str:
    """Wall time, and in brackets the part that is not the fake answering."""
    return f"{_ms(sample.seconds)} ({_ms(max(sample.seconds - sample.fake_seconds, 0.0))})"


def _ratio(baseline: int, toolkit: int) -> str:
    if toolkit == 0:
        return "n/a" if baseline == 0 else "∞"
    return f"{baseline / toolkit:.1f}×"


def markdown(report: Report, *, quick: bool, elapsed: float) -> str:
    sizes = list(dict.fromkeys(row.size for row in report.rows))
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python -m bench" + (" --quick" if quick else "") + "` (see bench/run.py). "
        "Every command runs in-process through the real command line against the stateful fake "
        "GitHub of `tests/fake/`, with `P2P_WRITE_DELAY=0`. Request counts are exact and the "
        "same on every run; times depend on the machine.",
        "",
        f"Machine: {machine()}. Whole run: {elapsed:.0f} s.",
        "",
        "A world of each size is the start of a cycle: the event files (the last one upcoming with "
        "3 seeded topics, the others past with agenda and takeaways), the participants' topic "
        "proposals on GitHub with 3 👍 each, an empty board, nobody invited yet. *First run* is "
        "the command's first run in the cycle (participants sync, topics sync, votes tally, render "
        "and check in that order in one world; `sync` in a fresh world of its own); *steady* is the "
        "run right after it, once every invitee has accepted: nothing left to change. "
        "Requests are HTTP requests (REST and GraphQL), `w` the writes among them; a batch of up to "
        "50 aliased GraphQL mutations is one write. *Paced* is the time the writes take at GitHub's "
        f"advised pace, one write every {DEFAULT_WRITE_DELAY:.0f} s (`P2P_WRITE_DELAY`'s default): "
        "writes × the pause, what a workflow run spends waiting. Times are wall "
        "times; in brackets the part spent outside the fake, i.e. the command's own work (the fake "
        "executes GraphQL in-process with graphql-core, which makes a big query cost it far more "
        "than a REST request; against GitHub, each request costs network latency instead).",
        "",
        *_summary(report, sizes),
        "## Per command",
        "",
        "| size | command | first run: requests | paced | first run: time (own) | steady: requests "
        "| steady: time (own) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for command in COMMANDS:
            row = report.row(size, command)
            lines.append(
                f"| {size.label} | `p2p {command}` | {_requests(row.first)} | {_paced(row.first)} "
                f"| {_time(row.first)} | {_requests(row.steady)} | {_time(row.steady)} |"
            )
    lines += [
        "",
        "## Against the straightforward PyGithub script",
        "",
        "`bench/baseline.py` does the same reading the way most PyGithub scripts do: list the "
        "collaborators, check each registrant with `has_in_collaborators` and invite who is missing "
        "(*access*); list the open `topic` issues and fetch each issue's reactions (*tally*). "
        "It makes no board writes, so first runs compare reads; steady states compare all requests. "
        "Ratio: baseline requests per toolkit request. Against the fake a request costs well under a "
        "millisecond, so the times here show local work, which for the toolkit is mostly reading and "
        "validating every event file (strict YAML with line numbers) and for the baseline nearly "
        "nothing; against GitHub every request costs a network round trip, which the request counts "
        "translate into.",
        "",
        "| size | toolkit | baseline | first run: reads, toolkit / baseline | ratio "
        "| steady: requests, toolkit / baseline | ratio | steady time (own), toolkit / baseline |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in sizes:
        for command, script_name in BASELINE_OF.items():
            mine, theirs = report.row(size, command), report.baseline_row(size, script_name)
            lines.append(
                f"| {size.label} | `p2p {command}` | {script_name} "
                f"| {mine.first.reads} / {theirs.first.reads} "
                f"| {_ratio(theirs.first.reads, mine.first.reads)} "
                f"| {mine.steady.requests} / {theirs.steady.requests} "
                f"| {_ratio(theirs.steady.requests, mine.steady.requests)} "
                f"| {_time(mine.steady)} / {_time(theirs.steady)} |"
            )
    if report.startup:
        bare = report.startup.get("python -c pass", 0.0)
        typer = report.startup.get(TYPER, 0.0)
        lines += [
            "",
            "## Start-up",
            "",
            "A fresh process each time (`python -m p2p ...`), median of 15 runs, the commands taking "
            "turns (a burst of load on the shared machine falls on all alike). `p2p --help` and "
            "`--version` import no pydantic, ruamel.yaml, Jinja2 or GitHub code, and commands that "
            "need no GitHub import neither PyGithub nor requests nor the GraphQL adapter "
            f"(`tests/test_startup.py` proves both). SPEC 7: `--help` and `--version` take at most "
            f"{STARTUP_RATIO}× the time of `{TYPER}`.",
            "",
            f"| command | wall time | over `python -c pass` | ratio to `{TYPER}` |",
            "| --- | ---: | ---: | ---: |",
        ]
        for name, seconds in report.startup.items():
            extra = "" if name == "python -c pass" else f"+{_ms(seconds - bare)}"
            ratio = f"{seconds / typer:.2f}×" if typer and name != "python -c pass" else ""
            shown = name if name == TYPER else f"`{name}`"
            lines.append(f"| {shown} | {_ms(seconds)} | {extra} | {ratio} |")
    if report.loading:
        lines += [
            "",
            "## Loading a file of mistakes",
            "",
            "In-process, median of 5 runs: the time to read an event file that is all mistakes and "
            "refuse it with a bounded report (at most MAX_ERRORS messages). The test of the same file "
            "only guards against a hang (30 s); the speed is measured here.",
            "",
            "| input | time |",
            "| --- | ---: |",
            *(f"| {name} | {_ms(seconds)} |" for name, seconds in report.loading.items()),
        ]
    budget = [report.row(s, "sync").steady for s in sizes if (s.topics, s.participants) == (100, 12)]
    if budget:
        worst = max(budget, key=lambda sample: sample.requests)
        verdict = "within" if worst.requests <= BUDGET_REQUESTS and worst.writes == 0 else "OVER"
        lines += [
            "",
            "## Budget",
            "",
            f"SPEC 7: steady-state `p2p sync` with 100 topics and 12 participants makes at most "
            f"{BUDGET_REQUESTS} requests and no writes. Measured: {worst.requests} requests, "
            f"{worst.writes} writes: {verdict} budget.",
        ]
    first_runs = [report.row(s, "sync").first for s in sizes if _first_run_size(s)]
    if first_runs:
        worst = max(first_runs, key=lambda sample: sample.requests)
        verdict = "within" if worst.requests <= FIRST_RUN_BUDGET else "OVER"
        lines += [
            "",
            f"SPEC 7: the first `p2p sync` of a cycle with 100 proposals, 12 participants and an empty "
            f"board makes at most {FIRST_RUN_BUDGET} requests, its writes batched. Measured: "
            f"{worst.requests} requests, {worst.writes} of them writes ({_paced(worst)} paced): "
            f"{verdict} budget.",
        ]
    return "\n".join(lines) + "\n"


def _first_run_size(size: Size) -> bool:
    return (size.proposals, size.participants) == (100, 12)


def _summary(report: Report, sizes: Sequence[Size]) -> list[str]:
    """The headline: steady-state `p2p sync` beside the baseline, at every size measured."""
    lines = ["## Summary", ""]
    for size in sizes:
        mine = report.row(size, "sync")
        if not any(r.size == size and r.command == "access + tally" for r in report.baseline):
            continue
        theirs = report.baseline_row(size, "access + tally")
        lines.append(
            f"- {size.label}: steady-state `p2p sync` makes {mine.steady.requests} requests "
            f"({mine.steady.writes} writes); the baseline makes {theirs.steady.requests} "
            f"({_ratio(theirs.steady.requests, mine.steady.requests)} as many). The first run makes "
            f"{mine.first.requests} ({mine.first.writes} writes, {_paced(mine.first)} paced)."
        )
    return [*lines, ""]


def problems(report: Report) -> list[str]:
    """Failed commands and broken promises, in words (empty when all is well)."""
    found = []
    for row in report.rows:
        for phase, sample in (("first run", row.first), ("steady state", row.steady)):
            if sample.exit_code != 0:
                what = f"{row.size.label}: `p2p {row.command}` {phase}"
                found.append(f"{what} exited {sample.exit_code}:\n{sample.output}")
        if row.steady.writes:
            found.append(
                f"{row.size.label}: `p2p {row.command}` steady state made {row.steady.writes} writes"
            )
    for row in report.rows:
        at_budget_size = (row.size.topics, row.size.participants) == (100, 12)
        if row.command == "sync" and at_budget_size and row.steady.requests > BUDGET_REQUESTS:
            found.append(
                f"{row.size.label}: steady-state `p2p sync` made {row.steady.requests} requests "
                f"(SPEC 7 budget: {BUDGET_REQUESTS})"
            )
    for row in report.rows:
        if row.command == "sync" and _first_run_size(row.size) and row.first.requests > FIRST_RUN_BUDGET:
            found.append(
                f"{row.size.label}: the first `p2p sync` made {row.first.requests} requests "
                f"(SPEC 7 budget: {FIRST_RUN_BUDGET})"
            )
    typer = report.startup.get(TYPER)
    for name in ("p2p --help", "p2p --version"):
        seconds = report.startup.get(name)
        if typer and seconds is not None and seconds > STARTUP_RATIO * typer:
            found.append(f"`{name}` took {seconds / typer:.2f}× `{TYPER}` (SPEC 7: at most {STARTUP_RATIO}×)")
    for size in dict.fromkeys(row.size for row in report.rows):
        for command, script_name in BASELINE_OF.items():
            if not any(r.size == size and r.command == script_name for r in report.baseline):
                continue
            mine, theirs = report.row(size, command), report.baseline_row(size, script_name)
            if mine.first.reads > theirs.first.reads:
                found.append(
                    f"{size.label}: `p2p {command}` first run read {mine.first.reads} times, "
                    f"the baseline {theirs.first.reads}"
                )
            if mine.steady.requests > theirs.steady.requests:
                found.append(
                    f"{size.label}: `p2p {command}` steady state made {mine.steady.requests} requests, "
                    f"the baseline {theirs.steady.requests}"
                )
    return found


def measure(sizes: Sequence[Size], *, startup: bool, log: Callable[[str], None] = lambda _: None) -> Report:
    _warm_up()
    report = Report()
    for size in sizes:
        log(f"{size.label}: commands")
        report.rows += measure_commands(size)
        log(f"{size.label}: baseline")
        report.baseline += measure_baseline(size)
    if startup:
        log("start-up")
        report.startup = measure_startup()
        log("loading")
        report.loading = measure_loading()
    return report


def _warm_up() -> None:
    """Import what the commands import, so the first measured command pays no import time."""
    import github  # noqa: F401

    with world(Size(3, 2, 2)) as (root, fake):
        for command in COMMANDS:
            p2p(root, fake, *command.split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only, no start-up timing")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).with_name("RESULTS.md"), help="where to write the table"
    )
    options = parser.parse_args(argv)
    started = time.perf_counter()
    sizes = QUICK if options.quick else FULL
    report = measure(sizes, startup=not options.quick, log=lambda text: print(text, file=sys.stderr))
    text = markdown(report, quick=options.quick, elapsed=time.perf_counter() - started)
    options.out.write_text(text, encoding="utf-8")
    print(text)
    found = problems(report)
    for problem in found:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if found else 0
