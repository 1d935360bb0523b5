"""Synthetic roundtables for the benchmark and the fault tests: event files on disk and the
matching GitHub state in the stateful fake.

A world of a given size is what an organizer has at the start of a cycle: `p2p.yaml`, one
event file per event (the last one upcoming, the others past with their agenda and
takeaways), a README with its generated regions still empty; on GitHub, the participants'
topic proposals (labelled `topic`, no event yet) with their 👍 votes, and an empty board
with the lean-coffee fields. Nobody has been invited yet. Everything is derived from the
size alone, so two runs of the same size make the same requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from p2p.rules.seat_requests import SEAT_REQUEST_LABEL, form_body

if TYPE_CHECKING:
    from tests.fake import FakeGitHub

REPOSITORY = "acme/roundtable"
ORGANIZER = "orga"
SEEDED = 3  # topics the organizers seed in the next event's file; the rest are proposals
SEAT_REQUESTS = 3  # open seat requests, by registered people
VOTES = 3  # votes_per_participant, and the 👍 each participant gives
TAKEAWAYS = 3  # per past event
AGENDA = 5  # per past event
CYCLE = timedelta(weeks=7)  # between two events

README = """\
# Bench roundtable

A peer roundtable of engineering leaders.

## Next event

<!-- p2p:begin next-event -->
<!-- p2p:end next-event -->

## Previous events

<!-- p2p:begin previous-events -->
<!-- p2p:end previous-events -->

## How to take part

Ask an organizer.
"""


@dataclass(frozen=True)
class Size:
    """How big a roundtable is: topic issues of the next event, participants, event files."""

    topics: int
    participants: int
    events: int

    @property
    def label(self) -> str:
        return (
            f"{self.topics} topic{'s' * (self.topics != 1)}, "
            f"{self.participants} participant{'s' * (self.participants != 1)}, "
            f"{self.events} event{'s' * (self.events != 1)}"
        )

    @property
    def proposals(self) -> int:
        """Topics the participants proposed (the others are seeded in the event file)."""
        return self.topics - min(SEEDED, self.topics)


def logins(count: int) -> list[str]:
    return [f"leader-{n:03d}" for n in range(1, count + 1)]


def _registered(n: int) -> str:
    return (datetime(2025, 1, 6, 9, 0, tzinfo=UTC) + timedelta(minutes=n)).isoformat()


def _event_text(day: date, title: str, people: list[str], *, upcoming: bool, seeded: int) -> str:
    lines = [
        f"date: {day.isoformat()}",
        f"title: {title}",
        "format: lean-coffee",
        'start: "17:00"',
        "duration: 90",
        "location: Zoom",
        "description: |",
        "  What is really working right now, and what is not.",
    ]
    if upcoming and seeded:
        lines.append("topics:")
        lines += [f"  - Seeded topic {n}" for n in range(1, seeded + 1)]
    lines.append("participants:" if people else "participants: []")
    for n, login in enumerate(people):
        lines += [f"  - github: {login}", f"    name: Leader {n + 1}", f"    registered: {_registered(n)}"]
    if not upcoming:
        lines.append("agenda:")
        lines += [
            f'  - {{issue: {n}, title: "Past topic {n}", votes: {AGENDA - n + 1}}}'
            for n in range(1, AGENDA + 1)
        ]
        lines.append("takeaways:")
        lines += [f"  - Takeaway {n} of {day.isoformat()}." for n in range(1, TAKEAWAYS + 1)]
    return "\n".join(lines) + "\n"


def write_roundtable(root: Path, size: Size, today: date) -> str:
    """The roundtable's files under `root`; returns the id of the next event."""
    people = logins(size.participants)
    (root / "p2p.yaml").write_text(
        "name: Bench roundtable\n"
        f"repository: {REPOSITORY}\n"
        "project: 1\n"
        f"capacity: {size.participants}\n"
        f"votes_per_participant: {VOTES}\n"
        f"organizers: [{ORGANIZER}]\n",
        encoding="utf-8",
    )
    (root / "README.md").write_text(README, encoding="utf-8")
    folder = root / "events"
    folder.mkdir(exist_ok=True)
    upcoming = today + timedelta(days=30)
    for back in range(size.events - 1, -1, -1):
        day = upcoming - back * CYCLE
        text = _event_text(
            day,
            f"Lean coffee {day.isoformat()}",
            people,
            upcoming=back == 0,
            seeded=min(SEEDED, size.topics),
        )
        (folder / f"{day.isoformat()}.yaml").write_text(text, encoding="utf-8")
    return upcoming.isoformat()


def seed_github(fake: FakeGitHub, size: Size, *, upcoming: str | None = None) -> None:
    """The participants' proposals with their votes, the organizer, an empty board, and (given
    the next event's id) a few open seat requests."""
    people = logins(size.participants)
    fake.add_users(*people)  # the participants have GitHub accounts: they can be invited
    fake.add_collaborator(ORGANIZER, "admin")
    numbers = [
        fake.add_issue(
            f"Proposal {n}: how do you run {n}-person teams?",
            body="What has worked for you?",
            labels=["topic"],
            author=people[n % len(people)] if people else ORGANIZER,
            created_at=fake.now - timedelta(days=10, minutes=-n),
        )
        for n in range(1, size.proposals + 1)
    ]
    if numbers:
        for index, login in enumerate(people):
            picks = {numbers[(index * 7 + k * 13) % len(numbers)] for k in range(VOTES)}
            for k, number in enumerate(sorted(picks)):
                fake.add_reaction(number, login, created_at=fake.now - timedelta(days=5, minutes=-k))
    # Open seat requests (SPEC 4.6) by people already registered: `participants collect` answers
    # them once, and the steady state reads them in one request.
    for login in people[:SEAT_REQUESTS] if upcoming else []:
        fake.add_issue(
            "Seat request",
            body=form_body(upcoming or "", f"Lean coffee {upcoming}", login.title()),
            labels=[SEAT_REQUEST_LABEL],
            author=login,
            created_at=fake.now - timedelta(days=3),
        )
    fake.add_project(1, title="Lean coffee")


def open_seeded_topics(fake: FakeGitHub, size: Size) -> None:
    """The issues `topics sync` opens for the seeded topics, as if it had run (for the baseline,
    which then sees as many topic issues as the toolkit)."""
    for n in range(1, min(SEEDED, size.topics) + 1):
        fake.add_issue(f"Seeded topic {n}", labels=["topic"], author=fake.viewer)


def accept_invitations(fake: FakeGitHub) -> int:
    """Every invitee accepts; returns how many did."""
    pending = [invitation.login for invitation in fake.invitations]
    for login in pending:
        fake.accept_invitation(login)
    return len(pending)
