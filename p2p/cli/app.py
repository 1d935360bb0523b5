"""The Typer app: the global options, each command forwarded to its module, errors mapped to exit
codes. The only module that imports Typer."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from p2p import __version__
from p2p.cli.workspace import Workspace
from p2p.errors import P2PError

app = typer.Typer(
    name="p2p",
    help="Run a peer roundtable of engineering leaders from one GitHub repository.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
participants_app = typer.Typer(help="Registrations, seats and repository access.", no_args_is_help=True)
topics_app = typer.Typer(help="Topic issues of an event.", no_args_is_help=True)
votes_app = typer.Typer(help="Lean-coffee dot votes.", no_args_is_help=True)
board_app = typer.Typer(help="The Projects (v2) board.", no_args_is_help=True)
takeaways_app = typer.Typer(help="The knowledge base of takeaways.", no_args_is_help=True)
event_app = typer.Typer(help="Event files.", no_args_is_help=True)
app.add_typer(event_app, name="event")
app.add_typer(participants_app, name="participants")
app.add_typer(topics_app, name="topics")
app.add_typer(votes_app, name="votes")
app.add_typer(board_app, name="board")
app.add_typer(takeaways_app, name="takeaways")

EVENT_HELP = "Event id (file name without .yaml), `next` (the default) or `last` (the latest that has ended)."
EventArgument = Annotated[str | None, typer.Argument(help=EVENT_HELP, metavar="EVENT")]
EventOption = Annotated[str | None, typer.Option("--event", help=EVENT_HELP, metavar="EVENT")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Print the exact plan; change nothing.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
# The global options are accepted after the command too (`p2p sync --sandbox`).
RepoDir = Annotated[
    Path | None,
    typer.Option(
        "--repo-dir", help="The roundtable repository (default: .).", file_okay=False, metavar="PATH"
    ),
]
Sandbox = Annotated[
    bool, typer.Option("--sandbox", help="Use the offline GitHub sandbox in .p2p/sandbox.json.")
]
Verbose = Annotated[bool, typer.Option("--verbose", "-v", help="Also report the HTTP requests made.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"p2p {__version__}")
        raise typer.Exit()


def _redact(text: str, workspace: Workspace) -> str:
    """The token must never appear in output, whatever a message quotes."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "P2P_TOKEN"):
        secret = workspace.env.get(name, "")
        if len(secret) >= 8:
            text = text.replace(secret, "***")
    return text


