"""What changed since the last build: a hash of every page's inputs, kept in
``build/.locpipe-manifest.json``; a page whose hash is unchanged is not made again."""

from __future__ import annotations

import errno
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from locpipe.config import REGISTRY_NAME, UI_DOMAIN, Config, template_files
from locpipe.fsio import NotARegularFile, read_regular, remove_leftovers
from locpipe.version import __version__, distribution_version

MANIFEST = ".locpipe-manifest.json"
MANIFEST_FORMAT = 3

Fingerprints = dict[tuple[str, str], str]
"""(locale, document) → the hash of everything its page is made from."""


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    """The hash of the file at ``path``; ``b"-"`` where there is none, or no regular file."""
    try:
        return hashlib.sha256(read_regular(path)).digest()
    except NotARegularFile:
        return b"-"
    except OSError as error:
        if error.errno in _NO_FILE:  # what Path.is_file takes for "no file"
            return b"-"
        raise


_NO_FILE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def fingerprints(config: Config, locales: list[str], documents: list[str]) -> Fingerprints:
    """For each (locale, document), a hash of everything its page is made from: if it is
    unchanged, so is the page. Each file is read once."""
    # Not the locales published: every build makes the switchers again (build._relink).
    shared = [_renderer_key(), config.flavor.encode(), config.source_locale.encode()]
    shared += [path.read_bytes() for _, path in template_files(config.root / "templates")]
    shared += [
        _file_digest(config.source / REGISTRY_NAME),
        os.environ.get("SOURCE_DATE_EPOCH", "").encode(),
        # The review rules decide whether a page may be published: their settings count too.
        str(config.require_review).encode(),
        _file_digest(config.allowed_signers) if config.allowed_signers else b"-",
    ]
    common = _digest(*shared).encode()
    sources = {name: _file_digest(config.source_path(name)) for name in documents}
    found = {}
    for locale in locales:
        ui = _file_digest(config.catalog_path(locale, UI_DOMAIN))
        for name in documents:
            catalog = _file_digest(config.catalog_path(locale, name))
            reviews = _file_digest(config.reviews_path(locale, name))
            found[(locale, name)] = _digest(common, sources[name], catalog, ui, reviews)
    return found


#: The distributions whose code decides what a page looks like: a new version of any of them
#: may change every page, so each version is part of every page's hash.
RENDERING_DISTRIBUTIONS = (
    "markdown-it-py",
    "mdit-py-plugins",
    "babel",
    "jinja2",
    "markupsafe",
    "nh3",
    "selectolax",
)


def _renderer_key() -> bytes:
    """locpipe's version and those of :data:`RENDERING_DISTRIBUTIONS`."""
    versions = [f"locpipe {__version__}"]
    versions += [f"{name} {distribution_version(name) or '-'}" for name in RENDERING_DISTRIBUTIONS]
    return "\n".join(versions).encode()


def read_manifest(build: Path) -> dict[str, Any]:
    """The last build's manifest; empty if there is none, or it is from another version."""
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("version") != __version__:
        return {}
    return manifest if manifest.get("format") == MANIFEST_FORMAT else {}


def manifest_text(pages: dict[str, dict[str, Any]], failed: list[str]) -> str:
    """The manifest of a build that made ``pages`` and withheld the ``failed`` locales."""
    manifest = {"version": __version__, "format": MANIFEST_FORMAT, "pages": pages, "failed": failed}
    return json.dumps(manifest, indent=1) + "\n"


def stale_pages(
    build: Path,
    locales: list[str],
    documents: list[str],
    current: Fingerprints,
    previous: dict[str, dict[str, Any]],
) -> dict[str, set[str]]:
    """locale → the documents whose page must be made again (its inputs changed, or it is gone)."""
    return {
        locale: {
            name
            for name in documents
            if previous.get(f"{locale}/{name}", {}).get("hash") != current[(locale, name)]
            or not (build / locale / f"{name}.html").is_file()
        }
        for locale in locales
    }


@dataclass(frozen=True, slots=True)
class Changes:
    """What a build has to make, found with no more than this module loads: a build with
    nothing to do answers before the engine is imported."""

    targets: list[str]
    """The target locales asked for."""
    documents: list[str]
    building: list[str]
    """The locales this run builds: the targets, the source locale first when it is made too."""
    previous: dict[str, dict[str, Any]]
    """The last build's pages, as its manifest keeps them."""
    withheld: bool
    """The last build withheld a locale (its gate is run again, whatever changed)."""
    current: Fingerprints
    stale: dict[str, set[str]]
    """locale → the documents whose page must be made again."""

    @property
    def none(self) -> bool:
        """Nothing changed since the last build, and it published every locale."""
        return not self.withheld and not any(self.stale.values())


def changes(config: Config, locales: list[str] | None) -> Changes:
    """What a build of ``locales`` (None: every target locale; none: the source locale only)
    has to make. It first removes what killed runs left beside ``build/`` (the caller holds
    the project lock), which may put the last build back in place."""
    remove_leftovers(config.build)
    targets = config.locales_present() if locales is None else locales
    documents = config.documents()
    manifest = read_manifest(config.build) if config.build.is_dir() else {}
    building = list(targets)
    if not locales or not (config.build / config.source_locale).is_dir():
        building.insert(0, config.source_locale)
    current = fingerprints(config, building, documents)
    previous: dict[str, dict[str, Any]] = manifest.get("pages", {})
    stale = stale_pages(config.build, building, documents, current, previous)
    withheld = bool(manifest.get("failed"))
    return Changes(targets, documents, building, previous, withheld, current, stale)
