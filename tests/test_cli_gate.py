"""The token behind a gate: P2P_TOKEN is read only by jobs of the `roundtable` deployment
environment, here and in what `p2p init` scaffolds, and zizmor's auditor persona, the strictest,
reports nothing in either."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from p2p.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
AUDITOR = "zizmor --offline --persona auditor .github/"


def scaffolded(tmp_path: Path) -> Path:
    result = CliRunner().invoke(app, ["init", str(tmp_path / "rt"), "--repository", "acme/leaders"])
    assert result.exit_code == 0, result.output
    return tmp_path / "rt"


def jobs(folder: Path) -> list[tuple[str, dict[str, Any], str]]:
    """(workflow:job, the job, its text) for every job of every workflow under folder."""
    found = []
    for path in sorted((folder / ".github" / "workflows").glob("*.yml")):
        workflow = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for name, job in workflow["jobs"].items():
            found.append((f"{path.name}:{name}", job, repr(job)))
    return found


@pytest.mark.parametrize("where", ["project", "scaffold"])
def test_only_jobs_of_the_roundtable_environment_read_the_token(tmp_path: Path, where: str) -> None:
    folder = ROOT if where == "project" else scaffolded(tmp_path)
    readers = [name for name, _, text in jobs(folder) if re.search(r"secrets\.P2P_TOKEN", text)]
    assert readers, "no job reads P2P_TOKEN"
    for name, job, text in jobs(folder):
        reads = re.search(r"secrets\.", text.replace("secrets.GITHUB_TOKEN", "")) is not None
        assert (job.get("environment") == "roundtable") == reads, name


@pytest.mark.skipif(shutil.which("zizmor") is None, reason="zizmor is not installed")
@pytest.mark.parametrize("where", ["project", "scaffold"])
def test_the_auditor_persona_reports_nothing(tmp_path: Path, where: str) -> None:
    folder = ROOT if where == "project" else scaffolded(tmp_path)
    result = subprocess.run(
        [*AUDITOR.split()[:-1], "--no-progress", ".github/"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout
    assert "suppressed" not in result.stdout  # the auditor persona hides nothing


def test_ci_runs_the_auditor_persona() -> None:
    assert AUDITOR in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for ci in (
        ROOT / ".github" / "workflows" / "ci.yml",
        ROOT / "p2p" / "scaffold" / "github" / "workflows" / "ci.yml",
    ):
        assert AUDITOR in ci.read_text(encoding="utf-8"), ci


def test_the_guide_says_how_to_create_the_environment() -> None:
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    assert "Settings → Environments" in guide
    assert "gh secret set P2P_TOKEN --env roundtable" in guide
