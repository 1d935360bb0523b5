"""Atomic file replacement, and the lock that lets one command at a time edit a file."""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from p2p.errors import P2PError

LOCK_TIMEOUT = 10.0  # seconds to wait for another command editing the same file


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def cannot_write(path: Path, error: OSError) -> P2PError:
    return P2PError(f"{path}: cannot write the file: {error.strerror or error}")


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` at once: a temporary file in the same folder, synced, renamed
    into place, so a crash leaves either the old file or the new one, never half of one."""
    try:
        replace_file(path, text.encode("utf-8"))
    except OSError as error:
        raise cannot_write(path, error) from None


def replace_file(path: Path, data: bytes) -> None:
    """The atomic replacement of `write_text_atomic`, raising the OSError for the caller to name."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # noqa: PTH101 - the temporary file is a str path
        Path(temporary).replace(path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)  # noqa: PTH108
        raise
    with suppress(OSError):  # make the rename itself durable where the platform allows
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


@contextmanager
def file_lock(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock for editing `path` (a sibling `.NAME.lock`, removed afterwards)."""
    lock_path = path.with_name(f".{path.name}.lock")
    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    while True:
        try:
            descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise cannot_write(path, error) from None
        try:
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise P2PError(
                            f"{path.name} is being edited by another p2p command; try again in a moment"
                        ) from None
                    time.sleep(0.01)
            try:  # the holder before us may have removed the lock file: lock the current one
                current = os.stat(lock_path).st_ino  # noqa: PTH116
            except FileNotFoundError:
                current = -1
        except BaseException:
            os.close(descriptor)
            raise
        if current == os.fstat(descriptor).st_ino:
            break
        os.close(descriptor)
    try:
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock_path)  # noqa: PTH108
        os.close(descriptor)
