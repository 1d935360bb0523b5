"""The Typer app: the global options, each command forwarded to its module, errors mapped to exit
codes. This package is the only one that imports Typer (`sandbox.py`: the `p2p sandbox` commands)."""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial, wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
import typer.core
import typer.main

from p2p import __version__
from p2p.cli.complete import complete_event, complete_login
from p2p.cli.workspace import Workspace
from p2p.errors import P2PError, UsageError
from p2p.files import SETTINGS_FILE

app = typer.Typer(
    name="p2p",
    help="Run a peer roundtable of engineering leaders from one GitHub repository.",
    no_args_is_help=True,
    add_completion=True,
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
EventArgument = Annotated[
    str | None, typer.Argument(help=EVENT_HELP, metavar="EVENT", autocompletion=complete_event)
]
EventOption = Annotated[
    str | None, typer.Option("--event", help=EVENT_HELP, metavar="EVENT", autocompletion=complete_event)
]
LoginArgument = Annotated[
    str, typer.Argument(help="GitHub login.", metavar="LOGIN", autocompletion=complete_login)
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Print the exact plan; change nothing.")]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]


class PlainUsage(typer.core.TyperCommand):
    """A command whose usage line names a required argument plainly, `p2p init DIR`, rather than
    in braces, `{DIR}`, as Typer writes it."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [re.sub(r"^\{(.*)\}", r"\1", piece) for piece in super().collect_usage_pieces(ctx)]


# --- the global options ------------------------------------------------------------------


@dataclass(frozen=True)
class GlobalOptions:
    """--repo-dir, --sandbox and --verbose, declared once: `p2p` takes them before the command's
    name, and every command but `init` and `demo` after it too (`p2p sync --sandbox`); --sandbox,
    on either side, only the commands that talk to GitHub."""

    repo_dir: Annotated[
        Path | None,
        typer.Option(
            "--repo-dir",
            help="The roundtable repository (default: the nearest folder upward that holds p2p.yaml).",
            metavar="PATH",
        ),
    ] = None
    sandbox: Annotated[
        bool, typer.Option("--sandbox", help="Use the offline GitHub sandbox in .p2p/sandbox.json.")
    ] = False
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also report the HTTP requests made.")] = (
        False
    )

    def then(self, later: GlobalOptions) -> GlobalOptions:
        """These options followed by `later`, the ones given after the command's name."""
        return GlobalOptions(
            repo_dir=later.repo_dir if later.repo_dir is not None else self.repo_dir,
            sandbox=self.sandbox or later.sandbox,
            verbose=self.verbose or later.verbose,
        )


KEYWORD = inspect.Parameter.KEYWORD_ONLY
# Typer reads a command's options from its signature; these are the three given in place of a
# GlobalOptions.
GLOBAL_OPTIONS = tuple(
    p.replace(kind=KEYWORD) for p in inspect.signature(GlobalOptions, eval_str=True).parameters.values()
)
CONTEXT = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)


def _version_text() -> str:
    return f"p2p {__version__}"


def _version(value: bool) -> None:
    if value:
        typer.echo(_version_text())
        raise typer.Exit()


VERSION = inspect.Parameter(
    "version",
    KEYWORD,
    default=False,
    annotation=Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ],
)

Function = TypeVar("Function", bound=Callable[..., None])


def _signed(*parameters: inspect.Parameter) -> Callable[[Function], Function]:
    """Show Typer these parameters as the function's."""

    def sign(function: Function) -> Function:
        function.__signature__ = inspect.Signature(list(parameters))  # type: ignore[attr-defined]
        return function

    return sign


@app.callback()
@_signed(CONTEXT, *GLOBAL_OPTIONS, VERSION)
def main(ctx: typer.Context, *, version: bool, **given: Any) -> None:
    """Run a peer roundtable of engineering leaders from one GitHub repository."""
    ctx.obj = GlobalOptions(**given)  # --version is handled, eagerly, by its callback


