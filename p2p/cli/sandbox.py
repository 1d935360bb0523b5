"""`p2p sandbox …`: GitHub's side of a rehearsal, played offline from the command line.

Each command acts as the login given with `--as`, with GitHub's rules: anyone can open an issue,
comment or react in a public repository; labelling takes triage access or more; an issue's
author or a triager closes and reopens it; an invitation is accepted by its invitee. `show`
prints the sandbox's GitHub, `diff` the rehearsal's files against the real ones, `reset` starts
over. These commands never reach GitHub: they work on the sandbox only.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from typing import Any

from p2p.cli.workspace import SANDBOX_FILE, Workspace
from p2p.errors import P2PError, UsageError
from p2p.files.working_copy import WORKING_COPY
from p2p.files.working_copy import reset as reset_copy
from p2p.models import LOGIN_PATTERN, StateReason, login_key
from p2p.rules.plan import printable
from p2p.rules.seat_requests import NO_RESPONSE, SEAT_REQUEST_LABEL, form_body
from p2p.sandbox.records import REACTIONS, _find_label
from p2p.sandbox.store import Sandbox

TOPIC_LABEL = "topic"
SEAT_REQUEST_TITLE = "Seat request"
EMOJI = {
    "+1": "👍",
    "-1": "👎",
    "laugh": "😄",
    "confused": "😕",
    "heart": "❤️",
    "hooray": "🎉",
    "rocket": "🚀",
    "eyes": "👀",
}
TRIAGE_ROLES = ("triage", "write", "maintain", "admin")
_LOGIN = re.compile(LOGIN_PATTERN)


# --- the sandbox and who acts in it --------------------------------------------------------


def _world(ws: Workspace) -> Sandbox:
    """The sandbox of the roundtable: these commands play it whether or not --sandbox is given."""
    ws.sandbox = True
    port = ws.port()
    if not isinstance(port, Sandbox):  # pragma: no cover - a sandbox workspace opens the sandbox
        raise P2PError("the sandbox commands need the offline sandbox")
    return port


def _login(login: str) -> str:
    """A login as GitHub allows it (a GitHub App's bot ends in "[bot]"); anything else is nobody."""
    if not _LOGIN.match(login.removesuffix("[bot]")):
        raise P2PError(
            f"{login!r} is not a GitHub login (letters, digits and single hyphens, at most 39, "
            "not starting with a hyphen)"
        )
    return login


def _user_type(login: str) -> Any:
    return "Bot" if login.endswith("[bot]") else "User"


def _issue(world: Sandbox, number: int) -> dict[str, Any]:
    found = world.issue_record(number)
    if found is None:
        numbers = [issue["number"] for issue in world.describe()["issues"]]
        held = f"#{numbers[0]}-#{numbers[-1]}" if numbers else "none yet"
        raise P2PError(f"no issue #{number} in the sandbox of {world.repository} (its issues: {held})")
    return found


def _can_triage(world: Sandbox, login: str) -> bool:
    return world.role_of(login) in TRIAGE_ROLES


def _access(world: Sandbox, login: str) -> str:
    role = world.role_of(login)
    return f"{login} has {role} access" if role else f"{login} is not a collaborator of {world.repository}"


def _acting(ws: Workspace, world: Sandbox, login: str | None) -> str:
    """Who acts when `--as` is left out: the first organizer, else the token's user."""
    if login is not None:
        return _login(login)
    organizers = ws.settings().organizers
    return organizers[0] if organizers else world.viewer


def _at(moment: str) -> str:
    """A time as GitHub writes it, in UTC with a Z."""
    return moment.replace("+00:00", "Z")


# --- participants on GitHub ------------------------------------------------------------------


def _form_labels(world: Sandbox, label: str) -> tuple[tuple[str, ...], str]:
    """The labels an issue form applies: only those the repository has ("Syntax for issue forms",
    GitHub Docs: a label that does not exist is not added)."""
    if _find_label(world.labels, label) is not None:
        return (label,), f"labels: {label}"
    return (), (
        f"no label: the repository has no `{label}` label yet, and an issue form applies only "
        "labels that exist"
    )


def topic_form_body(body: str) -> str:
    """The issue body GitHub writes from the topic form (`.github/ISSUE_TEMPLATE/topic.yml`)."""
    return f"### What do you want to learn or share?\n\n{body}\n\n### Context\n\n{NO_RESPONSE}"


def propose(ws: Workspace, *, title: str, login: str, body: str | None) -> int:
    """`p2p sandbox propose TITLE --as LOGIN`: a topic proposed with the topic form."""
    author = _login(login)
    if not title.strip():
        raise UsageError("a topic needs a title")
    world = _world(ws)
    labels, said = _form_labels(world, TOPIC_LABEL)
    number = world.add_issue(
        title, body=topic_form_body(body if body is not None else title), labels=labels, author=author
    )
    ws.out(f"{author} opened #{number} '{printable(title)}' with the topic form ({said})")
    if not labels:
        ws.out("`p2p --sandbox topics sync` creates the label; proposals opened from then on carry it")
    return 0


def vote(ws: Workspace, *, issues: Sequence[int], login: str, content: str) -> int:
    """`p2p sandbox vote ISSUE... --as LOGIN`: a reaction on each issue, in turn, at the time it is made."""
    voter = _login(login)
    if content not in REACTIONS:
        raise UsageError(f"--content {content!r} is not a GitHub reaction: one of {', '.join(REACTIONS)}")
    world = _world(ws)
    for number in issues:
        issue = _issue(world, number)
        before = [r for r in issue["reactions"] if login_key(r["login"]) == login_key(voter)]
        held = next((r for r in before if r["content"] == content), None)
        if held is not None:
            ws.out(
                f"{voter} reacted {EMOJI[content]} to #{number} already (at {_at(held['created_at'])}): "
                "GitHub keeps one reaction of each kind per person"
            )
            continue
        world.add_reaction(number, voter, content=content, user_type=_user_type(voter))
        ws.out(f"{voter} reacted {EMOJI[content]} to #{number} at {_at(world.now.isoformat())}")
    return 0


def comment(ws: Workspace, *, issue: int, text: str, login: str) -> int:
    """`p2p sandbox comment ISSUE TEXT --as LOGIN`."""
    author = _login(login)
    if not text.strip():
        raise UsageError("GitHub refuses an empty comment: give its TEXT")
    world = _world(ws)
    _issue(world, issue)
    comment_id = world.add_comment(issue, author, text, user_type=_user_type(author))
    ws.out(f"{author} commented on #{issue} (comment {comment_id})")
    return 0


def close(ws: Workspace, *, issue: int, not_planned: bool, login: str | None) -> int:
    """`p2p sandbox close ISSUE [--not-planned] [--as LOGIN]`."""
    world = _world(ws)
    record = _issue(world, issue)
    actor = _acting(ws, world, login)
    _may_close(world, record, actor, "close")
    reason: StateReason = "not_planned" if not_planned else "completed"
    if record["state"] == "closed" and record["state_reason"] == reason:
        ws.out(f"#{issue} is closed as {reason.replace('_', ' ')} already")
        return 0
    world.close_issue(issue, reason, by=actor)
    ws.out(f"{actor} closed #{issue} as {reason.replace('_', ' ')}")
    return 0


def reopen(ws: Workspace, *, issue: int, login: str | None) -> int:
    """`p2p sandbox reopen ISSUE [--as LOGIN]`."""
    world = _world(ws)
    record = _issue(world, issue)
    actor = _acting(ws, world, login)
    _may_close(world, record, actor, "reopen")
    if record["state"] == "open":
        ws.out(f"#{issue} is open already")
        return 0
    world.reopen_issue(issue, by=actor)
    ws.out(f"{actor} reopened #{issue}")
    return 0


def _may_close(world: Sandbox, record: dict[str, Any], actor: str, verb: str) -> None:
    # "Closing an issue" (GitHub Docs): the issue's author, or anyone with triage access or more.
    if login_key(record["author"]) == login_key(actor) or _can_triage(world, actor):
        return
    if login_key(actor) == login_key(world.viewer):
        return  # the toolkit's token: an App installed with Issues write
    raise P2PError(
        f"{actor} cannot {verb} #{record['number']}: only its author ({record['author']}) or someone "
        f"with triage access or more can, and {_access(world, actor)}"
    )


def label(ws: Workspace, *, issue: int, name: str, login: str) -> int:
    """`p2p sandbox label ISSUE LABEL --as LOGIN`: triage access or more labels an issue."""
    actor = _login(login)
    world = _world(ws)
    record = _issue(world, issue)
    # "Managing labels" (GitHub Docs): applying a label takes triage access.
    if not _can_triage(world, actor) and login_key(actor) != login_key(world.viewer):
        raise P2PError(
            f"{actor} cannot label #{issue}: labelling takes triage access or more, and "
            f"{_access(world, actor)}"
        )
    if _find_label(record["labels"], name) is not None:
        ws.out(f"#{issue} has the label {name} already")
        return 0
    world.label_issue(issue, name, by=actor)
    ws.out(f"{actor} labelled #{issue} {name}")
    return 0


def request_seat(
    ws: Workspace,
    *,
    login: str,
    event: str | None,
    name: str | None,
    affiliation: str | None,
    recording: bool,
) -> int:
    """`p2p sandbox request-seat --as LOGIN`: a seat asked for with the seat-request form."""
    author = _login(login)
    world = _world(ws)
    chosen = ws.event(event)
    if ws.roundtable().has_ended(chosen, ws.now):
        raise P2PError(f"{chosen.id} has ended: the seat form offers only upcoming events")
    labels, said = _form_labels(world, SEAT_REQUEST_LABEL)
    body = form_body(
        chosen.id,
        chosen.title,
        name if name is not None else author,
        affiliation=affiliation,
        recording=recording,
    )
    number = world.add_issue(SEAT_REQUEST_TITLE, body=body, labels=labels, author=author)
    ws.out(f"{author} opened #{number} {SEAT_REQUEST_TITLE!r} for {chosen.id} with the seat form ({said})")
    return 0


def accept(ws: Workspace, *, login: str | None, every: bool) -> int:
    """`p2p sandbox accept --as LOGIN | --all`: invitees accept their pending invitations."""
    if every == (login is not None):
        raise UsageError("give either --as LOGIN or --all")
    world = _world(ws)
    pending = world.describe()["invitations"]
    if login is not None:
        invitee = _login(login)
        chosen = [i for i in pending if login_key(i["login"]) == login_key(invitee)]
        if not chosen:
            invited = ", ".join(i["login"] for i in pending) or "nobody"
            raise P2PError(f"{invitee} holds no invitation to {world.repository} (invited: {invited})")
    else:
        chosen = pending
        if not chosen:
            ws.out(f"no pending invitations to {world.repository}")
            return 0
    failed = False
    for invitation in chosen:
        if invitation["expired"]:
            ws.err(
                f"{invitation['login']}'s invitation has expired and cannot be accepted "
                "(`p2p --sandbox participants sync` sends a new one)"
            )
            failed = True
            continue
        world.accept_invitation(invitation["login"])
        ws.out(f"{invitation['login']} accepted the invitation: {invitation['permission']} access")
    return 1 if failed else 0


# --- looking at the rehearsal ----------------------------------------------------------------


def show(ws: Workspace, *, as_json: bool) -> int:
    """`p2p sandbox show [--json]`: the sandbox's GitHub."""
    state = _world(ws).describe()
    if as_json:
        ws.out(json.dumps(state, indent=2, ensure_ascii=False))
        return 0
    ws.out(
        f"sandbox of {state['repository']} ({SANDBOX_FILE.as_posix()}); the token's user: {state['viewer']}"
    )
    collaborators = ", ".join(f"{c['login']} ({c['permission']})" for c in state["collaborators"])
    ws.out(f"collaborators: {collaborators or 'none'}")
    invitations = ", ".join(
        f"{i['login']} ({i['permission']}{', expired' if i['expired'] else ''})" for i in state["invitations"]
    )
    ws.out(f"invitations: {invitations or 'none'}")
    ws.out(f"issues: {len(state['issues']) or 'none'}")
    for issue in state["issues"]:
        closed = (
            f"closed as {issue['state_reason'].replace('_', ' ')}" if issue["state"] == "closed" else "open"
        )
        labels = ", ".join(issue["labels"]) or "no labels"
        title = printable(issue["title"], width=None)
        ws.out(
            f"  #{issue['number']} '{title}' by {issue['author']} ({closed}; {printable(labels, width=None)})"
        )
        for reaction in issue["reactions"]:
            emoji = EMOJI.get(reaction["content"], reaction["content"])
            ws.out(f"    {emoji} {reaction['login']} {_at(reaction['created_at'])}")
        for said in issue["comments"]:
            body = printable(said["body"], width=70)
            ws.out(f"    comment {said['id']} by {said['author'] or 'ghost'}: {body}")
        for event in issue["events"]:
            what = f"{event['event']} {event['label']}" if event["label"] else event["event"]
            ws.out(
                f"    {printable(what, width=None)} by {event['actor'] or 'ghost'} {_at(event['created_at'])}"
            )
    board = state["board"]
    if board is None:
        ws.out("board: none")
        return 0
    fields = ", ".join(
        f"{f['name']} ({', '.join(f['options']) if f['options'] else f['type']})" for f in board["fields"]
    )
    ws.out(f"board #{board['number']} {board['title']!r}: {fields}")
    for item in board["items"]:
        values = ", ".join(
            f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
            for name, value in item["values"].items()
        )
        ws.out(f"  #{item['issue']}: {values or 'no values'}")
    return 0


def diff(ws: Workspace) -> int:
    """`p2p sandbox diff`: the working copy against the real files, as a unified diff."""
    ws.sandbox = True
    copy = ws.working_copy()
    found = False
    for name, real, held in copy.differences():
        found = True
        before = [] if real is None else real.decode("utf-8", errors="replace").splitlines(keepends=True)
        after = held.decode("utf-8", errors="replace").splitlines(keepends=True)
        lines = difflib.unified_diff(
            before, after, fromfile="/dev/null" if real is None else name, tofile=copy.shown(name)
        )
        ws.out(
            "".join(
                line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
            ).rstrip("\n")
        )
    if not found:
        ws.out(f"no differences: the working copy in {WORKING_COPY.as_posix()}/ matches the real files")
    return 0


def reset(ws: Workspace) -> int:
    """`p2p sandbox reset`: the sandbox and its working copy removed; the next run starts afresh."""
    removed = []
    sandbox = ws.root / SANDBOX_FILE
    try:
        if sandbox.exists():
            sandbox.unlink()
            removed.append(SANDBOX_FILE.as_posix())
        removed += reset_copy(ws.root)
    except OSError as error:
        raise P2PError(f"cannot remove the sandbox: {error.strerror or error}") from None
    if not removed:
        ws.out("nothing to reset: there is no sandbox here yet")
        return 0
    ws.out(f"removed {', '.join(removed)}: the next sandbox run starts afresh from the real files")
    return 0
