"""`p2p board setup`: the board's Votes, Status and Event fields, created where missing (SPEC 4.5)."""

from __future__ import annotations

from p2p.cli.workspace import Workspace
from p2p.errors import P2PError
from p2p.models import Board
from p2p.rules.board import board_findings, missing_fields, plan_board_setup
from p2p.rules.plan import printable


def setup(ws: Workspace, *, dry_run: bool) -> int:
    """`p2p board setup`: the Votes, Event and Status fields, created where missing."""
    number = ws.roundtable().settings.project
    if number is None:
        raise P2PError("p2p.yaml sets no `project:`: add the number of the roundtable's Projects board")
    board = ws.port().read_board(number)
    if board is None:
        raise P2PError(no_board(ws, number))
    actions = plan_board_setup(board)
    ws.out(f"board setup: board #{number}" + (f" ({printable(board.title)})" if board.title else ""))
    findings = board_findings(board)
    ws.apply(actions, dry_run=dry_run, empty="nothing to change: the board has every field it needs")
    for finding in findings:
        (ws.err if finding.problem else ws.out)(("problem: " if finding.problem else "note: ") + finding.text)
    return 1 if any(f.problem for f in findings) else 0


def no_board(ws: Workspace, number: int) -> str:
    # GitHub answers a token without Projects access as it answers for a board that does not
    # exist: `projectV2: null` with a NOT_FOUND error (recording github-project
    # getInstance-project-not-found). Both causes are named; `p2p doctor` tells them apart.
    owner = ws.repository().split("/")[0]
    return (
        f"GitHub shows no Projects board #{number} of {owner}: either there is no such board (create "
        "one, or fix `project:` in p2p.yaml: the board's number is in its address), or the token "
        f"lacks access to {owner}'s Projects (give it the Projects permission, read and write); "
        "`p2p doctor` tells which"
    )


def board_hint(ws: Workspace, board: Board | None) -> None:
    if board is None:
        number = ws.roundtable().settings.project
        if number is None:
            ws.out("no board: p2p.yaml sets no `project:`; board steps skipped")
        else:
            ws.err(f"warning: {no_board(ws, number)}; board steps skipped")
        return
    missing = missing_fields(board)
    if missing:
        ws.out(f"board #{board.number} lacks {', '.join(missing)}: run `p2p board setup`")