def command(
    *, global_options: bool = True, github: bool = False
) -> Callable[[Callable[..., int]], Callable[..., None]]:
    """A Typer command from `run(ws, ...) -> exit status`: the global options given after the
    command's name join those given before it, the workspace is made from them, and what `run`
    returns or the domain error it raises becomes the exit status. Only a command that talks to
    `github` offers --sandbox after its name."""

    def decorate(run: Callable[..., int]) -> Callable[..., None]:
        own = [
            p.replace(kind=KEYWORD)
            for p in list(inspect.signature(run, eval_str=True).parameters.values())[1:]
        ]
        after = tuple(
            option for option in GLOBAL_OPTIONS if global_options and (github or option.name != "sandbox")
        )

        @_signed(CONTEXT, *own, *after)
        @wraps(run, assigned=("__module__", "__name__", "__qualname__", "__doc__"), updated=())
        def forward(ctx: typer.Context, **values: Any) -> None:
            later = GlobalOptions(**{option.name: values.pop(option.name) for option in after})
            # `p2p --sandbox check`: the option, given before the name, would be taken and ignored.
            # (The `p2p sandbox` commands work on the sandbox whatever is given.)
            if ctx.obj.sandbox and not github and "sandbox" not in ctx.command_path.split()[1:]:
                typer.echo(
                    f"error: --sandbox: `{ctx.command_path}` works on the files only and never talks to "
                    "GitHub; drop --sandbox",
                    err=True,
                )
                raise typer.Exit(2)
            _run(ctx.obj.then(later), partial(run, **values))

        # Typer would read these hints in `run`'s module (`wraps` points it there), where `Any`
        # need not be: the signature set above holds every parameter with its type.
        forward.__annotations__ = {}
        return forward

    return decorate


def _redact(text: str, workspace: Workspace) -> str:
    """The token must never appear in output, whatever a message quotes."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "P2P_TOKEN"):
        secret = workspace.env.get(name, "")
        if len(secret) >= 8:
            text = text.replace(secret, "***")
    return text


def _root(given: Path | None) -> Path:
    """The folder given by --repo-dir, which must exist; else, as git finds .git, the nearest one
    from the current folder upward that holds p2p.yaml, and the current folder when none does."""
    if given is not None:
        if given.is_file():
            raise UsageError(f"--repo-dir: {given} is a file, not the repository's folder")
        if not given.is_dir():
            raise UsageError(f"--repo-dir: {given} does not exist")
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder if folder != here else Path()
    return Path()


def _run(options: GlobalOptions, run: Callable[[Workspace], int]) -> None:
    """Run one command; map domain errors to exit codes and one clear message."""
    # PyGithub logs to standard error on its own at INFO (a followed redirect, say); what the
    # toolkit has to say goes through the workspace instead. (Imported here: `--help` and
    # `--version` never reach this, and start faster without it.)
    import logging

    logging.getLogger("github").setLevel(logging.WARNING)
    try:
        root = _root(options.repo_dir)
    except UsageError as error:  # one line, as every other misuse; no usage block around it
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(error.exit_code) from None
    workspace = Workspace(root=root, sandbox=options.sandbox, verbose=options.verbose)
    workspace.out = lambda text: typer.echo(_redact(text, workspace))
    workspace.err = lambda text: typer.echo(_redact(text, workspace), err=True)
    if sys.stderr.isatty():
        from p2p.cli.terminal import TerminalProgress

        progress = TerminalProgress()
        workspace.progress = progress
        if sys.stdout.isatty():  # one terminal for both: what is printed goes above the bar

            def out(text: str) -> None:
                if not progress.echo(_redact(text, workspace)):
                    typer.echo(_redact(text, workspace))

            workspace.out = out
    try:
        code = run(workspace)
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
        raise UsageError(f"EVENT {event!r} and --event {option!r} disagree: give the event once")
    return event if event is not None else option


# --- the commands: each forwards to one function of its group's module --------------------


@app.command(cls=PlainUsage)
@command()
def check(ws: Workspace) -> int:
    """Validate p2p.yaml and every event file; list all errors as file:line: message."""
    from p2p.cli.check import check as run

    return run(ws)


@app.command(cls=PlainUsage)
@command()
def render(
    ws: Workspace,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 and list stale files.")
    ] = False,
) -> int:
    """Regenerate README regions, TAKEAWAYS.md and events.ics from the event files."""
    from p2p.cli.render import render as run

    return run(ws, check=check)


@event_app.command("new", cls=PlainUsage)
@command()
def event_new(
    ws: Workspace,
    date: Annotated[str, typer.Argument(help="The event's date, YYYY-MM-DD.", metavar="DATE")],
    title: Annotated[str, typer.Option("--title", help="The event's title.", metavar="TITLE")],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="lean-coffee, presentation or social (default: the latest event's, else lean-coffee).",
            metavar="FORMAT",
        ),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--start", help="Local start time, HH:MM (default: the latest event's).", metavar="HH:MM"
        ),
    ] = None,
    duration: Annotated[
        int | None,
        typer.Option("--duration", help="Length in minutes (default: the latest event's).", metavar="MIN"),
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            "--location",
            help="Where it meets: a place or a call link (default: the latest event's).",
            metavar="L",
        ),
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", help="A paragraph about the event.", metavar="D")
    ] = None,
    slug: Annotated[
        str | None,
        typer.Option("--slug", help="Name suffix, for a second event on the same date.", metavar="SLUG"),
    ] = None,
    past: Annotated[
        bool, typer.Option("--past", help="Allow a date that has passed (an event already held).")
    ] = False,
) -> int:
    """Create an event file, events/DATE[-SLUG].yaml; start, duration, location and format default
    to the latest event's."""
    from p2p.cli.event import new as run

    return run(
        ws,
        date=date,
        title=title,
        format=format,
        start=start,
        duration=duration,
        location=location,
        description=description,
        slug=slug,
        past=past,
    )


