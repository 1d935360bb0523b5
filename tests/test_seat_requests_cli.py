"""SPEC 4.6 end to end: `p2p participants collect` against the offline sandbox and the fake GitHub.
Requests become registrations in the event file, each is answered once, and the answer is
edited as seats free up; a second run writes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.files.load import load_event
from p2p.models import Event, StateReason
from p2p.rules.seat_requests import SEAT_REQUEST_LABEL, form_body
from p2p.sandbox.store import Sandbox
from p2p.sandbox.world import World
from tests.fake import FakeGitHub

REPOSITORY = "acme/roundtable"
E = (date.today() + timedelta(days=30)).isoformat()  # the next event, whatever day the tests run
PAST = (date.today() - timedelta(days=30)).isoformat()
T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
REQUESTS = re.compile(r"GitHub: (\d+) HTTP requests? \((\d+) reads?, (\d+) writes?\)")
ORGANIZER = "orga"
MARK = f"<!-- p2p:seat {E} -->"


def settings(mode: str) -> str:
    return (
        f"name: Test roundtable\nrepository: {REPOSITORY}\norganizers: [{ORGANIZER}]\nseat_requests: {mode}\n"
    )


EVENT = f"""\
# The next roundtable.
date: {E}
title: Scaling teams
capacity: 12
"""
PAST_EVENT = f"date: {PAST}\ntitle: Earlier\n"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str
    reads: int
    writes: int


@dataclass
class Roundtable:
    """A roundtable folder and GitHub around it: the sandbox's file, or the fake GitHub."""

    root: Path
    kind: str
    fake: FakeGitHub | None = None
    clock: datetime = T0
    flags: list[str] = field(default_factory=list)

    @contextmanager
    def world(self) -> Iterator[World]:
        if self.fake is not None:
            self.fake.now = self.clock
            yield self.fake
            return
        sandbox = Sandbox.open(self.root / ".p2p" / "sandbox.json", repository=REPOSITORY, now=self.clock)
        yield sandbox
        sandbox.close()

    def tick(self, minutes: int = 1) -> None:
        self.clock += timedelta(minutes=minutes)

    def request(
        self,
        author: str,
        *,
        name: str = "Ada Lovelace",
        event: str = E,
        body: str | None = None,
        recording: bool = True,
        minute: int | None = None,
    ) -> int:
        self.tick()
        with self.world() as world:
            if author.endswith("[bot]"):
                world.add_user(author, type="Bot")
            return world.add_issue(
                "Seat request",
                body=form_body(event, "Scaling teams", name, recording=recording) if body is None else body,
                labels=[SEAT_REQUEST_LABEL],
                author=author,
                created_at=T0 + timedelta(minutes=minute) if minute is not None else self.clock,
            )

    def label(self, number: int, label: str, *, by: str) -> None:
        self.tick()
        with self.world() as world:
            world.label_issue(number, label, by=by)

    def comment(self, number: int, author: str, body: str) -> None:
        self.tick()
        with self.world() as world:
            world.add_comment(number, author, body)

    def close(self, number: int, *, by: str, reason: StateReason = "completed") -> None:
        self.tick()
        with self.world() as world:
            world.close_issue(number, reason, by=by)

    def reopen(self, number: int, *, by: str) -> None:
        self.tick()
        with self.world() as world:
            world.reopen_issue(number, by=by)

    def replies(self) -> dict[int, list[tuple[int, str]]]:
        """The toolkit's comments, by issue: (comment id, body)."""
        found: dict[int, list[tuple[int, str]]] = {}
        if self.fake is not None:
            for c in sorted(self.fake.comments.values(), key=lambda c: c.id):
                if c.author == self.fake.viewer:
                    found.setdefault(c.issue, []).append((c.id, c.body))
            return found
        with self.world() as world:
            assert isinstance(world, Sandbox)
            for shown in world.comments:
                if shown.author == world.viewer:
                    found.setdefault(shown.issue, []).append((shown.id, shown.body))
        return found

    def reply(self, number: int) -> str:
        ((_, body),) = self.replies()[number]
        return body

    @property
    def event(self) -> Event:
        return load_event(self.files / "events" / f"{E}.yaml")

    @property
    def files(self) -> Path:
        """Where a run writes the roundtable's files: a rehearsal's working copy in the sandbox."""
        return self.root / ".p2p" / "sandbox" if self.kind == "sandbox" else self.root

    def run(self, *args: str) -> Run:
        result = CliRunner().invoke(
            app,
            ["--repo-dir", str(self.root), *self.flags, "-v", *args],
            env={"GITHUB_TOKEN": "test-token", "P2P_WRITE_DELAY": "0"},
        )
        found = REQUESTS.search(result.stderr)
        reads, writes = (int(found[2]), int(found[3])) if found else (0, 0)
        return Run(result.exit_code, result.stdout, result.stderr, reads, writes)

    def collect(self) -> Run:
        run = self.run("participants", "collect")
        assert run.code == 0, run.stdout + run.stderr
        return run


