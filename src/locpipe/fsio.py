"""File I/O at the edges: atomic writes, and reads whose errors name the file and line."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from locpipe.errors import LocpipeError, SourceError


def write_atomic(path: Path, data: bytes, *, shown_as: str | None = None) -> None:
    """Write ``data`` to ``path`` so that readers (and an interrupt) see the old file or the new.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the file is
    renamed over ``path``; a failure removes the temporary file and leaves ``path`` untouched.

    :raises LocpipeError: naming ``shown_as`` (or ``path``) when the disk refuses the write.
    """
    try:
        _replace(path, data)
    except OSError as failure:
        # A full disk or a read-only folder is the user's to fix, not a crash to report.
        reason = failure.strerror or str(failure)
        raise LocpipeError(f"cannot write: {reason}", path=shown_as or str(path)) from failure


def _replace(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, path.stat().st_mode & 0o777)
        if not path.exists():
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_if_changed(path: Path, data: bytes, *, shown_as: str | None = None) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly it. True if written.

    Leaving an identical file alone keeps its mtime, so build tools see nothing to redo.
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass  # missing or unreadable: the write says what is wrong, if anything
    write_atomic(path, data, shown_as=shown_as)
    return True


def read_source(path: Path, *, shown_as: str) -> str:
    """A source document's text; bytes that are not UTF-8 are an error naming their line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError("source document not found", path=shown_as) from error
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", path=shown_as) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise SourceError(
            f"invalid UTF-8 byte 0x{data[error.start]:02x}", path=shown_as, line=line
        ) from error


def read_bytes(path: Path, *, shown_as: str, error: type[LocpipeError]) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as missing:
        raise error("file not found", path=shown_as) from missing
    except OSError as failure:
        raise error(f"cannot read: {failure.strerror}", path=shown_as) from failure


@contextlib.contextmanager
def project_lock(root: Path, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the project's lock: two runs that write catalogs or build/ take turns.

    The lock is an advisory ``flock`` on the project folder itself (no lock file to leave
    behind); the kernel releases it when the process ends, however it ends.
    """
    descriptor = os.open(root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