@participants_app.command("status", cls=PlainUsage)
@command(github=True)
def participants_status(
    ws: Workspace, event: EventArgument = None, event_option: EventOption = None, json: Json = False
) -> int:
    """Each registration's seat and repository access."""
    from p2p.cli.participants import status as run

    return run(ws, event=_one(event, event_option), as_json=json)


@participants_app.command("add", cls=PlainUsage)
@command()
def participants_add(
    ws: Workspace,
    login: LoginArgument,
    event: EventOption = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.", metavar="NAME")] = None,
) -> int:
    """Register someone now, at the back of the line."""
    from p2p.cli.participants import add as run

    return run(ws, login=login, event=event, name=name)


@participants_app.command("cancel", cls=PlainUsage)
@command()
def participants_cancel(
    ws: Workspace,
    login: LoginArgument,
    event: EventOption = None,
) -> int:
    """Cancel a registration; the first on the waitlist moves up."""
    from p2p.cli.participants import cancel as run

    return run(ws, login=login, event=event)


@participants_app.command("sync", cls=PlainUsage)
@command(github=True)
def participants_sync(
    ws: Workspace,
    dry_run: DryRun = False,
    force: Annotated[
        bool, typer.Option("--force", help="Apply a plan that trips the mass-removal guard.")
    ] = False,
) -> int:
    """Invite accepted participants, withdraw access no longer wanted."""
    from p2p.cli.participants import sync as run

    return run(ws, dry_run=dry_run, force=force)


@participants_app.command("collect", cls=PlainUsage)
@command(github=True)
def participants_collect(
    ws: Workspace, event: EventArgument = None, event_option: EventOption = None, dry_run: DryRun = False
) -> int:
    """Turn seat requests on GitHub into registrations; answer each one."""
    from p2p.cli.collect import collect as run

    return run(ws, event=_one(event, event_option), dry_run=dry_run)


@topics_app.command("sync", cls=PlainUsage)
@command(github=True)
def topics_sync(
    ws: Workspace, event: EventArgument = None, event_option: EventOption = None, dry_run: DryRun = False
) -> int:
    """Open seeded topics, label new proposals, put the event's topics on the board."""
    from p2p.cli.topics import sync as run

    return run(ws, event=_one(event, event_option), dry_run=dry_run)


@votes_app.command("tally", cls=PlainUsage)
@command(github=True)
def votes_tally(
    ws: Workspace,
    event: EventArgument = None,
    event_option: EventOption = None,
    dry_run: DryRun = False,
    json: Json = False,
) -> int:
    """Count 👍 votes, order the board, write the agenda."""
    from p2p.cli.votes import tally as run

    return run(ws, event=_one(event, event_option), dry_run=dry_run, as_json=json)


