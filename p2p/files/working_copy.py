"""The sandbox's working copy: the roundtable's files as a rehearsal has changed them, under
`.p2p/sandbox/`, so that a `--sandbox` run never changes a tracked file.

Each file is copied from the real tree on first use, with a hash of the real file at that moment
(kept in `.p2p/sandbox-copies.json`). A run reads and writes the copy; when the real file has
changed since it was copied (an organizer's edit, a `git pull`), the real file wins: the copy is
taken afresh and the run says so. Files a rehearsal created that the real tree lacks (a first
TAKEAWAYS.md, say) stay until the real tree has one too.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from p2p.errors import P2PError
from p2p.files import EVENTS_DIR, SETTINGS_FILE
from p2p.files.atomic import replace_file

WORKING_COPY = Path(".p2p") / "sandbox"
COPIES_FILE = Path(".p2p") / "sandbox-copies.json"
# What the toolkit reads and writes in a roundtable: a file, or a folder taken whole.
MIRRORED = (
    SETTINGS_FILE,
    "p2p.schema.json",
    "README.md",
    "TAKEAWAYS.md",
    "events.ics",
    EVENTS_DIR,
    "templates",
    ".github/ISSUE_TEMPLATE",
)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files(base: Path) -> Iterator[str]:
    """The mirrored files under `base`, by path relative to it (`/`-separated); a folder's hidden
    files (locks, temporary files) left out."""
    for name in MIRRORED:
        path = base / name
        if path.is_file():
            yield name
        elif path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(base)
                hidden = any(part.startswith(".") for part in found.relative_to(path).parts)
                if found.is_file() and not hidden:
                    yield relative.as_posix()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


@dataclass
class WorkingCopy:
    """The working copy of the roundtable at `root`, brought up to date with the real tree."""

    root: Path
    notes: list[str] = field(default_factory=list)
    # The real file's hash when it was copied; None for a file only the rehearsal made.
    _copied: dict[str, str | None] = field(default_factory=dict)
    _before: dict[str, str] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        return self.root / WORKING_COPY

    def shown(self, relative: str) -> str:
        return (WORKING_COPY / relative).as_posix()

    @classmethod
    def open(cls, root: Path) -> WorkingCopy:
        """The working copy, each file taken from the real tree where it has none yet or where the
        real file changed since it was copied; `notes` says what of the rehearsal was replaced."""
        copy = cls(root)
        copy._copied = copy._read_copies()
        real = set(_files(root))
        try:
            for name in sorted(real):
                copy._refresh(name)
            for name, digest in list(copy._copied.items()):
                if name not in real and digest is not None:
                    # The real file is gone (an event deleted, say): so is its copy.
                    with suppress(FileNotFoundError):
                        (copy.folder / name).unlink()
                    del copy._copied[name]
                    copy.notes.append(f"{name} is gone from the real tree: so is its sandbox copy")
            copy._save_copies()
        except OSError as error:
            raise P2PError(
                f"{copy.folder}: cannot keep the sandbox's working copy: {error.strerror or error}"
            ) from None
        copy._before = copy.digests()
        return copy

    def _refresh(self, name: str) -> None:
        data = (self.root / name).read_bytes()
        digest = _digest(data)
        target = self.folder / name
        held = _read(target)
        if name in self._copied and held is not None and self._copied[name] == digest:
            return  # the real file is as it was when copied: the copy holds the rehearsal
        if held is not None and held != data and name in self._copied:
            self.notes.append(
                f"{name} changed in the real tree since the sandbox copied it: "
                f"{self.shown(name)} is taken afresh from it (the real file wins)"
            )
        if held != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            replace_file(target, data, durable=False)
        self._copied[name] = digest

    def _read_copies(self) -> dict[str, str | None]:
        path = self.root / COPIES_FILE
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            found = None
        if not isinstance(found, dict) or not all(
            isinstance(v, str | type(None)) for v in found.get("copied", {}).values()
        ):
            # Without the record every copy is taken afresh: the rehearsal starts from the real files.
            self.notes.append(f"{COPIES_FILE.as_posix()} is unreadable: the working copy starts afresh")
            return {}
        copied: dict[str, str | None] = found.get("copied", {})
        return copied

    def _save_copies(self) -> None:
        path = self.root / COPIES_FILE
        text = json.dumps({"copied": dict(sorted(self._copied.items()))}, indent=1) + "\n"
        if _read(path) == text.encode("utf-8"):
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, text.encode("utf-8"), durable=False)

    def digests(self) -> dict[str, str]:
        """Each file of the working copy, by relative path, with the hash of what it holds."""
        found: dict[str, str] = {}
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.rglob("*")):
            relative = path.relative_to(self.folder)
            if path.is_file() and not any(part.startswith(".") for part in relative.parts[-1:]):
                found[relative.as_posix()] = _digest(path.read_bytes())
        return found

    def written(self) -> list[str]:
        """The files of the working copy this run created or changed (relative paths), recorded as
        the rehearsal's: a file new to the copy is one the real tree does not have."""
        after = self.digests()
        changed = [name for name, digest in after.items() if self._before.get(name) != digest]
        for name in changed:
            self._copied.setdefault(name, None)
        if changed:
            try:
                self._save_copies()
            except OSError as error:
                raise P2PError(
                    f"{self.root / COPIES_FILE}: cannot write: {error.strerror or error}"
                ) from None
        self._before = after
        return changed

    def differences(self) -> Iterator[tuple[str, bytes | None, bytes]]:
        """Each file of the working copy that differs from the real one: (path, real bytes or None
        when the real tree has no such file, the copy's bytes)."""
        for name in self.digests():
            held = (self.folder / name).read_bytes()
            real = _read(self.root / name)
            if real != held:
                yield name, real, held


def reset(root: Path) -> list[str]:
    """Remove the working copy and its record; returns what was removed (relative paths)."""
    removed = []
    for path in (root / WORKING_COPY, root / COPIES_FILE):
        if path.is_dir():
            shutil.rmtree(path)
            removed.append(f"{path.relative_to(root).as_posix()}/")
        elif path.exists():
            path.unlink()
            removed.append(path.relative_to(root).as_posix())
    return removed
