"""`p2p participants status` and `participants sync` end to end through the CLI, on the sandbox."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner, Result

from p2p.cli.app import app
from p2p.cli.workspace import SANDBOX_FILE
from p2p.models import login_key
from p2p.sandbox.store import Sandbox

REPOSITORY = "acme/roundtable"
# The CLI reads the real clock: events are placed relative to today.
TODAY = datetime.now(UTC).date()
SOON = TODAY + timedelta(days=30)
LATER = TODAY + timedelta(days=75)
OVER = TODAY - timedelta(days=10)

Entry = tuple[str, int] | tuple[str, int, bool]  # login, minutes after the first, cancelled


def registered(minutes: int) -> str:
    return (datetime(2026, 1, 5, 9, 0, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()


def write_roundtable(
    root: Path,
    events: dict[date, Sequence[Entry]],
    *,
    capacity: int = 3,
    after_event: str = "keep",
    organizers: Sequence[str] = ("olga",),
) -> None:
    (root / "p2p.yaml").write_text(
        f"name: Test roundtable\nrepository: {REPOSITORY}\ncapacity: {capacity}\n"
        f"after_event: {after_event}\norganizers: [{', '.join(organizers)}]\n",
        encoding="utf-8",
    )
    folder = root / "events"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.yaml"):
        old.unlink()
    for day, entries in events.items():
        lines = [f"date: {day.isoformat()}", "title: Budgets and hiring", "participants:"]
        for entry in entries:
            login, minutes = entry[0], entry[1]
            lines += [f"  - github: {login}", f"    registered: {registered(minutes)}"]
            if len(entry) == 3 and entry[2]:
                lines.append("    cancelled: true")
        if not entries:
            lines[-1] = "participants: []"
        (folder / f"{day.isoformat()}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def line(*logins: str) -> list[Entry]:
    return [(login, n) for n, login in enumerate(logins)]


def sandbox(root: Path, *, organization: bool = True) -> Sandbox:
    return Sandbox.open(root / SANDBOX_FILE, repository=REPOSITORY, organization=organization)


def p2p(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    # An empty PATH: no `gh` CLI of this machine lends its login (and reaches GitHub).
    return CliRunner().invoke(
        app, ["--repo-dir", str(root), *args], env={"PATH": "", **(env or {})}, catch_exceptions=False
    )


def holders(root: Path) -> tuple[set[str], set[str]]:
    world = sandbox(root)
    return {login_key(c.login) for c in world.collaborators}, {login_key(i.login) for i in world.invitations}


def requests(result: Result) -> tuple[int, int]:
    """(reads, writes) from the --verbose report."""
    report = next(line for line in result.stderr.splitlines() if line.startswith("GitHub:"))
    reads = int(report.split("(")[1].split(" read")[0])
    writes = int(report.split(", ")[1].split(" write")[0])
    return reads, writes


# --- sync ------------------------------------------------------------------------------------


def test_first_run_converges_and_the_second_writes_nothing(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("carol", "alice", "Bob", "dave")})

    first = p2p(tmp_path, "--sandbox", "-v", "participants", "sync")

    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines()[:6] == [
        "action  subject  reason",
        "------  -------  -------------------------------------------",
        "invite  olga     organizer, not yet invited",
        f"invite  carol    accepted #1 for {SOON}, not yet invited",
        f"invite  alice    accepted #2 for {SOON}, not yet invited",
        f"invite  Bob      accepted #3 for {SOON}, not yet invited",
    ]
    assert "repository access: 4 changes made" in first.stdout
    assert requests(first) == (2, 4)
    assert holders(tmp_path) == (set(), {"olga", "carol", "alice", "bob"})

    second = p2p(tmp_path, "--sandbox", "-v", "participants", "sync")

    assert second.exit_code == 0
    assert second.stdout == "repository access: nothing to change\n"
    assert requests(second) == (2, 0)


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice", "bob")})
    world = sandbox(tmp_path)
    world.add_collaborator("olga")
    world.close()
    before = (tmp_path / SANDBOX_FILE).read_bytes()

    result = p2p(tmp_path, "--sandbox", "-v", "participants", "sync", "--dry-run")

    assert result.exit_code == 0
    assert "invite  alice" in result.stdout
    assert "dry run: 2 changes planned, none made" in result.stdout
    assert requests(result) == (2, 0)
    assert (tmp_path / SANDBOX_FILE).read_bytes() == before


def test_a_cancellation_moves_the_waitlist_up(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice", "bob", "carol", "dave")})
    world = sandbox(tmp_path)
    for login in ("olga", "alice", "bob", "carol"):
        world.add_collaborator(login)
    world.close()
    write_roundtable(tmp_path, {SOON: [("alice", 0), ("bob", 1, True), ("carol", 2), ("dave", 3)]})

    result = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert result.exit_code == 0, result.output
    assert [line.split()[:2] for line in result.stdout.splitlines() if line.startswith("done:")] == [
        ["done:", "remove"],
        ["done:", "invite"],
    ]
    assert f"cancelled for {SOON}" in result.stdout
    assert holders(tmp_path) == ({"olga", "alice", "carol"}, {"dave"})


def test_an_expired_invitation_is_sent_again_and_a_waitlisted_one_withdrawn(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice", "bob")}, capacity=1)
    world = sandbox(tmp_path)
    world.add_collaborator("olga")
    world.add_collaborator("maintainer")  # never managed by the event files
    world.add_invitation("alice", expired=True)
    world.add_invitation("bob")
    world.close()

    result = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert result.exit_code == 0, result.output
    assert "cancel invitation  bob" in result.stdout
    assert "reinvite           alice" in result.stdout
    world = sandbox(tmp_path)
    assert [(i.login, i.expired) for i in world.invitations] == [("alice", False)]
    assert {c.login for c in world.collaborators} == {"olga", "maintainer"}


def test_the_removal_guard_applies_nothing_unless_forced(tmp_path: Path) -> None:
    people = [f"p{n}" for n in range(8)]
    write_roundtable(tmp_path, {SOON: line(*people)}, capacity=8)
    world = sandbox(tmp_path)
    for login in ("olga", *people):
        world.add_collaborator(login)
    world.close()
    write_roundtable(tmp_path, {SOON: [(p, n, n < 3) for n, p in enumerate(people)]}, capacity=8)
    before = (tmp_path / SANDBOX_FILE).read_bytes()

    refused = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert refused.exit_code == 1
    assert "remove  p0" in refused.stdout  # the plan is still shown
    assert "removal guard: this run would withdraw access from 3 of the 8 managed people" in refused.stderr
    assert "nothing was changed" in refused.stderr
    assert "--force" in refused.stderr
    assert (tmp_path / SANDBOX_FILE).read_bytes() == before

    dry = p2p(tmp_path, "--sandbox", "participants", "sync", "--dry-run")
    assert dry.exit_code == 1
    assert "a real run would change nothing" in dry.stderr

    forced = p2p(tmp_path, "--sandbox", "participants", "sync", "--force")

    assert forced.exit_code == 0, forced.output
    assert "removal guard overridden by --force" in forced.stderr
    assert holders(tmp_path) == ({"olga", *people[3:]}, set())


def test_revoke_after_the_event_is_routine(tmp_path: Path) -> None:
    past = [f"old{n}" for n in range(6)]
    write_roundtable(tmp_path, {OVER: line(*past), SOON: line("alice")}, capacity=6, after_event="revoke")
    world = sandbox(tmp_path)
    for login in ("olga", "alice", *past):
        world.add_collaborator(login)
    world.close()

    result = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert result.exit_code == 0, result.output
    assert f"{OVER} has ended (after_event: revoke)" in result.stdout
    assert holders(tmp_path) == ({"olga", "alice"}, set())


def test_the_invitation_limit_stops_inviting_keeps_what_was_done_and_the_next_run_continues(
    tmp_path: Path,
) -> None:
    write_roundtable(tmp_path, {SOON: line("alice", "bob", "carol", "dave")}, capacity=4)
    world = sandbox(tmp_path)
    world.add_collaborator("olga")
    world.add_collaborator("zed")  # leaves, so a withdrawal comes first
    for n in range(48):  # invitations sent today, by hand, to people outside the event files
        world.add_user(f"guest{n}")
        world.invite(f"guest{n}", "pull")
    world.close()
    write_roundtable(
        tmp_path, {SOON: line("alice", "bob", "carol", "dave"), LATER: [("zed", 0, True)]}, capacity=4
    )

    limited = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert limited.exit_code == 1
    assert [line for line in limited.stdout.splitlines() if line.startswith("done:")] == [
        "done: remove zed",
        "done: invite alice",
        "done: invite bob",
    ]
    assert "GitHub accepts at most 50 invitations per repository per 24 hours" in limited.stderr
    assert "2 invitations left to send" in limited.stderr
    assert "the 3 changes made stay made" in limited.stderr
    assert "again after " in limited.stderr
    assert "Traceback" not in limited.output
    collaborators, invited = holders(tmp_path)
    assert "zed" not in collaborators
    assert {"alice", "bob"} <= invited and not {"carol", "dave"} & invited

    # A day later GitHub's window has moved on.
    path = tmp_path / SANDBOX_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["invitations_sent"] = [
        (datetime.fromisoformat(sent) - timedelta(hours=25)).isoformat() for sent in data["invitations_sent"]
    ]
    path.write_text(json.dumps(data), encoding="utf-8")

    resumed = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert resumed.exit_code == 0, resumed.output
    assert [line for line in resumed.stdout.splitlines() if line.startswith("done:")] == [
        "done: invite carol",
        "done: invite dave",
    ]
    assert sorted(i.login for i in sandbox(tmp_path).invitations if not i.login.startswith("guest")) == [
        "alice",
        "bob",
        "carol",
        "dave",
    ]


def test_a_personal_repository_gets_a_note_about_write_access(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")})
    sandbox(tmp_path, organization=False).close()

    result = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert result.exit_code == 0
    notes = [line for line in result.stdout.splitlines() if line.startswith("note:")]
    assert len(notes) == 1
    assert "personal account" in notes[0]
    assert "write access" in notes[0]


def test_invalid_event_files_stop_sync_before_github(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")})
    (tmp_path / "events" / f"{SOON}.yaml").write_text(f"date: {SOON}\ntitel: x\n", encoding="utf-8")

    result = p2p(tmp_path, "--sandbox", "participants", "sync")

    assert result.exit_code == 1
    assert f"events/{SOON}.yaml:2:" in result.stderr
    assert not (tmp_path / SANDBOX_FILE).exists()


# --- status ----------------------------------------------------------------------------------


def test_status_shows_seats_and_access(tmp_path: Path) -> None:
    write_roundtable(
        tmp_path,
        {SOON: [("alice", 0), ("Bob", 1), ("carol", 2), ("dave", 3, True), ("erin", 4), ("fay", 5)]},
        capacity=4,
    )
    world = sandbox(tmp_path)
    world.add_collaborator("ALICE")
    bob = world.add_invitation("bob")
    sent = next(i for i in world.invitations if i.id == bob)
    world.add_invitation("carol", expired=True)
    world.close()
    since = sent.created_at.astimezone(ZoneInfo("America/Denver")).date()

    result = p2p(tmp_path, "--sandbox", "participants", "status")

    assert result.exit_code == 0, result.output
    rows = [line.split("  ") for line in result.stdout.splitlines()[3:9]]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert [row[0] for row in cells] == ["alice", "Bob", "carol", "erin", "fay", "dave"]
    assert [row[-2:] for row in cells][:5] == [
        ["accepted #1", "collaborator"],
        ["accepted #2", f"invited since {since}"],
        ["accepted #3", cells[2][-1]],
        ["accepted #4", "none"],
        ["waitlisted #1", "none"],
    ]
    assert cells[2][-1].startswith("invite expired (sent ")
    assert cells[5][-2:] == ["cancelled", "none"]
    assert result.stdout.splitlines()[0] == (
        f"{SOON}: Budgets and hiring (4 seats): 4 accepted, 1 waitlisted, 1 cancelled"
    )
    assert "`p2p participants sync` would make 3 changes" in result.stdout


def test_status_json_is_spec_5s_object(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: [("alice", 0), ("bob", 1, True), ("carol", 2)]}, capacity=1)
    world = sandbox(tmp_path)
    world.add_collaborator("alice")
    world.add_invitation("carol")
    world.close()

    result = p2p(tmp_path, "--sandbox", "participants", "status", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "event": SOON.isoformat(),
        "capacity": 1,
        "registrations": [
            {
                "github": "alice",
                "name": None,
                "registered": registered(0),
                "seat": "accepted",
                "position": 1,
                "access": "collaborator",
            },
            {
                "github": "carol",
                "name": None,
                "registered": registered(2),
                "seat": "waitlisted",
                "position": 1,
                "access": "invited",
            },
            {
                "github": "bob",
                "name": None,
                "registered": registered(1),
                "seat": "cancelled",
                "position": None,
                "access": "none",
            },
        ],
    }


def test_status_without_a_token_shows_seats_only(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")}, capacity=1)

    text = p2p(tmp_path, "participants", "status")
    as_json = p2p(tmp_path, "participants", "status", "--json")

    assert text.exit_code == 0 and as_json.exit_code == 0
    assert "access" not in text.stdout.splitlines()[1]
    assert "no GitHub token" in text.stderr
    assert json.loads(as_json.stdout)["registrations"][0]["access"] is None
    assert not (tmp_path / SANDBOX_FILE).exists()


def test_status_with_a_gh_cli_that_is_not_logged_in_shows_seats_only(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")}, capacity=1)
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "gh").write_text("#!/bin/sh\necho 'not logged in' >&2\nexit 1\n", encoding="utf-8")
    (tools / "gh").chmod(0o755)

    result = p2p(tmp_path, "participants", "status", env={"PATH": str(tools)})

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].split()[-1] == "seat"  # no access column
    assert "accepted #1" in result.stdout
    assert result.stderr == (
        "note: access is not shown (seats only): no GitHub token: set GITHUB_TOKEN (or GH_TOKEN), "
        "or log in with `gh auth login`\n"
    )
    assert not (tmp_path / SANDBOX_FILE).exists()


def test_status_of_a_named_event_and_of_an_unknown_one(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice"), LATER: line("bob", "carol")}, capacity=1)

    later = p2p(tmp_path, "participants", "status", LATER.isoformat())
    same = p2p(tmp_path, "participants", "status", "--event", LATER.isoformat())
    unknown = p2p(tmp_path, "participants", "status", "1999-01-01")

    assert later.exit_code == 0
    assert later.stdout == same.stdout
    assert "bob" in later.stdout and "alice" not in later.stdout
    assert unknown.exit_code == 2
    assert "no event '1999-01-01'" in unknown.stderr


def test_status_of_an_event_without_registrations(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: []})

    result = p2p(tmp_path, "participants", "status")

    assert result.exit_code == 0
    assert "no registrations yet" in result.stdout


@pytest.mark.parametrize("name", ["Eve\x1b[31mRed", "Line\nbreak"])
def test_status_keeps_control_characters_off_the_terminal(tmp_path: Path, name: str) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")})
    path = tmp_path / "events" / f"{SOON}.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  - github: alice\n", f"  - github: alice\n    name: {json.dumps(name)}\n"
    )
    path.write_text(text, encoding="utf-8")

    result = p2p(tmp_path, "participants", "status")

    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout
    assert len(result.stdout.splitlines()) == 4