@board_app.command("setup", cls=PlainUsage)
@command(github=True)
def board_setup(ws: Workspace, dry_run: DryRun = False) -> int:
    """Create the board's Votes, Status and Event fields where missing."""
    from p2p.cli.board import setup as run

    return run(ws, dry_run=dry_run)


@takeaways_app.command("collect", cls=PlainUsage)
@command(github=True)
def takeaways_collect(
    ws: Workspace, event: EventArgument = None, event_option: EventOption = None, dry_run: DryRun = False
) -> int:
    """Add 'Takeaway:' comments on the event's topics to its event file."""
    from p2p.cli.takeaways import collect as run

    return run(ws, event=_one(event, event_option), dry_run=dry_run)


@app.command(cls=PlainUsage)
@command(github=True)
def meeting(
    ws: Workspace,
    event: EventArgument = None,
    event_option: EventOption = None,
    keys: Annotated[
        str | None,
        typer.Option("--keys", help='Keys to press in turn, e.g. "s e d q" (s e d n u q).', metavar="KEYS"),
    ] = None,
) -> int:
    """Run the lean-coffee discussion: countdown per topic, cards moved, minutes written into the agenda."""
    from p2p.cli.meeting import meeting as run

    return run(ws, event=_one(event, event_option), keys=keys)


@app.command(cls=PlainUsage)
@command(github=True)
def sync(
    ws: Workspace,
    dry_run: DryRun = False,
    force: Annotated[
        bool, typer.Option("--force", help="Let participants sync pass the mass-removal guard.")
    ] = False,
) -> int:
    """The main job: participants collect, participants sync, topics sync, votes tally, render."""
    from p2p.cli.sync import sync as run

    return run(ws, dry_run=dry_run, force=force)


@app.command("import-readme", cls=PlainUsage)
@command()
def import_readme(
    ws: Workspace,
    file: Annotated[
        Path, typer.Argument(help="A hand-written roundtable README.", dir_okay=False, metavar="FILE")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the event files; default events/.", metavar="DIR")
    ] = None,
) -> int:
    """Turn a hand-written roundtable page into event files, reporting every guess."""
    from p2p.cli.render import import_readme as run

    return run(ws, file=file, out=out)


@app.command(cls=PlainUsage)
@command(global_options=False)
def init(
    ws: Workspace,
    dir: Annotated[Path, typer.Argument(help="The folder of the new roundtable repository.", metavar="DIR")],
    name: Annotated[str | None, typer.Option("--name", help="The roundtable's name.", metavar="NAME")] = None,
    repository: Annotated[
        str | None,
        typer.Option("--repository", help="owner/name of its GitHub repository.", metavar="OWNER/NAME"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Write into a folder that is not empty.")] = False,
) -> int:
    """Scaffold a new roundtable repository."""
    from p2p.cli.init import init as run

    return run(ws, directory=dir, name=name, repository=repository, force=force)


@app.command(cls=PlainUsage)
@command(global_options=False)
def demo(ws: Workspace) -> int:
    """A guided, offline run of a whole event cycle in a temporary folder."""
    from p2p.cli.demo import demo as run

    return run(ws)


@app.command(cls=PlainUsage)
@command(github=True)
def doctor(ws: Workspace, json: Json = False) -> int:
    """Check the token, permissions, board and limits against GitHub, changing nothing."""
    from p2p.cli.doctor import doctor as run

    return run(ws, as_json=json)


@cache
def _click_command() -> Any:
    return typer.main.get_command(app)


def invoke(argv: list[str]) -> int:
    """Run `p2p ARGV` in this process and return its exit status (`p2p demo` runs its steps so)."""
    code = _click_command().main(args=argv, prog_name="p2p", standalone_mode=False)
    return int(code or 0)


# The sandbox's commands are a module of their own, registered here, after the others.
from p2p.cli.app import sandbox as _sandbox  # noqa: E402, F401


def entry() -> None:
    """Console-script entry point."""
    if sys.argv[1:] == ["--version"]:
        # Typer turns the whole app into click commands before it reads an option (some 50 ms
        # for this app's commands): the version alone needs none of them.
        print(_version_text())  # noqa: T201
        sys.exit(0)
    sys.exit(app())
