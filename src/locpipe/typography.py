"""Typography warnings on translations: what would look wrong on the page, never an error.

W001: a space after full-width punctuation (``：``, ``，``, ``。``…). The full-width glyph holds
its own space, so a space after it shows as a double gap (``实验阶段：** 用于`` reads "实验阶段：
用于" with a hole in it). W002: an ASCII ``?``, ``!``, ``:``, ``;`` or ``,`` right after a CJK
character, in a Chinese or Japanese translation (``是什么?`` for ``是什么？``).

``locpipe check`` shows the warnings (as notices) and ``build/status.html`` lists them per
locale; they never stop a locale from being published (a reviewed caveat keeps its review until
a translator fixes it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from locpipe.config import UI_DOMAIN, Config
from locpipe.locales import base_language, language_of
from locpipe.pofile import PoFile
from locpipe.project import read_catalog

#: Full-width punctuation whose glyph carries its own space.
FULL_WIDTH = "：；，。、！？）」』】〕〉》"
_SPACE_AFTER_FULL_WIDTH = re.compile(
    rf"[{FULL_WIDTH}](?:\*{{1,3}}|_{{1,3}}|~~|`|</[a-z]+>)*[ \t\u3000]+(?=\S)"
)
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_ASCII_AFTER_CJK = re.compile(rf"[{_CJK}](?:\*{{1,3}}|_{{1,3}})?[?!:;,](?=\s|$|\*|_)")
CJK_LANGUAGES = frozenset({"zh", "ja"})


def catalog_warnings(locale: str, catalog: PoFile, shown: str) -> list[str]:
    """The typography warnings on every translated entry of ``catalog`` (of ``locale``)."""
    cjk = base_language(language_of(locale)) in CJK_LANGUAGES
    translated = [
        (entry, entry.msgstrs())
        for entry in catalog.entries
        if not entry.obsolete and entry.translated()
    ]
    # Neither pattern spans a line break: one search of all the texts, a line apart, tells
    # whether any has a warning (most catalogs have none), before they are searched one by one.
    every = "\n".join(text for _, texts in translated for text in texts)
    if not _SPACE_AFTER_FULL_WIDTH.search(every) and not (cjk and _ASCII_AFTER_CJK.search(every)):
        return []
    warnings = []
    for entry, texts in translated:
        for text in dict.fromkeys(texts):
            found = _SPACE_AFTER_FULL_WIDTH.search(text)
            if found:
                warnings.append(
                    f"{shown}:{entry.line}: warning W001 {locale}: a space after full-width "
                    f"punctuation shows as a double gap: {_excerpt(text, found)}"
                )
            found = _ASCII_AFTER_CJK.search(text) if cjk else None
            if found:
                warnings.append(
                    f"{shown}:{entry.line}: warning W002 {locale}: ASCII punctuation after "
                    f"CJK text (use the full-width form): {_excerpt(text, found)}"
                )
    return warnings


def _excerpt(text: str, found: re.Match[str]) -> str:
    start, end = max(0, found.start() - 6), min(len(text), found.end() + 6)
    return repr(text[start:end])


def locale_warnings(
    config: Config,
    locale: str,
    known: Mapping[str, list[str]] | None = None,
    documents: list[str] | None = None,
) -> list[str]:
    """The typography warnings on every catalog (every document's and ``ui``) of ``locale``
    (none for the source locale, whose "translations" are the source).

    ``known``: document → its catalog's warnings, found already (by the build that made its
    page from the catalog): those catalogs are not read again. ``documents``: the project's
    documents (``config.documents()``), when the caller has them."""
    if locale == config.source_locale:
        return []
    warnings = []
    for document in [*(config.documents() if documents is None else documents), UI_DOMAIN]:
        if known is not None and document in known:
            warnings += known[document]
            continue
        path = config.catalog_path(locale, document)
        if path.exists():
            catalog = read_catalog(config, locale, document, path)
            warnings += catalog_warnings(locale, catalog, config.relative(path))
    return warnings


def project_warnings(config: Config, locales: Iterable[str]) -> list[str]:
    """:func:`locale_warnings` of every locale of ``locales``, in their order."""
    return [warning for locale in locales for warning in locale_warnings(config, locale)]
