"""`p2p participants sync` and `status` end to end through the CLI, against the fake GitHub."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from p2p.cli.app import app
from tests.fake import FakeGitHub
from tests.test_participants import LATER, REPOSITORY, SOON, line, write_roundtable

TOKEN = "test-token"
ENV = {"GITHUB_TOKEN": TOKEN}


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    # The fake's clock follows the real one, like the CLI's.
    with FakeGitHub(REPOSITORY, now=datetime.now(UTC).replace(microsecond=0)) as fake:
        fake.add_collaborator("olga", "admin")
        yield fake


def p2p(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--repo-dir", str(root), *args], env=ENV, catch_exceptions=False)


def sent_invitations(gh: FakeGitHub) -> Counter[str]:
    """How many times each login was invited (PUT /collaborators/{login})."""
    return Counter(
        path.rsplit("/", 1)[1].casefold()
        for method, path in gh.requests
        if method == "PUT" and "/collaborators/" in path
    )


def done(result: Result) -> list[str]:
    return [line.removeprefix("done: ") for line in result.stdout.splitlines() if line.startswith("done: ")]


def test_first_run_converges_second_writes_nothing_steady_state_costs_two_requests(
    tmp_path: Path, gh: FakeGitHub
) -> None:
    write_roundtable(tmp_path, {SOON: line("alice", "Bob", "carol", "dave"), LATER: line("erin")})
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    gh.add_collaborator("maintainer", "maintain")  # never managed: never touched

    first = p2p(tmp_path, "participants", "sync")

    assert first.exit_code == 0, first.output
    assert done(first) == ["invite alice", "invite Bob", "invite carol", "invite erin"]
    assert gh.writes == 4
    assert sorted(i.login.casefold() for i in gh.invitations) == ["alice", "bob", "carol", "erin"]
    assert all(i.permission == "triage" for i in gh.invitations)
    assert set(gh.collaborators) == {"olga", "maintainer", "p2p-bot"}

    gh.reset_counts()
    second = p2p(tmp_path, "participants", "sync")

    assert second.exit_code == 0, second.output
    assert second.stdout == "repository access: nothing to change\n"
    assert gh.writes == 0
    assert len(gh.requests) <= 2

    for login in ("alice", "Bob", "carol", "erin"):
        gh.accept_invitation(login)
    gh.reset_counts()
    steady = p2p(tmp_path, "participants", "sync")

    assert steady.exit_code == 0
    assert gh.writes == 0
    assert len(gh.requests) <= 2


def test_dry_run_makes_no_write_request(tmp_path: Path, gh: FakeGitHub) -> None:
    write_roundtable(tmp_path, {SOON: [("alice", 0), ("bob", 1, True)]})
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    gh.add_collaborator("bob")
    gh.add_invitation("alice", expired=True)

    result = p2p(tmp_path, "participants", "sync", "--dry-run")

    assert result.exit_code == 0, result.output
    assert re.search(r"^remove +bob +cancelled for ", result.stdout, re.MULTILINE)
    assert re.search(
        r"^reinvite +alice +accepted #1 for .*, invitation of .* expired$", result.stdout, re.MULTILINE
    )
    assert gh.writes == 0
    assert all(method == "GET" or path == "/graphql" for method, path in gh.requests)
    assert gh.operations == ["Snapshot"]  # a query, no mutation


def test_invitation_limit_stops_inviting_and_the_next_day_continues(tmp_path: Path, gh: FakeGitHub) -> None:
    write_roundtable(
        tmp_path, {SOON: [("zed", 0, True), ("alice", 1), ("bob", 2), ("carol", 3), ("dave", 4)]}, capacity=4
    )
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    gh.add_collaborator("zed")
    gh.invitation_limit = 2  # as if 48 of GitHub's 50 had been sent today

    limited = p2p(tmp_path, "participants", "sync")

    assert limited.exit_code == 1
    assert done(limited) == ["remove zed", "invite alice", "invite bob"]
    assert limited.stderr.startswith(
        "error: GitHub accepts at most 50 invitations per repository per 24 hours and refuses more "
        "for now: 2 invitations left to send; the 3 changes made stay made. "
        "Run `p2p participants sync` again after "
    )
    assert re.search(r"again after \d{4}-\d\d-\d\d \d\d:\d\d M[SD]T", limited.stderr)
    assert TOKEN not in limited.output
    assert "zed" not in {login.casefold() for login in gh.collaborators}
    assert sorted(i.login for i in gh.invitations) == ["alice", "bob"]

    gh.advance(timedelta(hours=24, minutes=1))
    gh.reset_counts()
    resumed = p2p(tmp_path, "participants", "sync")

    assert resumed.exit_code == 0, resumed.output
    assert done(resumed) == ["invite carol", "invite dave"]
    assert sorted(i.login for i in gh.invitations) == ["alice", "bob", "carol", "dave"]


@pytest.mark.parametrize(
    ("leaving", "kept"),
    [((), "none could be sent this run"), (("zed",), "the 1 change made stays made")],
    ids=["nothing done", "one removal done"],
)
def test_invitation_limit_reached_at_the_first_invitation_says_what_was_kept(
    tmp_path: Path, gh: FakeGitHub, leaving: tuple[str, ...], kept: str
) -> None:
    write_roundtable(tmp_path, {SOON: [*line("alice", "bob"), *((login, 9, True) for login in leaving)]})
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    for login in leaving:
        gh.add_collaborator(login)
    gh.invitation_limit = 0  # yesterday's run used all 50

    result = p2p(tmp_path, "participants", "sync")

    assert result.exit_code == 1
    assert done(result) == [f"remove {login}" for login in leaving]
    assert result.stderr.startswith(
        "error: GitHub accepts at most 50 invitations per repository per 24 hours and refuses more "
        f"for now: 2 invitations left to send; {kept}. Run `p2p participants sync` again after "
    )
    assert gh.invitations == []


def test_a_run_interrupted_half_way_converges_on_the_next_without_duplicates(
    tmp_path: Path, gh: FakeGitHub
) -> None:
    write_roundtable(tmp_path, {SOON: line("alice", "bob", "carol", "dave", "erin", "fay")}, capacity=6)
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    # The third write is applied by GitHub, but the answer is lost: a 502 after the fact.
    gh.fail_next("PUT", r"/collaborators/carol$", status=502, after_apply=True, times=10)

    interrupted = p2p(tmp_path, "participants", "sync")

    assert interrupted.exit_code == 1
    assert done(interrupted) == ["invite alice", "invite bob"]
    assert "invite carol failed (2 of 6 changes made before it stay made): GitHub answered 502" in (
        interrupted.stderr
    )
    assert "run again" in interrupted.stderr
    assert "Traceback" not in interrupted.output
    assert gh.invitation_for("carol") is not None  # GitHub did apply it

    gh.reset_counts()
    again = p2p(tmp_path, "participants", "sync")

    assert again.exit_code == 0, again.output
    assert done(again) == ["invite dave", "invite erin", "invite fay"]
    assert sorted(i.login for i in gh.invitations) == ["alice", "bob", "carol", "dave", "erin", "fay"]
    assert sent_invitations(gh) == Counter({"dave": 1, "erin": 1, "fay": 1})

    gh.reset_counts()
    assert p2p(tmp_path, "participants", "sync").exit_code == 0
    assert gh.writes == 0


def test_the_guard_applies_nothing_then_force_lets_it_through(tmp_path: Path, gh: FakeGitHub) -> None:
    people = [f"p{n}" for n in range(6)]
    write_roundtable(tmp_path, {SOON: [(p, n, n < 3) for n, p in enumerate(people)]}, capacity=6)
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    for login in people:
        gh.add_collaborator(login)

    refused = p2p(tmp_path, "participants", "sync")

    assert refused.exit_code == 1
    assert "withdraw access from 3 of the 6 managed people" in refused.stderr
    assert gh.writes == 0

    forced = p2p(tmp_path, "participants", "sync", "--force")

    assert forced.exit_code == 0, forced.output
    assert done(forced) == ["remove p0", "remove p1", "remove p2"]
    assert set(gh.collaborators) == {"olga", "p2p-bot", *people[3:]}


def test_personal_repository_note(tmp_path: Path) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")})
    with FakeGitHub(REPOSITORY, owner_is_organization=False, now=datetime.now(UTC)) as gh:
        gh.add_users_of(tmp_path)  # their accounts exist on GitHub
        gh.add_collaborator("olga")
        result = p2p(tmp_path, "participants", "sync")
        assert result.exit_code == 0, result.output
        assert result.stdout.count("note: the repository belongs to a personal account") == 1
        assert [i.permission for i in gh.invitations] == ["write"]


def test_status_reads_github_when_a_token_is_set(tmp_path: Path, gh: FakeGitHub) -> None:
    write_roundtable(
        tmp_path, {SOON: [("alice", 0), ("bob", 1), ("carol", 2), ("dave", 3, True)]}, capacity=2
    )
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    gh.add_collaborator("Alice")
    gh.add_invitation("carol")
    gh.add_invitation("bob", created_at=gh.now - timedelta(days=8))

    text = p2p(tmp_path, "participants", "status")
    as_json = p2p(tmp_path, "participants", "status", "--json")

    assert text.exit_code == 0, text.output
    assert "invite expired (sent " in text.stdout
    assert "collaborator" in text.stdout
    assert json.loads(as_json.stdout)["registrations"] == [
        {
            "github": "alice",
            "name": None,
            "registered": "2026-01-05T09:00:00+00:00",
            "seat": "accepted",
            "position": 1,
            "access": "collaborator",
        },
        {
            "github": "bob",
            "name": None,
            "registered": "2026-01-05T09:01:00+00:00",
            "seat": "accepted",
            "position": 2,
            "access": "invite-expired",
        },
        {
            "github": "carol",
            "name": None,
            "registered": "2026-01-05T09:02:00+00:00",
            "seat": "waitlisted",
            "position": 1,
            "access": "invited",
        },
        {
            "github": "dave",
            "name": None,
            "registered": "2026-01-05T09:03:00+00:00",
            "seat": "cancelled",
            "position": None,
            "access": "none",
        },
    ]
    assert gh.writes == 0


def test_status_reads_github_with_the_gh_cli_login_as_sync_does(tmp_path: Path, gh: FakeGitHub) -> None:
    """No token variable, but `gh auth login` done: sync uses gh's token, so status does too."""
    write_roundtable(tmp_path, {SOON: line("alice", "bob")})
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    gh.add_collaborator("alice")
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "gh").write_text(f"#!/bin/sh\necho {TOKEN}\n", encoding="utf-8")
    (tools / "gh").chmod(0o755)

    result = CliRunner().invoke(
        app,
        ["--repo-dir", str(tmp_path), "participants", "status"],
        env={"PATH": str(tools)},
        catch_exceptions=False,
    )

    assert result.exit_code == 0, result.output
    assert "no GitHub token" not in result.stderr
    assert re.search(r"^alice .* accepted #1 +collaborator$", result.stdout, re.MULTILINE)
    assert re.search(r"^bob .* accepted #2 +none$", result.stdout, re.MULTILINE)
    assert gh.writes == 0


