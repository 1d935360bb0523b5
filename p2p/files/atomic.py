"""Atomic file replacement, and the lock that lets one command at a time edit a file."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from filelock import FileLock, Timeout, UnixFileLock

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


def replace_file(path: Path, data: bytes, *, durable: bool = True) -> None:
    """The atomic replacement of `write_text_atomic`, raising the OSError for the caller to name.
    Not `durable`: no waiting for the disk (a file that can be made again, the sandbox's), still
    either the old file or the new one after a crash of the program."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temporary, mode)  # noqa: PTH101 - the temporary file is a str path
        Path(temporary).replace(path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)  # noqa: PTH108
        raise
    if not durable:
        return
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
    folder = lock_path.parent
    # Refused here: filelock would create a missing folder, and call a file in its place "File exists".
    if not folder.is_dir():
        reason = errno.ENOTDIR if folder.exists() else errno.ENOENT
        raise cannot_write(path, OSError(reason, os.strerror(reason)))
    lock = FileLock(lock_path)
    try:
        lock.acquire(timeout=LOCK_TIMEOUT if timeout is None else timeout, poll_interval=0.01)
    except Timeout:
        raise P2PError(f"{path.name} is being edited by another p2p command; try again in a moment") from None
    except OSError as error:
        raise cannot_write(path, error) from None
    try:
        yield
    finally:
        if isinstance(lock, UnixFileLock):
            # filelock leaves a flock's file in place (its other kinds remove theirs). Removing it before
            # the release is safe: a process waiting on it finds it gone once it gets the lock, and
            # tries again on the one made after it.
            with suppress(FileNotFoundError):
                lock_path.unlink()
        lock.release()
