"""py3langid's language model, kept decompressed in the user's cache so that loading it is cheap.

The model ships inside py3langid as an LZMA-compressed ``.npz``; decompressing it costs about half
a second of CPU, more than the rest of ``locpipe check``. The first run writes its arrays
uncompressed, one ``.npy`` file each, into a folder of ``$LOCPIPE_CACHE`` (default
``$XDG_CACHE_HOME/locpipe``, else ``~/.cache/locpipe``) named after py3langid's version and the
model file's size and mtime, so an upgrade never reads an old copy. Later runs map those files
into memory: nothing is read or copied until the scoring touches it (a caveat touches a few
hundred of the 100,000 feature rows), so loading costs a few milliseconds instead of reading
68 MB. Older copies (another py3langid install) are removed, all but the newest few. A cache
that cannot be written or read is skipped: the model is then loaded from py3langid as before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from locpipe.version import distribution_version

_ARRAYS = ("ptc", "pc", "classes", "nextmove", "row", "output")
_PREFIX = "py3langid-"
_KEPT = 3
"""Copies kept in the cache: the newest ones (two installs of py3langid may take turns)."""


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
    stat = source.stat()
    cached = (
        cache_dir()
        / f"{_PREFIX}{distribution_version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}"
    )
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
    return LanguageIdentifier(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=False, tk_row=row
    )


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
    """Remove all but the newest :data:`_KEPT` copies of the model (and the ``.npz`` files
    earlier versions of locpipe wrote, 68 MB each)."""
    try:
        copies = sorted(cache.glob(f"{_PREFIX}*"), key=lambda path: path.stat().st_mtime_ns)
    except OSError:
        return
    folders = [path for path in copies if path.is_dir()]
    # A run killed while writing leaves its temporary folder: gone once it is an hour old.
    stale = [path for path in cache.glob(".tmp-*") if _age(path) > 3600]
    for old in [path for path in copies if path.suffix == ".npz"] + folders[:-_KEPT] + stale:
        if old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0