def _folder(root: Path, mode: str) -> None:
    (root / "events").mkdir()
    (root / "p2p.yaml").write_text(settings(mode), encoding="utf-8")
    (root / "events" / f"{E}.yaml").write_text(EVENT, encoding="utf-8")
    (root / "events" / f"{PAST}.yaml").write_text(PAST_EVENT, encoding="utf-8")
    regions = "".join(
        f"<!-- p2p:begin {n} -->\n<!-- p2p:end {n} -->\n" for n in ("next-event", "previous-events")
    )
    (root / "README.md").write_text(f"# Test roundtable\n\n{regions}", encoding="utf-8")


@contextmanager
def _roundtable(kind: str, root: Path, mode: str) -> Iterator[Roundtable]:
    _folder(root, mode)
    if kind == "sandbox":
        yield Roundtable(root, kind, flags=["--sandbox"])
        return
    with FakeGitHub(REPOSITORY, now=T0) as fake:
        fake.add_users_of(root)  # the organizers' accounts exist on GitHub
        yield Roundtable(root, kind, fake=fake)
        assert fake.unhandled == []


@pytest.fixture(params=["sandbox", "fake"])
def open_mode(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Roundtable]:
    with _roundtable(request.param, tmp_path, "open") as roundtable:
        yield roundtable


@pytest.fixture(params=["sandbox", "fake"])
def approval(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Roundtable]:
    with _roundtable(request.param, tmp_path, "approval") as roundtable:
        yield roundtable


def _seat_word(body: str) -> str:
    found = re.search(
        r"seat (\d+) of 12|number (\d+) on the waitlist|cancelled|waiting|changes nothing", body
    )
    assert found is not None, body
    if found[1]:
        return f"seat {found[1]}"
    if found[2]:
        return f"waitlist {found[2]}"
    return found[0]


def test_fifteen_requests_for_twelve_seats_first_come_first_served(open_mode: Roundtable) -> None:
    rt = open_mode
    # Issue numbers and request times differ: the times decide.
    minutes = [(n * 7) % 15 for n in range(15)]
    numbers = [rt.request(f"person{n}", name=f"Person {n}", minute=minutes[n]) for n in range(15)]

    dry = rt.run("participants", "collect", "--dry-run")
    assert dry.code == 0 and dry.writes == 0
    assert not rt.event.participants

    first = rt.collect()
    assert first.writes == 15  # one reply each; the event file is no GitHub write
    by_time = sorted(range(15), key=lambda n: minutes[n])
    assert [r.github for r in rt.event.participants] == [f"person{n}" for n in by_time]
    assert [r.request for r in rt.event.participants] == [numbers[n] for n in by_time]
    replies = rt.replies()
    assert all(len(replies[number]) == 1 for number in numbers)  # each answered once
    words = {n: _seat_word(rt.reply(numbers[n])) for n in range(15)}
    assert [words[n] for n in by_time] == [f"seat {k}" for k in range(1, 13)] + [
        f"waitlist {k}" for k in range(1, 4)
    ]
    assert all(rt.reply(number).startswith(MARK) for number in numbers)

    again = rt.collect()
    assert again.writes == 0
    assert "nothing to change" in again.stdout


