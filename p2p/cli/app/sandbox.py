"""`p2p sandbox ...`: GitHub's side of a rehearsal, played offline. Part of the command line's
Typer app (`p2p.cli.app`), which registers it; each command forwards to `p2p.cli.sandbox`."""

from __future__ import annotations

from typing import Annotated

import typer

from p2p.cli.app import EventOption, Json, PlainUsage, app, command
from p2p.cli.workspace import Workspace

sandbox_app = typer.Typer(
    help="Play GitHub's side in the offline sandbox: participants proposing, voting, commenting.",
    no_args_is_help=True,
)
app.add_typer(sandbox_app, name="sandbox")

IssueArgument = Annotated[int, typer.Argument(help="The issue's number.", metavar="ISSUE")]
AsLogin = Annotated[str, typer.Option("--as", help="The GitHub login who acts.", metavar="LOGIN")]
AsLoginOptional = Annotated[
    str | None,
    typer.Option("--as", help="The GitHub login who acts (default: the first organizer).", metavar="LOGIN"),
]


@sandbox_app.command("propose", cls=PlainUsage)
@command()
def sandbox_propose(
    ws: Workspace,
    title: Annotated[str, typer.Argument(help="The topic's title.", metavar="TITLE")],
    login: AsLogin,
    body: Annotated[
        str | None, typer.Option("--body", help="What they want to learn or share.", metavar="TEXT")
    ] = None,
) -> int:
    """Propose a topic with the topic form, as LOGIN."""
    from p2p.cli.sandbox import propose as run

    return run(ws, title=title, login=login, body=body)


@sandbox_app.command("vote", cls=PlainUsage)
@command()
def sandbox_vote(
    ws: Workspace,
    issues: Annotated[
        list[int], typer.Argument(help="The issues' numbers, voted on in turn.", metavar="ISSUE")
    ],
    login: AsLogin,
    content: Annotated[
        str, typer.Option("--content", help="The reaction: +1, -1, laugh, heart, ...", metavar="REACTION")
    ] = "+1",
) -> int:
    """React to issues (a 👍 is a vote), as LOGIN, now."""
    from p2p.cli.sandbox import vote as run

    return run(ws, issues=issues, login=login, content=content)


@sandbox_app.command("comment", cls=PlainUsage)
@command()
def sandbox_comment(
    ws: Workspace,
    issue: IssueArgument,
    text: Annotated[str, typer.Argument(help="The comment, e.g. 'Takeaway: ...'.", metavar="TEXT")],
    login: AsLogin,
) -> int:
    """Comment on an issue, as LOGIN."""
    from p2p.cli.sandbox import comment as run

    return run(ws, issue=issue, text=text, login=login)


@sandbox_app.command("close", cls=PlainUsage)
@command()
def sandbox_close(
    ws: Workspace,
    issue: IssueArgument,
    not_planned: Annotated[
        bool, typer.Option("--not-planned", help="Close as not planned: a withdrawn topic.")
    ] = False,
    login: AsLoginOptional = None,
) -> int:
    """Close an issue, as its author or someone with triage access."""
    from p2p.cli.sandbox import close as run

    return run(ws, issue=issue, not_planned=not_planned, login=login)


@sandbox_app.command("reopen", cls=PlainUsage)
@command()
def sandbox_reopen(ws: Workspace, issue: IssueArgument, login: AsLoginOptional = None) -> int:
    """Reopen an issue, as its author or someone with triage access."""
    from p2p.cli.sandbox import reopen as run

    return run(ws, issue=issue, login=login)


@sandbox_app.command("label", cls=PlainUsage)
@command()
def sandbox_label(
    ws: Workspace,
    issue: IssueArgument,
    name: Annotated[str, typer.Argument(help="The label.", metavar="LABEL")],
    login: AsLogin,
) -> int:
    """Label an issue, as LOGIN (triage access or more)."""
    from p2p.cli.sandbox import label as run

    return run(ws, issue=issue, name=name, login=login)


@sandbox_app.command("request-seat", cls=PlainUsage)
@command()
def sandbox_request_seat(
    ws: Workspace,
    login: AsLogin,
    event: EventOption = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Their name (default: the login).", metavar="NAME")
    ] = None,
    affiliation: Annotated[
        str | None, typer.Option("--affiliation", help="Their affiliation.", metavar="TEXT")
    ] = None,
    no_recording: Annotated[
        bool, typer.Option("--no-recording", help="Leave the recording consent unticked.")
    ] = False,
) -> int:
    """Ask for a seat with the seat-request form, as LOGIN."""
    from p2p.cli.sandbox import request_seat as run

    return run(ws, login=login, event=event, name=name, affiliation=affiliation, recording=not no_recording)


@sandbox_app.command("accept", cls=PlainUsage)
@command()
def sandbox_accept(
    ws: Workspace,
    login: Annotated[
        str | None, typer.Option("--as", help="The invitee who accepts.", metavar="LOGIN")
    ] = None,
    every: Annotated[bool, typer.Option("--all", help="Every invitee accepts.")] = False,
) -> int:
    """Accept a pending invitation to the repository, as LOGIN or everyone."""
    from p2p.cli.sandbox import accept as run

    return run(ws, login=login, every=every)


@sandbox_app.command("show", cls=PlainUsage)
@command()
def sandbox_show(ws: Workspace, json: Json = False) -> int:
    """The sandbox's GitHub: access, invitations, issues with reactions and comments, the board."""
    from p2p.cli.sandbox import show as run

    return run(ws, as_json=json)


@sandbox_app.command("diff", cls=PlainUsage)
@command()
def sandbox_diff(ws: Workspace) -> int:
    """The rehearsal's files (.p2p/sandbox/) against the real ones, as a unified diff."""
    from p2p.cli.sandbox import diff as run

    return run(ws)


@sandbox_app.command("reset", cls=PlainUsage)
@command()
def sandbox_reset(ws: Workspace) -> int:
    """Start the rehearsal over: remove the sandbox and its working copy."""
    from p2p.cli.sandbox import reset as run

    return run(ws)
