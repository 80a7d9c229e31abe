"""The catalog lifecycle on a project's files: extract, init, update, compile, stats.

Each command reads and validates everything it needs before it writes anything, and writes
every file atomically, so bad input or an interrupt never leaves a half-written catalog.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import polib

from locpipe import catalog as catalogs
from locpipe.config import UI_DOMAIN, Config, normalize_locale, template_files
from locpipe.errors import CatalogError, ConfigError
from locpipe.fsio import (
    StagedWrites,
    Unwritten,
    read_bytes,
    read_source,
    remove_temporaries,
    staged_writes,
    write_atomic,
    write_if_changed,
)
from locpipe.locales import PSEUDO_LOCALE
from locpipe.model import Message
from locpipe.plurals import catalog_plural_forms
from locpipe.pofile import PoFile, encode_po, format_po, parse_po
from locpipe.pseudo import pseudo_catalog
from locpipe.segment import Document, parse_document
from locpipe.ui import ui_template


def timestamp() -> str:
    """Now, as gettext headers write it; ``SOURCE_DATE_EPOCH`` wins for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    else:
        moment = dt.datetime.now(tz=dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M+0000")


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a command did to one file, for the report."""

    path: str
    action: str


def source_messages(config: Config, document: str) -> list[Message]:
    return parse_source(config, document).messages


def parse_source(config: Config, name: str, *, inline: bool = False) -> Document:
    """The source document ``name``, read and parsed (``inline``: its pages will be rendered,
    so every unit's inline content is parsed now)."""
    path = config.source_path(name)
    shown = config.relative(path)
    return parse_document(
        read_source(path, shown_as=shown), path=shown, flavor=config.flavor, inline=inline
    )


def domains(config: Config) -> list[str]:
    """Every gettext domain of the project: one per source document, and ``ui``."""
    documents = config.documents()
    if UI_DOMAIN in documents:
        raise ConfigError(
            f"a source document may not be named {UI_DOMAIN!r}: that domain holds the page "
            "templates' strings",
            path=config.relative(config.source_path(UI_DOMAIN)),
        )
    return [*documents, UI_DOMAIN]


def current_template(config: Config, document: str) -> PoFile:
    """The template the source document (or the templates, for ``ui``) gives now."""
    if document == UI_DOMAIN:
        template = ui_template(template_files(config.root / "templates"), creation_date=timestamp())
    else:
        template = catalogs.build_template(
            source_messages(config, document), domain=document, creation_date=timestamp()
        )
    existing = config.template_path(document)
    if existing.is_file():
        try:
            on_disk = parse_po(existing.read_bytes(), path=config.relative(existing))
        except CatalogError:
            return template  # a broken template is regenerated, never trusted
        if catalogs.same_template(on_disk, template):
            return on_disk  # keep its date: no churn when the content did not change
    return template


def read_catalog(config: Config, locale: str, document: str, path: Path | None = None) -> PoFile:
    """The catalog of ``document`` in ``locale`` (at ``path``, when already found)."""
    path = path or config.catalog_path(locale, document)
    shown = config.relative(path)
    if not path.exists():
        # A document added since the locale was created: say how to get its catalog.
        raise CatalogError("catalog not found; run `locpipe update` to create it", path=shown)
    catalog = parse_po(read_bytes(path, shown_as=shown, error=CatalogError), path=shown)
    catalog_plural_forms(catalog, locale, path=shown)  # a rule that contradicts it is an error
    return catalog


def extract_templates(config: Config) -> list[Outcome]:
    """Write ``locales/<doc>.pot`` for every source document."""
    templates = {
        config.template_path(doc): current_template(config, doc) for doc in domains(config)
    }
    encoded = {path: _encoded(config, path, po) for path, po in templates.items()}
    return [_write(config, path, data) for path, data in encoded.items()]


def init_locale(config: Config, locale: str) -> list[Outcome]:
    """Create the catalogs of a new locale; an existing catalog is never overwritten."""
    locale = normalize_locale(locale)
    if locale == config.source_locale:
        raise ConfigError(
            f"{locale} is the source locale: its text is source/, not a catalog "
            "(set source-locale in [tool.locpipe] if the sources are in another language)"
        )
    existing: list[Outcome] = []
    planned: list[tuple[Path, bytes]] = []
    for document in domains(config):
        path = config.catalog_path(locale, document)
        if path.exists():
            existing.append(Outcome(config.relative(path), "exists, left as it is"))
            continue
        catalog = catalogs.new_catalog(
            current_template(config, document), locale, revision_date=timestamp(), domain=document
        )
        planned.append((path, _encoded(config, path, catalog)))
    # Every document was read without error: only now touch the disk.
    for path, data in planned:
        write_atomic(path, data, shown_as=config.relative(path))
    return existing + [Outcome(config.relative(path), "created") for path, _ in planned]


def update_catalogs(
    config: Config, locales: list[str] | None = None, *, check: bool = False
) -> list[Outcome]:
    """Refresh the templates and merge them into every catalog of every locale.

    One document at a time (its template, then its catalogs), each file staged beside its
    target as soon as it is merged: memory follows the largest document. Nothing is replaced
    until every file is ready (see :func:`locpipe.fsio.staged_writes`). ``check``: write
    nothing, only say which files an update would change (``locpipe update --check``).
    """
    locales = locales or config.locales_present()
    documents = domains(config)
    if check:
        return _update(config, locales, documents, Unwritten())
    _remove_temporaries(config, locales, documents)
    with staged_writes() as staged:
        return _update(config, locales, documents, staged)


def _update(
    config: Config, locales: list[str], documents: list[str], staged: StagedWrites
) -> list[Outcome]:
    outcomes: dict[tuple[str, str], Outcome] = {}
    for document in documents:
        template = current_template(config, document)
        path = config.template_path(document)
        outcomes[("", document)] = _stage(config, staged, path, template)
        for locale in locales:
            path = config.catalog_path(locale, document)
            if path.exists():
                merged = catalogs.merge(read_catalog(config, locale, document), template)
            else:
                merged = catalogs.new_catalog(
                    template, locale, revision_date=timestamp(), domain=document
                )
            outcomes[(locale, document)] = _stage(config, staged, path, merged)
    # Reported as before: the templates, then each locale's catalogs.
    order = [("", name) for name in documents]
    order += [(locale, name) for locale in locales for name in documents]
    return [outcomes[key] for key in order]


def _remove_temporaries(config: Config, locales: list[str], documents: list[str]) -> None:
    """Remove the temporary files an earlier, killed ``update`` left beside the catalogs
    (the caller holds the project lock: no other run is writing them)."""
    folders: dict[Path, list[str]] = {}
    for name in documents:
        paths = [config.template_path(name)] + [config.catalog_path(code, name) for code in locales]
        for path in paths:
            folders.setdefault(path.parent, []).append(path.name)
    for folder, names in folders.items():
        remove_temporaries(folder, names)


def _stage(config: Config, staged: StagedWrites, path: Path, po: PoFile) -> Outcome:
    changed = staged.write_if_changed(
        path, _encoded(config, path, po), shown_as=config.relative(path)
    )
    return Outcome(config.relative(path), "written" if changed else "unchanged")


def compile_catalogs(config: Config, locales: list[str] | None = None) -> list[Outcome]:
    """Write a ``.mo`` beside every catalog (fuzzy and untranslated entries left out)."""
    planned = []
    for locale in locales or config.locales_present():
        for document in domains(config):
            catalog = read_catalog(config, locale, document)
            shown = config.relative(config.catalog_path(locale, document))
            _check_plurals(catalog, locale, shown)
            catalogs.check_translations(catalog, path=shown)
            mo_path = config.catalog_path(locale, document).with_suffix(".mo")
            planned.append((mo_path, _mo_bytes(catalog, shown)))
    # Every catalog passed its checks: only now write the .mo files.
    outcomes = []
    for mo_path, data in planned:
        changed = write_if_changed(mo_path, data, shown_as=config.relative(mo_path))
        outcomes.append(Outcome(config.relative(mo_path), "compiled" if changed else "unchanged"))
    return outcomes


def _check_plurals(catalog: PoFile, locale: str, path: str) -> None:
    """Every plural entry has exactly the forms the catalog's own Plural-Forms declares."""
    expected = catalog_plural_forms(catalog, locale, path=path).count
    for entry in catalog.entries:
        live_plural = entry.msgid_plural is not None and not entry.obsolete
        if live_plural and len(entry.msgstr_plural) != expected:
            raise CatalogError(
                f"{len(entry.msgstr_plural)} plural forms where the catalog's Plural-Forms "
                f"declares {expected}",
                path=path,
                line=entry.line,
            )


def _mo_bytes(catalog: PoFile, shown: str) -> bytes:
    # polib writes the .mo (its binary writer is well tested); fuzzy entries are left out.
    try:
        compiled: bytes = polib.pofile(format_po(catalog)).to_binary()
        return compiled
    except (OSError, ValueError, LookupError) as error:  # polib reports its errors as IOError
        raise CatalogError(f"cannot compile: {error}", path=shown) from error


def catalog_stats(
    config: Config, locales: list[str] | None = None
) -> list[tuple[str, str, catalogs.Stats | CatalogError]]:
    """(locale, document, stats) for every catalog; a catalog that cannot be read gives its
    error in place of its stats, and the others are still counted."""
    rows: list[tuple[str, str, catalogs.Stats | CatalogError]] = []
    for locale in locales or config.locales_present():
        for document in domains(config):
            try:
                found: catalogs.Stats | CatalogError = catalogs.stats(
                    read_catalog(config, locale, document)
                )
            except CatalogError as error:
                found = error
            rows.append((locale, document, found))
    return rows


def _encoded(config: Config, path: Path, po: PoFile) -> bytes:
    """``po`` in its charset; a catalog a translator converted to a legacy charset may not hold
    the new source text, and the error must say which file that is."""
    try:
        return encode_po(po)
    except CatalogError as error:
        raise CatalogError(
            f"{error.message}; convert the catalog to UTF-8 (msgconv --to-code=UTF-8)",
            path=config.relative(path),
        ) from error


def _write(config: Config, path: Path, data: bytes) -> Outcome:
    changed = write_if_changed(path, data, shown_as=config.relative(path))
    return Outcome(config.relative(path), "written" if changed else "unchanged")


def pseudo_locale(config: Config, locale: str = PSEUDO_LOCALE) -> list[Outcome]:
    """Write the pseudo-translation of every domain (rewritten each time: it is generated)."""
    locale = normalize_locale(locale)
    if locale != PSEUDO_LOCALE:
        raise ConfigError(f"{locale} is a real locale; the pseudo-locale is {PSEUDO_LOCALE}")
    planned = []
    for domain in domains(config):
        path = config.catalog_path(locale, domain)
        catalog = pseudo_catalog(current_template(config, domain), flavor=config.flavor)
        planned.append((path, _encoded(config, path, catalog)))
    return [_write(config, path, data) for path, data in planned]
