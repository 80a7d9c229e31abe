"""py3langid's language model, kept decompressed in the user's cache, read without numpy.

The model ships inside py3langid as an LZMA-compressed ``.npz``; decompressing it costs about half
a second of CPU, more than the rest of ``locpipe check``. The first run writes its arrays
uncompressed, one ``.npy`` file each, into a folder of ``$LOCPIPE_CACHE`` (default
``$XDG_CACHE_HOME/locpipe``, else ``~/.cache/locpipe``) named after py3langid's version and a
digest of the model file, so an upgrade never reads an old copy and every environment with the
same model (a venv per nox session, a quickstart, a developer's own) shares one copy. Hashing the
4.5 MB file costs 10-15 ms, so each install's file, known by its size and time, is noted under
``installs/`` with the digest it has: later runs read that note instead. They then map the
files into memory: nothing is read or copied until the scoring touches it (a caveat touches a
few hundred of the 100,000 feature rows), so loading costs a few milliseconds instead of reading
68 MB. Copies of other models are removed, all but the newest few; a copy that cannot be read
(cut short, say) is written again. A cache that cannot be written is skipped: the model is then
decompressed by every run.

Only a run that decompresses imports numpy (py3langid's reader of its own file needs it). Every
other run reads the ``.npy`` files with the standard library and scores a text in plain Python
(:class:`Model`, :func:`most_likely`): importing numpy alone costs more CPU (70 ms) than scoring
the few dozen caveat translations of a project, and a command that judges caveats would pay it
every time.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import math
import mmap
import os
import re
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from locpipe.version import distribution_version

#: The model's arrays, each a file of the copy, and the type of their elements.
_ARRAYS = {
    "ptc": "f2",
    "pc": "f4",
    "classes": r"U\d+",
    "nextmove": "u[24]",
    "row": "u[24]",
    "output": "i4",
}
_PREFIX = "py3langid-"
_KEPT = 3
"""Copies kept in the cache: the newest ones (two versions of py3langid may take turns)."""
_INSTALLS = "installs"
_INSTALLS_KEPT = 32
"""Notes kept of installs' digests: the newest ones (an install without one hashes its file)."""
_COPY_NAME = re.compile(rf"{_PREFIX}[^/\\\0]+-[0-9a-f]{{32}}")
"""A copy's folder name (a note names one: never a path, which could lead out of the cache)."""


@dataclass(frozen=True, slots=True, eq=False)
class Model:
    """py3langid's naive Bayes model, as :func:`most_likely` reads it.

    A text's features are counted by walking its UTF-8 bytes through an automaton: each state
    has a row of 256 next states in ``moves`` (states share rows), starting at ``rows[state]``,
    and counts the feature ``features[state]`` if that is not -1. A language's score is its
    prior plus, for every feature, ``log1p(count)`` times the feature's weight for it.
    Compared and hashed by identity (``eq=False``): caches keyed by a model hash nothing big.
    """

    classes: tuple[str, ...]
    """The model's columns: a language code each (a language may have several columns)."""
    labels: frozenset[str]
    priors: tuple[float, ...]
    """Per column: its prior score."""
    weights: memoryview
    """Per feature, a row of half-precision floats (native byte order), one per column; read
    as bytes (a memoryview cannot read half floats: :func:`_columns` makes a ``struct`` that
    does)."""
    moves: memoryview
    """Rows of 256 states: the state after each byte."""
    rows: list[int]
    """Per state: where its row starts in ``moves``."""
    features: list[int]
    """Per state: the feature it counts, or -1."""


def model_of(
    weights: Any,
    priors: Iterable[float],
    classes: Iterable[str],
    moves: Any,
    rows: Iterable[int],
    features: Iterable[int],
) -> Model:
    """A :class:`Model` of py3langid's arrays: ``weights`` a C-ordered buffer of half floats in
    native order (features x columns), ``moves`` a buffer of unsigned integers, ``rows`` each
    state's row of ``moves`` (a row number, not yet times 256)."""
    names = tuple(classes)
    return Model(
        classes=names,
        labels=frozenset(names),
        priors=tuple(float(prior) for prior in priors),
        weights=memoryview(weights).cast("B"),
        moves=memoryview(moves),
        rows=[row << 8 for row in rows],
        features=list(features),
    )


