"""`p2p doctor`: the setup checked against the fake GitHub and the sandbox, reads only; and its
rules, fact by fact."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from p2p.cli.app import app
from p2p.cli.workspace import SANDBOX_FILE
from p2p.models import Board, BoardField, FieldOption
from p2p.rules.doctor import (
    Answer,
    Check,
    Files,
    Observed,
    RateFacts,
    RepositoryFacts,
    Setup,
    Token,
    diagnose,
    refined_kind,
    token_kind,
)
from p2p.sandbox.store import Sandbox
from tests.fake import FakeGitHub

REPOSITORY = "acme/roundtable"
FINE_GRAINED = "github_pat_11AAAAAAA0TopSecret_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
NOW = datetime.now(UTC).replace(microsecond=0)


def write_roundtable(root: Path, *, project: int | None = 1) -> Path:
    board = f"project: {project}\n" if project is not None else ""
    (root / "p2p.yaml").write_text(
        f"name: Test roundtable\nrepository: {REPOSITORY}\n{board}", encoding="utf-8"
    )
    return root


def p2p(root: Path, *args: str, token: str | None = FINE_GRAINED, **env: str) -> Result:
    # An empty PATH: no `gh` CLI of this machine lends its login.
    environment = {"PATH": "", **({"GITHUB_TOKEN": token} if token else {}), **env}
    return CliRunner().invoke(app, ["--repo-dir", str(root), *args], env=environment, catch_exceptions=False)


def checks(result: Result) -> dict[str, str]:
    """Each check's line of the output, by the check's name."""
    found = {}
    for line in result.stdout.splitlines():
        if line[:2] in ("✓ ", "✗ "):
            found[line[2:].split(":", 1)[0]] = line
    return found


def failing(result: Result) -> list[str]:
    """The failed checks' names; each failed check names its fix."""
    failed = {name: line for name, line in checks(result).items() if line.startswith("✗")}
    assert all(" — fix: " in line and not line.endswith(" — fix: ") for line in failed.values()), failed
    return list(failed)


def only_reads(gh: FakeGitHub) -> None:
    """No write request: every request a GET, or a GraphQL query (a POST that mutates nothing)."""
    assert gh.writes == 0
    assert {method for method, path in gh.requests if path != gh.graphql_path} <= {"GET"}
    assert not any(name.startswith(("add", "update", "create", "delete", "clear")) for name in gh.operations)


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(REPOSITORY, viewer="olga", now=NOW) as fake:
        fake.add_project(1)  # Status, Votes and Event: ready for lean coffee
        yield fake


# --- against the fake GitHub -------------------------------------------------------------------


def test_all_good_passes_every_check_with_reads_only(tmp_path: Path, gh: FakeGitHub) -> None:
    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 0, result.output
    assert list(checks(result)) == [
        "files",
        "token",
        "repository",
        "administration",
        "issues",
        "projects",
        "board",
        "invitations",
        "rate limit",
    ]
    assert failing(result) == []
    assert "a fine-grained personal access token, from $GITHUB_TOKEN" in checks(result)["token"]
    assert "its owner, acme, is an organization" in checks(result)["repository"]
    assert "has the Votes, Event and Status fields" in checks(result)["board"]
    assert result.stdout.endswith("all checks passed\n")
    only_reads(gh)
    assert len(gh.requests) == 5


def test_no_token_fails_the_token_check_and_asks_github_nothing(tmp_path: Path, gh: FakeGitHub) -> None:
    result = p2p(write_roundtable(tmp_path), "doctor", token=None)

    assert result.exit_code == 1
    assert failing(result) == ["token"]
    assert "fix: create a token" in checks(result)["token"]
    assert "set GITHUB_TOKEN" in checks(result)["token"]
    assert gh.requests == []


def test_a_token_without_administration_is_told_to_get_it(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.deny("administration")

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["administration"]
    line = checks(result)["administration"]
    assert "403" in line
    assert "GitHub expects: administration=read" in line
    assert "fix: edit the token on GitHub: repository permissions → Administration: Read and write" in line
    only_reads(gh)


def test_a_token_without_projects_is_told_to_get_it(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.deny("projects")

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["projects"]
    assert "organization permissions → Projects: Read and write" in checks(result)["projects"]
    assert "board" not in checks(result)  # its fields could not be read
    only_reads(gh)


def test_a_token_that_only_reads_the_board_is_told_to_get_write_access(
    tmp_path: Path, gh: FakeGitHub
) -> None:
    gh.read_only_projects()  # the board reads; its viewerCanUpdate is false

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["projects"]
    line = checks(result)["projects"]
    assert "may not change it (read-only access)" in line
    assert "organization permissions → Projects: Read and write" in line
    only_reads(gh)


def test_a_token_that_may_change_the_board_is_said_so(tmp_path: Path, gh: FakeGitHub) -> None:
    result = p2p(write_roundtable(tmp_path), "doctor")
    assert "the token reads and may change board #1 of acme" in checks(result)["projects"]


def test_a_token_without_issues_is_told_to_get_it(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.deny("issues")

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["issues"]
    assert "repository permissions → Issues: Read and write" in checks(result)["issues"]


def test_a_missing_board_field_is_what_board_setup_would_create(tmp_path: Path) -> None:
    with FakeGitHub(REPOSITORY, viewer="olga", now=NOW) as gh:
        gh.add_project(1, fields={"Status": ("Todo", "In Progress", "Done")})  # as GitHub creates it

        result = p2p(write_roundtable(tmp_path), "doctor")

        assert result.exit_code == 1
        assert failing(result) == ["board"]
        line = checks(result)["board"]
        assert "`p2p board setup` would create field Votes (number); create field Event (text)" in line
        assert "add To Discuss, Discussing, Discussed to Status" in line
        assert line.endswith("fix: run `p2p board setup`")
        only_reads(gh)
        assert "Votes" not in gh.project(1).fields


def test_no_board_configured_needs_no_projects_access(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.deny("projects")

    result = p2p(write_roundtable(tmp_path, project=None), "doctor")

    assert result.exit_code == 0, result.output
    assert "not needed: p2p.yaml sets no `project:`" in checks(result)["projects"]
    assert "board" not in checks(result)


def test_a_board_that_is_not_there_is_named_with_both_causes(tmp_path: Path, gh: FakeGitHub) -> None:
    result = p2p(write_roundtable(tmp_path, project=7), "doctor")

    assert result.exit_code == 1
    line = checks(result)["projects"]
    assert "either there is none, or the token lacks Projects access" in line
    assert "Projects: Read and write" in line
    assert "create it or fix `project:` in p2p.yaml" in line


def test_an_unknown_repository_names_both_causes(tmp_path: Path) -> None:
    with FakeGitHub("acme/elsewhere", viewer="olga", now=NOW) as gh:
        result = p2p(write_roundtable(tmp_path), "doctor")

        assert result.exit_code == 1
        assert failing(result) == ["repository"]
        line = checks(result)["repository"]
        assert "404" in line
        assert "either the name is misspelt, or the token cannot see it" in line
        assert "check `repository:` in p2p.yaml" in line
        assert gh.requests == [("GET", f"/repos/{REPOSITORY}")]


def test_a_rejected_token_is_said_so(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.token_invalid()

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["token", "repository"]
    assert "401 Bad credentials" in checks(result)["token"]
    assert "fix: create a new token and set GITHUB_TOKEN to it" in checks(result)["token"]


def test_unreachable_github_is_one_failed_check(tmp_path: Path, gh: FakeGitHub) -> None:
    result = p2p(write_roundtable(tmp_path), "doctor", GITHUB_API_URL="nowhere")

    assert result.exit_code == 1
    assert failing(result) == ["repository"]
    assert "GITHUB_API_URL must be an http(s) URL" in checks(result)["repository"]


def test_a_graphql_failure_fails_the_projects_check_alone(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.fail_next("POST", r"/graphql$", 502, times=4)  # every attempt the client makes

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["projects"]
    assert "502" in checks(result)["projects"]
    assert "fix: run `p2p doctor` again in a few minutes" in checks(result)["projects"]
    assert "rate limit" in checks(result)


def test_the_workflow_token_is_told_apart_and_pointed_to_p2p_token(tmp_path: Path) -> None:
    # The built-in token is an installation token (ghs_) whose user is github-actions[bot]; it can
    # never be given Administration.
    with FakeGitHub(REPOSITORY, viewer="github-actions[bot]", now=NOW) as gh:
        gh.add_project(1)
        gh.deny("administration")

        result = p2p(write_roundtable(tmp_path), "doctor", token="ghs_" + "x" * 36)

        assert "the workflow's built-in GITHUB_TOKEN" in checks(result)["token"]
        assert (
            "store a fine-grained token with it as the secret P2P_TOKEN" in checks(result)["administration"]
        )


def test_invitations_sent_in_the_last_day_are_counted_against_fifty(tmp_path: Path, gh: FakeGitHub) -> None:
    for n in range(3):
        gh.add_invitation(f"guest-{n}", created_at=NOW - timedelta(hours=n + 1))
    gh.add_invitation("earlier", created_at=NOW - timedelta(hours=30))

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert "at most 47 of 50 left" in checks(result)["invitations"]


class ClassicGitHub(FakeGitHub):
    """GitHub as a classic token sees it: every answer says the token's scopes in X-OAuth-Scopes
    ("Scopes for OAuth apps", GitHub Docs)."""

    scopes = "repo, read:org"

    def _encode(self, status: int, headers: object, body: object) -> tuple[int, dict[str, str], str]:
        assert isinstance(headers, dict)
        return super()._encode(status, {"X-OAuth-Scopes": self.scopes, **headers}, body)


def test_a_classic_token_without_the_project_scope_is_told_to_add_it(tmp_path: Path) -> None:
    with ClassicGitHub(REPOSITORY, viewer="olga", now=NOW) as gh:
        gh.add_project(1)
        gh.deny("projects")

        result = p2p(write_roundtable(tmp_path), "doctor", token="ghp_" + "x" * 36)

        assert "a classic personal access token" in checks(result)["token"]
        assert failing(result) == ["projects"]
        assert "lack `project`" in checks(result)["projects"]
        assert "fix: add the `project` scope to the token" in checks(result)["projects"]


def test_the_scopes_of_a_recorded_classic_token_reach_the_repository_but_not_the_board(
    tmp_path: Path,
) -> None:
    # The X-OAuth-Scopes header GitHub sent a classic token in octokit/fixtures'
    # add-and-remove-repository-collaborator recording (api.github.com, 2022): `repo` but no
    # `project`.
    classic = ClassicGitHub(REPOSITORY, viewer="olga", now=NOW)
    classic.scopes = (
        "admin:gpg_key, admin:org, admin:org_hook, admin:public_key, admin:repo_hook, delete_repo, "
        "gist, notifications, repo, user, workflow"
    )
    with classic:
        classic.add_project(1)

        result = p2p(write_roundtable(tmp_path), "doctor", token="ghp_" + "x" * 36)

    assert failing(result) == ["projects"]
    assert "lack `project`" in checks(result)["projects"]


def test_a_classic_token_that_may_see_boards_and_finds_none_is_told_the_board_is_missing(
    tmp_path: Path,
) -> None:
    # With the `project` scope every board the account can see is visible: a NOT_FOUND (as
    # recorded in getInstance-project-not-found) is then a board that is not there.
    classic = ClassicGitHub(REPOSITORY, viewer="olga", now=NOW)
    classic.scopes = "repo, project"
    with classic:
        result = p2p(write_roundtable(tmp_path, project=7), "doctor", token="ghp_" + "x" * 36)

        assert failing(result) == ["projects"]
        assert "acme has no Projects board #7" in checks(result)["projects"]
        assert "either there is none" not in checks(result)["projects"]


def test_a_secondary_rate_limit_is_waited_out_not_taken_for_a_missing_permission(
    tmp_path: Path, gh: FakeGitHub
) -> None:
    gh.rate_limit_next("secondary", method="GET", path_regex=r"/invitations$")

    result = p2p(write_roundtable(tmp_path), "doctor")

    assert result.exit_code == 0, result.output
    assert gh.waits == [60.0]
    assert gh.requests.count(("GET", f"/repos/{REPOSITORY}/invitations")) == 2


def test_json_is_one_document_of_checks(tmp_path: Path, gh: FakeGitHub) -> None:
    gh.deny("administration")

    result = p2p(write_roundtable(tmp_path), "doctor", "--json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert {tuple(sorted(check)) for check in report["checks"]} == {("detail", "fix", "name", "ok")}
    by_name = {check["name"]: check for check in report["checks"]}
    assert by_name["administration"]["ok"] is False
    assert "Administration: Read and write" in by_name["administration"]["fix"]
    assert by_name["token"] == {
        "name": "token",
        "ok": True,
        "detail": "a fine-grained personal access token, from $GITHUB_TOKEN (not shown)",
        "fix": None,
    }


@pytest.mark.parametrize("args", [["doctor"], ["-v", "doctor"], ["doctor", "--json", "--verbose"]])
def test_the_token_never_appears_in_the_output(tmp_path: Path, gh: FakeGitHub, args: list[str]) -> None:
    gh.token_invalid()  # the refusal path, where a message might quote it
    for token in (FINE_GRAINED, "ghp_" + "s3cr3t" * 6, "gho_" + "t0ken" * 7):
        result = p2p(write_roundtable(tmp_path), *args, token=token)

        assert token not in result.output
        assert token[4:] not in result.output


def test_verbose_reports_the_requests_none_a_write(tmp_path: Path, gh: FakeGitHub) -> None:
    result = p2p(write_roundtable(tmp_path), "--verbose", "doctor")

    assert "GitHub: 5 HTTP requests (5 reads, 0 writes)" in result.stderr


def test_invalid_files_fail_the_files_check_and_github_is_still_asked(tmp_path: Path, gh: FakeGitHub) -> None:
    root = write_roundtable(tmp_path)
    (root / "events").mkdir()
    (root / "events" / "2030-01-01.yaml").write_text("title: [unclosed\n", encoding="utf-8")

    result = p2p(root, "doctor")

    assert result.exit_code == 1
    assert failing(result) == ["files"]
    assert "events/2030-01-01.yaml" in checks(result)["files"]
    assert "fix: run `p2p check`" in checks(result)["files"]
    assert "repository" in checks(result)


def test_an_unreadable_p2p_yaml_stops_at_the_files_check(tmp_path: Path, gh: FakeGitHub) -> None:
    (tmp_path / "p2p.yaml").write_text("repository: acme/roundtable\nprojekt: 1\n", encoding="utf-8")

    result = p2p(tmp_path, "doctor")

    assert result.exit_code == 1
    assert list(checks(result)) == ["files"]
    assert "p2p.yaml:2" in checks(result)["files"]
    assert gh.requests == []


def test_a_repository_from_the_environment_is_enough(tmp_path: Path, gh: FakeGitHub) -> None:
    (tmp_path / "p2p.yaml").write_text("name: T\nproject: 1\n", encoding="utf-8")

    result = p2p(tmp_path, "doctor", GITHUB_REPOSITORY=REPOSITORY)

    assert result.exit_code == 0, result.output


def test_no_repository_anywhere_is_said_with_its_fix(tmp_path: Path, gh: FakeGitHub) -> None:
    (tmp_path / "p2p.yaml").write_text("name: T\n", encoding="utf-8")

    result = p2p(tmp_path, "doctor")

    assert result.exit_code == 1
    assert "fix: add `repository: owner/name` to p2p.yaml" in checks(result)["repository"]
    assert gh.requests == []


# --- against the sandbox ------------------------------------------------------------------------


def sandbox(root: Path) -> Sandbox:
    return Sandbox.open(root / SANDBOX_FILE, repository=REPOSITORY, now=NOW)


def test_the_sandbox_passes_and_writes_nothing(tmp_path: Path) -> None:
    root = write_roundtable(tmp_path)
    box = sandbox(root)
    box.add_project(2)
    box.close()
    before = (root / SANDBOX_FILE).read_text(encoding="utf-8")

    result = p2p(root, "--sandbox", "doctor", token=None)

    # Board 1 of a new sandbox lacks Votes and Event, as a board GitHub has just made.
    assert failing(result) == ["board"]
    assert "none needed: the sandbox stands in for GitHub" in checks(result)["token"]
    assert (root / SANDBOX_FILE).read_text(encoding="utf-8") == before


def test_a_sandbox_without_a_file_is_not_created_by_the_doctor(tmp_path: Path) -> None:
    root = write_roundtable(tmp_path, project=None)

    result = p2p(root, "doctor", "--sandbox", token=None)

    assert result.exit_code == 0, result.output
    assert not (root / SANDBOX_FILE).exists()


@pytest.mark.parametrize(
    ("permission", "fix"),
    [
        ("administration", "Administration: Read and write"),
        ("issues", "Issues: Read and write"),
        ("projects", "Projects: Read and write"),
    ],
)
def test_a_sandbox_told_to_lack_a_permission_fails_that_check(
    tmp_path: Path, permission: str, fix: str
) -> None:
    root = write_roundtable(tmp_path, project=None if permission != "projects" else 1)
    box = sandbox(root)
    box.revoke_permission(permission)  # type: ignore[arg-type]
    box.close()

    result = p2p(root, "--sandbox", "doctor", token=None)

    assert result.exit_code == 1
    assert failing(result) == [permission]
    assert fix in checks(result)[permission]


def test_a_permission_granted_again_passes(tmp_path: Path) -> None:
    root = write_roundtable(tmp_path, project=None)
    box = sandbox(root)
    box.revoke_permission("administration")
    box.grant_permission("administration")
    box.close()

    assert p2p(root, "--sandbox", "doctor", token=None).exit_code == 0


def test_the_sandbox_counts_the_reads_the_doctor_would_make(tmp_path: Path) -> None:
    result = p2p(write_roundtable(tmp_path), "--sandbox", "-v", "doctor", token=None)

    assert "GitHub: 5 HTTP requests (5 reads, 0 writes)" in result.stderr


# --- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("token", "kind"),
    [
        ("github_pat_11ABC_def", "fine-grained"),
        ("ghp_abc", "classic"),
        ("gho_abc", "oauth"),
        ("ghu_abc", "app-user"),
        ("ghs_abc", "installation"),
        ("0123456789abcdef0123456789abcdef01234567", "unknown"),
    ],
)
def test_a_token_is_known_by_its_prefix(token: str, kind: str) -> None:
    assert token_kind(token) == kind


@pytest.mark.parametrize(
    ("viewer", "kind"),
    [
        ("github-actions[bot]", "workflow"),
        ("github-actions", "workflow"),
        ("p2p-bot", "installation"),
        (None, "installation"),
    ],
)
def test_an_installation_token_of_github_actions_is_the_workflow_token(viewer: str | None, kind: str) -> None:
    assert refined_kind("installation", viewer) == kind


READY = Board(
    id="PVT_kwDOAI7NV84AABBC",
    number=1,
    title="Lean coffee",
    fields=(
        BoardField(id="PVTF_1", name="Votes", type="number"),
        BoardField(id="PVTF_2", name="Event", type="text"),
        BoardField(
            id="PVTSSF_3",
            name="Status",
            type="single_select",
            options=tuple(
                FieldOption(id=f"{n:08x}", name=name)
                for n, name in enumerate(("To Discuss", "Discussing", "Discussed"))
            ),
        ),
    ),
)
RATE = RateFacts(4999, 5000, 4990, 5000, NOW + timedelta(hours=1))


def observed(**changes: object) -> Observed:
    repository = changes.pop("repository", RepositoryFacts(Answer(200), owner_type="Organization"))
    base: dict[str, object] = {
        "viewer": "olga",
        "invitations": Answer(200),
        "issues": Answer(200),
        "board": Answer(200),
        "found_board": READY,
        "rate": RATE,
    }
    return Observed(repository=repository, **{**base, **changes})  # type: ignore[arg-type]


def diagnosed(observed: Observed, *, kind: str = "fine-grained", project: int | None = 1) -> dict[str, Check]:
    setup = Setup(Files(), REPOSITORY, project, Token(kind, "$GITHUB_TOKEN"), observed)  # type: ignore[arg-type]
    return {check.name: check for check in diagnose(setup, NOW)}


def test_everything_observed_fine_is_every_check_passed() -> None:
    found = diagnosed(observed())

    assert [name for name, check in found.items() if not check.ok] == []


@pytest.mark.parametrize(
    ("facts", "kind", "name", "fix"),
    [
        pytest.param(
            {
                "repository": RepositoryFacts(
                    Answer(200), owner_type="Organization", private=True, scopes=("public_repo", "project")
                )
            },
            "classic",
            ("administration", "issues"),
            "add the `repo` scope",
            id="classic token with public_repo, private repository",
        ),
        pytest.param(
            {"repository": RepositoryFacts(Answer(200), owner_type="Organization", scopes=("read:org",))},
            "classic",
            ("administration", "issues", "projects"),
            "add the `public_repo` scope",
            id="classic token without repo",
        ),
        pytest.param(
            {
                "repository": RepositoryFacts(
                    Answer(200), owner_type="Organization", roles=frozenset({"pull", "triage", "push"})
                )
            },
            "fine-grained",
            "administration",
            "make the token's account an admin",
            id="account without admin",
        ),
        pytest.param(
            {
                "repository": RepositoryFacts(
                    Answer(200), owner_type="Organization", roles=frozenset({"pull", "triage"})
                )
            },
            "fine-grained",
            ("issues", "administration"),
            "write access",
            id="account with triage only",
        ),
        pytest.param(
            {"repository": RepositoryFacts(Answer(200), owner_type="Organization", has_issues=False)},
            "fine-grained",
            "issues",
            "Features → Issues",
            id="issues turned off",
        ),
        pytest.param(
            {
                "repository": RepositoryFacts(Answer(200), owner_type="User"),
                "board": Answer(404),
                "found_board": None,
            },
            "fine-grained",
            "projects",
            "use a classic token with the `repo` and `project` scopes",
            id="a personal account's board and a fine-grained token",
        ),
        pytest.param(
            {
                "repository": RepositoryFacts(
                    Answer(200), owner_type="Organization", scopes=("repo", "project")
                ),
                "board": Answer(404),
                "found_board": None,
            },
            "classic",
            "projects",
            "create the board, or fix `project:`",
            id="a classic token that may see boards finds none",
        ),
        pytest.param(
            {
                "repository": RepositoryFacts(
                    Answer(200), owner_type="Organization", scopes=("repo", "read:project")
                )
            },
            "classic",
            "projects",
            "`read:project` only reads",
            id="a classic token that only reads boards",
        ),
        pytest.param(
            {"board": Answer(403, "Resource not accessible by integration"), "found_board": None},
            "installation",
            "projects",
            "give the GitHub App the organization permission Projects: Read and write",
            id="an App without Projects",
        ),
        pytest.param(
            {"rate": RateFacts(12, 5000, 4990, 5000, NOW + timedelta(minutes=20))},
            "fine-grained",
            "rate limit",
            f"wait until {NOW + timedelta(minutes=20):%H:%M} UTC",
            id="rate limit nearly spent",
        ),
        pytest.param(
            {"sent": tuple(NOW - timedelta(minutes=10 + n) for n in range(50))},
            "fine-grained",
            "invitations",
            f"wait until {NOW - timedelta(minutes=59) + timedelta(hours=24):%Y-%m-%d %H:%M} UTC",
            id="fifty invitations sent today",
        ),
    ],
)
def test_each_failed_check_names_its_fix(
    facts: dict[str, object], kind: str, name: str | tuple[str, ...], fix: str
) -> None:
    names = (name,) if isinstance(name, str) else name
    found = diagnosed(observed(**facts), kind=kind)

    assert sorted(n for n, check in found.items() if not check.ok) == sorted(names)
    assert fix in found[names[0]].fix


def test_an_app_token_is_judged_by_what_github_answers_it_not_by_a_role() -> None:
    facts = RepositoryFacts(Answer(200), owner_type="Organization", roles=frozenset({"pull"}))

    found = diagnosed(observed(repository=facts), kind="installation")

    assert found["administration"].ok and found["issues"].ok


def test_a_field_of_the_wrong_type_is_a_problem_board_setup_cannot_fix() -> None:
    board = READY.model_copy(
        update={"fields": (BoardField(id="PVTF_9", name="Votes", type="text"), *READY.fields[1:])}
    )

    check = diagnosed(observed(found_board=board))["board"]

    assert not check.ok
    assert "GitHub cannot change a field's type" in check.detail
    assert (
        check.fix == "rename or delete the field of the wrong type on the board, then run `p2p board setup`"
    )


def test_a_check_is_one_line_with_its_fix() -> None:
    assert Check("issues", False, "refused", "grant it").line() == "✗ issues: refused — fix: grant it"
    assert Check("issues", True, "fine").line() == "✓ issues: fine"


# --- where it shows -----------------------------------------------------------------------------


def test_without_a_token_the_doctor_loads_no_github_code(tmp_path: Path) -> None:
    from tests.test_startup import github_modules, probe

    root = tmp_path / "roundtable"
    root.mkdir()
    [run] = probe(write_roundtable(root), [["doctor"]], env={"GITHUB_TOKEN": ""})

    assert run["code"] == 1
    assert github_modules(run["modules"]) == []


def test_the_token_sections_say_to_run_the_doctor_after_creating_the_token() -> None:
    docs = Path(__file__).resolve().parent.parent
    readme = (docs / "README.md").read_text(encoding="utf-8")
    guide = (docs / "docs" / "guide.md").read_text(encoding="utf-8")

    running = readme.split("## How it runs on GitHub", 1)[1].split("\n## ", 1)[0]
    assert "Right after creating the\ntoken, run `GITHUB_TOKEN=<the token> p2p doctor`" in running
    secret = guide.split("### The `P2P_TOKEN` secret", 1)[1].split("\n## ", 1)[0]
    assert "3. Check it at once, in the roundtable's folder: `GITHUB_TOKEN=<the token> p2p doctor`" in secret
