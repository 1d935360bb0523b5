"""`p2p check`: validate p2p.yaml and every event file, reporting every error."""

from __future__ import annotations

from p2p.cli.workspace import Workspace
from p2p.files import SETTINGS_FILE
from p2p.files.load import check as check_files
from p2p.files.load import event_files
from p2p.rules.plan import counted


def check(ws: Workspace) -> int:
    """Validate p2p.yaml and every event file; print every error as file:line: message."""
    errors = check_files(ws.files)
    for error in errors:
        ws.out(error.message)
    if errors:
        files = len({error.path for error in errors})
        ws.err(f"{counted(len(errors), 'error')} in {counted(files, 'file')}")
        return 1
    count = len(event_files(ws.files))
    ws.out(f"{SETTINGS_FILE} and {counted(count, 'event file')} are valid")
    return 0