def test_closing_frees_the_seat_and_edits_the_first_waitlisted_reply(open_mode: Roundtable) -> None:
    rt = open_mode
    numbers = [rt.request(f"person{n}", minute=n) for n in range(14)]
    rt.collect()
    waiting = numbers[12]
    (before,) = rt.replies()[waiting]
    assert _seat_word(before[1]) == "waitlist 1"

    rt.close(numbers[0], by="person0")
    run = rt.collect()

    assert run.writes == 14  # person0's reply, the 11 seats behind it, the 2 waitlist places
    assert rt.event.participants[0].cancelled
    (after,) = rt.replies()[waiting]
    assert after[0] == before[0]  # the same comment, edited
    assert _seat_word(after[1]) == "seat 12"
    assert _seat_word(rt.reply(numbers[0])) == "cancelled"
    assert _seat_word(rt.reply(numbers[13])) == "waitlist 1"

    rt.reopen(numbers[0], by="person0")
    rt.collect()

    renewed = rt.event.participants[0]  # un-cancelled in its place, from the new moment (4.1)
    assert (renewed.github, renewed.cancelled, renewed.registered) == ("person0", False, rt.clock)
    assert _seat_word(rt.reply(numbers[0])) == "waitlist 2"  # at the back of the line
    assert rt.collect().writes == 0


def test_under_approval_only_an_organizer_approves(approval: Roundtable) -> None:
    rt = approval
    alice = rt.request("alice")
    bob = rt.request("bob")
    rt.collect()
    assert not rt.event.participants
    assert _seat_word(rt.reply(alice)) == "waiting"

    rt.label(alice, "approved", by="mallory")  # a participant with triage access labels it
    rt.comment(bob, "stranger", "/approve")
    assert rt.collect().writes == 0
    assert not rt.event.participants

    rt.label(alice, "approved", by="someone-else")
    with rt.world() as world:  # the organizer's label comes on top of the participant's
        world.close_issue(alice, by="mallory")  # a stranger closing it changes nothing either
        world.reopen_issue(alice, by="mallory")
    rt.comment(bob, ORGANIZER, "/approve")
    approved_at = rt.clock
    rt.collect()

    (registration,) = rt.event.participants
    assert (registration.github, registration.request) == ("bob", bob)
    assert registration.registered == approved_at
    assert _seat_word(rt.reply(bob)) == "seat 1"
    assert _seat_word(rt.reply(alice)) == "waiting"


def test_an_organizers_label_approves(approval: Roundtable) -> None:
    rt = approval
    alice = rt.request("alice")
    rt.label(alice, "approved", by=ORGANIZER)
    rt.collect()
    (registration,) = rt.event.participants
    assert registration.registered == rt.clock
    assert _seat_word(rt.reply(alice)) == "seat 1"


def test_bots_repeats_past_events_other_logins_and_markdown_names(open_mode: Roundtable) -> None:
    rt = open_mode
    bot = rt.request("helper[bot]")
    alice = rt.request("alice", name="**Alice** @octocat [x](https://e.vil)", recording=False)
    again = rt.request("ALICE")
    past = rt.request("bob", event=PAST)
    body = form_body(E, "Scaling teams", "Carol") + "\n\n### GitHub login\n\noctocat\n"
    carol = rt.request("carol", body=body)

    rt.collect()

    assert [(r.github, r.request, r.recording) for r in rt.event.participants] == [
        ("alice", alice, False),
        ("carol", carol, None),
    ]
    assert load_event(rt.files / "events" / f"{PAST}.yaml").participants == ()
    replies = rt.replies()
    assert bot not in replies
    assert "has already taken place" in rt.reply(past)
    assert _seat_word(rt.reply(again)) == "changes nothing"
    text = rt.reply(alice)
    assert "@octocat" not in text and "**Alice**" not in text
    assert "\\*\\*Alice\\*\\*" in text
    assert all("@octocat" not in body for bodies in replies.values() for _, body in bodies)
    status = rt.run("participants", "status", "--json")
    assert '"recording": false' in status.stdout
    assert status.stdout.count('"recording"') == 1  # only alice's registration says so
    assert "not agreed to be recorded: alice" in rt.run("participants", "status").stdout


def test_a_502_after_a_reply_was_posted_then_a_rerun_posts_no_second_reply(tmp_path: Path) -> None:
    with _roundtable("fake", tmp_path, "open") as rt:
        assert rt.fake is not None
        number = rt.request("alice")
        rt.fake.fail_next("POST", rf"/issues/{number}/comments$", 502, after_apply=True)

        failed = rt.run("participants", "collect")
        assert failed.code == 1
        assert "502" in failed.stderr or "502" in failed.stdout
        assert "Traceback" not in failed.stdout + failed.stderr
        assert len(rt.replies()[number]) == 1
        assert [r.github for r in rt.event.participants] == ["alice"]

        rerun = rt.collect()
        assert rerun.writes == 0
        assert len(rt.replies()[number]) == 1


