"""The build: gate every locale, then write the pages of the locales that passed, atomically.

``build/<locale>/<doc>.md`` and ``.html`` per published locale, the source under ``build/en/``,
and ``build/index.html``. The whole tree is written to a temporary folder and swapped into place,
so an error or an interrupt leaves the previous build as it was.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date

from locpipe import __version__, gate
from locpipe.catalog import plural_forms, stats
from locpipe.config import Config
from locpipe.errors import ConfigError
from locpipe.fsio import read_source, signals_deferred
from locpipe.gate import CaveatSite, Finding, Report
from locpipe.model import Message
from locpipe.pofile import PoFile
from locpipe.project import read_catalog
from locpipe.registry import REGISTRY_NAME, CaveatSpec, load_registry
from locpipe.render import (
    LocalizedDocument,
    RenderedPage,
    TrustedMarkup,
    localize_with,
    render_page,
    translations_of,
    trusted_markup,
)
from locpipe.segment import Document, parse_document, without_gc
from locpipe.ui import UI_DOMAIN, CatalogTranslations, template_files

EXIT_OK, EXIT_FAILED = 0, 1


@dataclass(slots=True)
class Counts:
    """How much of one document is translated in one locale (what the index shows)."""

    translated: int = 0
    total: int = 0
    caveats_translated: int = 0
    caveats: int = 0

    def add(self, other: Counts) -> None:
        self.translated += other.translated
        self.total += other.total
        self.caveats_translated += other.caveats_translated
        self.caveats += other.caveats


@dataclass(slots=True)
class PageOutcome:
    """What one page came to: what the gate found, its fallbacks, its counts (never its text:
    pages are written as they are made, so memory follows the largest document)."""

    findings: list[Finding]
    fallbacks: list[str]
    counts: Counts


@dataclass(slots=True)
class DocumentOutcome:
    name: str
    sites: list[CaveatSite]
    pages: dict[str, PageOutcome] = field(default_factory=dict)
    """locale → the page made for it (only the pages made in this run)."""


@dataclass(slots=True)
class LocaleBuild:
    """One locale over every document: what the gate found, and the counts for the index."""

    locale: str
    findings: list[Finding] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    rendered: int = 0
    manifest: dict[str, dict] = field(default_factory=dict)
    """document → what the manifest keeps of its page (fallbacks, counts)."""

    @property
    def percent(self) -> float:
        return 100.0 * self.counts.translated / self.counts.total if self.counts.total else 100.0


@dataclass(slots=True)
class Plan:
    """What a run makes: the same for every document, shared by the worker processes."""

    config: Config
    registry: dict[str, CaveatSpec]
    published: list[str]
    """The locales offered in the language switchers."""
    staging: Path | None
    """Where pages are written; None: nowhere (``locpipe check``)."""


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


# One template environment per locale and process, its ui translations installed.
_ENVIRONMENTS: dict[tuple[Path, str], jinja2.Environment] = {}


def _environment_for(config: Config, locale: str) -> jinja2.Environment:
    key = (config.root, locale)
    if key not in _ENVIRONMENTS:
        env = _environment(config)
        _install_ui_translations(env, config, locale)
        _ENVIRONMENTS[key] = env
    return _ENVIRONMENTS[key]


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
    path = config.catalog_path(locale, document)
    return read_catalog(config, locale, document, path) if path.exists() else None


def parse_source(config: Config, name: str, *, inline: bool = True) -> Document:
    """The source document ``name``, parsed (``inline``: its pages will be rendered)."""
    path = config.source_path(name)
    shown = config.relative(path)
    return parse_document(
        read_source(path, shown_as=shown),
        path=shown,
        flavor=config.flavor,  # type: ignore[arg-type]
        inline=inline,
    )


def build_document(plan: Plan, name: str, locales: Iterable[str]) -> DocumentOutcome:
    """Parse one source once, then localize, render and gate its page in each of ``locales``;
    write each page to the staging folder (if any) as soon as it is made."""
    # Each page allocates tokens by the ten thousand and frees nearly all of them once it is
    # written: the cyclic collector would only re-scan them (12-15 % of a build). It runs
    # between documents, so what a document leaves behind is still collected.
    return without_gc(lambda: _build_document(plan, name, locales))


def _build_document(plan: Plan, name: str, locales: Iterable[str]) -> DocumentOutcome:
    config = plan.config
    source = parse_source(config, name)
    sites = gate.caveat_sites(source.messages)
    head = _title_and_description(source)
    trusted = trusted_markup(source)
    outcome = DocumentOutcome(name, sites)
    for locale in locales:
        page, markdown, page_html = _locale_page(plan, source, sites, head, trusted, locale, name)
        outcome.pages[locale] = page
        if plan.staging is not None:
            target = plan.staging / locale / f"{name}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            for path, text in ((target, markdown), (target.with_suffix(".html"), page_html)):
                path.unlink(missing_ok=True)  # never write through a hard link to the old build
                path.write_text(text, encoding="utf-8")
    return outcome


def _locale_page(
    plan: Plan,
    source: Document,
    sites: list[CaveatSite],
    head: Head,
    trusted: TrustedMarkup,
    locale: str,
    name: str,
) -> tuple[PageOutcome, str, str]:
    """One document in one locale: (what it came to, its Markdown, its HTML page)."""
    config = plan.config
    caveats = sum(len(site.messages) for site in sites)
    if locale == config.source_locale:
        localized = LocalizedDocument(source=source, markdown=source.source, written={})
        counts = Counts(len(source.units), len(source.units), caveats, caveats)
    else:
        catalog = _catalog_or_none(config, locale, name)
        localized = localize_with(source, translations_of(catalog))
        if catalog is None:
            counts = Counts(0, len(source.units), 0, caveats)
        else:
            found = stats(catalog)
            counts = Counts(found.translated, found.total, found.caveats_translated, found.caveats)
    rendered = render_page(
        localized,
        source_language=_hreflang(config.source_locale),
        rtl=_direction(locale) == "rtl",
        texts_for=[message for message in head if message is not None],
        trusted=trusted,
    )
    page_html = _page(config, rendered, head, locale, name, plan.published)
    findings: list[Finding] = []
    if locale != config.source_locale:
        catalog_path = config.relative(config.catalog_path(locale, name))
        page_path = f"{config.relative(config.build)}/{locale}/{name}.html"
        findings += gate.check_catalog(locale, sites, catalog, catalog_path, plan.registry)
        findings += gate.check_page(locale, sites, rendered, page_html, page_path)
    fallbacks = [message.location for message in localized.fallbacks]
    return PageOutcome(findings, fallbacks, counts), localized.markdown, page_html


Head = tuple[Message | None, Message | None]
"""The messages a page takes its title and its description from (either may be missing)."""


def _title_and_description(source: Document) -> Head:
    """The messages a page takes its title (the first level-1 heading) and its description (the
    first paragraph) from."""
    messages = source.messages
    title = next((m for m in messages if m.comments[:1] == ("heading level 1",)), None)
    description = next((m for m in messages if m.comments[:1] == ("paragraph",)), None)
    return title, description


@functools.cache
def _direction(locale: str) -> str:
    if locale == "en_XA":
        return "ltr"
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


def _hreflang(locale: str) -> str:
    return locale.replace("_", "-")


@functools.cache
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
    config: Config,
    rendered: RenderedPage,
    head: Head,
    locale: str,
    name: str,
    published: list[str],
) -> str:
    localized = rendered.localized
    messages = localized.source.messages
    title, description = head

    def shown(message: Message) -> str:
        return rendered.texts.get((message.line, message.msgid), message.msgid)

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
        _environment_for(config, locale),
        "page.html",
        lang=_hreflang(locale),
        dir=_direction(locale),
        title=shown(title) if title else name,
        description=_summary(shown(description) if description else ""),
        alternates=alternates,
        default_href=f"{depth}{config.source_locale}/{name}.html",
        body=jinja2.filters.Markup(rendered.body),
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


def _load_registry(config: Config) -> dict[str, CaveatSpec]:
    """The registry as written; checked against the sources once they are parsed (see
    :func:`_check_registry`)."""
    path = config.source / REGISTRY_NAME
    return load_registry(path, shown_as=config.relative(path))


def check_project(config: Config, locales: list[str] | None = None) -> Report:
    """Run the gate on every target locale, without writing anything."""
    targets = locales or config.locales_present()
    registry = _load_registry(config)
    plan = Plan(config, registry, [config.source_locale, *targets], staging=None)
    documents = config.documents()
    work = {name: targets for name in documents}
    outcomes = _build_documents(plan, work, jobs=os.cpu_count() or 1)
    _check_registry(config, targets, documents, {outcome.name: outcome for outcome in outcomes})
    report = Report()
    for locale in targets:
        report.checked[locale] = [site.id for o in outcomes for site in o.sites]
        report.findings += [f for o in outcomes for f in o.pages[locale].findings]
    return report


MANIFEST = ".locpipe-manifest.json"
MANIFEST_FORMAT = 2


def _digest(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-"


def _fingerprints(
    config: Config, locales: list[str], documents: list[str], published: list[str]
) -> dict[tuple[str, str], str]:
    """For each (locale, document), a hash of everything its page is made from: if it is
    unchanged, so is the page. Each file is read once."""
    shared = [__version__.encode(), " ".join(published).encode()]
    shared += [path.read_bytes() for _, path in template_files(config.root / "templates")]
    shared += [
        _file_digest(config.source / REGISTRY_NAME),
        os.environ.get("SOURCE_DATE_EPOCH", "").encode(),
    ]
    common = _digest(*shared).encode()
    sources = {name: _file_digest(config.source_path(name)) for name in documents}
    fingerprints = {}
    for locale in locales:
        ui = _file_digest(config.catalog_path(locale, UI_DOMAIN))
        for name in documents:
            catalog = _file_digest(config.catalog_path(locale, name))
            fingerprints[(locale, name)] = _digest(common, sources[name], catalog, ui)
    return fingerprints


def _read_manifest(build: Path) -> dict:
    try:
        manifest = json.loads((build / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("version") != __version__:
        return {}
    return manifest if manifest.get("format") == MANIFEST_FORMAT else {}


# State shared with worker processes (inherited by fork, never pickled).
_JOB: dict = {}


def _document_job(task: tuple[str, tuple[str, ...]]) -> DocumentOutcome:
    name, locales = task
    return build_document(_JOB["plan"], name, locales)


def _build_documents(plan: Plan, work: dict[str, list[str]], jobs: int) -> list[DocumentOutcome]:
    """Make the pages ``work`` asks for (document → locales), in ``jobs`` processes where that
    helps; one outcome per document, in ``work``'s order, pages of one document merged."""
    tasks = _tasks(plan.config, work, jobs)
    if jobs <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        done = [build_document(plan, name, locales) for name, locales in tasks]
    else:
        _JOB["plan"] = plan
        context = multiprocessing.get_context("fork")
        try:
            with concurrent.futures.ProcessPoolExecutor(
                min(jobs, len(tasks)), mp_context=context
            ) as pool:
                done = list(pool.map(_document_job, tasks))
        finally:
            _JOB.clear()
    outcomes: dict[str, DocumentOutcome] = {}
    for outcome in done:
        if outcome.name in outcomes:
            outcomes[outcome.name].pages.update(outcome.pages)
        else:
            outcomes[outcome.name] = outcome
    return [outcomes[name] for name in work if name in outcomes]


