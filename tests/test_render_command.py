"""`p2p render [--check]` and `p2p import-readme` through the command line, on real folders."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from p2p.cli import render as command
from p2p.cli.app import app
from p2p.cli.workspace import Workspace
from p2p.files.atomic import write_text_atomic

ROOT = Path(__file__).resolve().parent.parent
LEGACY = Path(__file__).resolve().parent / "golden" / "legacy" / "README.md"

SETTINGS = "repository: profiq/peer-to-peer\norganizers: [octocat]\n"
# The command reads the real clock: the event lies far ahead, so it stays the next one.
EVENT = '# yaml-language-server: $schema=schema.json\ndate: 2099-05-15\ntitle: Hiring\nstart: "17:00"\n'
README = "# Roundtable\n\n<!-- p2p:begin next-event -->\n<!-- p2p:end next-event -->\n\n" + (
    "## Before\n\n<!-- p2p:begin previous-events -->\n<!-- p2p:end previous-events -->\n\nHand-written.\n"
)
GENERATED = [
    "README.md",
    "TAKEAWAYS.md",
    "events.ics",
    ".github/ISSUE_TEMPLATE/seat.yml",
    "events/schema.json",
    "p2p.schema.json",
]


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--repo-dir", str(root), *args], catch_exceptions=False)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "p2p.yaml").write_text(SETTINGS)
    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "2099-05-15.yaml").write_text(EVENT)
    (tmp_path / "README.md").write_text(README)
    return tmp_path


def test_render_writes_then_is_up_to_date(folder: Path) -> None:
    first = run(folder, "render")
    assert first.exit_code == 0, first.output
    assert first.output.splitlines() == [f"wrote {name}" for name in GENERATED]
    readme = (folder / "README.md").read_text()
    assert readme.startswith("# Roundtable\n\n<!-- p2p:begin next-event -->\n\n### ")
    assert readme.endswith("<!-- p2p:end previous-events -->\n\nHand-written.\n")
    again = run(folder, "render")
    assert (again.exit_code, again.output) == (0, "up to date\n")
    check = run(folder, "render", "--check")
    assert (check.exit_code, check.output) == (0, "up to date: " + ", ".join(GENERATED) + "\n")


def test_the_pages_do_not_depend_on_the_environment_s_repository(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without `repository:` in p2p.yaml, a laptop and GitHub Actions ($GITHUB_REPOSITORY) agree."""
    (folder / "p2p.yaml").write_text("organizers: [octocat]\n")
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    assert run(folder, "render").exit_code == 0
    assert "https://github.com/" not in (folder / "README.md").read_text()
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/roundtable")
    check = run(folder, "render", "--check")
    assert (check.exit_code, check.output) == (0, "up to date: " + ", ".join(GENERATED) + "\n")