def test_sync_collects_seat_requests_first(open_mode: Roundtable) -> None:
    rt = open_mode
    number = rt.request("alice")
    run = rt.run("sync")
    assert run.code == 0, run.stdout + run.stderr
    assert run.stdout.index("== participants collect") < run.stdout.index("== participants sync")
    assert [r.github for r in rt.event.participants] == ["alice"]
    assert _seat_word(rt.reply(number)) == "seat 1"
    assert "invite" in run.stdout  # participants sync, in the same run, invites the new seat


def test_the_participants_workflow_collects_on_seat_request_events_only() -> None:
    from ruamel.yaml import YAML

    root = Path(__file__).resolve().parent.parent
    text = (root / ".github" / "workflows" / "participants.yml").read_text(encoding="utf-8")
    workflow = YAML(typ="safe").load(text)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 may read the key `on` as true
    assert set(triggers["issues"]["types"]) == {"opened", "closed", "reopened", "labeled"}
    assert set(triggers["issue_comment"]["types"]) == {"created", "edited"}
    collect = workflow["jobs"]["collect"]
    assert "contains(github.event.issue.labels.*.name, 'seat-request')" in collect["if"]
    # The sync job does not run for issue events: the collect job syncs after collecting.
    assert "github.event_name != 'issues'" in workflow["jobs"]["sync"]["if"]
    assert "github.event_name != 'issue_comment'" in workflow["jobs"]["sync"]["if"]
    scripts = [step.get("run", "") for step in collect["steps"]]
    assert any("p2p participants collect" in script for script in scripts)
    assert not any("${{" in script for script in scripts)  # untrusted text never in a script
    (commit,) = [step for step in collect["steps"] if "commit-generated" in str(step.get("uses"))]
    assert commit["with"]["paths"] == "events README.md"


def test_off_reads_nothing_and_answers_nothing(tmp_path: Path) -> None:
    with _roundtable("sandbox", tmp_path, "off") as rt:
        number = rt.request("alice")
        run = rt.collect()
        assert "seat requests are off" in run.stdout
        assert (run.reads, run.writes) == (0, 0)
        assert number not in rt.replies()
        assert not rt.event.participants


def test_the_event_file_changes_only_where_registrations_change(tmp_path: Path) -> None:
    with _roundtable("sandbox", tmp_path, "open") as rt:
        path = rt.root / "events" / f"{E}.yaml"
        path.write_text(
            EVENT + "participants:   # first come, first served\n"
            "  - github: early   # by hand\n"
            "    registered: 2025-12-01T10:00:00-07:00\n"
            "notes: 'Drinks after'\n",
            encoding="utf-8",
        )
        before = path.read_text(encoding="utf-8").splitlines()
        alice = rt.request("alice", recording=False)
        rt.collect()
        path = rt.files / "events" / f"{E}.yaml"  # the rehearsal wrote its working copy
        after = path.read_text(encoding="utf-8").splitlines()
        added = [line for line in after if line not in before]
        assert [line for line in before if line not in after] == []  # nothing rewritten
        assert added == [
            "  - github: alice",
            "    name: Ada Lovelace",
            "    registered: 2026-01-01T05:01:00-07:00",
            f"    request: {alice}",
            "    recording: false",
        ]
        rt.close(alice, by="alice")
        rt.collect()
        final = path.read_text(encoding="utf-8").splitlines()
        assert [line for line in final if line not in after] == ["    cancelled: true"]


def test_sync_creates_the_seat_labels_the_form_and_the_approval_need(tmp_path: Path) -> None:
    with _roundtable("fake", tmp_path, "approval") as rt:
        assert rt.fake is not None
        first = rt.run("sync")
        assert first.code == 0, first.stdout + first.stderr
        assert "create label seat-request" in first.stdout
        names = {label.casefold() for label in rt.fake.labels}
        assert {"seat-request", "approved"} <= names

        again = rt.run("sync")
        assert "create label" not in again.stdout


@pytest.mark.parametrize(
    ("mode", "wanted"), [("approval", ["seat-request", "approved"]), ("open", ["seat-request"]), ("off", [])]
)
def test_the_seat_labels_missing_are_planned_by_mode(mode: str, wanted: list[str]) -> None:
    from p2p.models import Settings
    from p2p.rules.seat_requests import missing_labels

    settings = Settings.model_validate({"seat_requests": mode})
    assert [name for name, _, _ in missing_labels(settings, ["topic"])] == wanted
    assert missing_labels(settings, ["Seat-Request", "APPROVED"]) == []
