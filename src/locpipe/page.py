"""Pages: the templates (a project's own overriding the package's), their ``ui`` translations,
and the context each page and the language index are rendered with."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from locpipe.config import Config
from locpipe.errors import ConfigError
from locpipe.locales import direction, hreflang, is_pseudo, language_of, native_name
from locpipe.model import Message
from locpipe.plurals import catalog_plural_forms, default_plural_forms
from locpipe.pofile import PoFile
from locpipe.project import read_catalog
from locpipe.render import RenderedPage
from locpipe.segment import Document
from locpipe.ui import UI_DOMAIN, CatalogTranslations

Head = tuple[Message | None, Message | None]
"""The messages a page takes its title and its description from (either may be missing)."""


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


PageContext = dict[str, Any]
"""What a page template is rendered with, except its language switcher: plain data (kept as
JSON beside the page, so that the switchers can be made again once the site is assembled)."""


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
        "updated": format_date(updated, format="long", locale=language_of(locale)),
        "updated_iso": updated.isoformat(),
    }


def page_html(
    config: Config, context: PageContext, locale: str, name: str, published: list[str]
) -> str:
    """The HTML page of document ``name`` in ``locale``, its switcher offering ``published``."""
    depth = "../" * (name.count("/") + 1)
    alternates = [
        {
            "hreflang": hreflang(other),
            "href": f"{depth}{other}/{name}.html",
            "dir": direction(other),
            "name": native_name(other),
            "current": other == locale,
        }
        for other in published
        # The pseudo-locale is for layout tests: never offered to readers of a real language.
        if not is_pseudo(other) or is_pseudo(locale)
    ]
    return render_template(
        environment_for(config, locale),
        "page.html",
        **{**context, "body": Markup(context["body"]), "alternates": alternates},
    )


def _summary(text: str, limit: int = 200) -> str:
    """``text`` cut at a word boundary to fit a meta description, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:") + "…"


def index_row(locale: str, href: str, summary: dict[str, Any]) -> dict[str, Any]:
    """What the language index shows of one published locale (from its ``summary.json``)."""
    return {
        "locale": locale,
        "lang": hreflang(locale),
        "dir": direction(locale),
        "name": native_name(locale),
        "href": href,
        "percent": math.floor(summary["percent"]),
        "translated": summary["translated"],
        "total": summary["total"],
        "caveats": summary["caveats"],
    }


def index_html(config: Config, rows: list[dict[str, Any]], failed: dict[str, list[str]]) -> str:
    """The language index: ``rows`` (see :func:`index_row`) and the locales not published,
    each with the checks that failed."""
    failures = [
        {"locale": locale, "name": native_name(locale), "reason": ", ".join(checks)}
        for locale, checks in failed.items()
    ]
    env = environment_for(config, config.source_locale)
    return render_template(env, "index.html", rows=rows, failed=failures)
