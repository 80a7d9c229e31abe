"""py3langid's language model, kept decompressed in the user's cache so that loading it is cheap.

The model ships inside py3langid as an LZMA-compressed ``.npz``; decompressing it costs about half
a second of CPU, more than the rest of ``locpipe check``. The first run writes its arrays
uncompressed, one ``.npy`` file each, into a folder of ``$LOCPIPE_CACHE`` (default
``$XDG_CACHE_HOME/locpipe``, else ``~/.cache/locpipe``) named after py3langid's version and a
digest of the model file, so an upgrade never reads an old copy and every environment with the
same model (a venv per nox session, a quickstart, a developer's own) shares one copy. Hashing the
4.5 MB file costs 10-15 ms, so each install's file, known by its size and time, is noted under
``installs/`` with the digest it has: later runs read that note instead. They then map the
arrays into memory: nothing is read or copied until the scoring touches it (a caveat touches a
few hundred of the 100,000 feature rows), so loading costs a few milliseconds instead of reading
68 MB. Copies of other models are removed, all but the newest few. A cache that cannot be written
or read is skipped: the model is then loaded from py3langid as before.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from locpipe.version import distribution_version

_ARRAYS = ("ptc", "pc", "classes", "nextmove", "row", "output")
_PREFIX = "py3langid-"
_KEPT = 3
"""Copies kept in the cache: the newest ones (two versions of py3langid may take turns)."""
_INSTALLS = "installs"
_INSTALLS_KEPT = 32
"""Notes kept of installs' digests: the newest ones (an install without one hashes its file)."""
_COPY_NAME = re.compile(rf"{_PREFIX}.+-[0-9a-f]{{32}}")


