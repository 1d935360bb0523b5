"""`p2p event new`: the next event like the latest one, a passed date refused, and a calendar
entry that always ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from typer.testing import CliRunner

from p2p.cli.app import app
from p2p.files.load import load_event, load_roundtable
from p2p.pages import render

HEAD = "# yaml-language-server: $schema=schema.json\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "events").mkdir()
    (tmp_path / "p2p.yaml").write_text(
        "name: Peer-to-peer\nrepository: profiq/peer-to-peer\ntimezone: America/Denver\n", encoding="utf-8"
    )
    return tmp_path


def run(repo: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--repo-dir", str(repo), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_every_value_can_be_given(repo: Path) -> None:
    code, out, err = run(
        repo,
        *("event", "new", "2099-05-15", "--title", "Budgets", "--format", "social", "--start", "17:30"),
        *("--duration", "120", "--location", " Denver Central Library ", "--description", "Bring numbers."),
    )
    assert (code, out, err) == (0, "created events/2099-05-15.yaml\n", "")
    assert (repo / "events" / "2099-05-15.yaml").read_text(encoding="utf-8") == (
        HEAD + 'date: 2099-05-15\ntitle: Budgets\nformat: social\nstart: "17:30"\nduration: 120\n'
        "location: Denver Central Library\ndescription: Bring numbers.\n"
    )


def test_start_duration_location_and_format_come_from_the_latest_event(repo: Path) -> None:
    (repo / "events" / "2099-01-10.yaml").write_text(
        HEAD + "date: 2099-01-10\ntitle: Old\nformat: presentation\nstart: '08:00'\n", encoding="utf-8"
    )
    (repo / "events" / "2099-04-10.yaml").write_text(
        HEAD + "date: 2099-04-10\ntitle: Hiring\nformat: social\nstart: '17:00'\nduration: 90\n"
        "location: Zoom\ndescription: Not copied.\n",
        encoding="utf-8",
    )
    code, out, _ = run(repo, "event", "new", "2099-05-15", "--title", "Budgets", "--duration", "60")
    copied = "format, start and location copied from events/2099-04-10.yaml"
    assert (code, out) == (0, f"created events/2099-05-15.yaml ({copied})\n")
    text = (repo / "events" / "2099-05-15.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[:2] == [HEAD.strip(), f"# {copied}"]
    event = load_event(repo / "events" / "2099-05-15.yaml")
    assert (event.format, event.start, event.duration, event.location, event.description) == (
        "social",
        "17:00",
        60,
        "Zoom",
        None,
    )
    assert run(repo, "check")[0] == 0


def test_without_an_earlier_event_nothing_is_copied(repo: Path) -> None:
    assert run(repo, "event", "new", "2099-05-15", "--title", "First") == (
        0,
        "created events/2099-05-15.yaml\n",
        "",
    )
    assert "copied" not in (repo / "events" / "2099-05-15.yaml").read_text(encoding="utf-8")


def test_a_date_that_has_passed_needs_past(repo: Path) -> None:
    # A typo'd year would otherwise land the event, silently, under "Previous events".
    code, out, err = run(repo, "event", "new", "2020-05-15", "--title", "Typo")
    assert (code, out) == (2, "")
    assert err.startswith("error: 2020-05-15 has passed (today is ")
    assert "give --past" in err and err.count("\n") == 1
    assert list((repo / "events").iterdir()) == []
    assert run(repo, "event", "new", "2020-05-15", "--title", "Held", "--past")[0] == 0
    assert load_event(repo / "events" / "2020-05-15.yaml").title == "Held"


def test_today_in_the_roundtables_zone_is_not_past(repo: Path) -> None:
    today = datetime.now(UTC).astimezone(load_roundtable(repo).settings.zone).date()
    assert run(repo, "event", "new", today.isoformat(), "--title", "Tonight")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "0"], "--duration 0 is out of range: minutes from 1 to 1440, like 90"),
        (["--duration", "1441"], "--duration 1441 is out of range: minutes from 1 to 1440, like 90"),
        (
            ["--location", "Room\n4"],
            "--location 'Room\\n4' holds a line break or control character: write it on one line",
        ),
    ],
)
def test_duration_and_location_misuse(repo: Path, args: list[str], message: str) -> None:
    assert run(repo, "event", "new", "2099-05-15", "--title", "T", *args) == (2, "", f"error: {message}\n")


def test_a_timed_event_without_a_duration_ends_in_the_calendar(repo: Path) -> None:
    assert run(repo, "event", "new", "2099-05-15", "--title", "T", "--start", "17:00")[0] == 0
    text = render.calendar(load_roundtable(repo), repository="profiq/peer-to-peer")
    [entry] = icalendar.Calendar.from_ical(text).walk("VEVENT")
    start = entry.decoded("DTSTART")
    assert entry.decoded("DURATION") == timedelta(minutes=render.CALENDAR_DURATION) > timedelta(0)
    assert (start.hour, start.minute) == (17, 0)
