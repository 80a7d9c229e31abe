"""File I/O at the edges: atomic writes, and reads whose errors name the file and line."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

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
        raise _cannot_write(failure, shown_as or str(path)) from failure


def _cannot_write(failure: OSError, shown_as: str) -> LocpipeError:
    # A full disk or a read-only folder is the user's to fix, not a crash to report.
    return LocpipeError(f"cannot write: {failure.strerror or failure}", path=shown_as)


def _replace(path: Path, data: bytes) -> None:
    # SIGINT and SIGTERM wait for the one file (see _beside): they then find it in place.
    with signals_deferred():
        temporary = _beside(path, data)
        try:
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise


class ReadOnlyFile(PermissionError):
    """A file its owner made read-only: locpipe does not replace it (the rename would)."""


def _refuse_read_only(path: Path) -> None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    # Checked on the mode bits, not with os.access: root may write anything, yet a file that no
    # one may write was made so on purpose.
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise ReadOnlyFile(errno.EACCES, "the file is read-only; locpipe will not replace it")


def _beside(path: Path, data: bytes) -> str:
    """A temporary file next to ``path`` holding ``data`` on disk, with ``path``'s mode.

    Call it with signals held (:func:`signals_deferred`), and keep its name before letting
    them in: a signal handled inside ``mkstemp``, once the file exists and before its name is
    returned (creating a file can take a while), would leave it where nothing knows to remove it.

    :raises ReadOnlyFile: if ``path`` is read-only (replacing it would ignore that).
    """
    _refuse_read_only(path)
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
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return temporary


def write_if_changed(path: Path, data: bytes, *, shown_as: str | None = None) -> bool:
    """Write ``data`` atomically unless ``path`` already holds exactly it. True if written.

    Leaving an identical file alone keeps its mtime, so build tools see nothing to redo.
    """
    if _holds(path, data):
        return False
    write_atomic(path, data, shown_as=shown_as)
    return True


def _holds(path: Path, data: bytes) -> bool:
    try:
        return read_regular(path) == data
    except OSError:
        return False  # missing or unreadable: the write says what is wrong, if anything


class StagedWrites:
    """Files written next to their targets as they come, and put in place all at the end.

    Memory holds one file at a time, yet nothing is replaced until every file is ready.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[str, Path, str]] = []

    def write_if_changed(self, path: Path, data: bytes, *, shown_as: str | None = None) -> bool:
        """Stage ``data`` for ``path`` unless it already holds exactly it. True if staged."""
        if _holds(path, data):
            return False
        try:
            with signals_deferred():  # see _beside: the temporary file is known before a signal
                self._pending.append((_beside(path, data), path, shown_as or str(path)))
        except OSError as failure:
            raise _cannot_write(failure, shown_as or str(path)) from failure
        return True


class Unwritten(StagedWrites):
    """A dry run of :class:`StagedWrites`: it says which files would change, and writes none."""

    def write_if_changed(self, path: Path, data: bytes, *, shown_as: str | None = None) -> bool:
        return not _holds(path, data)


@contextlib.contextmanager
def staged_writes() -> Iterator[StagedWrites]:
    """Stage files in the block; if it ends with an error (or an interrupt) none is replaced
    and the staged copies are removed, else all are renamed into place, signals held meanwhile."""
    staged = StagedWrites()
    try:
        yield staged
    except BaseException:
        _remove(temporary for temporary, _, _ in staged._pending)
        raise
    with signals_deferred():
        for done, (temporary, path, shown_as) in enumerate(staged._pending):
            try:
                os.replace(temporary, path)
            except BaseException as failure:
                _remove(temporary for temporary, _, _ in staged._pending[done:])
                if not isinstance(failure, OSError):
                    raise
                raise _cannot_write(failure, shown_as) from failure


