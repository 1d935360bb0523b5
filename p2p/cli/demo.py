"""`p2p demo`: a guided, offline run of a whole event cycle, in a temporary folder.

Every step is a real command, run through the same function `p2p` itself calls, on a
Workspace rooted in the folder and against the offline sandbox (`.p2p/sandbox.json` there);
what everyone else does on GitHub (accepting an invitation, proposing a topic, voting,
commenting) is played through the sandbox's world methods. The folder is kept, so that the
user can go on exploring it with `p2p --sandbox ...`.
"""

from __future__ import annotations

import shlex
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path

from p2p.cli.workspace import SANDBOX_FILE, Workspace
from p2p.errors import P2PError
from p2p.files import SETTINGS_FILE
from p2p.models import Roundtable
from p2p.sandbox.store import Sandbox

NAME = "Demo roundtable"
REPOSITORY = "demo-org/roundtable"
ORGANIZER = "rosa-organizer"
# Fifteen registrations for twelve seats: the last three wait.
PEOPLE = (
    ("alice-ng", "Alice Ng"),
    ("bo-chen", "Bo Chen"),
    ("carmen-diaz", "Carmen Diaz"),
    ("dev-patel", "Dev Patel"),
    ("emeka-obi", "Emeka Obi"),
    ("fatima-khan", "Fatima Khan"),
    ("gus-larsen", "Gus Larsen"),
    ("hana-sato", "Hana Sato"),
    ("ivan-petrov", "Ivan Petrov"),
    ("jo-murphy", "Jo Murphy"),
    ("kofi-mensah", "Kofi Mensah"),
    ("lena-weber", "Lena Weber"),
    ("mateo-rossi", "Mateo Rossi"),
    ("nora-berg", "Nora Berg"),
    ("omar-haddad", "Omar Haddad"),
)
CANCELS = "carmen-diaz"  # seat 3; the first on the waitlist, mateo-rossi, takes it
SLOW = ("kofi-mensah", "lena-weber")  # have not accepted their invitations yet
PROPOSALS = (
    ("alice-ng", "Build vs. buy for internal developer platforms"),
    ("bo-chen", "On-call that does not burn people out"),
    ("dev-patel", "AI coding assistants: what changed in your team"),
    ("fatima-khan", "Promoting engineers into management"),
    ("hana-sato", "Cutting cloud costs without a freeze"),
    ("jo-murphy", "Remote onboarding that works"),
)
OUTSIDER = "curious-visitor"  # no registration: their 👍 does not count
BOT = "dependabot[bot]"  # a bot: its 👍 never counts
INDENT = "  "


class Demo:
    """The demo's state: its folder, its clock and where it prints."""

    def __init__(self, ws: Workspace, root: Path) -> None:
        self.ws = ws
        self.root = root
        self.now = ws.now
        self.step_number = 0

    # --- printing ----------------------------------------------------------------------------

    def step(self, title: str) -> None:
        self.step_number += 1
        self.ws.out(f"\n== {self.step_number}. {title}")

    def say(self, text: str) -> None:
        self.ws.out(text)

    def github(self, text: str) -> None:
        """What someone else does on GitHub, played through the sandbox."""
        self.ws.out(f"{INDENT}(on GitHub) {text}")

    def _indented(self, printer: Callable[[str], None]) -> Callable[[str], None]:
        def indented(text: str) -> None:
            printer("\n".join(f"{INDENT}{line}".rstrip() for line in text.split("\n")))

        return indented

    # --- running commands and playing the world ----------------------------------------------

    def workspace(self, *, out: Callable[[str], None] | None = None) -> Workspace:
        return Workspace(
            root=self.root,
            sandbox=True,
            now=self.now,
            out=out or self._indented(self.ws.out),
            err=self._indented(self.ws.err),
            env={},
        )

    def run(self, argv: list[str], command: Callable[[Workspace], int], *, quiet: bool = False) -> list[str]:
        """Show the command as an organizer types it, run the real command, show what it did."""
        self.say(f"$ p2p {shlex.join(argv)}")
        captured: list[str] = []
        ws = self.workspace(out=captured.append if quiet else None)
        try:
            code = command(ws)
        finally:
            ws.close()
        if code != 0:
            raise P2PError(f"the demo stopped: `p2p {shlex.join(argv)}` exited with {code}")
        return captured

    @contextmanager
    def world(self) -> Iterator[Sandbox]:
        """The sandbox, at the demo's time, to play everyone else on GitHub."""
        sandbox = Sandbox.open(self.root / SANDBOX_FILE, repository=REPOSITORY, now=self.now)
        yield sandbox
        sandbox.close()

    def roundtable(self) -> Roundtable:
        return self.workspace().roundtable()

    def edit(self, path: str, old: str, new: str) -> None:
        """An organizer's edit by hand: one line changed."""
        file = self.root / path
        text = file.read_text(encoding="utf-8")
        if old not in text:
            raise P2PError(f"the demo stopped: {path} has no line {old!r} to change")
        file.write_text(text.replace(old, new, 1), encoding="utf-8")
        self.say(f"(edit {path}) {old.strip()}  ->  {new.strip()}")

    def region(self, name: str) -> None:
        """Print one generated region of the README, as GitHub would show its source."""
        from p2p.pages.render import README_FILE, find_regions

        text = (self.root / README_FILE).read_text(encoding="utf-8")
        lines = text.split("\n")
        found = next(r for r in find_regions(text) if r.name == name)
        body = "\n".join(lines[found.begin + 1 : found.end]).strip("\n")
        rule = f"----- {README_FILE}, region {name} "
        self.say(f"\n{rule}{'-' * max(3, 78 - len(rule))}\n{body}\n{'-' * 78}")


def demo(ws: Workspace) -> int:
    """`p2p demo`: the whole cycle, step by step, in a new temporary folder that is kept."""
    try:
        root = Path(tempfile.mkdtemp(prefix="p2p-demo-"))
    except OSError as error:
        raise P2PError(
            f"cannot create a temporary folder for the demo: {error.strerror or error} "
            "(set TMPDIR to a folder you can write to)"
        ) from None
    play = Demo(ws, root)
    ws.out(
        f"p2p demo: a whole event cycle of a roundtable, offline, in {root}\n"
        "GitHub is played by the sandbox in .p2p/sandbox.json there. Each step shows the command an\n"
        "organizer types (against GitHub; in that folder, add --sandbox to replay it offline) and\n"
        "what it did; (on GitHub) lines are what participants do in GitHub's web pages."
    )
    _set_up(play)
    event_id = _register(play)
    _board(play)
    _topics(play)
    _votes(play)
    _after(play, event_id)
    ws.out(
        f"\nThe roundtable is in {root}: its files, the generated README.md, TAKEAWAYS.md and\n"
        "events.ics, and the sandbox. Explore it:\n"
        f"{INDENT}cd {shlex.quote(str(root))}\n"
        f"{INDENT}p2p --sandbox participants status {event_id}\n"
        f"{INDENT}p2p --sandbox votes tally {event_id} --dry-run\n"
        "(the demo's clock ended the day after the event: run today, `p2p render` shows it as\n"
        "upcoming again)\n"
        f"Start your own with `p2p init DIR`; delete the demo with `rm -r {shlex.quote(str(root))}`."
    )
    return 0


def _set_up(play: Demo) -> None:
    from p2p.cli.init import init

    play.step("A new roundtable with an upcoming event")
    argv = ["init", str(play.root), "--name", NAME, "--repository", REPOSITORY]
    captured = play.run(
        argv,
        lambda ws: init(ws, directory=play.root, name=NAME, repository=REPOSITORY, force=False),
        quiet=True,
    )
    # Its output, less the table of files and the steps towards GitHub that the demo skips.
    lines = "\n".join(captured).split("\n")
    files = next((block for block in captured if block.startswith("file ")), "").split("\n")[2:]
    play.say(f"{INDENT}{lines[0]}")
    play.say(f"{INDENT}{len(files)} files: p2p.yaml, an example event, README.md, workflows, the topic form")
    play.say("\n".join(f"{INDENT}{line}" for line in lines if line.startswith("generated by")))
    play.edit(SETTINGS_FILE, "organizers: []", f"organizers: [{ORGANIZER}]")
    play.edit(SETTINGS_FILE, "# project: 1", "project: 1")
    with play.world() as github:
        github.add_collaborator(ORGANIZER, "admin")
    play.github(f"{ORGANIZER} owns the repository; board #1 exists, with only its Status column")
    event = play.roundtable().next_event(play.now)
    assert event is not None  # noqa: S101 - init wrote one, two weeks ahead
    play.say(f"{INDENT}the next event: {event.id}, {event.title!r}, {len(event.topics)} seeded topics")


def _register(play: Demo) -> str:
    from p2p.cli.participants import add, cancel, status

    play.step("Registrations: 15 people for 12 seats, first come, first served")
    for login, name in PEOPLE:
        play.now += timedelta(minutes=1)
        play.run(
            ["participants", "add", login, "--name", name],
            partial(add, login=login, event=None, name=name),
        )
    play.run(["participants", "status"], lambda ws: status(ws, event=None, as_json=False))

    event = play.roundtable().next_event(play.now)
    assert event is not None  # noqa: S101
    play.step("Invitations: every participant with a seat gets access to the repository")
    _sync(play)
    with play.world() as github:
        accepting = [i.login for i in github.invitations if i.login not in SLOW]
        for login in accepting:
            github.accept_invitation(login)
    play.github(f"{len(accepting)} accept their invitation; {' and '.join(SLOW)} have not yet")

    play.step("A cancellation: the first on the waitlist moves up")
    play.now += timedelta(hours=2)
    play.run(["participants", "cancel", CANCELS], lambda ws: cancel(ws, login=CANCELS, event=None))
    _sync(play)
    with play.world() as github:
        moved = [i.login for i in github.invitations if i.login not in SLOW]
        for login in moved:
            github.accept_invitation(login)
    play.github(f"{', '.join(moved)} accepts the invitation")
    return event.id


