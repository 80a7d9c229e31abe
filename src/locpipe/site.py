"""The build: gate every locale, then write the pages of the locales that passed, atomically.

``build/<locale>/<doc>.md`` and ``.html`` per published locale, the source under ``build/en/``,
and ``build/index.html``. The whole tree is written to a temporary folder and swapped into place,
so an error or an interrupt leaves the previous build as it was.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date

from locpipe import __version__, gate
from locpipe.catalog import plural_forms, stats
from locpipe.config import Config
from locpipe.errors import ConfigError
from locpipe.fsio import read_source
from locpipe.gate import CaveatSite, Finding, Report
from locpipe.pofile import PoFile
from locpipe.project import read_catalog
from locpipe.registry import REGISTRY_NAME
from locpipe.render import (
    LocalizedDocument,
    localize_with,
    plain_text,
    render_body,
    translations_of,
)
from locpipe.segment import Document, parse_document
from locpipe.ui import UI_DOMAIN, CatalogTranslations, template_files

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
    config: Config,
    sources: Sources,
    locale: str,
    published: list[str],
    env: jinja2.Environment,
    *,
    only: set[str] | None = None,
) -> LocaleBuild:
    """Localize, render and gate the documents of one locale (nothing is written here).

    ``only``: the documents to render and gate (None: all); the counts cover every document.
    """
    result = LocaleBuild(locale)
    _install_ui_translations(env, config, locale)
    translated = total = caveats_ok = caveats_total = 0
    source_locale = locale == config.source_locale
    for name, document in sources.documents.items():
        catalog = None if source_locale else _catalog_or_none(config, locale, name)
        if catalog is not None:
            counts = stats(catalog)
            translated, total = translated + counts.translated, total + counts.total
            caveats_ok += counts.caveats_translated
            caveats_total += counts.caveats
        else:
            total += len(document.messages)
            translated += len(document.messages) if source_locale else 0
            caveats_total += sum(len(site.messages) for site in sources.sites[name])
        if only is not None and name not in only:
            continue
        if source_locale:
            localized = LocalizedDocument(source=document, markdown=document.source)
        else:
            localized = localize_with(document, translations_of(catalog))
        page_html = _page(env, config, localized, locale, name, published)
        if not source_locale:
            sites = sources.sites[name]
            catalog_path = config.relative(config.catalog_path(locale, name))
            page_path = f"{config.relative(config.build)}/{locale}/{name}.html"
            result.findings += gate.check_catalog(
                locale, sites, catalog, catalog_path, sources.registry
            )
            result.findings += gate.check_page(locale, sites, localized, page_html, page_path)
        result.pages.append(
            Page(name, localized.markdown, page_html, [m.location for m in localized.fallbacks])
        )
    result.translated, result.total = translated, total
    result.percent = 100.0 * translated / total if total else 100.0
    result.caveats = f"{caveats_ok}/{caveats_total}" if not source_locale else "source"
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


MANIFEST = ".locpipe-manifest.json"


def _fingerprint(config: Config, locale: str, document: str, published: list[str]) -> str:
    """A hash of everything a page is made from: if it is unchanged, so is the page."""
    digest = hashlib.sha256()
    parts: list[bytes] = [__version__.encode(), " ".join(published).encode()]
    parts += [path.read_bytes() for _, path in template_files(config.root / "templates")]
    for path in (
        config.source / REGISTRY_NAME,
        config.source_path(document),
        config.catalog_path(locale, document),
        config.catalog_path(locale, UI_DOMAIN),
    ):
        parts.append(path.read_bytes() if path.is_file() else b"-")
    parts.append(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _read_manifest(build: Path) -> dict:
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) and manifest.get("version") == __version__ else {}


# State shared with worker processes (inherited by fork, never pickled).
_JOB: dict = {}


def _locale_job(locale: str) -> LocaleBuild:
    config, sources, published, only = (
        _JOB["config"],
        _JOB["sources"],
        _JOB["published"],
        _JOB["only"],
    )
    env = _JOB.get("env") or _environment(config)
    _JOB["env"] = env
    return build_locale(config, sources, locale, published, env, only=only.get(locale))


def _build_all(
    config: Config,
    sources: Sources,
    locales: list[str],
    published: list[str],
    only: dict[str, set[str]],
    jobs: int,
    progress: bool,
) -> dict[str, LocaleBuild]:
    """Build every locale, in ``jobs`` processes where that helps (locales are independent)."""
    _JOB.update(config=config, sources=sources, published=published, only=only, env=None)
    if progress:
        for locale in locales:
            count = len(only.get(locale, sources.documents))
            if count:
                print(f"building {locale}: {count} document(s)", file=sys.stderr)
    if jobs <= 1 or len(locales) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return {locale: _locale_job(locale) for locale in locales}
    context = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(
        min(jobs, len(locales)), mp_context=context
    ) as pool:
        return dict(zip(locales, pool.map(_locale_job, locales), strict=True))


def build_command(
    config: Config,
    locales: list[str] | None,
    *,
    quiet: bool = False,
    verbose: bool = False,
    jobs: int | None = None,
) -> int:
    """``locpipe build``: gate, then write every passing locale; 1 if any locale failed.

    Incremental: a page whose inputs did not change is not rendered again, and a build with
    nothing changed writes nothing. ``locales``: build only these (``build/<locale>/``) and
    refresh the index from what is present.
    """
    sources = load_sources(config)
    targets = locales or config.locales_present()
    gate.check_terms_registered(sources.registry, targets, config)
    progress = not quiet and (verbose or sys.stderr.isatty())
    jobs = jobs or os.cpu_count() or 1
    manifest = _read_manifest(config.build) if config.build.is_dir() else {}
    previous: dict[str, dict] = manifest.get("pages", {})
    building = list(targets)
    if not locales or not (config.build / config.source_locale).is_dir():
        building.insert(0, config.source_locale)
    published = (
        [config.source_locale, *config.locales_present()]
        if locales
        else [
            config.source_locale,
            *targets,
        ]
    )
    published = list(dict.fromkeys(published + [t for t in targets if t not in published]))
    failed: dict[str, LocaleBuild] = {}
    for _ in range(2):  # a second round when a failing locale must drop out of the switchers
        fingerprints = {
            (locale, name): _fingerprint(config, locale, name, published)
            for locale in building
            for name in sources.documents
        }
        only = {
            locale: {
                name
                for name in sources.documents
                if previous.get(f"{locale}/{name}", {}).get("hash") != fingerprints[(locale, name)]
                or not (config.build / locale / f"{name}.html").is_file()
            }
            for locale in building
        }
        if not any(only.values()) and not manifest.get("failed"):
            if not quiet:
                print(
                    f"{config.relative(config.build)}/ is up to date: nothing changed",
                    file=sys.stderr,
                )
            return EXIT_OK
        results = _build_all(config, sources, building, published, only, jobs, progress)
        failed = {locale: r for locale, r in results.items() if r.findings}
        still_published = [locale for locale in published if locale not in failed]
        if still_published == published:
            break
        published = still_published
    env = _environment(config)
    _write_build(config, env, results, failed, fingerprints, previous, published)
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
        rendered = sum(
            len(result.pages) for locale, result in results.items() if locale not in failed
        )
        print(
            f"built {len(built)} locale(s) into {config.relative(config.build)}/: "
            f"{', '.join(built)} ({rendered} page(s) rendered, the rest unchanged)",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def _write_build(
    config: Config,
    env: jinja2.Environment,
    results: dict[str, LocaleBuild],
    failed: dict[str, LocaleBuild],
    fingerprints: dict[tuple[str, str], str],
    previous: dict[str, dict],
    published: list[str],
) -> None:
    """Stage the new build beside the old one, then swap it into place."""
    build = config.build
    build.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{build.name}-new-", dir=build.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; the published folder is not
    pages: dict[str, dict] = {}
    try:
        if build.is_dir():
            # Unchanged pages (and locales not rebuilt now) are hard links to the old files:
            # the same bytes, not written again.
            shutil.copytree(build, staging, dirs_exist_ok=True, copy_function=_link_or_copy)
            (staging / MANIFEST).unlink(missing_ok=True)
            pages = {
                key: value
                for key, value in previous.items()
                if key.split("/", 1)[0] not in results and (staging / key.split("/", 1)[0]).is_dir()
            }
        for locale, result in results.items():
            folder = staging / locale
            if locale in failed:
                shutil.rmtree(folder, ignore_errors=True)  # no pages, none from an earlier build
                continue
            for page in result.pages:
                target = folder / f"{page.document}.md"
                target.parent.mkdir(parents=True, exist_ok=True)
                for path, text in (
                    (target, page.markdown),
                    (target.with_suffix(".html"), page.html),
                ):
                    path.unlink(missing_ok=True)  # never write through a hard link to the old build
                    path.write_text(text, encoding="utf-8")
                pages[f"{locale}/{page.document}"] = {
                    "hash": fingerprints[(locale, page.document)],
                    "fallbacks": page.fallbacks,
                }
            for fingerprint_locale, name in fingerprints:
                key = f"{locale}/{name}"
                if fingerprint_locale == locale and key not in pages and key in previous:
                    pages[key] = previous[key]
            missing = {
                key.split("/", 1)[1]: value["fallbacks"]
                for key, value in sorted(pages.items())
                if key.startswith(f"{locale}/") and value["fallbacks"]
            }
            _replace_text(
                folder / "missing.json", json.dumps(missing, indent=2, ensure_ascii=False) + "\n"
            )
            (folder / "summary.json").unlink(missing_ok=True)
            (folder / "summary.json").write_text(
                json.dumps(
                    {
                        "translated": result.translated,
                        "total": result.total,
                        "percent": result.percent,
                        "caveats": result.caveats,
                    }
                ),
                encoding="utf-8",
            )
        _write_index(staging, env, config, failed)
        _replace_text(
            staging / MANIFEST,
            json.dumps({"version": __version__, "pages": pages, "failed": sorted(failed)}, indent=1)
            + "\n",
        )
        _swap(staging, build)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _replace_text(path: Path, text: str) -> None:
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_index(
    staging: Path,
    env: jinja2.Environment,
    config: Config,
    failed: dict[str, LocaleBuild],
) -> None:
    """The language index, from the locales present in the build (a per-locale build keeps the
    others' folders, so they stay listed)."""
    rows = []
    locales = [config.source_locale] + sorted(
        p.name for p in staging.iterdir() if p.is_dir() and p.name != config.source_locale
    )
    for locale in locales:
        summary_path = staging / locale / "summary.json"
        if locale == "en_XA" or locale in failed or not summary_path.is_file():
            continue
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        first = sorted(staging.joinpath(locale).rglob("*.html"))
        rows.append(
            {
                "locale": locale,
                "lang": _hreflang(locale),
                "dir": _direction(locale),
                "name": native_name(locale),
                "href": first[0].relative_to(staging).as_posix() if first else f"{locale}/",
                "percent": math.floor(summary["percent"]),
                "translated": summary["translated"],
                "total": summary["total"],
                "caveats": summary["caveats"],
            }
        )
    failures = [
        {
            "locale": locale,
            "name": native_name(locale),
            "reason": ", ".join(gate.failing_checks(r.findings)),
        }
        for locale, r in failed.items()
    ]
    _install_ui_translations(env, config, config.source_locale)
    _replace_text(
        staging / "index.html", _render_template(env, "index.html", rows=rows, failed=failures)
    )


def _swap(staging: Path, build: Path) -> None:
    """Put the new build in place of the old in two renames; the old one is then removed.

    SIGINT and SIGTERM wait until this is over, so an interrupt finds the old build or the
    new one, never neither, and no old copy is left lying beside it.
    """
    with _signals_deferred():
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


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    deferred = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, deferred)
