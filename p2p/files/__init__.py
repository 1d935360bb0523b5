"""The roundtable's files: strict YAML reading with `file:line` errors, loading settings and
events, round-trip edits that change only the lines they mean to, atomic writes and the lock,
the JSON schemas, and importing a hand-written README into event files.

- `reader`: strict YAML reading (no aliases, duplicate keys or foreign tags) with the line of
  every key and item, and syntax errors in an organizer's words.
- `validation`: plain data against the models; each error in plain English at its line, with
  "did you mean".
- `load`: p2p.yaml, the event files and the whole roundtable; `check`.
- `atomic`: atomic file replacement, and the lock that lets one command at a time edit a file.
- `edit`: round-trip edits of event files (`EventDocument`, `edit_event`), new event files.
- `schema`: the JSON schemas of p2p.yaml and event files.
- `readme_import`: importing a hand-written README's history into event files (`parse_page`),
  through `readme_page` (its lines, dates and sections) and `readme_event` (a section into an
  event, missing years inferred).

May import `p2p.models`, `p2p.errors` and the rules; never GitHub, the sandbox or the command
line.
"""

# The names every part of the toolkit finds a roundtable by; here, where they load without
# pydantic or ruamel.yaml, so the command line's start-up path can use them too.
SETTINGS_FILE = "p2p.yaml"
EVENTS_DIR = "events"