def cache_dir() -> Path:
    """Where the decompressed model is kept."""
    explicit = os.environ.get("LOCPIPE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "locpipe"


def load_identifier() -> Any:
    """py3langid's ``LanguageIdentifier`` with its shipped model (raw scores, not normalized)."""
    import numpy as np
    from py3langid.langid import (  # type: ignore[import-untyped]
        MODEL_DIR,
        MODEL_FILE,
        LanguageIdentifier,
    )
    from py3langid.modelio import load_model  # type: ignore[import-untyped]

    source = Path(MODEL_DIR) / MODEL_FILE
    version = distribution_version("py3langid")
    cache = cache_dir()
    note = _install_note(cache, source, version)
    noted = _noted_copy(note)
    cached = noted or cache / f"{_PREFIX}{version}-{_digest(source)}"
    try:
        mapped = {
            name: np.load(cached / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in _ARRAYS
        }
        ptc, pc, classes = mapped["ptc"], mapped["pc"], mapped["classes"].tolist()
        # The DFA walk indexes these a byte at a time: a memoryview of the mapping is as quick
        # to index as the stdlib array py3langid builds, without copying 40 MB into one.
        nextmove, row = memoryview(mapped["nextmove"]), memoryview(mapped["row"])
        output = mapped["output"].tolist()
    except (OSError, ValueError, KeyError):
        ptc, pc, classes, nextmove, row, output = load_model(source)
        _store(cached, ptc, pc, classes, nextmove, row, output)
    if cached != noted:
        _write_note(note, cached.name)
    return LanguageIdentifier(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=False, tk_row=row
    )


def _install_note(cache: Path, source: Path, version: str | None) -> Path:
    """Where the digest of this install's model file is noted: named after the file's version,
    size and time, which a reinstall changes."""
    stat = source.stat()
    return cache / _INSTALLS / f"{_PREFIX}{version}-{stat.st_size}-{stat.st_mtime_ns}"


def _noted_copy(note: Path) -> Path | None:
    """The copy ``note`` names, if it names one (its folder may since have been removed)."""
    try:
        name = note.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return note.parent.parent / name if _COPY_NAME.fullmatch(name) else None


def _digest(source: Path) -> str:
    """A digest of the model file's content: equal files, one copy."""
    with source.open("rb") as stream:
        return hashlib.file_digest(stream, lambda: hashlib.blake2b(digest_size=16)).hexdigest()


def _write_note(note: Path, name: str) -> None:
    """Note that this install's model is the copy ``name`` (atomically; skipped if it cannot be
    written), then remove the oldest notes."""
    try:
        note.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="ascii", dir=note.parent, prefix=".tmp-", delete=False
        ) as stream:
            stream.write(name + "\n")
        os.replace(stream.name, note)
    except OSError:
        return
    _prune_notes(note.parent)


def _prune_notes(installs: Path) -> None:
    """Remove all but the newest :data:`_INSTALLS_KEPT` notes."""
    notes = _oldest_first(installs)
    if notes is not None:
        _remove(notes[:-_INSTALLS_KEPT], installs)


def most_likely(identifier: Any, text: str, candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` in ``identifier.rank(text)``, scoring only their columns.

    The same answer as walking py3langid's ranking of all its languages, for a fraction of the
    work: the rows of the features ``text`` has are read for the candidates' columns alone (a
    few of the model's 142), and nothing is sorted. A label with several columns scores its
    best one, as py3langid merges them; ties go to the label py3langid lists first, as its
    stable sort does; a text with no feature scores every language alike.
    """
    import numpy as np
    from py3langid.langid import visit_counts

    columns, wanted, priors = _columns(identifier, candidates)
    if not columns:
        return None
    encoded = identifier._encode(text)
    visits = visit_counts(
        identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, encoded
    )
    if not visits:
        return columns[0][1]
    indices = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
    counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
    scores = (np.log1p(counts) @ identifier.nb_ptc[np.ix_(indices, wanted)] + priors).tolist()
    best: dict[str, tuple[float, int]] = {}
    for (column, label), score in zip(columns, scores, strict=True):
        first = best.get(label)
        best[label] = (score, column) if first is None else (max(first[0], score), first[1])
    return max(best, key=lambda label: (best[label][0], -best[label][1]))


def _columns(
    identifier: Any, candidates: tuple[str, ...]
) -> tuple[list[tuple[int, str]], Any, Any]:
    """(column, label) of every column of the model whose label is one of ``candidates``; those
    columns as an index array, and their prior scores. Kept per identifier and candidates: C036
    asks about the same few sets of candidates for every text."""
    key = (id(identifier), candidates)
    known = _COLUMNS.get(key)
    if known is not None and known[0] is identifier:
        return known[1]
    import numpy as np

    wanted = set(candidates)
    columns = [(i, label) for i, label in enumerate(identifier.nb_classes) if label in wanted]
    indices = np.fromiter((column for column, _ in columns), dtype=np.intp, count=len(columns))
    found = columns, indices, identifier.nb_pc[indices]
    _COLUMNS[key] = (identifier, found)
    return found


_COLUMNS: dict[tuple[int, tuple[str, ...]], tuple[Any, tuple[list[tuple[int, str]], Any, Any]]] = {}


def _store(folder: Path, *model: Any) -> None:
    """Write the model's arrays into ``folder`` (atomically: a folder renamed into place; any
    failure leaves none), then remove the older copies."""
    import numpy as np

    ptc, pc, classes, nextmove, row, output = model
    unsigned = {"H": np.uint16, "I": np.uint32, "L": np.uint64}
    arrays = {
        "ptc": np.asarray(ptc),
        "pc": np.asarray(pc),
        "classes": np.array(classes),
        "nextmove": np.frombuffer(nextmove, dtype=unsigned[nextmove.typecode]),
        "row": np.frombuffer(row, dtype=unsigned[row.typecode]),
        "output": np.asarray(output, dtype=np.int32),
    }
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".tmp-"))
    except OSError:
        return  # no cache: the next run decompresses again
    try:
        for name, values in arrays.items():
            np.save(temporary / f"{name}.npy", values, allow_pickle=False)
        os.rename(temporary, folder)  # fails if another run put its copy there first: fine
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)
        return
    _prune(folder.parent)


def _prune(cache: Path) -> None:
    """Remove all but the newest :data:`_KEPT` copies of the model, and what earlier versions of
    locpipe kept: ``.npz`` files (68 MB each) and copies named after an install, not a digest."""
    copies = _oldest_first(cache)
    if copies is None:
        return
    folders = [path for path in copies if path.is_dir() and _COPY_NAME.fullmatch(path.name)]
    earlier = [path for path in copies if not _COPY_NAME.fullmatch(path.name)]
    _remove(earlier + folders[:-_KEPT], cache)


def _oldest_first(folder: Path) -> list[Path] | None:
    """The copies (or notes) in ``folder``, oldest first; None if it cannot be listed."""
    try:
        return sorted(folder.glob(f"{_PREFIX}*"), key=lambda path: path.stat().st_mtime_ns)
    except OSError:
        return None


def _remove(paths: list[Path], folder: Path) -> None:
    """Remove ``paths``, and what a run killed while writing left in ``folder`` (a temporary
    folder or file): gone once it is an hour old."""
    stale = [path for path in folder.glob(".tmp-*") if _age(path) > 3600]
    for old in paths + stale:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0
