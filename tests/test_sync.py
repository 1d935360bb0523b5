"""`p2p sync` end to end against the fake GitHub: it converges, a second run writes nothing, and
steady state stays within SPEC 7's request budget; a failing step does not stop the others."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from p2p.cli.app import app
from p2p.rules.seat_requests import SEAT_REQUEST_LABEL, form_body
from tests.fake import FakeGitHub

REPOSITORY = "acme/roundtable"
NOW = datetime.now(UTC)
EVENT = (NOW + timedelta(days=20)).date().isoformat()
PEOPLE = [f"person{i}" for i in range(14)]  # 12 accepted, 2 waitlisted
TOPICS = 100
REQUESTS = re.compile(r"GitHub: (\d+) HTTP requests? \((\d+) reads?, (\d+) writes?\)")
README = (
    "# Roundtable\n\n<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n\n"
    "<!-- p2p:begin previous-events -->\n<!-- p2p:end previous-events -->\n"
)


def write_roundtable(root: Path) -> None:
    (root / "events").mkdir()
    (root / "p2p.yaml").write_text(
        f"repository: {REPOSITORY}\nproject: 1\norganizers: [orga]\n", encoding="utf-8"
    )
    registrations = "".join(
        f"  - github: {login}\n    registered: 2026-01-01T10:{i:02d}:00-07:00\n"
        for i, login in enumerate(PEOPLE)
    )
    (root / "events" / f"{EVENT}.yaml").write_text(
        f"# our next lean coffee\ndate: {EVENT}\ntitle: Lean coffee\nstart: '17:00'\nduration: 90\n"
        f"topics:\n  - Hiring in a downturn\nparticipants:\n{registrations}",
        encoding="utf-8",
    )
    (root / "README.md").write_text(README, encoding="utf-8")


@pytest.fixture
def fake(tmp_path: Path) -> Iterator[FakeGitHub]:
    write_roundtable(tmp_path)
    with FakeGitHub(REPOSITORY, now=NOW) as github:
        github.add_users_of(tmp_path)  # the roundtable's people have GitHub accounts
        github.add_project(1)
        for n in range(1, TOPICS):  # 99 proposals by participants, plus one seeded topic
            author = PEOPLE[n % 12]
            number = github.add_issue(f"Topic {n}", labels=["topic"], author=author)
            if n <= 12:
                github.add_reaction(number, PEOPLE[n - 1], created_at=NOW - timedelta(hours=1))
        github.add_reaction(1, "outsider", created_at=NOW - timedelta(hours=1))
        for n in range(3):  # open seat requests: one approved by an organizer, two waiting
            number = github.add_issue(
                "Seat request",
                body=form_body(EVENT, "Lean coffee", f"Newcomer {n}", recording=True),
                labels=[SEAT_REQUEST_LABEL],
                author=f"newcomer{n}",
            )
            if n == 0:
                github.label_issue(number, "approved", by="orga")
        yield github


def sync(root: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["--repo-dir", str(root), "-v", "sync", *args], env={"GITHUB_TOKEN": "test-token"}
    )


def requests(result: Result) -> tuple[int, int, int]:
    found = REQUESTS.search(result.stderr)
    assert found, result.stderr
    total, reads, writes = (int(n) for n in found.groups())
    return total, reads, writes


def event_text(root: Path) -> str:
    return (root / "events" / f"{EVENT}.yaml").read_text(encoding="utf-8")


def digest(root: Path) -> str:
    files = sorted(p for p in root.rglob("*") if p.is_file() and ".p2p" not in p.parts)
    return hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()


def test_sync_converges_and_steady_state_is_within_budget(fake: FakeGitHub, tmp_path: Path) -> None:
    first = sync(tmp_path)
    assert first.exit_code == 0, first.output + first.stderr

    invited = {i.login for i in fake.invitations}
    assert invited == {"orga", *PEOPLE[:12]}  # the waitlist is not invited
    assert "newcomer0" in event_text(tmp_path)  # the approved seat request, registered
    assert "newcomer1" not in event_text(tmp_path)  # waiting for approval
    topics = [i for i in fake.issues.values() if f"event:{EVENT}" in i.labels]
    assert len(topics) == TOPICS  # 99 proposals labelled, 1 seeded topic opened
    board = fake.project(1)
    assert {item.issue for item in board.items} == {i.number for i in topics}
    assert all(item.values.get("Status") == "To Discuss" for item in board.items)
    event_file = (tmp_path / "events" / f"{EVENT}.yaml").read_text(encoding="utf-8")
    assert event_file.startswith("# our next lean coffee\n")
    assert "agenda:" in event_file
    assert "Topic 1" in (tmp_path / "README.md").read_text(encoding="utf-8")

    fake.reset_counts()
    before = digest(tmp_path)
    second = sync(tmp_path)
    assert second.exit_code == 0, second.output + second.stderr
    total, _, writes = requests(second)
    assert writes == 0 and fake.writes == 0
    # SPEC 7's floor: one GraphQL read of everything, and the invitations, which only REST lists.
    assert total == 2, f"steady state took {total} requests: {fake.requests}"
    assert total == fake.reads
    assert digest(tmp_path) == before


def test_dry_run_changes_nothing(fake: FakeGitHub, tmp_path: Path) -> None:
    before = digest(tmp_path)
    result = sync(tmp_path, "--dry-run")
    assert result.exit_code == 0, result.output + result.stderr
    assert fake.writes == 0
    assert not fake.invitations
    assert digest(tmp_path) == before
    assert "invite" in result.output and "orga" in result.output


def test_a_failing_step_is_reported_and_the_others_still_run(fake: FakeGitHub, tmp_path: Path) -> None:
    fake.deny("administration")
    result = sync(tmp_path)
    assert result.exit_code == 1
    assert "Administration" in result.stderr
    assert "1 failed step: participants sync" in result.stderr
    assert not fake.invitations
    # topics sync, the tally and render still ran
    assert all(f"event:{EVENT}" in i.labels for i in fake.issues.values() if "seat-request" not in i.labels)
    assert "agenda:" in (tmp_path / "events" / f"{EVENT}.yaml").read_text(encoding="utf-8")
    assert "test-token" not in result.output + result.stderr
