"""The build: gate every locale, then write the pages of the locales that passed, atomically.

``build/<locale>/<doc>.md`` and ``.html`` per published locale, the source under ``build/en/``,
and ``build/index.html``. The whole tree is written to a temporary folder and swapped into place,
so an error or an interrupt leaves the previous build as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date

from locpipe import gate
from locpipe.catalog import plural_forms, stats
from locpipe.config import Config
from locpipe.errors import ConfigError
from locpipe.fsio import read_source
from locpipe.gate import CaveatSite, Finding, Report
from locpipe.pofile import PoFile
from locpipe.project import read_catalog
from locpipe.render import (
    LocalizedDocument,
    localize_with,
    plain_text,
    render_body,
    translations_of,
)
from locpipe.segment import Document, parse_document
from locpipe.ui import UI_DOMAIN, CatalogTranslations

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass(slots=True)
class Page:
    document: str
    markdown: str
    html: str
    fallbacks: list[str] = field(default_factory=list)


@dataclass(slots=True)
class LocaleBuild:
    locale: str
    pages: list[Page] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    percent: float = 100.0
    translated: int = 0
    total: int = 0
    caveats: str = ""


@dataclass(slots=True)
class Sources:
    """Every source document parsed once, its caveats, and the registry."""

    documents: dict[str, Document]
    sites: dict[str, list[CaveatSite]]
    registry: dict


def load_sources(config: Config) -> Sources:
    documents = {}
    for name in config.documents():
        path = config.source_path(name)
        shown = config.relative(path)
        documents[name] = parse_document(
            read_source(path, shown_as=shown),
            path=shown,
            flavor=config.flavor,  # type: ignore[arg-type]
        )
    sites = {name: gate.caveat_sites(doc.messages) for name, doc in documents.items()}
    registry = gate.check_registry(config, sites)
    return Sources(documents, sites, registry)


def _environment(config: Config) -> jinja2.Environment:
    # A project may override the templates by putting its own in templates/ at its root.
    loaders: list[jinja2.BaseLoader] = []
    if (config.root / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(config.root / "templates"))
    loaders.append(jinja2.PackageLoader("locpipe", "templates"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )


def _install_ui_translations(env: jinja2.Environment, config: Config, locale: str) -> None:
    """Make the templates speak ``locale`` (the ``ui`` domain; English where it has no entry)."""
    catalog = None
    if locale != config.source_locale:
        catalog = _catalog_or_none(config, locale, UI_DOMAIN)
    _, expression = plural_forms(locale)
    env.install_gettext_translations(  # type: ignore[attr-defined]
        CatalogTranslations(catalog, expression), newstyle=True
    )


def _render_template(env: jinja2.Environment, name: str, **context: object) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise ConfigError(
            f"template error: {error.message}", path=error.filename or name, line=error.lineno
        ) from error
    except (jinja2.TemplateError, KeyError, ValueError, TypeError) as error:
        raise ConfigError(f"template error: {error!r}", path=name) from error


def _catalog_or_none(config: Config, locale: str, document: str) -> PoFile | None:
    if not config.catalog_path(locale, document).exists():
        return None
    return read_catalog(config, locale, document)


def build_locale(
    config: Config, sources: Sources, locale: str, published: list[str], env: jinja2.Environment
) -> LocaleBuild:
    """Localize, render and gate every document of one locale (nothing is written here)."""
    result = LocaleBuild(locale)
    _install_ui_translations(env, config, locale)
    translated = total = caveats_ok = caveats_total = 0
    for name, document in sources.documents.items():
        catalog = _catalog_or_none(config, locale, name) if locale != config.source_locale else None
        catalog_path = config.relative(config.catalog_path(locale, name))
        if locale == config.source_locale:
            localized = LocalizedDocument(source=document, markdown=document.source)
        else:
            localized = localize_with(document, translations_of(catalog))
        page_html = _page(env, config, localized, locale, name, published)
        page_path = f"{config.relative(config.build)}/{locale}/{name}.html"
        if locale != config.source_locale:
            sites = sources.sites[name]
            result.findings += gate.check_catalog(
                locale, sites, catalog, catalog_path, sources.registry
            )
            result.findings += gate.check_page(locale, sites, localized, page_html, page_path)
            if catalog is not None:
                counts = stats(catalog)
                translated, total = translated + counts.translated, total + counts.total
                caveats_ok += counts.caveats_translated
                caveats_total += counts.caveats
            else:
                total += len(document.messages)
                caveats_total += sum(len(s.messages) for s in sources.sites[name])
        result.pages.append(
            Page(name, localized.markdown, page_html, [m.location for m in localized.fallbacks])
        )
    if locale == config.source_locale:
        total = translated = sum(len(doc.messages) for doc in sources.documents.values())
    result.translated, result.total = translated, total
    result.percent = 100.0 * translated / total if total else 100.0
    result.caveats = f"{caveats_ok}/{caveats_total}"
    return result


def _direction(locale: str) -> str:
    if locale == "en_XA":
        return "ltr"
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def _hreflang(locale: str) -> str:
    return locale.replace("_", "-")


def native_name(locale: str) -> str:
    if locale == "en_XA":
        return "Pseudo-English"
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def _updated(document: Document) -> dt.date:
    match = re.search(r"^updated:\s*(\d{4}-\d{2}-\d{2})\s*$", document.source[:2000], re.MULTILINE)
    if match:
        return dt.date.fromisoformat(match.group(1))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date(2026, 1, 1)


def _page(
    env: jinja2.Environment,
    config: Config,
    localized: LocalizedDocument,
    locale: str,
    name: str,
    published: list[str],
) -> str:
    body = render_body(
        localized, source_language=_hreflang(config.source_locale), rtl=_direction(locale) == "rtl"
    )
    messages = localized.source.messages
    title = next((m for m in messages if m.comments[:1] == ("heading level 1",)), None)
    description = next((m for m in messages if m.comments[:1] == ("paragraph",)), None)
    page = parse_document(
        localized.markdown, path=localized.source.path, flavor=localized.source.flavor
    )
    texts = [plain_text(unit.message.msgid) for unit in page.units]
    by_msgid = dict(zip((u.message.msgid for u in localized.source.units), texts, strict=False))
    depth = "../" * (name.count("/") + 1)
    alternates = [
        {
            "hreflang": _hreflang(other),
            "href": f"{depth}{other}/{name}.html",
            "dir": _direction(other),
            "name": native_name(other),
            "current": other == locale,
        }
        for other in published
        # The pseudo-locale is for layout tests: never offered to readers of a real language.
        if other != "en_XA" or locale == "en_XA"
    ]
    updated = _updated(localized.source)
    babel_locale = "en" if locale == "en_XA" else locale
    return _render_template(
        env,
        "page.html",
        lang=_hreflang(locale),
        dir=_direction(locale),
        title=by_msgid.get(title.msgid, title.msgid) if title else name,
        description=_summary(by_msgid.get(description.msgid, "") if description else ""),
        alternates=alternates,
        default_href=f"{depth}{config.source_locale}/{name}.html",
        body=jinja2.filters.Markup(body),
        fallbacks=len(localized.fallbacks),
        total=len(messages),
        translated=len(messages) - len(localized.fallbacks),
        updated=format_date(updated, format="long", locale=babel_locale),
        updated_iso=updated.isoformat(),
    )


def _summary(text: str, limit: int = 200) -> str:
    """``text`` cut at a word boundary to fit a meta description, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "…"


