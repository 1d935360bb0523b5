"""The GitHub Actions workflows: least privilege, pinned actions, no injection, no races.

Also the commit step they share, run against real git repositories: it commits only when
bytes changed, and a change pushed meanwhile is never lost.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONS = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))
COMMIT_SCRIPT = ROOT / ".github" / "actions" / "commit-generated" / "commit.sh"
GENERATED = ("README.md", "TAKEAWAYS.md", "events.ics", "events/schema.json", "p2p.schema.json")
SHARED_GROUP = "p2p-roundtable"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses:\s*(\S+)\s+#\s*v\d+(\.\d+)*\s*$")


def load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def jobs(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = workflow["jobs"]
    assert isinstance(found, dict)
    return found


def steps(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, step) for every step of every job of a workflow, or of a composite action."""
    data = load(path)
    if "jobs" in data:
        for name, job in jobs(data).items():
            for index, step in enumerate(job.get("steps", [])):
                yield f"{path.name}:{name}[{index}]", step
    else:
        for index, step in enumerate(data["runs"].get("steps", [])):
            yield f"{path.parent.name}/{path.name}[{index}]", step


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    on = workflow["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict)
    return on


def write_permissions(job: dict[str, Any]) -> set[str]:
    permissions = job.get("permissions", {})
    if permissions == "write-all":
        return {"*"}
    return {scope for scope, level in (permissions or {}).items() if level == "write"}


def uses_secrets(job: dict[str, Any]) -> bool:
    return "secrets." in repr(job)


def mutating(job: dict[str, Any]) -> bool:
    """A job that commits (a write permission) or changes GitHub (a secret's token)."""
    return bool(write_permissions(job)) or uses_secrets(job)


def test_the_workflows_are_there() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"ci.yml", "render.yml", "participants.yml", "topics.yml"} <= names
    assert {path.parent.name for path in ACTIONS} == {"commit-generated", "install-p2p"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_top_level_permissions_are_explicit_and_read_only(path: Path) -> None:
    workflow = load(path)
    assert "permissions" in workflow, f"{path.name}: no top-level permissions (GitHub's default may be write)"
    permissions = workflow["permissions"]
    if isinstance(permissions, str):
        assert permissions == "read-all", f"{path.name}: top-level permissions {permissions!r}"
    else:
        assert all(level in ("read", "none") for level in permissions.values()), (
            f"{path.name}: top-level permissions grant a write: {permissions}"
        )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_writes_are_granted_per_job_and_only_to_jobs_that_commit(path: Path) -> None:
    for name, job in jobs(load(path)).items():
        granted = write_permissions(job)
        assert granted <= {"contents"}, f"{path.name}:{name}: writes {granted}"
        commits = any("commit-generated" in str(step.get("uses", "")) for step in job.get("steps", []))
        assert bool(granted) == commits, f"{path.name}:{name}: contents write iff the job commits"


@pytest.mark.parametrize("path", WORKFLOWS + ACTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(path: Path) -> None:
    for where, step in steps(path):
        uses = step.get("uses")
        if uses is None or uses.startswith(("./", "$/")):
            continue
        assert PINNED.match(uses), f"{where}: {uses} is not pinned to a 40-hex commit SHA"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip().removeprefix("- ")
        if stripped.startswith("uses:") and not stripped.startswith(("uses: ./", "uses: $/")):
            assert VERSION_COMMENT.search(stripped), f"{path.name}:{number}: no `# vX.Y.Z` comment"


@pytest.mark.parametrize("path", WORKFLOWS + ACTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_expression_is_interpolated_into_a_script(path: Path) -> None:
    """Untrusted text (github.event.*, github.head_ref, inputs.*) reaches scripts via env: only.

    Stricter than needed: no `${{ }}` at all inside `run:`, so none can slip in unnoticed.
    """
    for where, step in steps(path):
        script = step.get("run")
        if script is not None:
            assert "${{" not in script, f"{where}: an expression inside run:"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_job_has_a_timeout(path: Path) -> None:
    for name, job in jobs(load(path)).items():
        timeout = job.get("timeout-minutes")
        assert isinstance(timeout, int) and 0 < timeout <= 60, f"{path.name}:{name}: timeout {timeout!r}"


def test_jobs_that_commit_or_change_github_share_one_queue_and_are_never_cancelled() -> None:
    found = []
    for path in WORKFLOWS:
        for name, job in jobs(load(path)).items():
            if not mutating(job):
                continue
            found.append(f"{path.name}:{name}")
            concurrency = job.get("concurrency")
            assert isinstance(concurrency, dict), f"{path.name}:{name}: no concurrency group"
            assert concurrency["group"] == SHARED_GROUP, f"{path.name}:{name}: group {concurrency['group']}"
            assert concurrency["cancel-in-progress"] is False, f"{path.name}:{name}: may be cancelled"
            # GitHub otherwise cancels a pending run when another one queues behind it.
            assert concurrency.get("queue") == "max", f"{path.name}:{name}: a pending run may be dropped"
    assert sorted(found) == [
        "participants.yml:collect",
        "participants.yml:sync",
        "render.yml:render",
        "topics.yml:topics",
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_dangerous_triggers(path: Path) -> None:
    """pull_request_target and workflow_run run with secrets on behalf of untrusted code."""
    assert not {"pull_request_target", "workflow_run"} & set(triggers(load(path)))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_secrets_never_reach_a_pull_request_job(path: Path) -> None:
    workflow = load(path)
    if "pull_request" not in triggers(workflow):
        return
    for name, job in jobs(workflow).items():
        if uses_secrets(job):
            condition = job.get("if", "")
            assert "github.event_name != 'pull_request'" in condition, (
                f"{path.name}:{name}: uses a secret and may run on a pull request"
            )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_workflow_can_be_dispatched(path: Path) -> None:
    assert "workflow_dispatch" in triggers(load(path))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials(path: Path) -> None:
    """The commit step hands its token to git itself; nothing else may find it on disk."""
    for where, step in steps(path):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, where


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_mutating_jobs_run_for_the_default_branch_only(path: Path) -> None:
    for name, job in jobs(load(path)).items():
        if mutating(job):
            assert "github.event.repository.default_branch" in job.get("if", ""), f"{path.name}:{name}"


def test_topic_events_are_filtered_by_label_in_the_job_condition() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "topics.yml")
    assert set(triggers(workflow)["issues"]["types"]) == {"opened", "labeled", "closed", "reopened"}
    assert "schedule" in triggers(workflow)
    assert "contains(github.event.issue.labels.*.name, 'topic')" in jobs(workflow)["topics"]["if"]


def path_filter_matches(patterns: list[str], path: str) -> bool:
    """GitHub's `paths:` filter: the last pattern that matches decides; `!` excludes."""
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern.removeprefix("!")
        regex = re.escape(glob).replace(r"\*\*", ".*").replace(r"\*", "[^/]*")
        if re.fullmatch(regex, path):
            matched = not negated
    return matched


@pytest.mark.parametrize("name", ["render.yml", "participants.yml"])
def test_a_commit_of_generated_files_does_not_trigger_the_push_workflows(name: str) -> None:
    """Together with "commit only when bytes changed", this is what makes rendering converge."""
    paths = triggers(load(ROOT / ".github" / "workflows" / name))["push"]["paths"]
    for generated in GENERATED:
        assert not path_filter_matches(paths, generated), f"{name}: {generated} would trigger a run"
    for source in ("events/2024-05-01.yaml", "events/2024-05-01-social.yaml", "p2p.yaml"):
        assert path_filter_matches(paths, source), f"{name}: {source} would not trigger a run"
    if name == "render.yml":
        assert path_filter_matches(paths, "templates/next-event.md.j2")


def test_the_path_filter_reading_follows_github() -> None:
    assert path_filter_matches(["events/**"], "events/a/b.yaml")
    assert not path_filter_matches(["events/*"], "events/a/b.yaml")
    assert not path_filter_matches(["events/**", "!events/schema.json"], "events/schema.json")
    assert path_filter_matches(["!events/schema.json", "events/**"], "events/schema.json")


@pytest.mark.skipif(shutil.which("zizmor") is None, reason="zizmor is not installed")
def test_zizmor_reports_nothing() -> None:
    result = subprocess.run(
        ["zizmor", "--offline", "--no-progress", ".github/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema is not installed")
@pytest.mark.parametrize(
    ("schema", "pattern"),
    [
        ("vendor.github-workflows", ".github/workflows/*.yml"),
        ("vendor.github-actions", ".github/actions/*/action.yml"),
        ("vendor.github-issue-forms", ".github/ISSUE_TEMPLATE/topic.yml"),
        ("vendor.github-issue-forms", ".github/ISSUE_TEMPLATE/seat.yml"),
        ("vendor.github-issue-config", ".github/ISSUE_TEMPLATE/config.yml"),
    ],
)
def test_the_files_match_githubs_schemas(schema: str, pattern: str) -> None:
    files = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob(pattern))
    if not files:
        pytest.skip(f"no {pattern} yet")
    result = subprocess.run(
        ["check-jsonschema", "--builtin-schema", schema, *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- the commit step, against real git repositories -------------------------------------------

FAKE_RENDER = """#!/usr/bin/env bash
# Stands in for `p2p render`: README.md lists every event file's content, in name order.
set -euo pipefail
test "$1" = render
cat events/*.yaml >README.md
"""


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30, check=True)
    return result.stdout


class Clone:
    """A working copy of the roundtable repository, with `p2p render` standing in."""

    def __init__(self, origin: Path, path: Path, bin_dir: Path, *, shallow: bool = False) -> None:
        if shallow:  # as actions/checkout leaves it: one commit deep, detached
            git(path.parent, "clone", "--quiet", "--depth=1", f"file://{origin}", path.name)
            git(path, "checkout", "--quiet", "--detach")
        else:
            git(path.parent, "clone", "--quiet", str(origin), path.name)
        git(path, "config", "user.name", "Organizer")
        git(path, "config", "user.email", "organizer@example.com")
        self.path = path
        self.bin_dir = bin_dir

    def write(self, name: str, text: str) -> None:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def render(self) -> None:
        subprocess.run([str(self.bin_dir / "p2p"), "render"], cwd=self.path, check=True, timeout=30)

    def push_by_hand(self, message: str) -> None:
        git(self.path, "add", "-A")
        git(self.path, "commit", "--quiet", "-m", message)
        git(self.path, "push", "--quiet", "origin", "HEAD:main")

    def commit_step(
        self, *, paths: str = "events README.md", attempts: int = 3
    ) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{self.bin_dir}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(self.path.parent),
            "P2P_MESSAGE": "Tally votes, refresh the generated files",
            "P2P_BRANCH": "main",
            "P2P_PATHS": paths,
            "P2P_ATTEMPTS": str(attempts),
            "P2P_PAUSE": "0",
        }
        return subprocess.run(
            ["bash", str(COMMIT_SCRIPT)],
            cwd=self.path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A bare repository holding one event and its rendered README, on branch main."""
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("git and bash are needed")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "p2p").write_text(FAKE_RENDER, encoding="utf-8")
    (bin_dir / "p2p").chmod(0o755)
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    seed = Clone(bare, tmp_path / "seed", bin_dir)
    seed.write("events/2024-05-01.yaml", "date: 2024-05-01\n")
    seed.render()
    seed.push_by_hand("First event")
    return bare


def clone(origin: Path, name: str, *, shallow: bool = False) -> Clone:
    return Clone(origin, origin.parent / name, origin.parent / "bin", shallow=shallow)


def remote_file(origin: Path, name: str) -> str:
    return git(origin, "show", f"main:{name}")


def remote_log(origin: Path) -> list[str]:
    return git(origin, "log", "--format=%s", "main").splitlines()


def test_nothing_changed_commits_nothing(origin: Path) -> None:
    run = clone(origin, "run")
    run.render()
    result = run.commit_step()
    assert result.returncode == 0, result.stderr
    assert "Nothing changed: no commit." in result.stdout
    assert remote_log(origin) == ["First event"]


def test_a_change_is_committed_by_the_bot_and_pushed(origin: Path) -> None:
    run = clone(origin, "run")
    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    run.render()
    result = run.commit_step()
    assert result.returncode == 0, result.stderr
    assert remote_log(origin) == ["Tally votes, refresh the generated files", "First event"]
    assert git(origin, "log", "-1", "--format=%an", "main").strip() == "github-actions[bot]"
    assert remote_file(origin, "README.md") == "date: 2024-05-01\nagenda: []\n"


@pytest.mark.parametrize("shallow", [False, True], ids=["full", "shallow"])
def test_a_change_pushed_meanwhile_is_kept_and_the_generated_files_are_rendered_again(
    origin: Path, shallow: bool
) -> None:
    run = clone(origin, "run", shallow=shallow)
    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    run.render()
    organizer = clone(origin, "organizer")
    organizer.write("events/2024-06-12.yaml", "date: 2024-06-12\n")
    organizer.render()
    organizer.push_by_hand("Next event")

    result = run.commit_step()

    assert result.returncode == 0, result.stderr
    assert "replaying the change" in result.stdout
    assert remote_log(origin) == ["Tally votes, refresh the generated files", "Next event", "First event"]
    assert remote_file(origin, "events/2024-05-01.yaml") == "date: 2024-05-01\nagenda: []\n"
    assert remote_file(origin, "events/2024-06-12.yaml") == "date: 2024-06-12\n"
    # Both READMEs changed the same lines; neither was merged: it was rendered from both changes.
    assert remote_file(origin, "README.md") == "date: 2024-05-01\nagenda: []\ndate: 2024-06-12\n"


def test_a_change_already_on_the_branch_is_not_committed_twice(origin: Path) -> None:
    run = clone(origin, "run")
    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    run.render()
    other_run = clone(origin, "other")
    other_run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    other_run.render()
    other_run.push_by_hand("The same tally, pushed first")

    result = run.commit_step()

    assert result.returncode == 0, result.stderr
    assert "already holds these changes" in result.stdout
    assert remote_log(origin) == ["The same tally, pushed first", "First event"]


def test_a_conflicting_edit_stops_the_run_and_pushes_nothing(origin: Path) -> None:
    run = clone(origin, "run")
    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: [12]\n")
    run.render()
    organizer = clone(origin, "organizer")
    organizer.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: [14]\n")
    organizer.render()
    organizer.push_by_hand("Edited by hand")

    result = run.commit_step()

    assert result.returncode == 1
    assert "::error title=Conflict::" in result.stdout
    assert remote_log(origin) == ["Edited by hand", "First event"]


def test_a_push_refused_every_time_gives_up_after_the_attempts(origin: Path) -> None:
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    run = clone(origin, "run")
    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    run.render()

    result = run.commit_step(attempts=2)

    assert result.returncode == 1
    assert "::error title=Push refused::2 attempts" in result.stdout
    assert remote_log(origin) == ["First event"]


def test_only_the_given_paths_are_committed(origin: Path) -> None:
    run = clone(origin, "run")
    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    run.write("notes.txt", "scratch\n")
    run.render()
    result = run.commit_step(paths="events README.md TAKEAWAYS.md")
    assert result.returncode == 0, result.stderr
    assert "notes.txt" not in git(origin, "ls-tree", "-r", "--name-only", "main")


def test_the_token_reaches_git_through_the_credential_helper_only(origin: Path) -> None:
    script = COMMIT_SCRIPT.read_text(encoding="utf-8")
    found = re.search(r"^CREDENTIAL_HELPER='(.*)'$", script, re.MULTILINE)
    assert found is not None
    run = clone(origin, "run")
    token = "github_pat_0123456789abcdef"
    env = {"PATH": os.environ["PATH"], "HOME": str(run.path.parent), "P2P_PUSH_TOKEN": token}
    asked = subprocess.run(
        [
            "git",
            "-c",
            "credential.helper=",
            "-c",
            f"credential.helper={found.group(1)}",
            "credential",
            "fill",
        ],
        cwd=run.path,
        env=env,
        input="protocol=https\nhost=github.com\n\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert f"username=x-access-token\npassword={token}\n" in asked.stdout

    run.write("events/2024-05-01.yaml", "date: 2024-05-01\nagenda: []\n")
    run.render()
    result = subprocess.run(
        ["bash", str(COMMIT_SCRIPT)],
        cwd=run.path,
        env=env | {"P2P_MESSAGE": "m", "P2P_BRANCH": "main", "P2P_PATHS": "events README.md"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert token not in result.stdout + result.stderr
    assert token not in (run.path / ".git" / "config").read_text(encoding="utf-8")