def cache_dir() -> Path:
    """Where the decompressed model is kept."""
    explicit = os.environ.get("LOCPIPE_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "locpipe"


def load_model() -> Model:
    """py3langid's shipped model: mapped from the cache, or decompressed (and stored there)."""
    source = model_file()
    version = distribution_version("py3langid")
    cache = cache_dir()
    note = _install_note(cache, source, version)
    noted = _noted_copy(note)
    cached = noted or cache / f"{_PREFIX}{version}-{_digest(source)}"
    try:
        model = _mapped_model(cached)
    except (OSError, ValueError, SyntaxError, TypeError):
        model = _decompressed_model(source, cached)
    if cached != noted:
        _write_note(note, cached.name)
    return model


def model_file() -> Path:
    """py3langid's model file, found without importing py3langid (which imports numpy)."""
    spec = importlib.util.find_spec("py3langid")
    if spec is not None and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            shipped = Path(folder) / "data" / "model.npz.xz"
            if shipped.is_file():
                return shipped
    from py3langid.langid import MODEL_DIR, MODEL_FILE  # type: ignore[import-untyped]

    return Path(MODEL_DIR, MODEL_FILE)


def _decompressed_model(source: Path, cached: Path) -> Model:
    """The model decompressed by py3langid, stored in the cache for the next runs (in place of
    a copy that could not be read, if there is one)."""
    import numpy as np
    from py3langid.modelio import load_model as read_shipped  # type: ignore[import-untyped]

    ptc, pc, classes, nextmove, row, output = read_shipped(source)
    shutil.rmtree(cached, ignore_errors=True)
    _store(cached, ptc, pc, classes, nextmove, row, output)
    return model_of(np.ascontiguousarray(ptc), pc.tolist(), classes, nextmove, row, output)


def _mapped_model(folder: Path) -> Model:
    """The model stored in ``folder``, mapped into memory.

    :raises OSError, ValueError: a file is missing or unreadable, or is not the array it should
        be (another type, byte order or size).
    """
    ptc, pc, classes, nextmove, row, output = (
        _npy(folder / f"{name}.npy", kind) for name, kind in _ARRAYS.items()
    )
    names, priors = classes.strings(), pc.values()
    moves, starts, found = nextmove.values(), row.values(), output.values()
    if (
        len(ptc.shape) != 2
        or not ptc.shape[1] == len(names) == len(priors)
        or len(moves) % 256
        or len(starts) != len(found)
    ):
        raise ValueError(f"{folder}: its arrays do not make one model")
    return model_of(ptc.data, priors.tolist(), names, moves, starts.tolist(), found.tolist())


@dataclass(frozen=True, slots=True)
class _Npy:
    """One ``.npy`` file, mapped: its element type, shape and raw bytes."""

    kind: str
    """The element type, without its byte order: ``"f2"``, ``"u4"``, ``"U7"``, ..."""
    shape: tuple[int, ...]
    data: memoryview

    def values(self) -> memoryview:
        """The elements of an array of numbers (not half floats: a memoryview cannot read them)."""
        return self.data.cast(_NUMBERS[self.kind])  # type: ignore[call-overload,no-any-return]

    def strings(self) -> tuple[str, ...]:
        """The elements of an array of strings."""
        text = self.data.tobytes().decode(_UTF32)
        size = int(self.kind[1:])
        return tuple(text[at : at + size].rstrip("\0") for at in range(0, len(text), size))


#: Element types of the stored arrays, and how a memoryview reads them.
_NUMBERS = {"f4": "f", "u2": "H", "u4": "I", "i4": "i"}
_NATIVE = "<" if sys.byteorder == "little" else ">"
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_MAGIC = b"\x93NUMPY"


def _npy(path: Path, kind: str) -> _Npy:
    """The array a ``.npy`` file holds (numpy's format, versions 1 to 3), mapped into memory; its
    element type must match the pattern ``kind``.

    :raises OSError, ValueError: the file cannot be read, or is not a C-ordered array of that
        type in this machine's byte order, with as many bytes as its shape says.
    """
    with path.open("rb") as stream:
        mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    if len(view) < 12 or view[:6] != _MAGIC or view[6] not in (1, 2, 3):
        raise ValueError(f"{path}: not a .npy file")
    start = 10 if view[6] == 1 else 12
    end = start + int.from_bytes(view[8:start], "little")
    header = ast.literal_eval(bytes(view[start:end]).decode("latin-1"))
    if not isinstance(header, dict) or header.get("fortran_order") is not False:
        raise ValueError(f"{path}: not a C-ordered array")
    descr, shape = header.get("descr"), header.get("shape")
    if (
        not isinstance(descr, str)
        or descr[:1] not in (_NATIVE, "|")
        or not isinstance(shape, tuple)
    ):
        raise ValueError(f"{path}: not an array in this machine's byte order")
    if not re.fullmatch(kind, descr[1:]):
        raise ValueError(f"{path}: an array of {descr}, not of {kind}")
    item = int(descr[2:]) * (4 if descr[1] == "U" else 1)
    data = view[end:]
    if len(data) != item * math.prod(shape):
        raise ValueError(f"{path}: {len(data)} bytes for {shape} of {descr}")
    return _Npy(descr[1:], shape, data)


def most_likely(model: Model, text: str, candidates: tuple[str, ...]) -> str | None:
    """The first of ``candidates`` in py3langid's ranking of ``text`` by ``model``.

    The same answer as py3langid's ranking of all its languages, for a fraction of the work: the
    rows of the features ``text`` has are read for the candidates' columns alone (a few of the
    model's 142), and nothing is sorted. A label with several columns scores its best one, as
    py3langid merges them; ties go to the label py3langid lists first, as its stable sort does;
    a text with no feature scores every language alike. Scores are summed in double precision
    where py3langid sums in single: the answers agree on every shipped text and on runs of their
    words (tests/test_langmodel.py); only a near tie, within single precision's rounding, could
    go the other way.
    """
    columns, read_row = _columns(model, candidates)
    if not columns:
        return None
    counts = feature_counts(model, text)
    if not counts:
        return columns[0][1]
    best: dict[str, tuple[float, int]] = {}
    for (column, label), score in zip(
        columns, _scores(model, counts, columns, read_row), strict=True
    ):
        first = best.get(label)
        best[label] = (score, column) if first is None else (max(first[0], score), first[1])
    return max(best, key=lambda label: (best[label][0], -best[label][1]))


def feature_counts(model: Model, text: str) -> Counter[int]:
    """How often ``text`` has each of the model's features (py3langid's byte automaton walked
    over the text as py3langid encodes it: lower-cased if all capitals, NFC, UTF-8)."""
    if text.isupper():
        text = text.lower()
    encoded = unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")
    moves, rows, features = model.moves, model.rows, model.features
    state, found = 0, []
    for byte in encoded:
        state = moves[rows[state] + byte]
        feature = features[state]
        if feature >= 0:
            found.append(feature)
    return Counter(found)


_LOG_2 = math.log1p(1)
_RowReader = Callable[[memoryview, int], tuple[Any, ...]]
"""Reads some columns' weights from the row of weights that starts at an offset."""


def _scores(
    model: Model,
    counts: Counter[int],
    columns: Sequence[tuple[int, str]],
    read_row: _RowReader,
) -> list[float]:
    """Each of ``columns``' score for a text of ``counts``: its prior, plus each feature's
    weight in it times ``log1p`` of the feature's count.

    Most features of a caveat occur once: their weights are summed per column (in C) and the
    sum multiplied once; the others are added one by one."""
    weights, width = model.weights, 2 * len(model.classes)
    once = [read_row(weights, feature * width) for feature, count in counts.items() if count == 1]
    scores = [model.priors[column] for column, _ in columns]
    if once:
        scores = [
            prior + _LOG_2 * sum(column)
            for prior, column in zip(scores, zip(*once, strict=True), strict=True)
        ]
    for feature, count in counts.items():
        if count > 1:
            times = math.log1p(count)
            row = read_row(weights, feature * width)
            scores = [score + times * weight for score, weight in zip(scores, row, strict=True)]
    return scores


@functools.cache  # unbounded, as locpipe's caches of what is not a text are
def _columns(model: Model, candidates: tuple[str, ...]) -> tuple[list[tuple[int, str]], _RowReader]:
    """(column, label) of every column of the model whose label is one of ``candidates``, and
    a reader of those columns' weights from a feature's row (a ``struct`` that skips the
    others). Cached per model (hashed by identity) and candidates: C036 asks about the same few
    sets for every text."""
    wanted = set(candidates)
    columns = [(i, label) for i, label in enumerate(model.classes) if label in wanted]
    layout, at = "=", 0
    for column, _ in columns:
        layout += f"{2 * (column - at)}xe"
        at = column + 1
    return columns, struct.Struct(layout).unpack_from


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
