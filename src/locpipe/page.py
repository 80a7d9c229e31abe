"""Pages: the templates (a project's own overriding the package's), their ``ui`` translations,
and the context each page, the landing page and the status page are rendered with."""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
import re
import weakref
from pathlib import Path
from types import CodeType
from typing import Any, NamedTuple

import jinja2
import jinja2.bccache
from babel.dates import format_date
from markupsafe import Markup

from locpipe import review
from locpipe.config import UI_DOMAIN, Config
from locpipe.errors import ConfigError
from locpipe.locales import direction, hreflang, is_pseudo, language_of, native_name
from locpipe.model import Message
from locpipe.plurals import catalog_plural_forms, default_plural_forms
from locpipe.pofile import PoFile
from locpipe.project import read_catalog
from locpipe.render import RenderedPage
from locpipe.segment import Document
from locpipe.ui import CatalogTranslations

Head = tuple[Message | None, Message | None]
"""The messages a page takes its title and its description from (either may be missing)."""


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process, not once per locale's environment: every
    environment :func:`_environment` makes compiles a template to the same code (the same
    options, extension and filters), keyed by the template's file and checked against its
    source (an edited template is compiled again)."""

    def __init__(self) -> None:
        self._code: dict[tuple[str, bool], tuple[str, CodeType]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._code.get(self._key(bucket))
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.code is not None:
            self._code[self._key(bucket)] = (bucket.checksum, bucket.code)

    @staticmethod
    def _key(bucket: jinja2.bccache.Bucket) -> tuple[str, bool]:
        # ``{% trans %}`` compiles differently with new-style gettext.
        return bucket.key, bool(getattr(bucket.environment, "newstyle_gettext", False))


_COMPILED = _CompiledTemplates()


def _environment(config: Config) -> jinja2.Environment:
    # A project may override the templates by putting its own in templates/ at its root.
    loaders: list[jinja2.BaseLoader] = []
    if (config.root / "templates").is_dir():
        loaders.append(jinja2.FileSystemLoader(config.root / "templates"))
    loaders.append(jinja2.PackageLoader("locpipe", "templates"))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        keep_trailing_newline=True,
        # environment_for makes a new environment when the project's templates change: no need
        # to look at every template file's time on every page.
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=_COMPILED,
    )
    env.filters["before_value"] = before_value
    env.filters["terms"] = terms
    return env


#: Punctuation that carries its own space (CJK full-width forms): no space may follow it.
FULL_WIDTH_PUNCTUATION = "：；，。、！？）」』】〕〉》"


def before_value(label: str) -> Markup:
    """A label (``Last updated:``) ready for the value that follows it on the same line: with
    a space after it, unless it ends with full-width punctuation (``最后更新：``), whose glyph
    holds its own space (a space there shows as a double gap)."""
    text = Markup.escape(label)
    if not text or text.rstrip()[-1:] in FULL_WIDTH_PUNCTUATION:
        return Markup(text.rstrip())
    return Markup(text.rstrip() + " ")


def _install_ui_translations(env: jinja2.Environment, config: Config, locale: str) -> None:
    """Make the templates speak ``locale`` (the ``ui`` domain; English where it has no entry)."""
    catalog = None
    if locale != config.source_locale:
        catalog = catalog_or_none(config, locale, UI_DOMAIN)
    # The catalog's own Plural-Forms: its msgstr[N] were written for that rule.
    if catalog is None:
        rule = default_plural_forms(locale)
    else:
        shown = config.relative(config.catalog_path(locale, UI_DOMAIN))
        rule = catalog_plural_forms(catalog, locale, path=shown)
    env.install_gettext_translations(  # type: ignore[attr-defined]
        CatalogTranslations(catalog, rule.expression), newstyle=True
    )


# One template environment per locale and process, its ui translations installed; made again
# when the ui catalog or the project's templates change (a long-lived process may build twice).
_ENVIRONMENTS: dict[tuple[object, ...], jinja2.Environment] = {}


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def environment_for(config: Config, locale: str) -> jinja2.Environment:
    """The template environment that speaks ``locale`` (made once per process, and again when
    its inputs change)."""
    overrides = config.root / "templates"
    templates = (
        tuple((p.name, _stamp(p)) for p in sorted(overrides.iterdir()))
        if overrides.is_dir()
        else ()
    )
    key = (str(config.root), locale, _stamp(config.catalog_path(locale, UI_DOMAIN)), templates)
    if key not in _ENVIRONMENTS:
        env = _environment(config)
        _install_ui_translations(env, config, locale)
        _ENVIRONMENTS[key] = env
    return _ENVIRONMENTS[key]


def render_template(env: jinja2.Environment, name: str, **context: object) -> str:
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise ConfigError(
            f"template error: {error.message}", path=error.filename or name, line=error.lineno
        ) from error
    except (jinja2.TemplateError, KeyError, ValueError, TypeError) as error:
        raise ConfigError(f"template error: {error!r}", path=name) from error


def catalog_or_none(config: Config, locale: str, document: str) -> PoFile | None:
    """The catalog of ``document`` in ``locale``, or None if there is none."""
    path = config.catalog_path(locale, document)
    return read_catalog(config, locale, document, path) if path.exists() else None


def title_and_description(source: Document) -> Head:
    """The messages a page takes its title (the first level-1 heading) and its description (the
    first paragraph) from."""
    messages = source.messages
    title = next((m for m in messages if m.comments[:1] == ("heading level 1",)), None)
    description = next((m for m in messages if m.comments[:1] == ("paragraph",)), None)
    return title, description


def _updated(document: Document) -> dt.date:
    match = re.search(r"^updated:\s*(\d{4}-\d{2}-\d{2})\s*$", document.source[:2000], re.MULTILINE)
    if match:
        return dt.date.fromisoformat(match.group(1))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date(2026, 1, 1)


@functools.lru_cache(maxsize=256)
def long_date(date: dt.date, language: str) -> str:
    """``date`` written out in ``language`` (``6 décembre 2026``): the same few dates on every
    page of a locale, so each is formatted once."""
    return format_date(date, format="long", locale=language)


PageContext = dict[str, Any]
"""What a page template is rendered with, except its language switcher: plain data (kept as
JSON in the build, so that the switchers can be made again once the site is assembled)."""


def page_context(
    config: Config, rendered: RenderedPage, head: Head, locale: str, name: str
) -> PageContext:
    """The context of the HTML page of document ``name`` in ``locale``."""
    localized = rendered.localized
    messages = localized.source.messages
    title, description = head

    def shown(message: Message) -> str:
        return rendered.texts.get((message.line, message.msgid), message.msgid)

    depth = "../" * (name.count("/") + 1)
    updated = _updated(localized.source)
    caveats = sorted({m.caveat for m in messages if m.caveat is not None})
    state, reviewed = review_state(config, locale, name, caveats)
    return {
        "lang": hreflang(locale),
        "dir": direction(locale),
        "title": shown(title) if title else name,
        "description": _summary(shown(description) if description else ""),
        "default_href": f"{depth}{config.source_locale}/{name}.html",
        "body": rendered.body,
        "fallbacks": len(localized.fallbacks),
        "total": len(messages),
        "translated": len(messages) - len(localized.fallbacks),
        "updated": long_date(updated, language_of(locale)),
        "updated_iso": updated.isoformat(),
        "caveats": len(caveats),
        "review": state,
        "reviewed": long_date(reviewed, language_of(locale)) if reviewed else None,
        "reviewed_iso": reviewed.isoformat() if reviewed else None,
    }


def review_state(
    config: Config, locale: str, name: str, caveats: list[str]
) -> tuple[str, dt.date | None]:
    """What the footer of page ``name`` in ``locale`` says of its caveats' human review:
    ``reviewed`` (and the date of the latest review of any of them) when every caveat has a
    record, ``pending`` when one has none, ``none`` when there is nothing to say (the source
    locale, a page without caveats, or a project whose review rules are off: its records are
    not checked, so no date from them is shown as a fact)."""
    if locale == config.source_locale or not caveats or not config.require_review:
        return "none", None
    if is_pseudo(locale):
        return "pending", None
    records = review.load_reviews(config, locale, name).reviews
    dates = [records[caveat].date for caveat in caveats if caveat in records]
    if len(dates) < len(caveats):
        return "pending", None
    return "reviewed", max(dates)


def made_page(
    config: Config, context: PageContext, locale: str, name: str, published: list[str]
) -> tuple[str, PageContext]:
    """The HTML page of document ``name`` in ``locale``, its switcher offering ``published``;
    and ``context`` as a build keeps it beside the page (for :func:`relinked_page`): without
    its body, which the page holds, but with where the page holds it (``body_at``: the start
    and end of the body as the page shows it, callouts labelled and terms kept whole). A
    template that does not show the body as given keeps it in the context."""
    env = environment_for(config, locale)
    body = page_body(config, locale, context["body"], env)
    html = _page(env, context, body, locale, name, published)
    return html, _kept(context, html, body)


def relinked_page(
    config: Config, kept: PageContext, html: str, locale: str, name: str, published: list[str]
) -> tuple[str, PageContext]:
    """The page ``html`` that was made with context ``kept`` (as :func:`made_page` keeps it)
    made again with a switcher offering ``published``; and its kept context."""
    env = environment_for(config, locale)
    at = kept.get("body_at")
    if at is None:
        body = page_body(config, locale, kept["body"], env)
    else:
        start, end = at
        body = html[start:end]
    page = _page(env, kept, body, locale, name, published)
    return page, _kept(kept, page, body)


def _kept(context: PageContext, html: str, body: str) -> PageContext:
    start = _find_whole(html, body)
    if start < 0:
        return context  # the template shows no body: keep it to render again
    kept = {key: value for key, value in context.items() if key != "body"}
    kept["body_at"] = [start, start + len(body)]
    return kept


def _find_whole(text: str, part: str) -> int:
    """``text.find(part)`` for a long ``part`` (a page's body in the page): its first characters
    looked for, then the rest compared where they are, instead of the search that prepares a
    table of all ``part``'s characters first (18 against 2 us on a 16 KB page)."""
    probe = part[:64]
    start = text.find(probe)
    while start >= 0 and not text.startswith(part, start):
        start = text.find(probe, start + 1)
    return start


class Alternate(NamedTuple):
    """One entry of a page's language switcher (``alternates`` in ``page.html``): fields, not
    a dict, because Jinja looks for an attribute first (a dict's lookup by attribute fails
    first, and the switcher of a site in 11 languages is read some 90 times per page)."""

    hreflang: str
    href: str
    dir: str
    name: str
    current: bool


def _page(
    env: jinja2.Environment,
    context: PageContext,
    body: str,
    locale: str,
    name: str,
    published: list[str],
) -> str:
    depth = "../" * (name.count("/") + 1)
    alternates = [
        Alternate(
            hreflang(other),
            f"{depth}{other}/{name}.html",
            direction(other),
            native_name(other),
            other == locale,
        )
        for other in published
        # The pseudo-locale is for layout tests: never offered to readers of a real language.
        if not is_pseudo(other) or is_pseudo(locale)
    ]
    return render_template(
        env,
        "page.html",
        **{
            **context,
            "body": Markup(body),
            "alternates": alternates,
            "home": f"{depth}index.html",
            "home_is_current": False,
        },
    )


def page_body(config: Config, locale: str, body: str, env: jinja2.Environment | None = None) -> str:
    """The rendered ``body`` as the page in ``locale`` shows it: its caveat callouts labelled
    (:func:`labelled_callouts`), its terms kept whole (:func:`terms_kept_whole`). ``env``:
    the locale's template environment, when the caller has it."""
    env = env or environment_for(config, locale)
    label = _caveat_label(env) if 'class="caveat"' in body else Markup()
    return labelled_callouts(terms_kept_whole(body), label)


def _caveat_label(env: jinja2.Environment) -> Markup:
    """The callouts' label, rendered once per template environment (a locale's)."""
    label = _LABELS.get(env)
    if label is None:
        label = _LABELS[env] = Markup(render_template(env, "_caveat_label.html").strip())
    return label


_LABELS: weakref.WeakKeyDictionary[jinja2.Environment, Markup] = weakref.WeakKeyDictionary()


# The opening tag of a callout, exactly as the renderer writes it (render._callout): made by
# locpipe, never by a translation (whose markup is escaped or neutralized before it gets here).
_CALLOUT = re.compile(r'<(div|span) class="caveat" role="note" data-caveat="([^"<>]*)">\n?')


def labelled_callouts(body: str, label: Markup) -> str:
    """``body`` with a visible label (an icon and "Safety information", from
    ``_caveat_label.html``) at the top of each caveat callout, the callout named by it for
    assistive technology (``aria-labelledby``): not marked by its colour alone."""
    count = 0

    def labelled(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        tag, caveat = match.groups()
        label_id = f"caveat-label-{count}"
        opening = f'<{tag} class="caveat" role="note" aria-labelledby="{label_id}" '
        opening += f'data-caveat="{caveat}">'
        if tag == "div":
            return f'{opening}\n<p class="caveat-label" id="{label_id}">{label}</p>\n'
        return f'{opening}<span class="caveat-label" id="{label_id}">{label}</span> '

    return _CALLOUT.sub(labelled, body)


# A left-to-right run the renderer isolated in right-to-left text (render._isolate_ltr_runs):
# a short one with no space is a term (UC-MSC, T-Zellen) that must not break at its hyphen.
_SHORT_LTR_RUN = re.compile(r'<bdi dir="ltr">([^<>\s]{1,24})</bdi>')
# An abbreviation with a hyphen (UC-MSC, UC-MSCs, COVID-19), not part of a longer compound
# (UC-MSC-Stammzelltherapie may break after "UC-MSC-", as German does).
_TERM = re.compile(r"(?<![\w-])[A-Z0-9]{1,6}(?:-[A-Z0-9]{1,6})+s?(?![\w-])")
# Where a term may be (five times quicker to look for than a term, which asserts what is around
# it at every character).
_TERM_CANDIDATE = re.compile(r"[A-Z0-9]-[A-Z0-9]")
# The hyphen of a candidate (a literal first: the search skips to each hyphen).
_TERM_HYPHEN = re.compile(r"-(?<=[A-Z0-9]-)[A-Z0-9]")
_TERM_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_TAG = re.compile(r"(<[^>]*>)")
# The case of the name alone is ignored: a search then skips from one "<" to the next (2x faster).
_RAW_TEXT = re.compile(r"<(?i:script|style|textarea|title|pre|code)\b")


def terms_kept_whole(body: str) -> str:
    """``body`` with every hyphenated abbreviation in its text kept on one line
    (``<span class="term">``, styled ``white-space: nowrap``), and every short isolated
    left-to-right term in right-to-left text too (``<bdi class="term">``): "UC-MSC" never
    shows as "UC-" and "MSC" on two lines (or as "-UC" in Arabic). The text is unchanged."""
    if _TERM_CANDIDATE.search(body) is None and _SHORT_LTR_RUN.search(body) is None:
        return body  # nothing to keep whole anywhere, tags included
    body = _SHORT_LTR_RUN.sub(r'<bdi dir="ltr" class="term">\1</bdi>', body)
    if _RAW_TEXT.search(body):
        return _terms_kept_whole_by_pieces(body)
    # No raw-text element: a term is looked for only where a hyphen is between two of its
    # letters, from the start of the letters before it (where every term starts), unless the
    # nearest ``<`` or ``>`` before it is a ``<`` (in a tag: an attribute value holds neither
    # unescaped) or ends an isolated run kept whole already.
    kept = []
    end = 0
    for hyphen in _TERM_HYPHEN.finditer(body):
        start = hyphen.start()
        if start < end:
            continue  # in the term before
        opened = body.rfind(">", 0, start)
        if body.rfind("<", 0, start) > opened or body.endswith('class="term">', 0, opened + 1):
            continue
        first = start - 1
        while first > opened + 1 and start - first < 7 and body[first - 1] in _TERM_LETTERS:
            first -= 1
        term = _TERM.match(body, first)
        if term is not None:
            kept += [body[end:first], '<span class="term">', term.group(), "</span>"]
            end = term.end()
    kept.append(body[end:])
    return "".join(kept)


def _terms_kept_whole_by_pieces(body: str) -> str:
    """:func:`terms_kept_whole`'s hyphenated abbreviations, in a body that may have raw-text
    elements (whose text is left as it is): the body split at its tags."""
    pieces = _TAG.split(body)
    raw = False
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            if piece[1:2] in _RAW_TEXT_FIRST and _RAW_TEXT.match(piece):
                raw = True
            elif raw and piece.startswith("</") and _RAW_TEXT.match("<" + piece[2:]):
                raw = False
        elif (
            not raw
            and "-" in piece
            and _TERM_CANDIDATE.search(piece)
            and not (index and pieces[index - 1].endswith('class="term">'))
        ):
            pieces[index] = _TERM.sub(r'<span class="term">\g<0></span>', piece)
    return "".join(pieces)


#: The first letters of the raw-text elements' names: other tags need no regular expression.
_RAW_TEXT_FIRST = frozenset("sStTpPcC")


def terms(text: str, rtl: bool = False) -> Markup:
    """``text`` (plain text, e.g. a title) as HTML with its hyphenated abbreviations kept whole
    (isolated left-to-right in right-to-left text): the ``terms`` template filter."""
    wrap = '<bdi dir="ltr" class="term">{}</bdi>' if rtl else '<span class="term">{}</span>'
    escaped = str(Markup.escape(text))
    return Markup(_TERM.sub(lambda m: wrap.format(m.group()), escaped))


def _summary(text: str, limit: int = 200) -> str:
    """``text`` cut at a word boundary to fit a meta description, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "…"


#: What :func:`landing_row` and :func:`status_row` read of a page's context.
_INDEX_FIELDS = ("title", "review", "reviewed_iso")


def index_fields(context: PageContext) -> PageContext:
    """What the landing and status pages show of a page: its context's title and review."""
    return {key: context[key] for key in _INDEX_FIELDS if key in context}


def landing_row(locale: str, pages: list[tuple[str, PageContext]]) -> dict[str, Any]:
    """What the landing page shows of one published locale: its own name and, for each of its
    ``pages`` ((href, context), in document order), the page's title in that language."""
    return {
        "locale": locale,
        "lang": hreflang(locale),
        "dir": direction(locale),
        "name": native_name(locale),
        "pages": [{"href": href, "title": context["title"]} for href, context in pages],
    }


def _site_page(config: Config, template: str, **context: object) -> str:
    """A page of the site itself (landing, status), in the source language."""
    return render_template(
        environment_for(config, config.source_locale),
        template,
        lang=hreflang(config.source_locale),
        dir=direction(config.source_locale),
        home="index.html",
        **context,
    )


def landing_html(config: Config, rows: list[dict[str, Any]]) -> str:
    """The landing page (``build/index.html``), for readers: every published language by its
    own name, each with its pages' titles in that language (see :func:`landing_row`)."""
    return _site_page(config, "index.html", rows=rows, home_is_current=True)


def status_row(
    config: Config, locale: str, summary: dict[str, Any], pages: list[tuple[str, PageContext]]
) -> dict[str, Any]:
    """What the status page (in the source language) shows of one published locale: its
    counts (from its ``summary.json``) and its caveats' reviews (from its pages' contexts)."""
    states = [context.get("review", "none") for _, context in pages]
    reviewed = [c["reviewed_iso"] for _, c in pages if c.get("review") == "reviewed"]
    review = "pending" if "pending" in states else "reviewed" if reviewed else "none"
    latest = max(reviewed) if reviewed and review == "reviewed" else None
    shown = language_of(config.source_locale)
    return {
        "locale": locale,
        "lang": hreflang(locale),
        "dir": direction(locale),
        "name": native_name(locale),
        "href": pages[0][0] if pages else f"{locale}/",
        "percent": math.floor(summary["percent"]),
        "translated": summary["translated"],
        "total": summary["total"],
        "caveats": summary["caveats"],
        "review": review,
        "reviewed_iso": latest,
        "reviewed": long_date(dt.date.fromisoformat(latest), shown) if latest else None,
    }


def status_html(
    config: Config, rows: list[dict[str, Any]], failed: dict[str, tuple[list[str], list[str]]]
) -> str:
    """The status page (``build/status.html``), for translators and reviewers: per published
    locale (``rows``, see :func:`status_row`) how complete it is, its caveats' verdicts and
    reviews; per locale not published, the checks that failed and the gate's findings
    (``failed``: locale → the checks that failed, and every finding as a line of text)."""
    failures = [
        {
            "locale": locale,
            "lang": hreflang(locale),
            "dir": direction(locale),
            "name": native_name(locale),
            "reason": ", ".join(checks),
            "findings": findings,
        }
        for locale, (checks, findings) in failed.items()
    ]
    return _site_page(config, "status.html", rows=rows, failed=failures, home_is_current=False)
