"""What changed since the last build: a hash of every page's inputs, kept in
``build/.locpipe-manifest.json``; a page whose hash is unchanged is not made again."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from pathlib import Path
from typing import Any

from locpipe.config import Config
from locpipe.registry import REGISTRY_NAME
from locpipe.ui import UI_DOMAIN, template_files
from locpipe.version import __version__

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
    return hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-"


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
    for name in RENDERING_DISTRIBUTIONS:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} -")
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