def check_project(config: Config, locales: list[str] | None = None) -> Report:
    """Run the gate on every target locale, without writing anything."""
    sources = load_sources(config)
    targets = locales or config.locales_present()
    gate.check_terms_registered(sources.registry, targets, config)
    env = _environment(config)
    report = Report()
    for locale in targets:
        built = build_locale(config, sources, locale, [config.source_locale, *targets], env)
        report.checked[locale] = [site.id for sites in sources.sites.values() for site in sites]
        report.findings += built.findings
    return report


def build_command(
    config: Config,
    locales: list[str] | None,
    *,
    quiet: bool = False,
    verbose: bool = False,
    jobs: int | None = None,
) -> int:
    """``locpipe build``: gate, then write every passing locale; 1 if any locale failed."""
    sources = load_sources(config)
    targets = locales or config.locales_present()
    gate.check_terms_registered(sources.registry, targets, config)
    env = _environment(config)
    progress = not quiet and (verbose or sys.stderr.isatty())
    results: dict[str, LocaleBuild] = {}
    published = [config.source_locale, *targets]
    for locale in [config.source_locale, *targets]:
        if progress:
            print(f"building {locale} ({len(sources.documents)} document(s))", file=sys.stderr)
        results[locale] = build_locale(config, sources, locale, published, env)
    failed = {locale: r for locale, r in results.items() if r.findings}
    if failed:
        # A failing locale is not linked from the pages of the others.
        published = [locale for locale in published if locale not in failed]
        results = {
            locale: build_locale(config, sources, locale, published, env)
            if locale not in failed
            else r
            for locale, r in results.items()
        }
    _write_build(config, env, results, failed, rebuild_only=locales)
    for locale, result in failed.items():
        for finding in result.findings:
            print(finding, file=sys.stderr)
        caveats = gate.failing_checks(result.findings)
        print(
            f"error: {locale} not published: caveat(s) failing: {', '.join(caveats)}",
            file=sys.stderr,
        )
    if not quiet:
        built = [locale for locale in results if locale not in failed]
        print(
            f"built {len(built)} locale(s) into {config.relative(config.build)}/: {', '.join(built)}",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def _write_build(
    config: Config,
    env: jinja2.Environment,
    results: dict[str, LocaleBuild],
    failed: dict[str, LocaleBuild],
    *,
    rebuild_only: list[str] | None,
) -> None:
    build = config.build
    build.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{build.name}-new-", dir=build.parent))
    try:
        if rebuild_only and build.is_dir():
            # Per-locale builds: keep the other locales' pages as they are.
            shutil.copytree(build, staging, dirs_exist_ok=True)
            for locale in rebuild_only:
                shutil.rmtree(staging / locale, ignore_errors=True)
        for locale, result in results.items():
            folder = staging / locale
            shutil.rmtree(folder, ignore_errors=True)
            if locale in failed:
                continue  # no pages, and none left from an earlier build
            for page in result.pages:
                target = folder / f"{page.document}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(page.markdown, encoding="utf-8")
                target.with_suffix(".html").write_text(page.html, encoding="utf-8")
            missing = {page.document: page.fallbacks for page in result.pages if page.fallbacks}
            (folder / "missing.json").write_text(
                json.dumps(missing, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        _write_index(staging, env, config, results, failed)
        _swap(staging, build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_index(
    staging: Path,
    env: jinja2.Environment,
    config: Config,
    results: dict[str, LocaleBuild],
    failed: dict[str, LocaleBuild],
) -> None:
    first = next(iter(next(iter(results.values())).pages), None)
    rows = [
        {
            "locale": locale,
            "lang": _hreflang(locale),
            "dir": _direction(locale),
            "name": native_name(locale),
            "href": f"{locale}/{first.document if first else 'index'}.html",
            "percent": round(result.percent),
            "translated": result.translated,
            "total": result.total,
            "caveats": result.caveats or "source",
        }
        for locale, result in results.items()
        if locale not in failed and locale != "en_XA" and (staging / locale).is_dir()
    ]
    failures = [
        {
            "locale": locale,
            "name": native_name(locale),
            "reason": ", ".join(gate.failing_checks(r.findings)),
        }
        for locale, r in failed.items()
    ]
    _install_ui_translations(env, config, config.source_locale)
    index = _render_template(env, "index.html", rows=rows, failed=failures)
    (staging / "index.html").write_text(index, encoding="utf-8")


def _swap(staging: Path, build: Path) -> None:
    """Put the new build in place of the old in two renames; the old one is then removed."""
    old = None
    if build.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{build.name}-old-", dir=build.parent))
        old.rmdir()
        os.replace(build, old)
    try:
        os.replace(staging, build)
    except BaseException:
        if old is not None:
            os.replace(old, build)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
