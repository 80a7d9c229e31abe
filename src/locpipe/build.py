"""The build: gate every locale, then write the pages of the locales that passed, atomically.

``build/<locale>/<doc>.md`` and ``.html`` per published locale, the source under ``build/en/``,
``build/index.html`` (the landing page, for readers) and ``build/status.html`` (for translators:
completeness, caveats, reviews, what failed and why). The whole tree is written to a staging
folder and swapped into place, so an error or an interrupt leaves the previous build as it was. Nothing here prints: a build
returns a :class:`BuildResult`, and tells its progress to the callback it is given.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from locpipe import gate, meaning, review, typography
from locpipe.catalog import stats
from locpipe.config import REGISTRY_NAME, UI_DOMAIN, Config
from locpipe.errors import ConfigError
from locpipe.fsio import (
    replace_text,
    signals_deferred,
    staging_copy,
    swap_tree,
)
from locpipe.gate import CaveatSite, Finding, Report
from locpipe.gcpause import without_gc
from locpipe.locales import direction, hreflang, is_pseudo
from locpipe.manifest import MANIFEST, Changes, Fingerprints, manifest_text
from locpipe.manifest import changes as what_changed
from locpipe.page import (
    Head,
    PageContext,
    catalog_or_none,
    index_fields,
    landing_html,
    landing_row,
    made_page,
    page_context,
    relinked_page,
    status_html,
    status_row,
    title_and_description,
)
from locpipe.pofile import PoFile
from locpipe.project import parse_source
from locpipe.registry import CaveatSpec, load_registry
from locpipe.render import (
    LocalizedDocument,
    RenderedPage,
    TrustedMarkup,
    localize_with,
    render_page,
    translations_of,
    trusted_markup,
)
from locpipe.segment import Document
from locpipe.workers import file_size, run_tasks, tasks_for

Progress = Callable[[str], None]
"""Told one line of progress at a time (``building fr: 3 document(s)``)."""
CONTEXTS = ".locpipe-pages.json"
"""In each locale's folder: the context of every page in it (as :func:`~locpipe.page.made_page`
keeps it) and the locales its pages' switchers were last made for (see :class:`PageContexts`)."""
_FOLDER_OF_CONTEXTS = ".locpipe-pages"
"""Where builds before :data:`CONTEXTS` kept a file per page and ``linked.txt``: still read."""


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
    typography: list[str] = field(default_factory=list)
    """The typography warnings on its catalog (the index shows them; kept in the manifest so
    that the index need not read every catalog again)."""
    context: PageContext = field(default_factory=dict)
    """Its context as the build keeps it (without its body, see
    :func:`~locpipe.page.made_page`); only what the landing and status pages show of it
    (:func:`~locpipe.page.index_fields`) when nothing is written."""


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
    manifest: dict[str, dict[str, Any]] = field(default_factory=dict)
    """document → what the manifest keeps of its page (fallbacks, counts)."""
    contexts: dict[str, PageContext] = field(default_factory=dict)
    """document → the context of its page (:attr:`PageOutcome.context`), for the pages made in
    this run."""

    @property
    def percent(self) -> float:
        return 100.0 * self.counts.translated / self.counts.total if self.counts.total else 100.0


@dataclass(slots=True)
class BuildResult:
    """What ``locpipe build`` did."""

    build: str
    """The build folder, as shown to the user."""
    up_to_date: bool = False
    """Nothing had changed: nothing was written."""
    built: list[str] = field(default_factory=list)
    """The locales published, in build order."""
    rendered: int = 0
    """Pages made in this run (the others were unchanged)."""
    failed: dict[str, list[Finding]] = field(default_factory=dict)
    """locale → the gate's findings, for each locale not published."""
    published: list[str] = field(default_factory=list)
    """Every locale the site in ``build/`` now offers (this run's and earlier builds')."""
    notices: list[str] = field(default_factory=list)
    """What the user must know about this run (e.g. that review rules are off)."""

    @property
    def passed(self) -> bool:
        return not self.failed


@dataclass(slots=True)
class Plan:
    """What a run makes: the same for every document, shared by the worker processes."""

    config: Config
    registry: dict[str, CaveatSpec]
    published: list[str]
    """The locales offered in the language switchers."""
    staging: Path | None
    """Where pages are written; None: nowhere (``locpipe check``)."""


