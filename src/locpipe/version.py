"""locpipe's version, in a module of its own: every stage may name it without importing the
package face (which would load the Markdown parser); and the versions of the distributions
locpipe depends on (:func:`distribution_version`)."""

from __future__ import annotations

import os
import re
import sys

__version__ = "0.1.0"


def distribution_version(name: str) -> str | None:
    """The version of the installed distribution ``name`` (as pip names it), None if it is not
    installed: what ``importlib.metadata.version`` says (a version its author wrote in a form
    other than the normalized one, ``1.0-1`` for ``1.0.post1``, is given normalized).

    Read from the name of its ``.dist-info`` folder, as pip and every installer of wheels name
    it (``markdown_it_py-4.3.0.dist-info``), when the first folder of the import path that
    holds its metadata holds one such folder and nothing else of it; anything else (an
    ``.egg-info``, two versions side by side, a zip on the path) is for importlib.metadata to
    read. Importing that module costs a build 20-50 ms (it loads the email and zip packages)
    for the few version numbers a page's hash needs.
    """
    wanted = _normalized(name)
    for entry in sys.path:
        if os.path.isfile(entry):
            break  # a zip file: importlib.metadata looks inside
        # Absolute: "" (the current folder) names another folder once the process moves.
        found = _metadata_folders(os.path.abspath(entry or ".")).get(wanted)
        if found is None:
            continue
        if len(found) == 1 and found[0][1] == ".dist-info":
            return found[0][0].partition("-")[2] or None
        break
    return _metadata_version(name)


def _metadata_folders(folder: str) -> dict[str, list[tuple[str, str]]]:
    """The metadata folders in ``folder`` (name and suffix), by the distribution each is of;
    listed once while the folder is unchanged."""
    try:
        changed = os.stat(folder).st_mtime_ns
    except OSError:
        return {}
    listed = _LISTED.get(folder)
    if listed is not None and listed[0] == changed:
        return listed[1]
    try:
        names = os.listdir(folder)
    except OSError:
        return {}
    folders: dict[str, list[tuple[str, str]]] = {}
    for item in names:
        if item.endswith(_METADATA):
            stem, suffix = os.path.splitext(item)
            folders.setdefault(_normalized(stem.partition("-")[0]), []).append((stem, suffix))
    _LISTED[folder] = (changed, folders)
    return folders


_LISTED: dict[str, tuple[int, dict[str, list[tuple[str, str]]]]] = {}
_METADATA = (".dist-info", ".egg-info")


def _normalized(name: str) -> str:
    """A distribution's name as PEP 503 compares names."""
    return _SEPARATORS.sub("_", name).lower()


_SEPARATORS = re.compile(r"[-_.]+")


def _metadata_version(name: str) -> str | None:
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None
