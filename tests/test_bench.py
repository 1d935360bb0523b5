"""A test-sized run of the benchmark: SPEC 7's request budget, and never more requests than the
straightforward PyGithub script (bench/baseline.py) doing the same reading."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.run import (
    BUDGET_REQUESTS,
    FIRST_RUN_BUDGET,
    Report,
    Row,
    Sample,
    markdown,
    measure_baseline,
    p2p,
    problems,
    world,
)
from bench.world import Size, accept_invitations

SPEC_7 = Size(topics=100, participants=12, events=1)


@pytest.fixture(scope="module")
def report() -> Report:
    """`p2p sync` from scratch to steady state at SPEC 7's size, then each step again on its own,
    beside the baseline scripts in a fresh world of the same size."""
    measured = Report()
    with world(SPEC_7) as (root, fake):
        first = p2p(root, fake, "sync")
        accept_invitations(fake)
        steady = p2p(root, fake, "sync")
        measured.rows.append(Row(SPEC_7, "sync", first, steady))
        # The steps alone, once converged: their first run here is the steady state already.
        for command in ("participants sync", "votes tally", "topics sync"):
            again = p2p(root, fake, *command.split())
            measured.rows.append(Row(SPEC_7, command, _reads_only(first), again))
    measured.baseline = measure_baseline(SPEC_7)
    return measured


def _reads_only(sample: Sample) -> Sample:
    """A first run stands in for each step's: `p2p sync` reads what each step reads, once."""
    return Sample(sample.reads, 0, sample.seconds)


def test_steady_state_sync_stays_within_the_budget_of_spec_7(report: Report) -> None:
    row = report.row(SPEC_7, "sync")

    assert row.first.exit_code == 0, row.first.output
    assert row.first.writes > 0  # the first run did the work: invitations, issues, labels, board
    assert row.steady.exit_code == 0, row.steady.output
    assert row.steady.writes == 0, row.steady.output
    assert row.steady.requests <= BUDGET_REQUESTS, row.steady.output
    # The first run's writes go in batches: within the first-run budget (tests/test_batch.py holds
    # it at exactly 100 proposals).
    assert row.first.requests <= FIRST_RUN_BUDGET, row.first.output


def test_each_step_in_steady_state_writes_nothing(report: Report) -> None:
    for command in ("participants sync", "topics sync", "votes tally"):
        steady = report.row(SPEC_7, command).steady
        assert steady.exit_code == 0, steady.output
        assert steady.writes == 0, f"{command}: {steady.output}"


@pytest.mark.parametrize(
    ("command", "script"),
    [("participants sync", "access"), ("votes tally", "tally"), ("sync", "access + tally")],
)
def test_the_toolkit_never_makes_more_requests_than_the_baseline(
    report: Report, command: str, script: str
) -> None:
    mine, theirs = report.row(SPEC_7, command), report.baseline_row(SPEC_7, script)

    assert mine.steady.requests <= theirs.steady.requests
    assert mine.first.reads <= theirs.first.reads
    # The gap the benchmark reports: the baseline pays a request per topic and per registrant.
    assert theirs.steady.requests >= SPEC_7.participants
    if "tally" in script:
        assert theirs.steady.requests >= SPEC_7.topics


def test_the_report_states_the_budget_and_finds_no_problem(report: Report, tmp_path: Path) -> None:
    text = markdown(report_for_markdown(report), quick=True, elapsed=1.0)

    assert problems(report) == []
    assert "within budget" in text
    assert "CPUs" in text and "Python" in text
    assert "p2p-bench-" not in text and str(tmp_path) not in text  # no local paths


def report_for_markdown(report: Report) -> Report:
    """The markdown table wants every command: fill those this test-sized run skipped."""
    filled = Report(rows=list(report.rows), baseline=list(report.baseline))
    for command in ("render", "check"):
        filled.rows.append(Row(SPEC_7, command, Sample(0, 0, 0.0), Sample(0, 0, 0.0)))
    return filled