def build_document(plan: Plan, name: str, locales: Iterable[str]) -> DocumentOutcome:
    """Parse one source once, then localize, render and gate its page in each of ``locales``;
    write each page to the staging folder (if any) as soon as it is made."""
    # Each page allocates tokens by the ten thousand and frees nearly all of them once it is
    # written: the cyclic collector would only re-scan them (12-15 % of a build). It runs
    # between documents, so what a document leaves behind is still collected.
    return without_gc(lambda: _build_document(plan, name, locales))


def _build_document(plan: Plan, name: str, locales: Iterable[str]) -> DocumentOutcome:
    document = read_document(plan.config, name)
    outcome = DocumentOutcome(name, document.sites)
    for locale in locales:
        page = make_page(plan.config, document, locale, plan.published)
        outcome.pages[locale] = PageOutcome(
            gate_page(plan, document.sites, page),
            page.fallbacks,
            page.counts,
            page.warnings,
            page.kept if plan.staging is not None else index_fields(page.kept),
        )
        if plan.staging is not None:
            target = plan.staging / locale / f"{name}.md"
            if not target.parent.is_dir():  # a stat, where mkdir would raise and catch each time
                target.parent.mkdir(parents=True, exist_ok=True)
            replace_text(target, page.localized.markdown)
            replace_text(target.with_suffix(".html"), page.html)
    return outcome


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A source document as every page made from it needs it, read once."""

    name: str
    source: Document
    sites: list[CaveatSite]
    head: Head
    trusted: TrustedMarkup


def read_document(config: Config, name: str) -> SourceDocument:
    """Source document ``name``: parsed, its caveats, its title and description, its markup."""
    source = parse_source(config, name, inline=True)
    return SourceDocument(
        name,
        source,
        gate.caveat_sites(source.messages),
        title_and_description(source),
        trusted_markup(source),
    )


@dataclass(slots=True)
class Page:
    """One document made in one locale, before the gate has seen it."""

    name: str
    locale: str
    catalog: PoFile | None
    localized: LocalizedDocument
    rendered: RenderedPage
    context: PageContext
    html: str
    """The HTML page (whose switcher :func:`_relink` makes again once the build knows what
    passed)."""
    kept: PageContext
    """Its context as the build keeps it (:func:`~locpipe.page.made_page`)."""
    counts: Counts
    fallbacks: list[str]
    warnings: list[str]


def make_page(config: Config, document: SourceDocument, locale: str, published: list[str]) -> Page:
    """``document`` in ``locale``: its catalog read, localized, rendered, in its template (the
    switcher offering ``published``)."""
    name, source, head = document.name, document.source, document.head
    caveats = sum(len(site.messages) for site in document.sites)
    if locale == config.source_locale:
        catalog = None
        localized = LocalizedDocument(source=source, markdown=source.source, written={})
        counts = Counts(len(source.units), len(source.units), caveats, caveats)
    else:
        catalog = catalog_or_none(config, locale, name)
        localized = localize_with(source, translations_of(catalog))
        if catalog is None:
            counts = Counts(0, len(source.units), 0, caveats)
        else:
            found = stats(catalog)
            counts = Counts(found.translated, found.total, found.caveats_translated, found.caveats)
    rendered = render_page(
        localized,
        source_language=hreflang(config.source_locale),
        rtl=direction(locale) == "rtl",
        texts_for=[message for message in head if message is not None],
        trusted=document.trusted,
    )
    context = page_context(config, rendered, head, locale, name)
    html, kept = made_page(config, context, locale, name, published)
    warnings = []
    if catalog is not None:
        shown = config.relative(config.catalog_path(locale, name))
        warnings = typography.catalog_warnings(locale, catalog, shown)
    fallbacks = [message.location for message in localized.fallbacks]
    return Page(
        name,
        locale,
        catalog,
        localized,
        rendered,
        context,
        html,
        kept,
        counts,
        fallbacks,
        warnings,
    )


def gate_page(plan: Plan, sites: list[CaveatSite], page: Page) -> list[Finding]:
    """What the gate finds in ``page`` (none for the source locale): its catalog's rules, then
    its caveats on the page as built."""
    config = plan.config
    if page.locale == config.source_locale:
        return []
    catalog_path = config.relative(config.catalog_path(page.locale, page.name))
    page_path = f"{config.relative(config.build)}/{page.locale}/{page.name}.html"
    findings = gate.check_catalog(
        page.locale,
        sites,
        page.catalog,
        catalog_path,
        plan.registry,
        page.localized,
        page.rendered.markup,
        page.localized.source.env.get("references"),
    )
    findings += gate.check_page(page.locale, sites, page.rendered, page.html, page_path)
    return findings


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
    sites, unregistered = _check_registry(
        config, targets, documents, {outcome.name: outcome for outcome in outcomes}, registry
    )
    reviews = review.check_reviews(config, targets, sites, review.project_catalogs(config))
    report = Report()
    for locale in targets:
        report.checked[locale] = [site.id for o in outcomes for site in o.sites]
        report.findings += [f for f in unregistered if f.locale == locale]
        report.findings += [f for o in outcomes for f in o.pages[locale].findings]
        report.findings += [f for f in reviews.findings if f.locale == locale]
        report.findings += _ui_findings(config, locale)
    report.notices += [reviews.notice] if reviews.notice else []
    report.notices += typography.project_warnings(config, targets)
    return report


def _ui_findings(config: Config, locale: str) -> list[Finding]:
    """What the gate finds in the ``ui`` catalog of ``locale`` (the templates' strings)."""
    if locale == config.source_locale:
        return []
    path = config.catalog_path(locale, UI_DOMAIN)
    return gate.check_ui(locale, catalog_or_none(config, locale, UI_DOMAIN), config.relative(path))


def _build_documents(plan: Plan, work: dict[str, list[str]], jobs: int) -> list[DocumentOutcome]:
    """Make the pages ``work`` asks for (document → locales), in ``jobs`` processes where that
    helps; one outcome per document, in ``work``'s order, pages of one document merged."""
    config = plan.config
    tasks = tasks_for(work, jobs, lambda name: file_size(config.source_path(name)))
    if plan.registry and len(tasks) > 1 < jobs:  # the caveat checks' model, once, before fork
        meaning.warm(locale for _, locales in tasks for locale in locales)
    done = run_tasks(lambda name, locales: build_document(plan, name, locales), tasks, jobs)
    outcomes: dict[str, DocumentOutcome] = {}
    for outcome in done:
        if outcome.name in outcomes:
            outcomes[outcome.name].pages.update(outcome.pages)
        else:
            outcomes[outcome.name] = outcome
    return [outcomes[name] for name in work if name in outcomes]


def build_site(
    config: Config,
    locales: list[str] | None,
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    assemble: bool = False,
    changes: Changes | None = None,
) -> BuildResult:
    """``locpipe build``: gate, then write every passing locale.

    Incremental: a page whose inputs did not change is not rendered again, and a build with
    nothing changed writes nothing. ``locales``: build only these (``build/<locale>/``) and
    refresh the index from what is present. Every build ends by making the switchers of every
    page present again, from the locales it publishes (:func:`_relink`).

    ``assemble`` (``locpipe assemble``): build no target locale; make the source locale's pages
    if they are missing, then the switchers and the index from the locale folders that
    per-locale builds left in ``build/`` (collected there from a CI matrix's jobs).

    ``changes``: :func:`~locpipe.manifest.changes` for ``locales``, when the caller has it.
    """
    if assemble:
        locales = []
    changed = changes or what_changed(config, locales)
    targets, documents, building = changed.targets, changed.documents, changed.building
    previous, current, stale = changed.previous, changed.current, changed.stale
    jobs = jobs or os.cpu_count() or 1
    result = BuildResult(config.relative(config.build), notices=config.notices())
    if not assemble and changed.none:
        result.up_to_date = True
        return result
    registry = _load_registry(config)
    staging: Path | None = None
    try:
        with signals_deferred():  # an interrupt finds the staging folder made and known, or none
            staging = staging_copy(config.build, shown_as=config.relative(config.build))
            (staging / MANIFEST).unlink(missing_ok=True)
        # The switchers pages are rendered with: the locales the build publishes if every
        # locale passes (as _present_locales will list them), so that _relink need not make
        # them again; when one fails, _relink makes the switchers that name it again.
        found = set(_present_locales(config, staging, ())) | set(targets)
        published = [config.source_locale, *sorted(found - {config.source_locale})]
        plan = Plan(config, registry, published, staging)
        work = _work(documents, building, stale)
        if progress is not None:
            _announce(progress, building, stale, jobs)
        outcomes = {o.name: o for o in _build_documents(plan, work, jobs)}
        sites, unregistered = _check_registry(config, targets, documents, outcomes, registry)
        reviews = review.check_reviews(config, building, sites, review.project_catalogs(config))
        results = _locale_results(building, documents, outcomes, previous)
        for finding in unregistered:
            results[finding.locale].findings.insert(0, finding)
        for finding in reviews.findings:
            results[finding.locale].findings.append(finding)
        for finding in _incomplete(config, results, documents):
            results[finding.locale].findings.append(finding)
        for locale, built in results.items():
            built.findings += _ui_findings(config, locale)
        failed = {locale: result for locale, result in results.items() if result.findings}
        made = {locale: {n for n, ls in work.items() if locale in ls} for locale in building}
        result.published = _write_build(
            config, staging, results, failed, current, previous, documents, (published, made)
        )
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    result.failed = {locale: failure.findings for locale, failure in failed.items()}
    result.built = [locale for locale in results if locale not in failed]
    result.rendered = sum(results[locale].rendered for locale in result.built)
    return result


def _incomplete(
    config: Config, results: dict[str, LocaleBuild], documents: list[str]
) -> list[Finding]:
    """C056 for each target locale translated below ``min-translated`` (when it is set)."""
    minimum = config.min_translated
    if minimum is None or not documents:
        return []
    return [
        Finding(
            "C056",
            locale,
            gate.NOT_A_CAVEAT,
            config.relative(config.catalog_path(locale, documents[0])),
            1,
            f"{math.floor(result.percent)}% of the strings translated, below min-translated "
            f"{100 * minimum:g}%",
        )
        for locale, result in results.items()
        if locale != config.source_locale
        and not is_pseudo(locale)
        and result.percent < 100 * minimum
    ]


def _work(
    documents: list[str], locales: list[str], stale: dict[str, set[str]]
) -> dict[str, list[str]]:
    """document → the locales to make its page in, for the documents with a page to make (the
    others are read for their caveats only, by :func:`_check_registry`)."""
    work = {name: [locale for locale in locales if name in stale[locale]] for name in documents}
    return {name: locales for name, locales in work.items() if locales}


def _announce(
    progress: Progress, locales: list[str], stale: dict[str, set[str]], jobs: int
) -> None:
    for locale in locales:
        if stale[locale]:
            progress(f"building {locale}: {len(stale[locale])} document(s)")
    if jobs > 1:
        progress(f"in {jobs} processes")


def _check_registry(
    config: Config,
    targets: list[str],
    documents: list[str],
    outcomes: dict[str, DocumentOutcome],
    registry: dict[str, CaveatSpec],
) -> tuple[dict[str, list[CaveatSite]], list[Finding]]:
    """The registry and every source (parsed in this run, or now for the unchanged ones) name
    the same caveats (else an error, raised after the pages are made into the staging folder,
    which an error discards: the sources are parsed once, for both). Returned: every document's
    caveats, and the findings for the target locales the registry gives no terms for."""
    sites = {
        name: outcomes[name].sites
        if name in outcomes
        else gate.caveat_sites(parse_source(config, name).messages)
        for name in documents
    }
    registry = gate.check_registry(config, sites, registry)
    unregistered = gate.unregistered_terms(registry, targets, config)
    return {name: list(found) for name, found in sites.items()}, unregistered


def _locale_results(
    locales: list[str],
    documents: list[str],
    outcomes: dict[str, DocumentOutcome],
    previous: dict[str, dict[str, Any]],
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
                result.contexts[name] = page.context
                kept = {
                    "fallbacks": page.fallbacks,
                    "counts": dataclasses.astuple(page.counts),
                    "typography": page.typography,
                }
            else:
                before = previous[f"{locale}/{name}"]
                kept = {
                    key: before[key]
                    for key in ("fallbacks", "counts", "typography")
                    if key in before
                }
            result.counts.add(Counts(*kept["counts"]))
            result.manifest[name] = kept
        results[locale] = result
    return results


def _write_build(
    config: Config,
    staging: Path,
    results: dict[str, LocaleBuild],
    failed: dict[str, LocaleBuild],
    current: Fingerprints,
    previous: dict[str, dict[str, Any]],
    documents: list[str],
    made: tuple[list[str], dict[str, set[str]]] = ([], {}),
) -> list[str]:
    """Finish the staged build (per-locale reports, contexts, switchers, index, manifest), then
    swap it into place; the locales it publishes. ``documents``: the project's. ``made``: the
    locales this run's pages were rendered with in their switchers, and locale → the pages it
    rendered (see :func:`_relink`)."""
    pages = {
        key: value
        for key, value in previous.items()
        if key.split("/", 1)[0] not in results and (staging / key.split("/", 1)[0]).is_dir()
    }
    contexts: dict[str, PageContexts] = {}
    for locale, result in results.items():
        folder = staging / locale
        if locale in failed:
            shutil.rmtree(folder, ignore_errors=True)  # no pages, none from an earlier build
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for (fingerprint_locale, name), fingerprint in current.items():
            if fingerprint_locale == locale:
                pages[f"{locale}/{name}"] = {"hash": fingerprint, **result.manifest[name]}
        missing = {
            key.split("/", 1)[1]: value["fallbacks"]
            for key, value in sorted(pages.items())
            if key.startswith(f"{locale}/") and value["fallbacks"]
        }
        replace_text(
            folder / "missing.json", json.dumps(missing, indent=2, ensure_ascii=False) + "\n"
        )
        replace_text(folder / "summary.json", json.dumps(_summary(config, result)))
        contexts[locale] = read_contexts(config, staging, locale).updated(result.contexts)
    present = _present_locales(config, staging, failed)
    for locale in present:
        if locale not in contexts:
            contexts[locale] = read_contexts(config, staging, locale)
    _relink(config, staging, present, contexts, made)
    for locale, kept in contexts.items():
        if kept.changed:
            write_contexts(staging, locale, kept)
    _write_index(config, staging, present, failed, contexts, documents, pages)
    replace_text(staging / MANIFEST, manifest_text(pages, sorted(failed)))
    swap_tree(staging, config.build)
    return present


def _present_locales(config: Config, staging: Path, failed: Iterable[str]) -> list[str]:
    """The locales the finished build publishes: the source locale, then every locale folder
    with a summary (this run's, or a per-locale build's), less those that failed now."""
    found = sorted(
        folder.name
        for folder in staging.iterdir()
        if folder.is_dir() and (folder / "summary.json").is_file()
    )
    others = [locale for locale in found if locale not in failed and locale != config.source_locale]
    return [config.source_locale, *others]


@dataclass(slots=True)
class PageContexts:
    """What a locale's folder keeps of its pages (:data:`CONTEXTS`): each page's context, so
    that its switcher can be made again without making the page, and the locales the
    switchers were last made for."""

    pages: dict[str, PageContext] = field(default_factory=dict)
    """document → the context of its page (:func:`~locpipe.page.made_page`)."""
    linked: list[str] | None = None
    """The locales every switcher in the folder offers, when they all offer the same."""
    changed: bool = False
    """Not as the file has it."""

    def updated(self, made: dict[str, PageContext]) -> PageContexts:
        """These contexts with those of the pages ``made`` in this run."""
        if not made:
            return self
        return PageContexts({**self.pages, **made}, self.linked, changed=True)


def read_contexts(config: Config, build: Path, locale: str) -> PageContexts:
    """The contexts kept in ``build/<locale>/`` (none if there are none).

    :raises ConfigError: the file is not what a build writes (exit 2; building again from
        scratch makes it anew).
    """
    path = build / locale / CONTEXTS
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return PageContexts(dict(kept["pages"]), kept["linked"])
    except FileNotFoundError:
        return _contexts_in_folder(build / locale / _FOLDER_OF_CONTEXTS)
    except (OSError, ValueError, KeyError, TypeError) as failure:
        shown = f"{config.relative(config.build)}/{locale}/{CONTEXTS}"
        raise ConfigError(
            f"cannot read the pages' contexts ({failure}): remove "
            f"{config.relative(config.build)}/ and build again",
            path=shown,
        ) from failure


def _contexts_in_folder(folder: Path) -> PageContexts:
    """The contexts an earlier version kept, one file per page (with its body)."""
    if not folder.is_dir():
        return PageContexts()
    pages = {
        kept.relative_to(folder).with_suffix("").as_posix(): json.loads(
            kept.read_text(encoding="utf-8")
        )
        for kept in sorted(folder.rglob("*.json"))
    }
    marker = folder / "linked.txt"
    linked = marker.read_text(encoding="utf-8").split() if marker.is_file() else None
    return PageContexts(pages, linked, changed=True)


def write_contexts(build: Path, locale: str, contexts: PageContexts) -> None:
    """Keep ``contexts`` in ``build/<locale>/`` (:data:`CONTEXTS`), in document order."""
    kept = {"linked": contexts.linked, "pages": dict(sorted(contexts.pages.items()))}
    replace_text(build / locale / CONTEXTS, json.dumps(kept, ensure_ascii=False))
    shutil.rmtree(build / locale / _FOLDER_OF_CONTEXTS, ignore_errors=True)
    contexts.changed = False


def _relink(
    config: Config,
    staging: Path,
    published: list[str],
    contexts: dict[str, PageContexts],
    made: tuple[list[str], dict[str, set[str]]] = ([], {}),
) -> None:
    """Make every page's language switcher again from the locales the build publishes, so that
    no page links to a page that is not there (pages made in earlier or per-locale builds too:
    each locale's folder keeps its pages' contexts). A page that comes out the same is left as
    it was; the contexts of those made again are updated in ``contexts``.

    A page is not made again when it is known to link to ``published`` already: rendered by
    this run with those locales (``made``: the locales this run rendered switchers with, and
    per locale the pages it rendered), or kept from the build that last relinked its folder
    for the same locales (:attr:`PageContexts.linked`, set here)."""
    rendered_with, rendered = made
    for locale in published:
        kept = contexts[locale]
        fresh = rendered.get(locale, set())
        for name, context in list(kept.pages.items()):
            if (rendered_with if name in fresh else kept.linked) == published:
                continue
            page = staging / locale / f"{name}.html"
            if not page.is_file():
                continue
            before = page.read_text(encoding="utf-8")
            html, kept.pages[name] = relinked_page(config, context, before, locale, name, published)
            kept.changed = True
            if before != html:
                replace_text(page, html)
        if kept.linked != published:
            kept.linked = list(published)
            kept.changed = True


def _summary(config: Config, result: LocaleBuild) -> dict[str, Any]:
    counts = result.counts
    return {
        "translated": counts.translated,
        "total": counts.total,
        "percent": result.percent,
        "caveats": f"{counts.caveats_translated}/{counts.caveats}"
        if result.locale != config.source_locale
        else "source",
    }


def _write_index(
    config: Config,
    staging: Path,
    present: list[str],
    failed: dict[str, LocaleBuild],
    contexts: dict[str, PageContexts],
    documents: list[str],
    manifest: dict[str, dict[str, Any]] | None = None,
) -> None:
    """The landing page (``index.html``, for readers) and the status page (``status.html``, for
    translators), from the locales the build publishes (a per-locale build keeps the others'
    folders, so they stay listed) and those that failed now. ``contexts``: each present
    locale's pages; ``documents``: the project's. ``manifest``: the build's pages as the
    manifest keeps them (their catalogs' typography warnings are not looked for again)."""
    landing = []
    status = []
    for locale in present:
        summary = json.loads((staging / locale / "summary.json").read_text(encoding="utf-8"))
        pages = _published_pages(staging, locale, contexts[locale])
        row = status_row(config, locale, summary, pages)
        known = {
            key.split("/", 1)[1]: value["typography"]
            for key, value in (manifest or {}).items()
            if key.startswith(f"{locale}/") and "typography" in value
        }
        row["warnings"] = typography.locale_warnings(config, locale, known, documents)
        status.append(row)
        if not is_pseudo(locale):  # for layout tests: never offered to readers
            landing.append(landing_row(locale, pages))
    failures = {
        locale: (gate.failing_checks(r.findings), [finding.titled() for finding in r.findings])
        for locale, r in failed.items()
    }
    replace_text(staging / "index.html", landing_html(config, landing))
    replace_text(staging / "status.html", status_html(config, status, failures))


def _published_pages(
    staging: Path, locale: str, contexts: PageContexts
) -> list[tuple[str, PageContext]]:
    """(href from the build's root, context) of every page of ``locale`` in the staged build,
    in document order."""
    pages = _files_under(staging / locale)
    return [
        (f"{locale}/{name}.html", context)
        for name, context in sorted(contexts.pages.items())
        if f"{name}.html" in pages
    ]


def _files_under(folder: Path, prefix: str = "") -> set[str]:
    """The files under ``folder`` (as ``is_file`` sees them; a symlinked folder is not followed:
    a build makes none), as paths relative to it: one listing per folder, which tells most
    entries' kinds without a look-up per file."""
    found: set[str] = set()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        if entry.is_file():
            found.add(prefix + entry.name)
        elif entry.is_dir(follow_symlinks=False):
            found |= _files_under(Path(entry.path), f"{prefix}{entry.name}/")
    return found