def _tasks(
    config: Config, work: dict[str, list[str]], jobs: int
) -> list[tuple[str, tuple[str, ...]]]:
    """One task per document (its source parsed once for all its locales); when there are fewer
    documents than jobs, each document's locales are split so that every job has work. The
    largest documents first, so that no job is left with one at the end."""
    names = list(work)
    split = max(1, min(jobs // max(len(names), 1), max((len(work[n]) for n in names), default=1)))
    tasks = []
    for name in names:
        locales = work[name]
        size = math.ceil(len(locales) / split)
        chunks = range(0, len(locales), size) if locales else [0]  # parsed, even with no page
        tasks += [(name, tuple(locales[i : i + size])) for i in chunks]
    if jobs > 1:
        sizes = {name: config.source_path(name).stat().st_size for name in names}
        tasks.sort(key=lambda task: -sizes[task[0]])
    return tasks


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
    targets = locales or config.locales_present()
    documents = config.documents()
    progress = not quiet and (verbose or sys.stderr.isatty())
    jobs = jobs or os.cpu_count() or 1
    manifest = _read_manifest(config.build) if config.build.is_dir() else {}
    previous: dict[str, dict] = manifest.get("pages", {})
    building = list(targets)
    if not locales or not (config.build / config.source_locale).is_dir():
        building.insert(0, config.source_locale)
    published = [config.source_locale, *(config.locales_present() if locales else targets)]
    published = list(dict.fromkeys(published + targets))
    fingerprints = _fingerprints(config, building, documents, published)
    stale = _stale_pages(config, building, documents, fingerprints, previous)
    if not any(stale.values()) and not manifest.get("failed"):
        if not quiet:
            print(
                f"{config.relative(config.build)}/ is up to date: nothing changed", file=sys.stderr
            )
        return EXIT_OK
    registry = _load_registry(config)
    staging: Path | None = None
    try:
        with signals_deferred():  # an interrupt finds the staging folder made and known, or none
            staging = _staging(config.build)
        plan = Plan(config, registry, published, staging)
        work = _work(documents, building, stale)
        if progress:
            _announce(building, stale, jobs)
        outcomes = {o.name: o for o in _build_documents(plan, work, jobs)}
        _check_registry(config, targets, documents, outcomes)
        results = _locale_results(building, documents, outcomes, previous)
        failed = {locale: result for locale, result in results.items() if result.findings}
        if failed:
            # A locale that is not published must drop out of every other page's switcher.
            published = [locale for locale in published if locale not in failed]
            plan = Plan(config, registry, published, staging)
            fingerprints = _fingerprints(config, building, documents, published)
            passing = [locale for locale in building if locale not in failed]
            work = {name: passing for name in documents}
            again = {o.name: o for o in _build_documents(plan, work, jobs)}
            results.update(_locale_results(passing, documents, again, previous))
        _write_build(config, staging, results, failed, fingerprints, previous)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
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
        rendered = sum(results[locale].rendered for locale in built)
        print(
            f"built {len(built)} locale(s) into {config.relative(config.build)}/: "
            f"{', '.join(built)} ({rendered} page(s) rendered, the rest unchanged)",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def _stale_pages(
    config: Config,
    locales: list[str],
    documents: list[str],
    fingerprints: dict[tuple[str, str], str],
    previous: dict[str, dict],
) -> dict[str, set[str]]:
    """locale → the documents whose page must be made again (its inputs changed, or it is gone)."""
    return {
        locale: {
            name
            for name in documents
            if previous.get(f"{locale}/{name}", {}).get("hash") != fingerprints[(locale, name)]
            or not (config.build / locale / f"{name}.html").is_file()
        }
        for locale in locales
    }


def _work(
    documents: list[str], locales: list[str], stale: dict[str, set[str]]
) -> dict[str, list[str]]:
    """document → the locales to make its page in, for the documents with a page to make (the
    others are read for their caveats only, by :func:`_check_registry`)."""
    work = {name: [locale for locale in locales if name in stale[locale]] for name in documents}
    return {name: locales for name, locales in work.items() if locales}


def _announce(locales: list[str], stale: dict[str, set[str]], jobs: int) -> None:
    for locale in locales:
        if stale[locale]:
            print(f"building {locale}: {len(stale[locale])} document(s)", file=sys.stderr)
    if jobs > 1:
        print(f"in {jobs} processes", file=sys.stderr)


def _check_registry(
    config: Config,
    targets: list[str],
    documents: list[str],
    outcomes: dict[str, DocumentOutcome],
) -> None:
    """The registry and every source (parsed in this run, or now for the unchanged ones) name
    the same caveats, and the registry gives each caveat's terms in every target locale.

    Raised after the pages are made (into the staging folder, which an error discards): the
    sources are parsed once, for both."""
    sites = {
        name: outcomes[name].sites
        if name in outcomes
        else gate.caveat_sites(parse_source(config, name, inline=False).messages)
        for name in documents
    }
    registry = gate.check_registry(config, sites)
    gate.check_terms_registered(registry, targets, config)


def _locale_results(
    locales: list[str],
    documents: list[str],
    outcomes: dict[str, DocumentOutcome],
    previous: dict[str, dict],
) -> dict[str, LocaleBuild]:
    """Per locale: every finding of the pages made, and the counts over all documents (those of
    unchanged pages from the manifest)."""
    results = {}
    for locale in locales:
        result = LocaleBuild(locale)
        for name in documents:
            page = outcomes[name].pages.get(locale) if name in outcomes else None
            if page is not None:
                result.findings += page.findings
                result.rendered += 1
                kept = {"fallbacks": page.fallbacks, "counts": dataclasses.astuple(page.counts)}
            else:
                kept = {key: previous[f"{locale}/{name}"][key] for key in ("fallbacks", "counts")}
            result.counts.add(Counts(*kept["counts"]))
            result.manifest[name] = kept
        results[locale] = result
    return results


def _staging(build: Path) -> Path:
    """A new folder beside ``build``, holding the old build's files as hard links (unchanged
    pages, and the locales not built now, are the same bytes, not written again)."""
    build.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{build.name}-new-", dir=build.parent))
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; the published folder is not
        if build.is_dir():
            shutil.copytree(build, staging, dirs_exist_ok=True, copy_function=_link_or_copy)
            (staging / MANIFEST).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _write_build(
    config: Config,
    staging: Path,
    results: dict[str, LocaleBuild],
    failed: dict[str, LocaleBuild],
    fingerprints: dict[tuple[str, str], str],
    previous: dict[str, dict],
) -> None:
    """Finish the staged build (per-locale reports, index, manifest), then swap it into place."""
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
        folder.mkdir(parents=True, exist_ok=True)
        for (fingerprint_locale, name), fingerprint in fingerprints.items():
            if fingerprint_locale == locale:
                pages[f"{locale}/{name}"] = {"hash": fingerprint, **result.manifest[name]}
        missing = {
            key.split("/", 1)[1]: value["fallbacks"]
            for key, value in sorted(pages.items())
            if key.startswith(f"{locale}/") and value["fallbacks"]
        }
        _replace_text(
            folder / "missing.json", json.dumps(missing, indent=2, ensure_ascii=False) + "\n"
        )
        _replace_text(
            folder / "summary.json",
            json.dumps(
                {
                    "translated": result.counts.translated,
                    "total": result.counts.total,
                    "percent": result.percent,
                    "caveats": f"{result.counts.caveats_translated}/{result.counts.caveats}"
                    if locale != config.source_locale
                    else "source",
                }
            ),
        )
    _write_index(staging, _environment_for(config, config.source_locale), config, failed)
    _replace_text(
        staging / MANIFEST,
        json.dumps(
            {
                "version": __version__,
                "format": MANIFEST_FORMAT,
                "pages": pages,
                "failed": sorted(failed),
            },
            indent=1,
        )
        + "\n",
    )
    _swap(staging, config.build)


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
    with signals_deferred():
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