@app.callback()
def main(
    ctx: typer.Context,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Run a peer roundtable of engineering leaders from one GitHub repository."""
    # PyGithub logs to standard error on its own at INFO (a followed redirect, say); what the
    # toolkit has to say goes through the workspace instead.
    logging.getLogger("github").setLevel(logging.WARNING)
    workspace = Workspace(root=repo_dir or Path(), sandbox=sandbox, verbose=verbose)
    workspace.out = lambda text: typer.echo(_redact(text, workspace))
    workspace.err = lambda text: typer.echo(_redact(text, workspace), err=True)
    if sys.stderr.isatty():
        from p2p.cli.terminal import TerminalProgress

        workspace.progress = TerminalProgress()
    ctx.obj = workspace


def _run(
    ctx: typer.Context,
    command: Callable[[Workspace], int],
    *,
    repo_dir: Path | None = None,
    sandbox: bool = False,
    verbose: bool = False,
) -> None:
    """Run one command; map domain errors to exit codes and one clear message.

    `repo_dir`, `sandbox` and `verbose` are the global options given after the command's name.
    """
    workspace: Workspace = ctx.obj
    if repo_dir is not None:
        workspace.root = repo_dir
    workspace.sandbox = workspace.sandbox or sandbox
    workspace.verbose = workspace.verbose or verbose
    try:
        code = command(workspace)
    except P2PError as error:
        if error.exit_code == 0:
            workspace.out(error.message)
        else:
            workspace.err(f"error: {error.message}" if "\n" not in error.message else error.message)
        code = error.exit_code
    except OSError as error:  # a disk, permission or network failure no module foresaw
        workspace.err(f"error: {error.filename or 'p2p'}: {error.strerror or error}")
        code = 1
    except KeyboardInterrupt:
        workspace.err("interrupted: run the command again to finish; nothing is done twice")
        code = 130
    except Exception as error:  # a bug: one line, the details with --verbose
        if workspace.verbose:
            raise
        workspace.err(
            f"error: unexpected {type(error).__name__}: {error} "
            "(this is a bug in p2p; run again with --verbose to see where)"
        )
        code = 1
    finally:
        try:
            workspace.close()
        except P2PError as error:
            workspace.err(f"error: {error.message}")
            code = 1
    if code:
        raise typer.Exit(code)


def _one(event: str | None, option: str | None) -> str | None:
    if event is not None and option is not None and event != option:
        raise typer.BadParameter(f"EVENT {event!r} and --event {option!r} disagree")
    return event if event is not None else option


@app.command()
def check(
    ctx: typer.Context, repo_dir: RepoDir = None, sandbox: Sandbox = False, verbose: Verbose = False
) -> None:
    """Validate p2p.yaml and every event file; list all errors as file:line: message."""
    from p2p.cli.check import check as run

    _run(ctx, run, repo_dir=repo_dir, sandbox=sandbox, verbose=verbose)


@app.command()
def render(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 and list stale files.")
    ] = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Regenerate README regions, TAKEAWAYS.md and events.ics from the event files."""
    from p2p.cli.render import render as run

    _run(ctx, lambda ws: run(ws, check=check), repo_dir=repo_dir, sandbox=sandbox, verbose=verbose)


@event_app.command("new")
def event_new(
    ctx: typer.Context,
    date: Annotated[str, typer.Argument(help="The event's date, YYYY-MM-DD.", metavar="DATE")],
    title: Annotated[str, typer.Option("--title", help="The event's title.", metavar="TITLE")],
    format: Annotated[
        str, typer.Option("--format", help="lean-coffee, presentation or social.", metavar="FORMAT")
    ] = "lean-coffee",
    start: Annotated[
        str | None, typer.Option("--start", help="Local start time, HH:MM.", metavar="HH:MM")
    ] = None,
    slug: Annotated[
        str | None,
        typer.Option("--slug", help="Name suffix, for a second event on the same date.", metavar="SLUG"),
    ] = None,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Create an event file, events/DATE[-SLUG].yaml."""
    from p2p.cli.event import new as run

    _run(
        ctx,
        lambda ws: run(ws, date=date, title=title, format=format, start=start, slug=slug),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@participants_app.command("status")
def participants_status(
    ctx: typer.Context,
    event: EventArgument = None,
    event_option: EventOption = None,
    json: Json = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Each registration's seat and repository access."""
    from p2p.cli.participants import status as run

    _run(
        ctx,
        lambda ws: run(ws, event=_one(event, event_option), as_json=json),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@participants_app.command("add")
def participants_add(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="GitHub login.", metavar="LOGIN")],
    event: EventOption = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.", metavar="NAME")] = None,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Register someone now, at the back of the line."""
    from p2p.cli.participants import add as run

    _run(
        ctx,
        lambda ws: run(ws, login=login, event=event, name=name),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@participants_app.command("cancel")
def participants_cancel(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help="GitHub login.", metavar="LOGIN")],
    event: EventOption = None,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Cancel a registration; the first on the waitlist moves up."""
    from p2p.cli.participants import cancel as run

    _run(
        ctx, lambda ws: run(ws, login=login, event=event), repo_dir=repo_dir, sandbox=sandbox, verbose=verbose
    )


@participants_app.command("sync")
def participants_sync(
    ctx: typer.Context,
    dry_run: DryRun = False,
    force: Annotated[
        bool, typer.Option("--force", help="Apply a plan that trips the mass-removal guard.")
    ] = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Invite accepted participants, withdraw access no longer wanted."""
    from p2p.cli.participants import sync as run

    _run(
        ctx,
        lambda ws: run(ws, dry_run=dry_run, force=force),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@topics_app.command("sync")
def topics_sync(
    ctx: typer.Context,
    event: EventArgument = None,
    event_option: EventOption = None,
    dry_run: DryRun = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Open seeded topics, label new proposals, put the event's topics on the board."""
    from p2p.cli.topics import sync as run

    _run(
        ctx,
        lambda ws: run(ws, event=_one(event, event_option), dry_run=dry_run),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@votes_app.command("tally")
def votes_tally(
    ctx: typer.Context,
    event: EventArgument = None,
    event_option: EventOption = None,
    dry_run: DryRun = False,
    json: Json = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Count 👍 votes, order the board, write the agenda."""
    from p2p.cli.votes import tally as run

    _run(
        ctx,
        lambda ws: run(ws, event=_one(event, event_option), dry_run=dry_run, as_json=json),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@board_app.command("setup")
def board_setup(
    ctx: typer.Context,
    dry_run: DryRun = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Create the board's Votes, Status and Event fields where missing."""
    from p2p.cli.board import setup as run

    _run(ctx, lambda ws: run(ws, dry_run=dry_run), repo_dir=repo_dir, sandbox=sandbox, verbose=verbose)


@takeaways_app.command("collect")
def takeaways_collect(
    ctx: typer.Context,
    event: EventArgument = None,
    event_option: EventOption = None,
    dry_run: DryRun = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Add 'Takeaway:' comments on the event's topics to its event file."""
    from p2p.cli.takeaways import collect as run

    _run(
        ctx,
        lambda ws: run(ws, event=_one(event, event_option), dry_run=dry_run),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@app.command()
def sync(
    ctx: typer.Context,
    dry_run: DryRun = False,
    force: Annotated[
        bool, typer.Option("--force", help="Let participants sync pass the mass-removal guard.")
    ] = False,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """The main job: participants sync, topics sync, votes tally, render."""
    from p2p.cli.sync import sync as run

    _run(
        ctx,
        lambda ws: run(ws, dry_run=dry_run, force=force),
        repo_dir=repo_dir,
        sandbox=sandbox,
        verbose=verbose,
    )


@app.command("import-readme")
def import_readme(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="A hand-written roundtable README.", dir_okay=False, metavar="FILE")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the event files; default events/.", metavar="DIR")
    ] = None,
    repo_dir: RepoDir = None,
    sandbox: Sandbox = False,
    verbose: Verbose = False,
) -> None:
    """Turn a hand-written roundtable page into event files, reporting every guess."""
    from p2p.cli.render import import_readme as run

    _run(ctx, lambda ws: run(ws, file=file, out=out), repo_dir=repo_dir, sandbox=sandbox, verbose=verbose)


@app.command()
def init(
    ctx: typer.Context,
    dir: Annotated[Path, typer.Argument(help="The folder of the new roundtable repository.", metavar="DIR")],
    name: Annotated[str | None, typer.Option("--name", help="The roundtable's name.", metavar="NAME")] = None,
    repository: Annotated[
        str | None,
        typer.Option("--repository", help="owner/name of its GitHub repository.", metavar="OWNER/NAME"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty.")] = False,
) -> None:
    """Scaffold a new roundtable repository."""
    from p2p.cli.init import init as run

    _run(ctx, lambda ws: run(ws, directory=dir, name=name, repository=repository, force=force))


@app.command()
def demo(ctx: typer.Context) -> None:
    """A guided, offline run of a whole event cycle in a temporary folder."""
    from p2p.cli.demo import demo as run

    _run(ctx, run)


def entry() -> None:
    """Console-script entry point."""
    sys.exit(app())
