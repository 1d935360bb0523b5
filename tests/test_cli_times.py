"""Times a person reads are in the roundtable's time zone, and the zone is named."""

from __future__ import annotations

from typer.testing import CliRunner

from p2p.cli.app import app
from tests import test_topics_cli
from tests.test_topics_cli import E, Roundtable

# The same two roundtables as the other command tests: the sandbox's and the fake GitHub's.
# Their p2p.yaml has the default zone, America/Denver; T0, when the reactions are made, is
# 2026-01-01 12:00 UTC, 05:00 in Denver.
roundtable = test_topics_cli.roundtable


def test_votes_not_counted_show_when_in_the_roundtables_zone(roundtable: Roundtable) -> None:
    topic = roundtable.world.add_issue("On-call", labels=["topic", f"event:{E}"], author="alice")
    roundtable.world.add_reaction(topic, "eve", minute=30)  # not a participant: not counted

    run = roundtable.run("votes", "tally", "--dry-run")

    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].endswith("from 17:00 America/Denver, 20 min)"), lines[0]
    header = lines[lines.index("not counted:") + 1]
    assert header.split() == ["who", "issue", "reacted", "(America/Denver)", "why"]
    [row] = [line for line in lines if line.startswith("eve ")]
    assert row.split() == ["eve", f"#{topic}", "2026-01-01", "05:30", "not", "a", "participant"]
    assert "UTC" not in run.stdout


def test_registrations_show_in_the_roundtables_zone(roundtable: Roundtable) -> None:
    run = roundtable.run("participants", "status")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "registered (America/Denver)" in lines[1]
    [alice] = [line for line in lines if line.startswith("alice ")]
    assert "2026-01-01 10:00" in alice  # written 10:00-07:00 in the file

    again = CliRunner().invoke(app, ["--repo-dir", str(roundtable.root), "participants", "add", "alice"])
    assert again.exit_code == 1
    assert "(since 2026-01-01 10:00 MST)" in again.stderr


def test_the_topics_sync_header_counts_the_proposals_it_labels(roundtable: Roundtable) -> None:
    # Two seeded topics, no topic issue yet, two proposals by participants waiting for the event:
    # the header once read "0 topics" and then labelled two.
    roundtable.world.add_issue("On-call", labels=["topic"], author="alice")
    roundtable.world.add_issue("Hiring", labels=["topic"], author="bob")

    dry = roundtable.run("topics", "sync", "--dry-run")
    assert dry.code == 0, dry.stderr
    assert (
        dry.stdout.splitlines()[0]
        == f"topics sync: {E} (2 seeded, 0 topics, 2 new proposals to label, board #1)"
    )
    assert dry.stdout.count("add label") == 2

    assert roundtable.run("topics", "sync").code == 0
    again = roundtable.run("topics", "sync", "--dry-run")
    assert again.stdout.splitlines()[0] == f"topics sync: {E} (2 seeded, 4 topics, board #1)"