def test_a_refused_token_is_one_clear_error_without_the_token(tmp_path: Path, gh: FakeGitHub) -> None:
    write_roundtable(tmp_path, {SOON: line("alice")})
    gh.add_users_of(tmp_path)  # their accounts exist on GitHub
    gh.token_invalid()

    result = p2p(tmp_path, "participants", "sync")

    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert TOKEN not in result.output
    assert "Traceback" not in result.output


def test_a_login_github_does_not_know_is_reported_at_its_line_and_the_others_are_invited(
    tmp_path: Path, gh: FakeGitHub
) -> None:
    # "bob" was misspelt (or renamed, or deleted): GitHub answers his invitation 404.
    write_roundtable(tmp_path, {SOON: line("alice", "bob", "carol")}, organizers=("olga", "ghostly-org"))
    gh.add_users("alice", "carol")
    event_file = f"events/{SOON.isoformat()}.yaml"
    text = (tmp_path / event_file).read_text(encoding="utf-8").splitlines()
    bob_line = text.index("  - github: bob") + 1

    first = p2p(tmp_path, "participants", "sync")

    assert first.exit_code == 1
    assert done(first) == ["invite alice", "invite carol"]
    assert sorted(i.login for i in gh.invitations) == ["alice", "carol"]
    errors = first.stderr.splitlines()
    assert errors[0].startswith("p2p.yaml:5: GitHub knows no account 'ghostly-org' (404 Not Found)")
    assert errors[1].startswith(f"{event_file}:{bob_line}: GitHub knows no account 'bob' (404 Not Found)")
    assert "check `repository:`" not in first.output
    assert "Traceback" not in first.output

    # The next run asks again for the unknown ones only, and still exits 1.
    gh.reset_counts()
    second = p2p(tmp_path, "participants", "sync")
    assert second.exit_code == 1
    assert sent_invitations(gh) == Counter({"ghostly-org": 1, "bob": 1})


def test_access_through_the_organization_is_reported_once_and_not_removed(
    tmp_path: Path, gh: FakeGitHub
) -> None:
    # Four cancelled: only one has direct access; the others' comes from the organization, which
    # the toolkit cannot take away: no removal, no guard, one note each.
    write_roundtable(
        tmp_path, {SOON: [("alice", 0), *((p, n, True) for n, p in enumerate(("p1", "p2", "p3", "p4")))]}
    )
    gh.add_users_of(tmp_path)
    gh.add_collaborator("p1")
    for login in ("p2", "p3", "p4"):
        gh.add_organization_access(login, "read")
    gh.add_organization_access("alice", "read")

    result = p2p(tmp_path, "participants", "sync")

    assert result.exit_code == 0, result.output
    assert done(result) == ["remove p1", "invite alice"]
    for login in ("p2", "p3", "p4"):
        assert result.stdout.count(f"note: {login} has access through the organization") == 1
    assert [m for m, path in gh.requests if m == "DELETE"] == ["DELETE"]
    assert gh.collaborators["alice"] == "triage"  # an organization member, made direct: no invitation
    assert gh.invitations == []

    again = p2p(tmp_path, "participants", "sync")
    assert again.exit_code == 0
    assert done(again) == []
