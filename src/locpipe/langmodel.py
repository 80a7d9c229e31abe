"""py3langid's language model, kept decompressed in the user's cache so that loading it is cheap.

The model ships inside py3langid as an LZMA-compressed ``.npz``; decompressing it costs about half
a second of CPU, more than the rest of ``locpipe check``. The first run writes the same arrays
uncompressed to ``$LOCPIPE_CACHE`` (default ``$XDG_CACHE_HOME/locpipe``, else
``~/.cache/locpipe``), named after py3langid's version and the model file's size and mtime, so
an upgrade never reads an old copy; later runs read that file (tens of milliseconds). A cache
that cannot be written or read is skipped: the model is then loaded from py3langid as before.
"""

from __future__ import annotations

import os
import tempfile
from array import array
from importlib.metadata import version
from pathlib import Path
from typing import Any


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
    cached = cache_dir() / f"py3langid-{version('py3langid')}-{stat.st_size}-{stat.st_mtime_ns}.npz"
    try:
        with np.load(cached, allow_pickle=False) as data:
            ptc, pc, classes = data["ptc"], data["pc"], data["classes"].tolist()
            nextmove, row = _array(data["nextmove"]), _array(data["row"])
            output = data["output"].tolist()
    except (OSError, ValueError, KeyError):
        ptc, pc, classes, nextmove, row, output = load_model(source)
        _store(cached, ptc, pc, classes, nextmove, row, output)
    return LanguageIdentifier(
        np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=False, tk_row=row
    )


def _array(values: Any) -> array[int]:
    """A NumPy vector of unsigned integers as the stdlib array py3langid's DFA walk indexes."""
    found: array[int] = array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize])
    found.frombytes(values.tobytes())
    return found


def _store(path: Path, *model: Any) -> None:
    """Write the model's arrays to ``path`` (atomically; any failure leaves no file)."""
    import numpy as np

    ptc, pc, classes, nextmove, row, output = model
    unsigned = {"H": np.uint16, "I": np.uint32, "L": np.uint64}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except OSError:
        return  # no cache: the next run decompresses again
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(
                file,
                ptc=np.asarray(ptc),
                pc=np.asarray(pc),
                classes=np.array(classes),
                nextmove=np.frombuffer(nextmove, dtype=unsigned[nextmove.typecode]),
                row=np.frombuffer(row, dtype=unsigned[row.typecode]),
                output=np.asarray(output, dtype=np.int32),
            )
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