def test_render_writes_only_the_files_that_changed(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(folder, "render").exit_code == 0
    (folder / "events" / "2099-05-15.yaml").write_text(EVENT + "takeaways:\n  - Ask early.\n")
    written: list[str] = []

    def write(path: Path, text: str) -> None:
        written.append(path.name)
        write_text_atomic(path, text)

    monkeypatch.setattr("p2p.cli.render.write_text_atomic", write)
    result = run(folder, "render")
    assert result.output == "wrote TAKEAWAYS.md\n"
    assert written == ["TAKEAWAYS.md"]


def test_check_names_each_stale_file_and_writes_nothing(folder: Path) -> None:
    assert run(folder, "render").exit_code == 0
    (folder / "events" / "2099-05-15.yaml").write_text(EVENT.replace("Hiring", "Retaining"))
    (folder / "TAKEAWAYS.md").unlink()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = run(folder, "render", "--check")
    assert result.exit_code == 1
    assert result.output == (
        "README.md is out of date\nTAKEAWAYS.md is out of date\nevents.ics is out of date\n"
        ".github/ISSUE_TEMPLATE/seat.yml is out of date\nrun `p2p render` and commit the result\n"
    )
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_crlf_readme_keeps_its_line_endings(folder: Path) -> None:
    (folder / "README.md").write_bytes(README.replace("\n", "\r\n").encode())
    assert run(folder, "render").exit_code == 0
    data = (folder / "README.md").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(b"<!-- p2p:end previous-events -->\r\n\r\nHand-written.\r\n")
    assert run(folder, "render", "--check").exit_code == 0


@pytest.mark.parametrize(
    ("readme", "message"),
    [
        (None, "error: README.md: not found: the page needs the lines `<!-- p2p:begin next-event -->`"),
        (
            README.replace("<!-- p2p:end next-event -->\n", ""),
            "error: README.md:7: region 'previous-events' begins inside region 'next-event' (line 3)",
        ),
        (b"# R\n\n\xff\xfe", "error: README.md:3: not UTF-8 text: save the file as UTF-8"),
    ],
)
def test_readme_errors_are_one_clear_line(folder: Path, readme: str | bytes | None, message: str) -> None:
    path = folder / "README.md"
    if readme is None:
        path.unlink()
    elif isinstance(readme, bytes):
        path.write_bytes(readme)
    else:
        path.write_text(readme)
    result = run(folder, "render")
    assert result.exit_code == 1
    assert result.output.startswith(message)
    assert "Traceback" not in result.output


def test_invalid_event_files_are_reported_not_rendered(folder: Path) -> None:
    (folder / "events" / "2099-05-15.yaml").write_text(EVENT + "format: party\n")
    result = run(folder, "render")
    assert result.exit_code == 1
    assert "events/2099-05-15.yaml:5:" in result.output
    assert not (folder / "TAKEAWAYS.md").exists()


def test_the_roundtable_own_generated_files_are_up_to_date() -> None:
    ws = Workspace(root=ROOT, now=datetime.now(UTC), env={})
    stale = [
        name
        for name, text in command.generated_files(ws).items()
        if (ROOT / name).read_bytes() != text.encode()
    ]
    assert stale == [], "run `p2p render` and commit the result"


# --- import-readme ----------------------------------------------------------------------------------


def test_import_readme_writes_event_files_and_reports_every_guess(tmp_path: Path) -> None:
    (tmp_path / "p2p.yaml").write_text(SETTINGS)
    shutil.copy(LEGACY, tmp_path / "README.md")
    result = CliRunner().invoke(
        app,
        ["--repo-dir", str(tmp_path), "import-readme", str(tmp_path / "README.md")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("wrote 12 event files to ")
    assert "2023-02-21.yaml  2023-02-21  Observability" in out
    assert "19 guesses to review (each is noted in its event file too):" in out
    assert (
        "README.md:21: February 21, 2022 is out of order between May 2, 2023 (line 14) and November 16, 2022 "
        "(line 25): took it as February 21, 2023"
    ) in out
    assert "README.md:62: the section 'Meeting Logistics' (lines 62-70) is no event: not imported" in out
    files = sorted(p.name for p in (tmp_path / "events").iterdir())
    assert len(files) == 13 and "schema.json" in files
    check = run(tmp_path, "check")
    assert check.exit_code == 0, check.output


def test_import_readme_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "imported"
    out.mkdir()
    (out / "2023-05-02.yaml").write_text("mine")
    result = run(tmp_path, "import-readme", str(LEGACY), "--out", str(out))
    assert result.exit_code == 1
    assert "2023-05-02.yaml: nothing written" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["2023-05-02.yaml"]
    assert (out / "2023-05-02.yaml").read_text() == "mine"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "error: cannot read "),
        ("# Just a page\n\nNo dates here.\n", "found no dated headings such as `### May 2, 2023`"),
    ],
)
def test_import_readme_failures(tmp_path: Path, content: str | None, message: str) -> None:
    page = tmp_path / "page.md"
    if content is not None:
        page.write_text(content)
    result = run(tmp_path, "import-readme", str(page), "--out", str(tmp_path / "out"))
    assert result.exit_code in {1, 2}
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_the_sync_step_says_what_it_would_write(folder: Path) -> None:
    ws = Workspace(root=folder, now=datetime(2099, 1, 1, tzinfo=UTC), env={})
    lines: list[str] = []
    ws.out = lines.append
    assert command.render_step(ws, dry_run=True) == 0
    assert lines == [f"would write {name}" for name in GENERATED]
    assert not (folder / "TAKEAWAYS.md").exists()
    assert command.render_step(ws, dry_run=False) == 0
    lines.clear()
    assert command.render_step(ws, dry_run=True) == 0
    assert lines == ["up to date"]


def test_the_seat_form_offers_each_upcoming_event_and_check_covers_it(folder: Path) -> None:
    assert run(folder, "render").exit_code == 0
    form = (folder / ".github" / "ISSUE_TEMPLATE" / "seat.yml").read_text(encoding="utf-8")
    assert '- "2099-05-15 — Hiring"' in form
    assert "labels: [seat-request]" in form
    (folder / "events" / "2099-06-20.yaml").write_text(
        EVENT.replace("05-15", "06-20").replace("Hiring", """'Say "hi": #1'""")
    )
    check = run(folder, "render", "--check")
    assert check.exit_code == 1
    assert ".github/ISSUE_TEMPLATE/seat.yml is out of date" in check.output
    assert run(folder, "render").exit_code == 0
    form = (folder / ".github" / "ISSUE_TEMPLATE" / "seat.yml").read_text(encoding="utf-8")
    assert '- "2099-06-20 — Say \\"hi\\": #1"' in form
    if shutil.which("check-jsonschema"):
        import subprocess

        done = subprocess.run(
            [
                "check-jsonschema",
                "--builtin-schema",
                "vendor.github-issue-forms",
                str(folder / ".github/ISSUE_TEMPLATE/seat.yml"),
            ],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout
