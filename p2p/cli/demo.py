"""`p2p demo`: a guided, offline run of a whole event cycle, in a temporary folder.

Every step is a command a person can paste into the demo's folder and run: the organizers'
commands with `--sandbox`, and what everyone else does on GitHub (accepting an invitation,
proposing a topic, voting, commenting) with `p2p sandbox …`. The demo runs each one through the
command line itself, in the folder, so what it prints is what it ran. Pasted in order into an
empty folder, the commands play the same cycle. The folder is kept, to explore further.
"""

from __future__ import annotations

import contextlib
import io
import shlex
import tempfile
from pathlib import Path

from p2p.cli.workspace import Workspace
from p2p.errors import P2PError
from p2p.files import SETTINGS_FILE
from p2p.files.working_copy import WORKING_COPY

NAME = "Demo roundtable"
REPOSITORY = "demo-org/roundtable"
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
MOVES_UP = "mateo-rossi"
WAITLISTED = "nora-berg"
# The sandbox numbers issues from 1: the example event's two seeded topics, then these.
SEEDED = 2
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
# Who gives a 👍 to which issues, in turn. Reactions made in the same second rank by issue
# number, so alice-ng's fourth, over budget, is on her highest-numbered issue.
BALLOTS = (
    ("alice-ng", (1, 3, 5, 7)),
    ("bo-chen", (3, 4, 7)),
    ("dev-patel", (3, 5)),
    ("emeka-obi", (1, 3, 8)),
    ("fatima-khan", (6, 5, 3)),
    ("gus-larsen", (7, 5)),
    ("hana-sato", (3, 7, 2)),
    ("ivan-petrov", (5, 4)),
    ("jo-murphy", (8, 7, 5)),
    (MOVES_UP, (1, 7)),
    (WAITLISTED, (2, 4)),  # waitlisted: not counted
    (OUTSIDER, (2, 4)),  # no registration: not counted
    (BOT, (1,)),  # a bot: never counted
)
INDENT = "  "


class Demo:
    """The demo's folder, the commands it runs there, and where it prints."""

    def __init__(self, ws: Workspace, root: Path) -> None:
        self.ws = ws
        self.root = root
        self.step_number = 0

    def step(self, title: str) -> None:
        self.step_number += 1
        self.ws.out(f"\n== {self.step_number}. {title}")

    def say(self, text: str) -> None:
        self.ws.out(text)

    def run(self, *argv: str, shown: int | None = None) -> str:
        """Print `p2p ARGV` as it is pasted in the folder, run it there through the command line,
        print what it said (its first `shown` lines), and return that."""
        self.say(f"$ p2p {shlex.join(argv)}")
        from p2p.cli.app import invoke

        # In the folder: --repo-dir says where, as running it there would.
        args = (
            [*argv[:1], str(self.root), *argv[2:]]
            if argv[0] == "init"
            else ["--repo-dir", str(self.root), *argv]
        )
        said = io.StringIO()
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            code = invoke(args)
        text = said.getvalue().rstrip("\n")
        lines = text.split("\n") if text else []
        for line in lines if shown is None else lines[:shown]:
            self.say(f"{INDENT}{line}".rstrip())
        if code:
            raise P2PError(f"the demo stopped: `p2p {shlex.join(argv)}` exited with {code}")
        return text

    def append(self, path: str, line: str) -> None:
        """An organizer's edit by hand, as a shell line: one line added to a file."""
        self.say(f"$ echo {shlex.quote(line)} >> {path}")
        with (self.root / path).open("a", encoding="utf-8") as handle:
            handle.write(f"{line}\n")

    def region(self, name: str) -> None:
        """Print one generated region of the rehearsal's README, as GitHub would show its source."""
        from p2p.pages.render import README_FILE, find_regions

        text = (self.root / WORKING_COPY / README_FILE).read_text(encoding="utf-8")
        lines = text.split("\n")
        found = next(r for r in find_regions(text) if r.name == name)
        body = "\n".join(lines[found.begin + 1 : found.end]).strip("\n")
        self.file(f"{README_FILE}, region {name}", body)

    def file(self, title: str, body: str) -> None:
        rule = f"----- {WORKING_COPY.as_posix()}/{title} "
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
        "GitHub is played by the sandbox (.p2p/sandbox.json there). Every step is a command, run in\n"
        "that folder: `p2p --sandbox …` for the organizers' commands, which write their files to the\n"
        "rehearsal's working copy in .p2p/sandbox/, and `p2p sandbox …` for what participants do in\n"
        "GitHub's web pages. Pasted in order into an empty folder, the commands play the same cycle."
    )
    _set_up(play)
    _register(play)
    _board_and_topics(play)
    event_id = _votes(play)
    _after(play)
    ws.out(
        f"\nThe roundtable is in {root}: its files, and the rehearsal's in .p2p/sandbox/ (the real\n"
        "README.md and event file hold no agenda: a rehearsal never changes them). Explore it:\n"
        f"{INDENT}cd {shlex.quote(str(root))}\n"
        f"{INDENT}p2p sandbox show\n"
        f"{INDENT}p2p --sandbox participants status {event_id}\n"
        f"{INDENT}p2p sandbox diff\n"
        f"Start your own with `p2p init DIR`; delete the demo with `rm -r {shlex.quote(str(root))}`."
    )
    return 0


def _set_up(play: Demo) -> None:
    play.step("A new roundtable with an upcoming event")
    said = play.run("init", ".", "--name", NAME, "--repository", REPOSITORY, shown=1)
    del said
    play.say(f"{INDENT}(p2p.yaml, an example event two weeks ahead, README.md, workflows, the topic form)")
    play.append(SETTINGS_FILE, "project: 1")
    play.say(f"{INDENT}(the lean-coffee board: the sandbox's board #1, with only its Status column)")


def _register(play: Demo) -> None:
    play.step("Registrations: 15 people for 12 seats, first come, first served")
    for login, name in PEOPLE:
        play.run("participants", "add", login, "--name", name)
    play.run("participants", "status")

    play.step("Invitations: every participant with a seat gets access to the repository")
    play.run("--sandbox", "participants", "sync")
    play.run("sandbox", "accept", "--all")

    play.step("A cancellation: the first on the waitlist moves up")
    play.run("participants", "cancel", CANCELS)
    play.run("--sandbox", "participants", "sync")
    play.run("sandbox", "accept", "--as", MOVES_UP)


def _board_and_topics(play: Demo) -> None:
    play.step("The lean-coffee board: Votes, Status and Event fields")
    play.run("--sandbox", "board", "setup")

    play.step("Topics: the seeded ones become issues, participants propose more")
    play.run("--sandbox", "topics", "sync")
    for author, title in PROPOSALS:
        play.run("sandbox", "propose", title, "--as", author)
    play.run("--sandbox", "topics", "sync")


def _votes(play: Demo) -> str:
    play.step("Votes: a 👍 on a topic, three per participant")
    for login, issues in BALLOTS:
        play.run("sandbox", "vote", *(str(issue) for issue in issues), "--as", login)
    play.say(f"{INDENT}(alice-ng gives a fourth 👍; {WAITLISTED} waits for a seat, {OUTSIDER} has none)")
    play.run("--sandbox", "votes", "tally")
    play.run("--sandbox", "sync")
    play.region("next-event")
    from p2p.files.load import load_roundtable

    event = load_roundtable(play.root / WORKING_COPY).events[0]
    return event.id


def _after(play: Demo) -> None:
    from p2p.files.load import load_roundtable

    play.step("After the discussion: takeaways into the knowledge base")
    event = load_roundtable(play.root / WORKING_COPY).events[0]
    first, second = event.agenda[0].issue, event.agenda[1].issue
    play.run(
        "sandbox",
        "comment",
        str(first),
        "Takeaway: Write the decision down before choosing a tool.",
        "--as",
        "bo-chen",
    )
    play.run("sandbox", "comment", str(first), "Great discussion, thanks all!", "--as", "emeka-obi")
    play.run(
        "sandbox",
        "comment",
        str(second),
        "takeaway:  Protect one no-meeting day a week.",
        "--as",
        "hana-sato",
    )
    play.run("sandbox", "comment", str(second), "Takeaway: Buy my product.", "--as", OUTSIDER)
    play.run("--sandbox", "takeaways", "collect")
    play.run("--sandbox", "sync")
    play.file("TAKEAWAYS.md", (play.root / WORKING_COPY / "TAKEAWAYS.md").read_text(encoding="utf-8").strip())

    play.step("What the rehearsal wrote, against the real files")
    said = play.run("sandbox", "diff", shown=0)
    headers = [line for line in said.split("\n") if line.startswith("+++ ")]
    play.say(
        f"{INDENT}({len(said.splitlines())} lines of unified diff, for {', '.join(h[4:] for h in headers)})"
    )