def _remove(paths: Iterable[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is over (in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    deferred = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, deferred)


class NotARegularFile(OSError):
    """A path that names a FIFO, a device, a socket or a folder where a file was expected."""


def read_regular(path: Path) -> bytes:
    """The bytes of ``path``, which must be a regular file: opening a FIFO would wait for a
    writer forever, and a device may never end, so neither is read.

    :raises NotARegularFile: for anything else; OSError as opening or reading raises it.
    """
    # O_NONBLOCK: opening a FIFO returns at once instead of waiting; it changes nothing for a
    # regular file.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        # Before any read: a folder opens too (reading it is what fails), and a FIFO's read
        # would find no writer.
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = _KINDS.get(stat.S_IFMT(status.st_mode), "something else")
            raise NotARegularFile(errno.EINVAL, f"it is {kind}, not a regular file")
        return _read_to_end(descriptor, status.st_size)
    finally:
        os.close(descriptor)


def _read_to_end(descriptor: int, size: int) -> bytes:
    """Everything left to read from ``descriptor``: one read of the ``size`` it has, then
    until the end (a file that grew meanwhile, or one whose size is not known, as in /proc)."""
    chunks: list[bytes] = []
    while chunk := os.read(descriptor, size + 1 if not chunks else 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


_KINDS = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def read_source(path: Path, *, shown_as: str) -> str:
    """A source document's text; bytes that are not UTF-8 are an error naming their line."""
    try:
        data = read_regular(path)
    except FileNotFoundError as error:
        raise SourceError("source document not found", path=shown_as) from error
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", path=shown_as) from error
    return decode_utf8(data, shown_as=shown_as, error=SourceError)


def decode_utf8(data: bytes, *, shown_as: str, error: type[LocpipeError]) -> str:
    """``data`` as UTF-8 text; a byte that is not is ``error``, naming its file and line."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as failure:
        line = data.count(b"\n", 0, failure.start) + 1
        raise error(
            f"invalid UTF-8 byte 0x{data[failure.start]:02x}", path=shown_as, line=line
        ) from failure


def read_bytes(path: Path, *, shown_as: str, error: type[LocpipeError]) -> bytes:
    try:
        return read_regular(path)
    except FileNotFoundError as missing:
        raise error("file not found", path=shown_as) from missing
    except OSError as failure:
        raise error(f"cannot read: {failure.strerror}", path=shown_as) from failure


def parse_toml(text: str, *, shown_as: str, error: type[LocpipeError], what: str) -> dict[str, Any]:
    """``text`` (the TOML file ``shown_as``) as its tables; where it is not TOML, ``error``
    naming the file and the line, its message starting "cannot read ``what``".

    tomli decides what is TOML and says where it is not. rtoml (Rust, 3x faster on a
    500-caveat registry) reads the text first where it is installed, and its answer is taken
    only when it accepts the text: the two agree on every text both accept (tests/test_toml.py)
    once this function has set aside the two differences between them: a leading byte-order
    mark (which tomli refuses) and CRLF newlines (which tomli reads as LF inside multi-line
    strings).
    """
    fast = _fast_toml_reader()
    if fast is not None and not text.startswith("\ufeff"):
        lf = text.replace("\r\n", "\n")
        if "\r" not in lf:  # a lone CR is never TOML: tomli says where it is
            try:
                return fast(lf)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # whatever rtoml refuses, tomli explains:
                pass  # a panic in its Rust code too (pyo3's PanicException is no Exception)
    import tomli

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as failure:
        raise error(
            f"cannot read {what}: {failure}", path=shown_as, line=failure.lineno
        ) from failure
    except RecursionError as failure:  # tomli's own limit on nesting
        line = _line_too_deep(text, tomli.loads)
        raise error(f"cannot read {what}: {failure}", path=shown_as, line=line) from failure


def read_toml(path: Path, *, shown_as: str, error: type[LocpipeError], what: str) -> dict[str, Any]:
    """The TOML file at ``path``: :func:`read_text`, then :func:`parse_toml`."""
    text = read_text(path, shown_as=shown_as, error=error)
    return parse_toml(text, shown_as=shown_as, error=error, what=what)


def read_text(path: Path, *, shown_as: str, error: type[LocpipeError]) -> str:
    """The UTF-8 text of the file at ``path``, its newlines read as Python's text mode reads them
    (``\\r\\n`` and ``\\r`` as ``\\n``); a byte that is not UTF-8 is ``error``, naming its line."""
    data = read_bytes(path, shown_as=shown_as, error=error)
    text = decode_utf8(data, shown_as=shown_as, error=error)
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


@functools.cache
def _fast_toml_reader() -> Callable[[str], dict[str, Any]] | None:
    try:
        import rtoml
    except ImportError:  # no wheel for this interpreter: tomli reads everything
        return None
    return rtoml.loads


def _line_too_deep(text: str, loads: Callable[[str], object]) -> int:
    """The line on which ``loads`` finds ``text`` nested too deep: the fewest first lines that
    it refuses so (it reads in order, so every longer start is refused too)."""
    lines = text.split("\n")
    low, high = 1, len(lines)  # the whole text is refused
    while low < high:
        middle = (low + high) // 2
        try:
            loads("\n".join(lines[:middle]))
        except RecursionError:
            high = middle
            continue
        except ValueError:  # that start is not TOML, yet not too deep
            pass
        low = middle + 1
    return low


# The descriptors holding a project lock in this process. A forked child (a build worker)
# closes its copies at once: a flock belongs to the open file, which a fork shares, so a worker
# left alive by a killed parent would otherwise hold the lock and every later run would wait.
_LOCKS: set[int] = set()


def _close_inherited_locks() -> None:
    for descriptor in _LOCKS:
        with contextlib.suppress(OSError):
            os.close(descriptor)
    _LOCKS.clear()


os.register_at_fork(after_in_child=_close_inherited_locks)


@contextlib.contextmanager
def project_lock(root: Path, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the project's lock: two runs that write catalogs or build/ take turns.

    The lock is an advisory ``flock`` on the project folder itself (no lock file to leave
    behind); the kernel releases it when the process ends, however it ends. It is never
    inherited: not by a program started (close-on-exec), nor by a forked worker (closed in
    the child), so a lock outlives no run.
    """
    descriptor = os.open(root, os.O_RDONLY | os.O_CLOEXEC)
    _LOCKS.add(descriptor)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        _LOCKS.discard(descriptor)
        os.close(descriptor)  # closing releases the lock


# --- a folder replaced whole: build/ -------------------------------------------------------------


#: What the files of each folder made by :func:`staging_copy` are called in messages: the
#: folder it will replace (``build``), never the staging folder no user has heard of. Forked
#: workers inherit it with the folder.
_STAGED_AS: dict[Path, str] = {}


def staging_copy(target: Path, *, shown_as: str | None = None) -> Path:
    """A new folder beside ``target``, holding ``target``'s files as hard links (files that stay
    the same are not written again); to be filled, then put in place by :func:`swap_tree`.

    ``shown_as``: ``target`` as messages name it (:func:`replace_text`'s errors name each file
    by the path it will have there).
    """
    shown = shown_as or str(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    except OSError as failure:
        raise _cannot_write(failure, shown) from failure
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; the published folder is not
        if target.is_dir():
            shutil.copytree(target, staging, dirs_exist_ok=True, copy_function=_link_or_copy)
    except BaseException as failure:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(failure, OSError):
            raise _cannot_write(failure, shown) from failure
        raise
    _STAGED_AS[staging] = shown
    return staging


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def replace_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in a staging folder, never through a hard link to the old file.

    :raises LocpipeError: naming the file as it will be called once in place (a full disk).
    """
    data = text.encode("utf-8")
    try:
        try:
            descriptor = os.open(path, _NEW_FILE, 0o666)  # one call where the file is new
        except FileExistsError:  # a link to the last build's file: never write through it
            path.unlink()
            descriptor = os.open(path, _NEW_FILE, 0o666)
        try:
            _write_all(descriptor, data)
        finally:
            os.close(descriptor)
    except OSError as failure:
        raise _cannot_write(failure, _shown_staged(path)) from failure


#: A file created for writing, failing if one is there (as ``open(path, "x")``, without the
#: buffered text layer's own calls: a build writes thousands of pages).
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _shown_staged(path: Path) -> str:
    for staging, shown in _STAGED_AS.items():
        if path.is_relative_to(staging):
            return f"{shown}/{path.relative_to(staging).as_posix()}"
    return str(path)


def swap_tree(staging: Path, target: Path) -> None:
    """Put ``staging`` in place of ``target``; the old one is then removed.

    Where the kernel can (Linux's ``renameat2(RENAME_EXCHANGE)``), the two folders trade
    places in one step, so ``target`` is always there, even for a run killed at any moment.
    Elsewhere two renames, with SIGINT and SIGTERM held until both are done; a SIGKILL between
    them leaves the old tree as ``.NAME-old-*``, which :func:`remove_leftovers` puts back.
    """
    with signals_deferred():
        if target.is_dir() and _exchange(staging, target):
            shutil.rmtree(staging, ignore_errors=True)  # it now holds the old tree
            return
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            old.rmdir()
            os.replace(target, old)
        try:
            os.replace(staging, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)
            raise
        _STAGED_AS.pop(staging, None)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function: Callable[..., int] = libc.renameat2  # glibc 2.28 and later
    except (OSError, AttributeError):
        return None
    return function


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the platform or the file system cannot."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    failure = ctypes.get_errno()
    if failure in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
        return False  # not supported here: the two renames will do
    raise OSError(failure, os.strerror(failure), str(second))


def remove_leftovers(target: Path) -> list[Path]:
    """Remove what killed runs left beside ``target`` (``build/``): their ``.NAME-new-*``
    staging folders and ``.NAME-old-*`` copies, and put the old copy back if ``target`` is
    missing (a run killed between the two renames of :func:`swap_tree`). Only for a caller
    that holds the project lock: no other run is using them. The paths removed."""
    if not target.parent.is_dir():
        return []
    pattern = re.compile(rf"\.{re.escape(target.name)}-(new|old)-[a-z0-9_]{{8}}")
    found = sorted(
        (entry for entry in target.parent.iterdir() if pattern.fullmatch(entry.name)),
        key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns,
    )
    old = [entry for entry in found if "-old-" in entry.name and entry.is_dir()]
    if old and not target.exists():
        os.replace(old[-1], target)
        found.remove(old[-1])
    for entry in found:
        _remove_tree(entry)
    return found


def remove_temporaries(folder: Path, names: Iterable[str]) -> list[Path]:
    """Remove the temporary files that killed runs left in ``folder`` beside the files
    ``names`` (``.NAME.XXXXXXXX.tmp``, as :func:`write_atomic` makes them). Only for a caller
    that holds the project lock. The paths removed."""
    wanted = set(names)
    pattern = re.compile(r"\.(.+)\.[a-z0-9_]{8}\.tmp")
    removed = []
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        for entry in folder.iterdir():
            match = pattern.fullmatch(entry.name)
            if match and match.group(1) in wanted and not entry.is_symlink() and entry.is_file():
                entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