def _sync(play: Demo) -> None:
    from p2p.cli.participants import sync

    play.run(["participants", "sync"], lambda ws: sync(ws, dry_run=False, force=False))


def _board(play: Demo) -> None:
    from p2p.cli.board import setup

    play.step("The lean-coffee board: Votes, Status and Event fields")
    play.run(["board", "setup"], lambda ws: setup(ws, dry_run=False))


def _topics(play: Demo) -> None:
    from p2p.cli.topics import sync

    play.step("Topics: the seeded ones become issues, participants propose more")
    play.now += timedelta(days=1)
    with play.world() as github:
        for author, title in PROPOSALS:
            number = github.add_issue(
                title, body="Proposed with the topic form.", labels=("topic",), author=author
            )
            play.github(f"{author} proposes #{number} {title!r} with the topic form")
    play.run(["topics", "sync"], lambda ws: sync(ws, event=None, dry_run=False))


def _votes(play: Demo) -> None:
    from p2p.cli.render import render
    from p2p.cli.votes import tally

    play.step("Votes: a 👍 on a topic, three per participant")
    play.now += timedelta(days=2)
    roundtable = play.roundtable()
    event = roundtable.next_event(play.now)
    assert event is not None  # noqa: S101
    with play.world() as github:
        topics = {i.title: i.number for i in github.issues if event.label in i.labels}
        ranked = sorted(topics.values())
        # Ballots: who gives a 👍 to which topics (by their place among the topic issues), in order.
        ballots = {
            "alice-ng": (0, 2, 4, 6),  # a fourth vote: over budget, not counted
            "bo-chen": (2, 3, 6),
            "dev-patel": (2, 4),
            "emeka-obi": (0, 2, 7),
            "fatima-khan": (5, 4, 2),
            "gus-larsen": (6, 4),
            "hana-sato": (2, 6, 1),
            "ivan-petrov": (4, 3),
            "jo-murphy": (7, 6, 4),
            "mateo-rossi": (0, 6),
            ORGANIZER: (2, 5),
            "nora-berg": (1, 3),  # waitlisted: not counted
            OUTSIDER: (1, 3),  # no registration: not counted
            BOT: (0,),  # a bot: never counted
        }
        moment = play.now
        for login, places in ballots.items():
            for place in places:
                moment += timedelta(minutes=3)
                github.add_reaction(
                    ranked[place % len(ranked)],
                    login,
                    user_type="Bot" if login == BOT else "User",
                    created_at=moment,
                )
    play.github(f"{len(ballots) - 4} participants and {ORGANIZER} give their 👍, and alice-ng a fourth one.")
    play.github(f"nora-berg (waitlisted), {OUTSIDER} (not registered) and {BOT} vote too.")
    play.run(["votes", "tally"], lambda ws: tally(ws, event=None, dry_run=False, as_json=False))
    play.run(["render"], lambda ws: render(ws, check=False))
    play.region("next-event")


def _after(play: Demo, event_id: str) -> None:
    from p2p.cli.render import render
    from p2p.cli.takeaways import collect

    play.step("After the event: takeaways into the knowledge base")
    roundtable = play.roundtable()
    event = roundtable.event(event_id)
    assert event is not None  # noqa: S101
    zone = roundtable.settings.zone
    play.now = datetime.combine(event.date + timedelta(days=1), time(9), tzinfo=zone)
    agenda = event.agenda
    first, second = agenda[0], agenda[1 % len(agenda)]
    with play.world() as github:
        github.add_comment(
            first.issue, "bo-chen", "Takeaway: Write the decision down before choosing a tool."
        )
        github.add_comment(first.issue, "emeka-obi", "Great discussion, thanks all!")
        github.add_comment(second.issue, ORGANIZER, "takeaway:  Protect one no-meeting day a week.")
        github.add_comment(second.issue, OUTSIDER, "Takeaway: Buy my product.")
    play.github(f"bo-chen and {ORGANIZER} comment a `Takeaway:` on #{first.issue} and #{second.issue},")
    play.github(f"and so does {OUTSIDER}, who had no seat; emeka-obi comments with no takeaway.")
    play.run(["takeaways", "collect", event_id], lambda ws: collect(ws, event=event_id, dry_run=False))
    play.run(["render"], lambda ws: render(ws, check=False))
    play.region("previous-events")
