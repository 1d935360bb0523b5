"""`p2p render` and `p2p import-readme`: the generated files, and the history of a hand-written page."""

from __future__ import annotations

from pathlib import Path

from p2p.cli.workspace import Workspace
from p2p.errors import InputError, P2PError, StaleError, UsageError
from p2p.files import readme_import as legacy
from p2p.files.atomic import write_text_atomic
from p2p.files.load import load_event, relative_path
from p2p.files.schema import event_schema_text, schema_files
from p2p.pages import render as pages
from p2p.rules.plan import counted, table


def _read(path: Path, shown: str) -> str:
    """A page's text exactly as stored (line endings included)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(
            shown,
            0,
            "not found: the page needs the lines `<!-- p2p:begin next-event -->`, "
            "`<!-- p2p:end next-event -->`, `<!-- p2p:begin previous-events -->` and "
            "`<!-- p2p:end previous-events -->` where the generated text goes",
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(shown, line, "not UTF-8 text: save the file as UTF-8") from None


def generated_files(ws: Workspace) -> dict[str, str]:
    """Every generated file, by path relative to the roundtable, with the text it must hold."""
    roundtable = ws.roundtable()
    # The repository as p2p.yaml names it, never $GITHUB_REPOSITORY: the pages depend on the
    # files alone, or a page rendered on a laptop would be stale in GitHub Actions and back.
    # Without it, links to issues and the issue form are left out.
    repository = roundtable.settings.repository
    env = pages.environment(ws.files)
    page = _read(ws.files / pages.README_FILE, pages.README_FILE)
    return {
        pages.README_FILE: pages.readme(page, roundtable, ws.now, repository=repository, env=env),
        pages.TAKEAWAYS_FILE: pages.takeaways_page(roundtable, repository=repository, env=env),
        pages.CALENDAR_FILE: pages.calendar(roundtable, repository=repository),
        pages.SEAT_FORM_FILE: pages.seat_form(roundtable, ws.now, env=env),
        **schema_files(),
    }


def _stale(ws: Workspace, files: dict[str, str]) -> list[str]:
    stale = []
    for name, text in files.items():
        path = ws.files / name
        if not path.exists() or path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    return stale


def render_step(ws: Workspace, *, dry_run: bool) -> int:
    """Regenerate the files whose bytes changed (the last step of `p2p sync`).

    With `dry_run`, say which files would be written and write nothing.
    """
    files = generated_files(ws)
    stale = _stale(ws, files)
    if not stale:
        ws.out("up to date")
    for name in stale:
        path = ws.files / name
        shown = relative_path(path, ws.root)
        if dry_run:
            ws.out(f"would write {shown}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(path, files[name])
        ws.out(f"wrote {shown}")
    return 0


def render(ws: Workspace, *, check: bool) -> int:
    """`p2p render [--check]`."""
    return render_files(ws, check=check)


def render_files(ws: Workspace, *, check: bool) -> int:
    """Regenerate what changed; with `check`, write nothing and fail naming each stale file."""
    if not check:
        return render_step(ws, dry_run=False)
    files = generated_files(ws)
    stale = _stale(ws, files)
    if stale:
        lines = [f"{name} is out of date" for name in stale]
        raise StaleError("\n".join([*lines, "run `p2p render` and commit the result"]))
    ws.out(f"up to date: {', '.join(files)}")
    return 0


def import_readme(ws: Workspace, *, file: Path, out: Path | None) -> int:
    """`p2p import-readme FILE [--out DIR]`: event files from a hand-written page, every guess reported."""
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise UsageError(f"cannot read {file}: {error.strerror or error}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        ws.err(f"{file} is not UTF-8: read it as Windows-1252")
    page = legacy.parse_page(text, today=ws.now.date())
    if not page.events:
        raise P2PError(f"{file}: found no dated headings such as `### May 2, 2023`: nothing to import")
    folder = out if out is not None else ws.events_dir
    targets = {event.id: folder / f"{event.id}.yaml" for event in page.events}
    existing = [path for path in targets.values() if path.exists()]
    if existing:
        names = ", ".join(path.name for path in existing)
        raise P2PError(
            f"{folder} already holds {names}: nothing written (import into an empty folder with --out)"
        )
    texts = {event.id: legacy.event_file_text(event, source=file.name) for event in page.events}
    folder.mkdir(parents=True, exist_ok=True)
    schema = folder / "schema.json"
    if not schema.exists():
        write_text_atomic(schema, event_schema_text())
    for event in page.events:
        write_text_atomic(targets[event.id], texts[event.id])
        load_event(targets[event.id])  # what was written reads back as a valid event
    shown = _shown(folder, ws.root)
    ws.out(f"wrote {counted(len(page.events), 'event file')} to {shown}/ from {file.name}:")
    ws.out(
        table(
            ("file", "date", "title", "from line"),
            [(f"{e.id}.yaml", e.date.isoformat(), str(e.data["title"]), str(e.line)) for e in page.events],
        )
    )
    if page.guesses:
        ws.out(
            f"\n{counted(len(page.guesses), 'guess', 'guesses')} to review "
            "(each is noted in its event file too):"
        )
        ws.out("\n".join(f"{file.name}:{note.line}: {note.text}" for note in page.guesses))
    if page.skipped:
        ws.out("\nnot imported:")
        ws.out("\n".join(f"{file.name}:{note.line}: {note.text}" for note in page.skipped))
    ws.out("\nnext: review the files, then `p2p check` and `p2p render`")
    return 0


def _shown(path: Path, root: Path) -> str:
    for base in (root, Path.cwd()):
        try:
            return str(path.resolve().relative_to(base.resolve())) or "."
        except ValueError:
            continue
    return str(path)
