"""The sandbox's own promises: a file that survives runs, written atomically, read strictly;
a clock tests can move; and the GitHub rules the contract suite cannot reach cheaply."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from p2p.cli.workspace import SANDBOX_FILE, Workspace
from p2p.errors import GitHubError, P2PError, UnknownLoginError
from p2p.models import Roundtable, Settings
from p2p.port import Port
from p2p.sandbox.store import Sandbox

REPOSITORY = "acme/roundtable"
NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / ".p2p" / "sandbox.json"


def test_a_sandbox_is_a_port() -> None:
    port: Port = Sandbox.new(REPOSITORY)
    assert port.repository == REPOSITORY


def test_ids_look_like_githubs() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    number = sandbox.add_issue("Hiring")
    comment = sandbox.add_comment(number, "alice", "Takeaway: pair early")
    board = sandbox.read_board(1)
    assert board is not None
    item = sandbox.add_item(board, sandbox.issues[0])

    # Database ids of comments are above 2^31 since 2024; node ids carry their type's prefix.
    assert comment > 2**31
    assert sandbox.issues[0].node_id.startswith("I_kwDO")
    assert board.id.startswith("PVT_kwDO") and item.id.startswith("PVTI_lADO")
    assert all(f.id.startswith(("PVTF_lADO", "PVTSSF_lADO")) for f in board.fields)


# --- persistence -------------------------------------------------------------------------


def test_nothing_is_written_before_close(path: Path) -> None:
    sandbox = Sandbox.open(path, repository=REPOSITORY, now=NOW, people=["alice"])
    sandbox.invite("alice", "triage")
    assert not path.exists()

    sandbox.close()

    assert path.exists()
    assert (path.parent / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_close_then_open_again_keeps_everything(path: Path) -> None:
    sandbox = Sandbox.open(path, repository=REPOSITORY, now=NOW, people=["bob"])
    sandbox.add_collaborator("alice")
    invitation = sandbox.invite("bob", "push")
    issue = sandbox.create_issue("Hiring", "body", ["topic", "event:2024-03-20"])
    sandbox.add_reaction(issue.number, "alice", created_at=NOW - timedelta(hours=1))
    sandbox.add_reaction(issue.number, "renovate", user_type="Bot")
    comment = sandbox.add_comment(issue.number, "alice", "Takeaway: hire slowly")
    board = sandbox.read_board(1)
    assert board is not None
    item = sandbox.add_item(board, issue)
    votes = sandbox.create_field(board, "Votes", "number")
    sandbox.set_field(board, item, votes, 2)
    status = board.field("Status")
    assert status is not None
    sandbox.set_field(board, item, status, "To Discuss")
    sandbox.close()

    again = Sandbox.open(path, repository=REPOSITORY, now=NOW)

    assert again.collaborators == sandbox.collaborators
    assert again.invitations == sandbox.invitations
    assert invitation is not None and again.invitations[0].permission == "write"
    assert again.issues == sandbox.issues
    assert again.read_topics("2024-03-20") == sandbox.read_topics("2024-03-20")
    assert [c.id for c in again.read_comments([issue.number])] == [comment]
    assert again.board == sandbox.board
    assert again.board is not None and again.board.items[0].values == {"Status": "To Discuss", "Votes": 2}
    # ids and numbers keep counting where they stopped
    assert again.create_issue("Next", "", []).number == issue.number + 1
    assert again.add_comment(issue.number, "bob", "hi") > comment


def test_open_with_another_repository_name_is_refused(path: Path) -> None:
    Sandbox.open(path, repository=REPOSITORY).close()

    with pytest.raises(P2PError) as refused:
        Sandbox.open(path, repository="acme/other")

    assert str(path) in refused.value.message
    assert "acme/roundtable" in refused.value.message
    assert Sandbox.open(path, repository="ACME/Roundtable").repository == REPOSITORY


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"format": 1}',
        '{"format": 99, "repository": "acme/roundtable", "viewer": "p2p-bot"}',
        '{"format": 1, "repository": "acme/roundtable", "viewer": "p2p-bot", "issues": [{"number": "x"}]}',
        "",
    ],
)
def test_a_corrupt_sandbox_file_is_a_clear_error(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(content, encoding="utf-8")

    with pytest.raises(P2PError) as refused:
        Sandbox.open(path, repository=REPOSITORY)

    assert refused.value.message.startswith(f"{path}: ")
    assert "`p2p sandbox reset` starts a fresh one" in refused.value.message
    assert "Traceback" not in refused.value.message


def test_a_sandbox_file_that_cannot_be_read_is_a_clear_error(path: Path) -> None:
    path.mkdir(parents=True)  # a folder where the file should be

    with pytest.raises(P2PError) as refused:
        Sandbox.open(path, repository=REPOSITORY)

    assert refused.value.message.startswith(f"{path}: ")


def test_writes_are_atomic(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox = Sandbox.open(path, repository=REPOSITORY, now=NOW)
    sandbox.add_collaborator("alice")
    sandbox.close()
    before = path.read_bytes()

    def crash(self: Path, target: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", crash)
    sandbox.add_collaborator("bob")
    with pytest.raises(P2PError) as refused:
        sandbox.close()

    assert refused.value.message == f"{path}: cannot write the sandbox: No space left on device"
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", "sandbox.json"]


def test_a_write_leaves_no_temporary_file_and_valid_json(path: Path) -> None:
    sandbox = Sandbox.open(path, repository=REPOSITORY, now=NOW)
    sandbox.add_collaborator("alice")
    sandbox.close()

    assert sorted(p.name for p in path.parent.iterdir()) == [".gitignore", "sandbox.json"]
    assert json.loads(path.read_text(encoding="utf-8"))["repository"] == REPOSITORY


def test_close_without_changes_does_not_rewrite(path: Path) -> None:
    Sandbox.open(path, repository=REPOSITORY, now=NOW).close()
    inode = path.stat().st_ino

    sandbox = Sandbox.open(path, repository=REPOSITORY, now=NOW)
    sandbox.read_access()
    sandbox.read_topics("2024-03-20")
    sandbox.close()

    assert path.stat().st_ino == inode


def test_the_workspace_opens_and_closes_the_sandbox(tmp_path: Path) -> None:
    # The sandbox knows the people the roundtable's files name: alice, an organizer.
    roundtable = Roundtable(settings=Settings(repository=REPOSITORY, organizers=("alice",)))
    lines: list[str] = []
    workspace = Workspace(root=tmp_path, sandbox=True, verbose=True, err=lines.append, _roundtable=roundtable)

    port = workspace.port()
    port.read_access()
    port.invite("alice", "triage")
    workspace.close()

    assert isinstance(port, Sandbox)
    assert [i.login for i in Sandbox.open(tmp_path / SANDBOX_FILE, repository=REPOSITORY).invitations] == [
        "alice"
    ]
    assert lines == ["GitHub: 3 HTTP requests (2 reads, 1 write)"]


# --- the clock ---------------------------------------------------------------------------


def test_the_clock_defaults_to_now_and_can_be_moved() -> None:
    sandbox = Sandbox.new(REPOSITORY)
    assert abs(sandbox.now - datetime.now(UTC)) < timedelta(minutes=1)

    sandbox.now = NOW
    sandbox.now += timedelta(days=1)

    assert sandbox.now == NOW + timedelta(days=1)
    sandbox.add_user("alice")
    invitation = sandbox.invite("alice", "triage")
    assert invitation is not None and invitation.created_at == NOW + timedelta(days=1)


def test_the_clock_needs_a_time_zone() -> None:
    with pytest.raises(ValueError, match="aware"):
        Sandbox.new(REPOSITORY, now=datetime(2024, 3, 1, 12))


# --- GitHub's rules, sandbox side --------------------------------------------------------


def test_a_new_sandbox_knows_its_owner_viewer_and_board() -> None:
    sandbox = Sandbox.new(REPOSITORY, viewer="roundtable-bot", organization=False)

    access = sandbox.read_access()
    assert access.owner_is_organization is False
    assert {(c.login, c.permission) for c in access.collaborators} == {
        ("acme", "admin"),
        ("roundtable-bot", "admin"),
    }
    assert sandbox.read_topics("x").viewer == "roundtable-bot"
    assert sandbox.create_issue("t", "", []).author == "roundtable-bot"
    assert sandbox.board is not None and sandbox.board.number == 1


def test_invite_updates_a_collaborators_role() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    sandbox.add_collaborator("alice", "pull")

    assert sandbox.invite("alice", "triage") is None

    assert ("alice", "triage") in [(c.login, c.permission) for c in sandbox.collaborators]


def test_accepting_an_expired_invitation_is_refused() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    sandbox.add_invitation("bob", created_at=NOW - timedelta(days=8))

    with pytest.raises(GitHubError, match="expired"):
        sandbox.accept_invitation("bob")
    with pytest.raises(GitHubError):
        sandbox.accept_invitation("nobody")


def test_reactions_are_validated_and_not_doubled() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    number = sandbox.add_issue("Hiring", labels=["topic"])
    sandbox.add_reaction(number, "alice")
    sandbox.add_reaction(number, "ALICE")

    assert len(sandbox.issues[0].reactions) == 1
    with pytest.raises(ValueError, match="not a GitHub reaction"):
        sandbox.add_reaction(number, "alice", content="thumbsup")
    sandbox.remove_reaction(number, "alice")
    assert len(sandbox.issues[0].reactions) == 0


def test_labels_are_one_whatever_their_case() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    number = sandbox.add_issue("Hiring", labels=["Topic"])

    sandbox.add_labels(number, ["topic", "event:x"])

    assert sandbox.issues[0].labels == ("Topic", "event:x")
    assert sandbox.labels == ("Topic", "event:x")
    assert [i.number for i in sandbox.read_topics("y").issues] == []  # it has an event now


def test_closing_and_reopening_issues() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    number = sandbox.add_issue("Hiring", labels=["topic"], state="closed", state_reason="not_planned")
    assert sandbox.issues[0].withdrawn

    sandbox.reopen_issue(number)
    assert (sandbox.issues[0].state, sandbox.issues[0].state_reason) == ("open", "reopened")

    sandbox.close_issue(number)
    assert (sandbox.issues[0].state, sandbox.issues[0].state_reason) == ("closed", "completed")


def test_a_comment_by_a_bot_or_a_deleted_account() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    number = sandbox.add_issue("Hiring")
    sandbox.add_comment(number, "github-actions", "Takeaway: automate", user_type="Bot")
    sandbox.add_comment(number, None, "Takeaway: from a ghost")

    comments = sandbox.read_comments([number])

    assert [(c.author, c.is_bot) for c in comments] == [("github-actions", True), (None, False)]
    with pytest.raises(GitHubError):
        sandbox.add_comment(999, "alice", "no such issue")


def test_set_field_checks_the_value_before_asking() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    board = sandbox.read_board(1)
    assert board is not None
    item = sandbox.add_item(board, sandbox.create_issue("t", "", []))
    votes = sandbox.create_field(board, "Votes", "number")
    status = board.field("Status")
    title = board.field("Title")
    assert status is not None and title is not None
    writes = sandbox.requests.writes

    for field, value in [(votes, "seven"), (status, "Done"), (title, "new title")]:
        with pytest.raises(P2PError, match=f"field {field.name!r}"):
            sandbox.set_field(board, item, field, value)

    assert sandbox.requests.writes == writes
    sandbox.set_field(board, item, votes, "7")  # a number in words of digits is a number
    assert sandbox.board is not None and sandbox.board.items[0].values == {"Votes": 7.0}


def test_an_option_that_goes_takes_its_values_with_it() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    board = sandbox.read_board(1)
    assert board is not None
    status = board.field("Status")
    assert status is not None
    item = sandbox.add_item(board, sandbox.create_issue("t", "", []))
    sandbox.set_field(board, item, status, "Discussed")

    sandbox.set_options(board, status, ["To Discuss", "Discussing", "Done"])

    assert sandbox.board is not None and sandbox.board.items[0].values == {}


def test_long_lists_cost_a_request_per_page() -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW)
    for n in range(101):
        sandbox.add_collaborator(f"person{n}")
        sandbox.add_issue(f"Topic {n}", labels=["event:x"])

    sandbox.read_access()
    assert sandbox.requests.reads == 3  # collaborators: 2 pages, invitations: 1
    sandbox.read_topics("x")
    assert sandbox.requests.reads == 5  # the event's issues: 2 pages; proposals: 1


def test_an_invitation_to_a_login_nobody_made_known_is_refused_as_unknown(path: Path) -> None:
    # The people given when it is opened have accounts (the command line gives every login of the
    # roundtable's files); any other login is unknown, as GitHub answers 404 for it.
    sandbox = Sandbox.open(path, repository=REPOSITORY, now=NOW, people=["Alice"])

    assert sandbox.invite("alice", "triage") is not None
    with pytest.raises(UnknownLoginError, match="GitHub knows no account 'alise'"):
        sandbox.invite("alise", "triage")
    sandbox.close()

    # The people are not kept in the file: opened without them, only who was seen is known.
    again = Sandbox.open(path, repository=REPOSITORY, now=NOW)
    assert again.knows("alice")  # invited: GitHub has the account
    assert not again.knows("carol")


# --- the timeline: who labelled, closed and reopened an issue ---------------------------------


def test_labels_closes_and_reopens_are_kept_in_the_issues_timeline(path: Path) -> None:
    sandbox = Sandbox.new(REPOSITORY, now=NOW, path=path)
    number = sandbox.add_issue("Seat request", author="alice")
    sandbox.label_issue(number, "approved", by="orga")
    sandbox.label_issue(number, "Approved", by="orga")  # a label it has: no new event
    sandbox.advance(timedelta(minutes=5))
    sandbox.close_issue(number, "not_planned", by="orga")
    sandbox.reopen_issue(number, by="alice")
    sandbox.close_issue(number)
    sandbox.close()

    (issue,) = Sandbox.open(path, repository=REPOSITORY).describe()["issues"]
    assert issue["labels"] == ["approved"]
    assert [(e["event"], e["actor"], e["label"]) for e in issue["events"]] == [
        ("labeled", "orga", "approved"),
        ("closed", "orga", None),
        ("reopened", "alice", None),
        ("closed", "alice", None),  # by nobody named: its author, as GitHub's timeline shows
    ]
    assert issue["events"][0]["created_at"] == NOW.isoformat()
    assert issue["events"][1]["created_at"] == (NOW + timedelta(minutes=5)).isoformat()


# --- p2p sandbox: GitHub's side from the command line ----------------------------------------


class Cli:
    """A roundtable folder with `orga` (admin) and `tia` (triage) as collaborators."""

    def __init__(self, root: Path) -> None:
        from typer.testing import CliRunner

        from p2p.cli.app import app

        self.root, self.runner, self.app = root, CliRunner(), app
        (root / "events").mkdir()
        (root / "p2p.yaml").write_text(f"repository: {REPOSITORY}\norganizers: [orga]\n", encoding="utf-8")
        day = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
        (root / "events" / f"{day}.yaml").write_text(f"date: {day}\ntitle: Scaling teams\n", encoding="utf-8")
        self.event = day
        sandbox = Sandbox.open(root / SANDBOX_FILE, repository=REPOSITORY)
        sandbox.add_collaborator("orga", "admin")
        sandbox.add_collaborator("tia", "triage")
        sandbox.add_label("topic")
        sandbox.close()

    def __call__(self, *args: str, code: int = 0) -> tuple[str, str]:
        result = self.runner.invoke(self.app, ["--repo-dir", str(self.root), "sandbox", *args])
        assert result.exit_code == code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        return result.stdout, result.stderr

    def world(self) -> dict[str, Any]:
        return Sandbox.open(self.root / SANDBOX_FILE, repository=REPOSITORY).describe()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_anyone_proposes_votes_and_comments_in_a_public_repository(cli: Cli) -> None:
    out, _ = cli("propose", "On-call", "--as", "stranger")
    assert out.startswith("stranger opened #1 'On-call' with the topic form (labels: topic)")
    out, _ = cli("vote", "1", "--as", "stranger")
    assert re.match(r"stranger reacted 👍 to #1 at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", out.strip())
    again, _ = cli("vote", "1", "--as", "Stranger")
    assert "already" in again and "one reaction of each kind" in again
    cli("vote", "1", "--as", "stranger", "--content", "rocket")
    out, _ = cli("comment", "1", "Takeaway: keep it humane", "--as", "stranger")
    comment_id = int(re.findall(r"comment (\d+)", out)[0])
    assert comment_id > 2**31

    (issue,) = cli.world()["issues"]
    assert issue["author"] == "stranger"
    assert [(r["login"], r["content"]) for r in issue["reactions"]] == [
        ("stranger", "+1"),
        ("stranger", "rocket"),
    ]
    assert [(c["id"], c["author"], c["body"]) for c in issue["comments"]] == [
        (comment_id, "stranger", "Takeaway: keep it humane")
    ]


def test_a_proposal_without_the_topic_label_says_why(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    sandbox = Sandbox.open(tmp_path / SANDBOX_FILE, repository=REPOSITORY)
    sandbox._state.labels.clear()
    sandbox.close()
    out, _ = cli("propose", "On-call", "--as", "alice")
    assert "no label: the repository has no `topic` label yet" in out
    assert cli.world()["issues"][0]["labels"] == []


def test_only_triage_access_or_more_labels(cli: Cli) -> None:
    cli("propose", "On-call", "--as", "alice")
    _, err = cli("label", "1", "approved", "--as", "alice", code=1)
    assert err == (
        "error: alice cannot label #1: labelling takes triage access or more, and alice is not a "
        f"collaborator of {REPOSITORY}\n"
    )
    out, _ = cli("label", "1", "approved", "--as", "tia")
    assert out == "tia labelled #1 approved\n"
    (issue,) = cli.world()["issues"]
    assert issue["labels"] == ["topic", "approved"]
    assert [(e["event"], e["actor"], e["label"]) for e in issue["events"]] == [("labeled", "tia", "approved")]


def test_the_author_or_a_triager_closes_and_reopens(cli: Cli) -> None:
    cli("propose", "On-call", "--as", "alice")
    _, err = cli("close", "1", "--as", "bob", code=1)
    assert "bob cannot close #1: only its author (alice) or someone with triage access or more can" in err
    assert cli("close", "1", "--not-planned", "--as", "alice")[0] == "alice closed #1 as not planned\n"
    assert cli("reopen", "1", "--as", "tia")[0] == "tia reopened #1\n"
    assert cli("close", "1")[0] == "orga closed #1 as completed\n"  # the first organizer by default
    (issue,) = cli.world()["issues"]
    assert (issue["state"], issue["state_reason"]) == ("closed", "completed")
    assert [(e["event"], e["actor"]) for e in issue["events"]] == [
        ("closed", "alice"),
        ("reopened", "tia"),
        ("closed", "orga"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("vote", "7", "--as", "alice"),
            f"error: no issue #7 in the sandbox of {REPOSITORY} (its issues: none yet)\n",
        ),
        (("comment", "7", "hi", "--as", "alice"), f"error: no issue #7 in the sandbox of {REPOSITORY}"),
        (("close", "7"), "error: no issue #7"),
        (("label", "7", "x", "--as", "tia"), "error: no issue #7"),
        (("vote", "1", "--as", "not_a login"), "error: 'not_a login' is not a GitHub login"),
        (("propose", "T", "--as", "a--b"), "error: 'a--b' is not a GitHub login"),
        (
            ("accept", "--as", "alice"),
            f"error: alice holds no invitation to {REPOSITORY} (invited: nobody)\n",
        ),
    ],
)
def test_an_unknown_issue_or_login_is_one_line_and_exit_1(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    _, err = cli(*args, code=1)
    assert err.startswith(message)
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    "args", [("accept",), ("accept", "--all", "--as", "alice"), ("vote", "x", "--as", "a")]
)
def test_misuse_exits_2(cli: Cli, args: tuple[str, ...]) -> None:
    cli(*args, code=2)


def test_invitations_are_accepted_by_their_invitees(cli: Cli) -> None:
    sandbox = Sandbox.open(cli.root / SANDBOX_FILE, repository=REPOSITORY)
    sandbox.add_invitation("alice")
    sandbox.add_invitation("bob")
    sandbox.add_invitation("old", created_at=NOW, expired=True)
    sandbox.close()
    assert cli("accept", "--as", "ALICE")[0] == "alice accepted the invitation: triage access\n"
    out, err = cli("accept", "--all", code=1)
    assert out == "bob accepted the invitation: triage access\n"
    assert "old's invitation has expired and cannot be accepted" in err
    world = cli.world()
    assert [c["login"] for c in world["collaborators"]] == ["orga", "tia", "alice", "bob"]
    assert [i["login"] for i in world["invitations"]] == ["old"]


def test_a_seat_request_is_written_as_githubs_form_renders_it(cli: Cli) -> None:
    sandbox = Sandbox.open(cli.root / SANDBOX_FILE, repository=REPOSITORY)
    sandbox.add_label("seat-request")
    sandbox.close()
    out, _ = cli("request-seat", "--as", "ada", "--name", "Ada Lovelace")
    assert out == f"ada opened #1 'Seat request' for {cli.event} with the seat form (labels: seat-request)\n"
    cli("request-seat", "--as", "bo", "--affiliation", "ACME", "--no-recording", "--event", cli.event)
    first, second = cli.world()["issues"]
    assert second["author"] == "bo"
    assert (first["title"], first["author"], first["labels"]) == ("Seat request", "ada", ["seat-request"])
    sandbox = Sandbox.open(cli.root / SANDBOX_FILE, repository=REPOSITORY)
    bodies = [i.body for i in sandbox.issues]
    assert bodies[0] == (
        f"### Event\n\n{cli.event} — Scaling teams\n\n### Name\n\nAda Lovelace\n\n"
        "### Affiliation\n\n_No response_\n\n### Recording\n\n- [X] I agree to the meeting being recorded."
    )
    assert bodies[1].endswith(
        "### Affiliation\n\nACME\n\n### Recording\n\n- [ ] I agree to the meeting being recorded."
    )
    assert "### Name\n\nbo\n\n" in bodies[1]


def test_show_prints_the_sandboxs_github(cli: Cli) -> None:
    cli("propose", "On-call", "--as", "alice")
    cli("vote", "1", "--as", "bob")
    cli("comment", "1", "Takeaway: sleep", "--as", "bob")
    out, _ = cli("show")
    assert out.startswith(f"sandbox of {REPOSITORY} (.p2p/sandbox.json); the token's user: p2p-bot\n")
    assert "collaborators: orga (admin), tia (triage)\n" in out
    assert "  #1 'On-call' by alice (open; topic)\n" in out
    assert re.search(r"^    👍 bob \S+$", out, re.MULTILINE)
    assert re.search(r"^    comment \d+ by bob: Takeaway: sleep$", out, re.MULTILINE)
    assert "board #1 'Lean coffee': Status (To Discuss, Discussing, Discussed)" in out
    shown = json.loads(cli("show", "--json")[0])
    assert shown["repository"] == REPOSITORY and shown["board"]["items"] == []


def test_reset_starts_over(cli: Cli) -> None:
    out, _ = cli("reset")
    assert out == "removed .p2p/sandbox.json: the next sandbox run starts afresh from the real files\n"
    assert cli("reset")[0] == "nothing to reset: there is no sandbox here yet\n"


def test_show_makes_untrusted_text_safe_for_the_terminal(cli: Cli) -> None:
    cli("propose", "Hi\x1b[2J there\nsecond line", "--as", "mallory")
    cli("comment", "1", "Takeaway:\x1b]0;owned\x07 ok", "--as", "mallory")
    out, _ = cli("show")
    assert "\x1b" not in out and "\x07" not in out
    assert "  #1 'Hi\\u001b[2J there\\u000asecond line' by mallory (open; topic)\n" in out
    assert "Takeaway:\\u001b]0;owned\\u0007 ok" in out


def test_sandbox_commands_outside_a_roundtable_create_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from p2p.cli.app import app

    result = CliRunner().invoke(app, ["--repo-dir", str(tmp_path), "sandbox", "propose", "T", "--as", "a"])
    assert result.exit_code == 1
    assert "no p2p.yaml" in result.stderr and "Traceback" not in result.stderr
    assert CliRunner().invoke(app, ["--repo-dir", str(tmp_path), "--sandbox", "sync"]).exit_code == 1
    assert list(tmp_path.iterdir()) == []
