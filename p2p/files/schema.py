"""JSON Schemas of the event format and of p2p.yaml, generated from the models, for editors."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from p2p.models import Event, Settings

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EVENT_SCHEMA_FILE = "events/schema.json"
SETTINGS_SCHEMA_FILE = "p2p.schema.json"


# Hover text in editors, in the words of the event format's documentation.
EVENT_FIELDS = {
    "date": "The event's date, YYYY-MM-DD; equals the file name's date prefix. Required.",
    "title": "The event's title. Required.",
    "format": "lean-coffee, presentation or social; default lean-coffee.",
    "start": 'Local start time in p2p.yaml\'s time zone, HH:MM in quotes, e.g. "17:00".',
    "duration": "Length in minutes.",
    "location": "Where it happens, e.g. Zoom.",
    "description": "Markdown shown on the roundtable's page.",
    "presenters": "Who presents: name, affiliation, github.",
    "capacity": "Seats for this event; default from p2p.yaml.",
    "topics": "Topics the organizers seed: a string or {title, description}.",
    "participants": "Registrations in the order they arrived; first come, first served.",
    "agenda": "Written by `p2p votes tally`; not edited by hand.",
    "takeaways": "A string (the organizers' own) or {text, issue, comment} collected from comments.",
    "recording": "Link to the recording.",
    "notes": "Free text.",
}
SETTINGS_FIELDS = {
    "name": "Shown in generated text.",
    "repository": "owner/name of the GitHub repository; default $GITHUB_REPOSITORY.",
    "project": "Projects (v2) number, owned by the repository's owner; omit for no board.",
    "timezone": "IANA zone of event start times, e.g. America/Denver.",
    "capacity": "Seats per event; an event may override.",
    "votes_per_participant": "Dot votes per person per event.",
    "timebox_minutes": "Lean-coffee minutes per topic in the agenda.",
    "permission": "Collaborator role of participants: pull, triage or push.",
    "after_event": "keep or revoke participants' access after their event.",
    "organizers": "GitHub logins: always collaborators, never removed by the toolkit.",
    "seat_requests": "approval, open or off: seat requests on GitHub (an organizer approves them, or not).",
}


def _string_or(schema: dict[str, Any], field: str) -> None:
    """Items of `field` may be written as a plain string as well as a mapping."""
    items = schema["properties"][field]["items"]
    schema["properties"][field]["items"] = {"anyOf": [{"type": "string", "minLength": 1}, items]}


def _schema_text(
    model: type[BaseModel],
    *,
    title: str,
    description: str,
    fields: dict[str, str],
    strings: tuple[str, ...] = (),
) -> str:
    schema: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": title,
        "description": description,
    }
    generated = model.model_json_schema(mode="validation")
    generated.pop("title", None)
    generated.pop("description", None)
    for name, text in fields.items():
        generated["properties"][name]["description"] = text
    for name in strings:
        _string_or(generated, name)
    schema.update(generated)
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def event_schema_text() -> str:
    """The JSON Schema of `events/*.yaml`, as written to events/schema.json."""
    return _schema_text(
        Event,
        title="p2p event file",
        description=(
            "One event of the roundtable, events/YYYY-MM-DD[-slug].yaml; the file name is the "
            "event's id and its date prefix must equal `date`."
        ),
        fields=EVENT_FIELDS,
        strings=("topics", "takeaways"),
    )


def settings_schema_text() -> str:
    """The JSON Schema of `p2p.yaml`, as written to p2p.schema.json."""
    return _schema_text(
        Settings,
        title="p2p settings",
        description="This roundtable's settings, p2p.yaml.",
        fields=SETTINGS_FIELDS,
    )


def schema_files() -> dict[str, str]:
    """Every schema file, by path relative to the repository, with the text it must hold."""
    return {EVENT_SCHEMA_FILE: event_schema_text(), SETTINGS_SCHEMA_FILE: settings_schema_text()}
