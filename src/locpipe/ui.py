"""The ``ui`` domain: the page templates' own strings, extracted with Babel's Jinja2 support.

The templates mark their strings with ``{% trans %}`` / ``_()`` (and ``{% pluralize %}`` for real
plural forms); Jinja2's Babel extractor finds them, and the pages are rendered through gettext
translations built from ``locales/<locale>/LC_MESSAGES/ui.po``.
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import jinja2
import jinja2.ext
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from markupsafe import Markup

from locpipe.catalog import template_header
from locpipe.config import UI_DOMAIN
from locpipe.pofile import PoEntry, PoFile

_COMMENT_TAGS = ("Translators:",)


def ui_template(files: list[tuple[str, Path]], *, creation_date: str) -> PoFile:
    """The ``ui.pot``: every translatable string of the templates, in file and line order."""
    entries: dict[tuple[str, str | None], PoEntry] = {}
    for shown, path in files:
        with path.open("rb") as stream:
            found = extract(
                jinja2.ext.babel_extract,  # type: ignore[arg-type]
                io.BytesIO(stream.read()),
                keywords=DEFAULT_KEYWORDS,
                comment_tags=_COMMENT_TAGS,
                options={"trimmed": "true"},
                strip_comment_tags=True,
            )
            for line, message, comments, _context in found:
                singular, plural = (message if isinstance(message, tuple) else (message, None))[:2]
                entry = entries.get((singular, plural))
                if entry is None:
                    entry = entries[(singular, plural)] = PoEntry(
                        msgid=singular,
                        msgid_plural=plural,
                        msgstr_plural={0: "", 1: ""} if plural else {},
                        flags=["python-format"] if "%(" in singular else [],
                    )
                entry.references.append(f"{shown}:{line}")
                for comment in comments:
                    if comment not in entry.extracted_comments:
                        entry.extracted_comments.append(comment)
    return PoFile(header=template_header(UI_DOMAIN, creation_date), entries=list(entries.values()))


class CatalogTranslations(gettext.NullTranslations):
    """gettext translations read from a parsed catalog: fuzzy and empty entries are not used."""

    def __init__(self, catalog: PoFile | None, plural_expression: str = "n != 1") -> None:
        super().__init__()
        self._singular: dict[str, str] = {}
        self._plural: dict[str, dict[int, str]] = {}
        self._plural_of = gettext.c2py(plural_expression)
        for entry in catalog.entries if catalog else []:
            if not entry.translated() or not _same_placeholders(entry):
                continue  # a translation that would break the page falls back to English
            if entry.msgid_plural is not None:
                self._plural[entry.msgid] = dict(entry.msgstr_plural)
            else:
                self._singular[entry.msgid] = entry.msgstr

    # A translation is text, escaped here: with autoescape on, Jinja's newstyle gettext marks
    # whatever it gets as safe markup (``Markup(rv) % variables``), so a translation returned as
    # a plain str would reach the page as HTML. Markup.escape keeps it text, in element content
    # and in attribute values alike; the English (the templates' own text) is left as written.

    def gettext(self, message: str) -> str:
        translation = self._singular.get(message)
        return message if translation is None else Markup.escape(translation)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = self._plural.get(singular)
        translation = None if forms is None else forms.get(self._plural_of(n))
        if translation is None:
            return singular if n == 1 else plural
        return Markup.escape(translation)

    def pgettext(self, context: str, message: str) -> str:
        return self.gettext(message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self.ngettext(singular, plural, n)


_PLACEHOLDER = re.compile(r"%\(([^)]*)\)")
# What Jinja's newstyle gettext may format (``translation % variables``): "%%" and "%(name)s".
_FORMAT = re.compile(r"%%|%\([^)]*\)s")


def stray_percent(text: str) -> bool:
    """Whether ``text`` has a "%" that is neither "%%" nor a ``%(name)s`` placeholder (the
    page's formatting would fail on it, or print what it should not)."""
    return "%" in _FORMAT.sub("", text)


def _same_placeholders(entry: PoEntry) -> bool:
    """Whether every translation of ``entry`` uses exactly the msgid's ``%(name)s`` placeholders."""
    expected = set(_PLACEHOLDER.findall(entry.msgid))
    translations = entry.msgstrs()
    if any(stray_percent(translation) for translation in translations):
        return False
    # A plural form may leave out the count (Arabic's "one"), never add an unknown name.
    if entry.msgid_plural is not None:
        expected |= set(_PLACEHOLDER.findall(entry.msgid_plural))
        return all(set(_PLACEHOLDER.findall(t)) <= expected for t in translations)
    return all(set(_PLACEHOLDER.findall(t)) == expected for t in translations)
