"""The caveat gate: no locale is published unless every required safety caveat survived.

The caveats are always extracted again from the current source (never read from the ``.po``
files), then each is checked in each locale's catalog and on the rendered page. Translations
are untrusted: every translated entry, caveat or not, is also checked for markup (raw HTML,
event handlers, script URLs, changed link targets) that its English lacks. Each rule is a
small function with a stable code; the first line of its docstring is its title.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from locpipe import meaning
from locpipe.catalog import caveat_of, key_of
from locpipe.config import REGISTRY_NAME, Config
from locpipe.errors import ConfigError, located, quoted
from locpipe.locales import PSEUDO_LOCALES
from locpipe.model import Message, header_fields
from locpipe.plurals import default_plural_forms, parse_plural_forms
from locpipe.pofile import PoEntry, PoFile
from locpipe.registry import CaveatSpec, fold, load_registry
from locpipe.render import (
    LocalizedDocument,
    Markup,
    References,
    RenderedPage,
    inline_markup,
    plain_text,
    read_inline,
    references_used,
    visible_text,
)
from locpipe.ui import stray_percent

NOT_A_CAVEAT = "-"
"""What :attr:`Finding.caveat` says for an entry that is not part of a caveat."""
UNTRUSTED_MARKUP = "untrusted-markup"
"""The name of the untrusted-markup check in reports (next to the caveat ids)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that failed for one entry (of a caveat, or any entry) in one locale."""

    code: str
    locale: str
    caveat: str
    """The caveat's id, or :data:`NOT_A_CAVEAT` for an entry that belongs to none."""
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return located(
            self.path, self.line, f"{self.code} {self.locale} {self.caveat}: {self.message}"
        )

    def titled(self) -> str:
        """The finding with its rule's title in place of its message, which may quote the
        translation: for pages the public can read (``build/status.html``)."""
        title = RULES.get(self.code, "")
        return located(self.path, self.line, f"{self.code} {self.locale} {self.caveat}: {title}")


@dataclass(slots=True)
class Report:
    """Everything the gate found: per locale, the caveats checked and the findings."""

    checked: dict[str, list[str]] = field(default_factory=dict)
    """locale → caveat ids checked (in source order). Every translated entry of a checked locale
    is also checked for untrusted markup (the :data:`UNTRUSTED_RULES`)."""
    findings: list[Finding] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """What the user must know about this run (e.g. that review rules are off)."""

    @property
    def passed(self) -> bool:
        return not self.findings

    def failing_locales(self) -> set[str]:
        return {finding.locale for finding in self.findings}


# --- rules on one translated entry ---------------------------------------------------------------

Definitions = Mapping[str, Mapping[str, str]]
"""A document's link reference definitions, as markdown-it keeps them (``env["references"]``:
normalized label → its ``href`` and ``title``)."""
Terms = tuple[tuple[str, ...], ...] | None
"""A caveat's required terms in one locale (each a tuple of alternatives); None: not a caveat."""
EntryRule = Callable[[str, str, str, Terms, References], str | None]
"""(locale, msgid, msgstr, required terms, the link reference definitions the two texts may
use) → failure message, or None. Markup is read with those definitions, as the page reads it:
``[text][label]`` is a link to where ``label`` points."""


def copied_english(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C006 translation is the English text copied."""
    if locale in PSEUDO_LOCALES:
        return None
    if _letters(msgstr) == _letters(msgid):
        return "translation is the English text copied"
    return None


def required_terms(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C007 a required term is missing."""
    if locale in PSEUDO_LOCALES or not terms:
        return None
    missing = meaning.missing_terms(locale, msgstr, terms, body_only=False)
    if missing:
        return "required term(s) missing: " + ", ".join(repr(term) for term in missing)
    return None


def markup_changed(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C008 links, images, code spans or inline HTML differ from the English."""
    source = Counter(inline_markup(msgid, "gfm", references))
    translation = Counter(inline_markup(msgstr, "gfm", references))
    if source == translation:
        return None
    added = translation - source
    removed = source - translation
    parts = []
    if added:
        parts.append("added " + ", ".join(sorted(_describe(item) for item in added.elements())))
    if removed:
        parts.append("lost " + ", ".join(sorted(_describe(item) for item in removed.elements())))
    return "markup differs from the English: " + "; ".join(parts)


def numbers_changed(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C009 numbers or units differ from the English."""
    source, translation = _numbers(msgid), _numbers(msgstr)
    if source != translation:
        return (
            f"numbers differ from the English: {sorted(source.elements())} "
            f"became {sorted(translation.elements())}"
        )
    return None


def broken_markup(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C011 markup in the translation breaks or swallows text."""
    leaked = _delimiters_shown(msgstr) - _delimiters_shown(msgid)
    if leaked:
        return "unbalanced markup is shown as text: " + ", ".join(
            f"{char!r} x{count}" for char, count in sorted(leaked.items())
        )
    if read_inline(msgid).emphasis != read_inline(msgstr).emphasis:
        return "emphasis differs from the English (an unclosed or extra delimiter?)"
    return None


#: The rules run on every translated caveat entry, in this order.
ENTRY_RULES: tuple[tuple[str, EntryRule], ...] = (
    ("C006", copied_english),
    ("C007", required_terms),
    ("C008", markup_changed),
    ("C009", numbers_changed),
    ("C011", broken_markup),
)


# --- rules on every translated entry: translations are untrusted ---------------------------------
# Each compares the msgstr with its msgid: what the English source has is trusted as written.


def added_html(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C012 the translation adds raw HTML (a tag or comment) the English lacks."""
    added = _added(msgid, msgstr, ("html",), references)
    if added:
        return "raw HTML not in the English: " + ", ".join(repr(item.value) for item in added)
    return None


def event_handlers(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C013 the translation adds an event-handler attribute (on...=)."""
    added = sorted(_handlers(msgstr, references) - _handlers(msgid, references))
    if added:
        return "event-handler attribute(s) not in the English: " + ", ".join(added)
    return None


def dangerous_urls(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C014 the translation adds a javascript:, vbscript: or data: URL."""
    added = sorted(_dangerous_urls(msgstr, references) - _dangerous_urls(msgid, references))
    if added:
        return "javascript:, vbscript: or data: URL(s) not in the English: " + ", ".join(added)
    return None


def changed_targets(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C015 a link or image target differs from the English."""
    added = _added(msgid, msgstr, ("link", "image"), references)
    if added:
        return "target(s) not in the English: " + ", ".join(_describe(item) for item in added)
    return None


#: The rules run on every translated entry of a catalog, caveat or not, in this order.
UNTRUSTED_RULES: tuple[tuple[str, EntryRule], ...] = (
    ("C012", added_html),
    ("C013", event_handlers),
    ("C014", dangerous_urls),
    ("C015", changed_targets),
)


# --- rules on every translated ui string: the page templates' own strings ------------------------
# A ui string is plain text put into HTML (element text and attribute values) by the templates,
# which escape it; still, none may bring markup, a URL or template syntax its msgid lacks, so that
# a template that forgot to escape, or a later one, never publishes a translator's markup.


def ui_markup(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C016 a ui translation adds markup (a tag, a comment, an attribute or a quote ending one)."""
    added = _more(_ui_markup(msgid), _ui_markup(msgstr))
    if added:
        return "markup not in the English: " + ", ".join(repr(item) for item in added)
    return None


def ui_urls(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C017 a ui translation adds a URL, a URL scheme or a domain name."""
    added = _more(_ui_urls(msgid), _ui_urls(msgstr))
    if added:
        return "URL(s) or domain(s) not in the English: " + ", ".join(map(repr, added))
    return None


def ui_template_syntax(
    locale: str, msgid: str, msgstr: str, terms: Terms, references: References = ()
) -> str | None:
    """C018 a ui translation adds template syntax ({{ }}, {% %}, {# #}, a stray %)."""
    added = _more(_template_syntax(msgid), _template_syntax(msgstr))
    if added:
        return "template syntax not in the English: " + ", ".join(map(repr, added))
    return None


def _template_syntax(text: str) -> list[str]:
    found = _TEMPLATE_SYNTAX.findall(_revealed(text))
    return found + ["%"] * stray_percent(text)  # formatting: only "%%" and "%(name)s"


#: The rules run on every translated entry of a ``ui`` catalog, in this order.
UI_RULES: tuple[tuple[str, EntryRule], ...] = (
    ("C016", ui_markup),
    ("C017", ui_urls),
    ("C018", ui_template_syntax),
)
EXTRA_PLURAL_FORMS = "C019"
UNTRUSTED_CODES = frozenset([code for code, _ in UNTRUSTED_RULES + UI_RULES] + [EXTRA_PLURAL_FORMS])

#: Every review rule's code and title (checked by :mod:`locpipe.review`).
REVIEW_RULES = {
    "C020": "the caveat has no review record",
    "C021": "the translation changed since it was reviewed",
    "C022": "the English changed since the review",
    "C023": "the review record was made for another caveat, document or locale",
    "C024": "the review record is malformed",
    "C025": "a review record for a caveat the document does not have",
    "C026": "the review record is not signed (allowed-signers is set)",
    "C027": "the review signature does not verify over the record",
    "C028": "the review is signed by a key not listed for its reviewer",
}
ESCAPED_MARKUP = "the caveat's page shows, escaped as text, markup its English lacks"
"""C050's title (see :func:`check_escaped`)."""

#: Every rule code with its title, for documentation and reports.
RULES = {
    "C001": "the caveat's entry is missing from the catalog",
    "C002": "the caveat's entry is obsolete",
    "C003": "translation is fuzzy",
    "C004": "caveat is untranslated",
    "C005": "stale: the English caveat changed since it was translated",
    **{code: (rule.__doc__ or "").split("\n")[0][5:] for code, rule in ENTRY_RULES},
    "C010": "the translated caveat is not visible on the built page",
    **REVIEW_RULES,
    "C055": "the registry gives no required terms for the locale",
    "C056": "the locale is translated below min-translated",
    "C050": ESCAPED_MARKUP,
    **{code: (rule.__doc__ or "").split("\n")[0][5:] for code, rule in UNTRUSTED_RULES},
    **{code: (rule.__doc__ or "").split("\n")[0][5:] for code, rule in meaning.MEANING_RULES},
    **{
        rule.__doc__.split("\n")[0][:4]: rule.__doc__.split("\n")[0][5:]
        for rule in (meaning.bidi_controls, meaning.stale_previous, meaning.length_outliers)
        if rule.__doc__
    },
    **{code: (rule.__doc__ or "").split("\n")[0][5:] for code, rule in UI_RULES},
    EXTRA_PLURAL_FORMS: "a translation has more plural forms than the catalog's nplurals",
}
#: Meaning rules that do not apply to the pseudo-locale (its text is English by design).
_NOT_FOR_PSEUDO = frozenset({"C030", "C031", "C035", "C036", "C037"})


_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")  # \w is str.isalnum() and "_"


@functools.lru_cache(maxsize=4096)
def _letters(text: str) -> str:
    """The letters and digits ``text`` shows, case-folded."""
    return _NOT_ALPHANUMERIC.sub("", fold(plain_text(text)))


def _describe(item: Markup) -> str:
    kind, value = item
    return f"{kind} {value!r}"


def _added(msgid: str, msgstr: str, kinds: Iterable[str], references: References) -> list[Markup]:
    """The markup of ``kinds`` in ``msgstr`` beyond what ``msgid`` has, each once, in text order:
    counted, so that one ``<br>`` in the English does not allow ten thousand."""
    left = Counter(inline_markup(msgid, "gfm", references))
    added = []
    for item in inline_markup(msgstr, "gfm", references):
        if left[item] > 0:
            left[item] -= 1
        elif item.kind in kinds:
            added.append(item)
    return list(dict.fromkeys(added))


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [(tag, name, value or "") for name, value in attrs]


def _html_attributes(text: str, references: References) -> list[tuple[str, str, str]]:
    """(tag, attribute, value) of every tag in ``text``'s raw HTML, entities decoded."""
    found = []
    for item in inline_markup(text, "gfm", references):
        if item.kind == "html":
            # One parser per tag: after "<script>" or "<style>" a parser reads the rest as text.
            parser = _Attributes()
            parser.feed(item.value)
            parser.close()
            found += parser.found
    return found


def _handlers(text: str, references: References) -> set[str]:
    return {
        f"<{tag} {name}={value!r}>"
        for tag, name, value in _html_attributes(text, references)
        if name.startswith("on")
    }


# After unmasking: a scheme that runs script or smuggles a document. In an attribute it may
# also follow "url=" (meta refresh), "url(" (style) or a comma (srcset).
_DANGEROUS_SCHEME = re.compile(r"(?:javascript|vbscript|data):")
_DANGEROUS_SCHEME_INSIDE = re.compile(r"(?<![a-z0-9+.\-])(?:javascript|vbscript|data):")


def _dangerous_urls(text: str, references: References) -> set[str]:
    found = {
        _describe(item)
        for item in inline_markup(text, "gfm", references)
        if item.kind in ("link", "image") and _DANGEROUS_SCHEME.match(_unmasked(item.value))
    }
    found |= {
        f"<{tag} {name}={value!r}>"
        for tag, name, value in _html_attributes(text, references)
        if _DANGEROUS_SCHEME_INSIDE.search(_unmasked(value))
    }
    return found


def _unmasked(url: str) -> str:
    """``url`` as a browser reads its scheme: character references and %-escapes decoded (again
    and again), then blanks and control characters dropped (a browser drops tabs and newlines
    inside a URL, and "jav&#x09;ascript:" is one of the oldest tricks), lower-cased."""
    previous = None
    while url != previous:  # each pass only ever shortens the text
        previous, url = url, html.unescape(urllib.parse.unquote(url))
    return "".join(char for char in url if char.isprintable() and not char.isspace()).lower()


def _more(trusted: Iterable[str], found: Iterable[str]) -> list[str]:
    """What ``found`` has more often than ``trusted`` (each once, in order): counts, not sets,
    so one trusted ``<br>`` does not let a translation bring ten thousand."""
    added = Counter(found) - Counter(trusted)
    return list(added)


@functools.lru_cache(maxsize=1024)
def _revealed(text: str) -> str:
    """``text`` as a browser or a template engine could come to read it: character references and
    %-escapes decoded (again and again), compatibility forms folded (a fullwidth "＜" is "<"),
    case-folded; blanks are kept."""
    previous = None
    while text != previous:  # each pass only ever shortens the text
        previous, text = text, html.unescape(urllib.parse.unquote(text))
    return unicodedata.normalize("NFKC", text).casefold()


# A tag or comment opening; an attribute (an event handler, a style); a quote that closes an
# attribute value to start another attribute or end the tag (`Idioma" onmouseover="...`).
_UI_MARKUP = re.compile(
    r"<\s*(?:[!?]|/?[a-z][^\s/<>]*)|\bon[a-z]+\s*=|\bstyle\s*=|[\"'`]\s*(?:/?>|[^\s\"'<>=/]+\s*=)"
)
# A scheme (tabs, newlines and controls dropped first: a browser drops them in a URL), a
# protocol-relative or www address, or a domain name (a label of two or more characters, a dot
# and an ASCII top-level domain: "evil.example", not "p.ej." or "z.B.").
_UI_SCHEME = re.compile(
    r"(?:javascript|vbscript|livescript):|(?<![a-z0-9+.\-])(?:data|https?|ftps?|file|blob|about"
    r"|filesystem|mailto|tel|sms|ws|wss|view-source|jar|intent):"
)
_UI_ADDRESS = re.compile(r"//\s*[\w\[]|\bwww\d*\.")
_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)+")
_TOP_LEVEL_DOMAIN = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]+")
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}")


def _ui_markup(text: str) -> list[str]:
    return ["".join(found.split()) for found in _UI_MARKUP.findall(_revealed(text))]


def _ui_urls(text: str) -> list[str]:
    revealed = _revealed(text)
    squeezed = "".join(char for char in revealed if char.isprintable() or char == " ")
    hosts = [
        host
        for host in _HOST.findall(revealed)
        if _TOP_LEVEL_DOMAIN.fullmatch(host.rsplit(".", 1)[1])
        and any(len(label) > 1 for label in host.split(".")[:-1])
    ]
    return _UI_SCHEME.findall(squeezed) + _UI_ADDRESS.findall(revealed) + hosts


_NUMBER = re.compile(r"\d+(?:[.,\u066b\u066c]\d+)*")
_DECIMAL_MARK = re.compile(r"[.,\u066b\u066c]")
_PERCENT = re.compile(r"[%٪％]")


class _AsciiDigits(dict[int, int]):
    """A ``str.translate`` table, filled as characters come: each digit (of any script,
    superscripts too) to its ASCII digit, anything else to itself."""

    def __missing__(self, code: int) -> int:
        char = chr(code)
        found = ord(str(unicodedata.digit(char))) if char.isdigit() else code
        if len(self) < 65536:  # a hostile text of every code point must not grow it further
            self[code] = found
        return found


_ASCII_DIGITS = _AsciiDigits()


@functools.lru_cache(maxsize=4096)
def _numbers(text: str) -> Counter[str]:
    """The numbers ``text`` shows, and its percent signs (cached: callers only compare it)."""
    digits = plain_text(text).translate(_ASCII_DIGITS)
    numbers: Counter[str] = Counter()
    for match in _NUMBER.finditer(digits):
        numbers[_DECIMAL_MARK.sub(".", match.group())] += 1
    numbers["%"] = len(_PERCENT.findall(digits))
    return +numbers


def _delimiters_shown(text: str) -> Counter[str]:
    shown = plain_text(text)
    return Counter(char for char in shown if char in "*_`~")


# --- checking a locale ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaveatSite:
    """A caveat in the source: its id and the messages it consists of."""

    id: str
    messages: tuple[Message, ...]


def caveat_sites(messages: list[Message]) -> list[CaveatSite]:
    grouped: dict[str, list[Message]] = {}
    for message in messages:
        if message.caveat is not None:
            grouped.setdefault(message.caveat, []).append(message)
    return [CaveatSite(caveat, tuple(found)) for caveat, found in grouped.items()]


def check_catalog(
    locale: str,
    sites: list[CaveatSite],
    catalog: PoFile | None,
    catalog_path: str,
    registry: dict[str, CaveatSpec],
    localized: LocalizedDocument | None = None,
    seen: Mapping[str, tuple[Markup, ...]] | None = None,
    definitions: Definitions | None = None,
) -> list[Finding]:
    """The catalog rules: C001–C009 and C011 for every caveat of one document in one locale,
    then C012–C015 for every translated entry of its catalog (see :func:`check_untrusted`,
    which takes ``seen``), then C050 for the caveats of ``localized``, the document made from
    it (see :func:`check_escaped`). ``definitions``: the document's link reference
    definitions (its ``env["references"]``), which its translations' markup is read with."""
    live: dict[tuple[str | None, str], PoEntry] = {}
    obsolete: dict[tuple[str | None, str], PoEntry] = {}
    for entry in catalog.entries if catalog else []:
        (obsolete if entry.obsolete else live)[key_of(entry)] = entry
    findings: list[Finding] = []
    for site in sites:
        spec = registry.get(site.id)
        for message in site.messages:
            findings += _check_message(
                locale, site.id, message, live, obsolete, catalog_path, spec, definitions
            )
    findings += _length_outliers(locale, sites, live, catalog_path)
    findings += _bidi_controls(locale, catalog, catalog_path)
    findings += check_plural_forms(locale, catalog, catalog_path)
    findings += check_untrusted(locale, catalog, catalog_path, seen, definitions)
    if localized is not None and localized.escaped:
        findings += check_escaped(locale, localized, live, catalog_path)
    return findings


def check_escaped(
    locale: str,
    localized: LocalizedDocument,
    live: dict[tuple[str | None, str], PoEntry],
    catalog_path: str,
) -> list[Finding]:
    """C050: a caveat's translation needed escaping its English does not (it starts a line with
    ``<!--``, ``<div``, ``#``, ``-``, a fence, ...), so its page shows that markup as text.

    The escaping keeps the caveat visible and the block structure intact; but a translation that
    tried to open a block (an HTML comment to hide the caveat, a heading, a list) is not a
    faithful caveat, and only a caveat fails for it: other strings are escaped and published.
    """
    findings: list[Finding] = []
    for index, constructs in localized.escaped.items():
        message = localized.source.units[index].message
        entry = live.get(key_of(message))
        if message.caveat is None or entry is None:
            continue
        findings.append(
            Finding(
                "C050",
                locale,
                message.caveat,
                catalog_path,
                entry.line,
                "markup the English lacks had to be escaped, so the page shows it as text: "
                + ", ".join(constructs),
            )
        )
    return findings


def _length_outliers(
    locale: str,
    sites: list[CaveatSite],
    live: dict[tuple[str | None, str], PoEntry],
    catalog_path: str,
) -> list[Finding]:
    """C041 over the translated caveats of one catalog (compared with each other)."""
    if locale in PSEUDO_LOCALES:
        return []
    shipped = [
        (site.id, entry)
        for site in sites
        for message in site.messages
        if (entry := live.get(key_of(message))) is not None and entry.translated()
    ]
    outliers = meaning.length_outliers([(locale, e.msgid, e.msgstr) for _, e in shipped])
    return [
        Finding("C041", locale, shipped[index][0], catalog_path, shipped[index][1].line, text)
        for index, text in outliers.items()
    ]


def _bidi_controls(locale: str, catalog: PoFile | None, catalog_path: str) -> list[Finding]:
    """C038 for every translated entry of ``catalog``, caveat or not."""
    findings = []
    for entry in catalog.entries if catalog else []:
        if entry.msgid_plural is None and not meaning.may_hold_bidi_controls(entry.msgstr):
            continue  # nearly every entry: one scan in C
        if not entry.translated():
            continue
        msgid, msgstrs = _english_and_translations(entry)
        for msgstr in msgstrs:
            failure = meaning.bidi_controls(msgid, msgstr)
            if failure is not None:
                caveat = caveat_of(entry) or NOT_A_CAVEAT
                findings.append(Finding("C038", locale, caveat, catalog_path, entry.line, failure))
                break
    return findings


def _english_and_translations(entry: PoEntry) -> tuple[str, list[str]]:
    """An entry's English (a plural entry's two forms on two lines) and its translations."""
    if entry.msgid_plural is None:
        return entry.msgid, [entry.msgstr]
    return f"{entry.msgid}\n{entry.msgid_plural}", list(entry.msgstr_plural.values())


def check_untrusted(
    locale: str,
    catalog: PoFile | None,
    catalog_path: str,
    seen: Mapping[str, tuple[Markup, ...]] | None = None,
    definitions: Definitions | None = None,
) -> list[Finding]:
    """The untrusted-markup rules (C012–C015) for every entry of ``catalog`` that can ship.

    Only translated entries reach a page (:func:`locpipe.render.translations_of`); whether or
    not an entry belongs to a caveat, its msgstr may not bring markup its msgid lacks.
    ``seen``: :func:`~locpipe.render.inline_markup` of some msgids and msgstrs, as the parses of
    the page and its source found it (:attr:`~locpipe.render.RenderedPage.markup`); the others
    are parsed here. ``definitions``: the document's link reference definitions; a
    ``[text][label]`` is a link to where ``label`` points, on the page as here.
    """
    seen = seen or {}
    findings = []
    for entry in catalog.entries if catalog else []:
        if entry.msgid_plural is None and not _may_hold_links_or_html(entry.msgstr):
            continue  # most entries: what the rules look at needs a "[" or a "<"
        if not entry.translated():
            continue
        msgid, msgstrs = _english_and_translations(entry)
        msgstrs = [msgstr for msgstr in msgstrs if _may_hold_links_or_html(msgstr)]
        if not msgstrs:
            continue
        caveat = caveat_of(entry) or NOT_A_CAVEAT
        known = seen.get(msgid)
        if known is None:
            known = inline_markup(msgid, "gfm", references_used(msgid, definitions))
        trusted = Counter(known)
        for msgstr in msgstrs:
            found = seen.get(msgstr)
            if found is None:
                found = inline_markup(msgstr, "gfm", references_used(msgstr, definitions))
            if not Counter(found) - trusted:
                continue  # every rule looks only at markup the English lacks: none here
            references = _references_of(msgid, msgstr, definitions)
            for code, rule in UNTRUSTED_RULES:
                failure = rule(locale, msgid, msgstr, None, references)
                if failure is not None:
                    findings.append(
                        Finding(code, locale, caveat, catalog_path, entry.line, failure)
                    )
    return findings


def check_ui(locale: str, catalog: PoFile | None, catalog_path: str) -> list[Finding]:
    """The rules on a ``ui`` catalog (the page templates' strings): C016-C018 on every entry
    that can ship, and C019. A ui string is text, never Markdown: the article's markup rules do
    not apply, these do."""
    findings = check_plural_forms(locale, catalog, catalog_path)
    for entry in catalog.entries if catalog else []:
        if not entry.translated():
            continue
        msgid = entry.msgid if entry.msgid_plural is None else f"{entry.msgid} {entry.msgid_plural}"
        for msgstr in entry.msgstrs():
            for code, rule in UI_RULES:
                failure = rule(locale, msgid, msgstr, None, ())
                if failure is not None:
                    findings.append(
                        Finding(code, locale, NOT_A_CAVEAT, catalog_path, entry.line, failure)
                    )
    return list(dict.fromkeys(findings))  # plural forms alike are one finding


def check_plural_forms(locale: str, catalog: PoFile | None, catalog_path: str) -> list[Finding]:
    """C019: no entry has a ``msgstr[N]`` beyond the ``nplurals`` its catalog declares (as
    ``msgfmt --check`` refuses). Without a Plural-Forms header, the locale's own count."""
    if catalog is None:
        return []
    nplurals = _nplurals(catalog.header.msgstr, locale)
    findings: list[Finding] = []
    for entry in catalog.entries:
        if not entry.msgstr_plural:
            continue
        extra = sorted(index for index in entry.msgstr_plural if index >= nplurals)
        if extra and not entry.obsolete:
            forms = ", ".join(f"msgstr[{index}]" for index in extra)
            message = f"{forms} beyond the catalog's nplurals={nplurals}"
            findings.append(
                Finding(EXTRA_PLURAL_FORMS, locale, NOT_A_CAVEAT, catalog_path, entry.line, message)
            )
    return findings


@functools.lru_cache(maxsize=64)
def _nplurals(header: str, locale: str) -> int:
    """The ``nplurals`` a catalog's header (its msgstr) declares; the locale's without one."""
    declared = parse_plural_forms(dict(header_fields(header)).get("Plural-Forms", ""))
    return (declared or default_plural_forms(locale)).count


def _references_of(msgid: str, msgstr: str, definitions: Definitions | None) -> References:
    """The link reference definitions an entry's English or translation may use."""
    if not definitions:
        return ()
    return tuple(
        sorted(set(references_used(msgid, definitions)) | set(references_used(msgstr, definitions)))
    )


def _may_hold_links_or_html(text: str) -> bool:
    """Whether ``text`` could hold a link, an image or raw HTML, the only markup that the
    untrusted-markup rules look at: each needs a "[" or a "<" (an autolink is one too)."""
    return "[" in text or "<" in text


def _check_message(
    locale: str,
    caveat: str,
    message: Message,
    live: dict[tuple[str | None, str], PoEntry],
    obsolete: dict[tuple[str | None, str], PoEntry],
    catalog_path: str,
    spec: CaveatSpec | None,
    definitions: Definitions | None = None,
) -> Iterator[Finding]:
    def finding(code: str, text: str, entry: PoEntry | None = None) -> Finding:
        if entry is None:
            return Finding(code, locale, caveat, message.path, message.line, text)
        return Finding(code, locale, caveat, catalog_path, entry.line, text)

    entry = live.get(key_of(message))
    if entry is None:
        old = obsolete.get(key_of(message))
        if old is not None:
            yield finding("C002", "the caveat's entry is obsolete (#~) in the catalog", old)
            return
        # Only a caveat whose entry is missing looks for its other entries (an error's path).
        stale = [e for e in live.values() if caveat_of(e) == caveat and e.msgid != message.msgid]
        if stale:
            yield finding(
                "C005",
                "stale: the English caveat changed since it was translated (run `locpipe update`)",
                stale[0],
            )
            return
        yield finding("C001", "the caveat's entry is missing from the catalog")
        return
    if entry.fuzzy:
        yield finding("C003", "translation is fuzzy", entry)
        return
    outdated = meaning.stale_previous(
        (entry.previous_msgctxt, entry.previous_msgid), (entry.msgctxt, entry.msgid), entry.fuzzy
    )
    if outdated is not None:
        yield finding("C040", outdated, entry)
    if not entry.msgstr:
        yield finding("C004", "caveat is untranslated", entry)
        return
    references = _references_of(entry.msgid, entry.msgstr, definitions)
    for code, failure in text_failures(locale, entry.msgid, entry.msgstr, spec, references):
        yield finding(code, failure, entry)


def text_failures(
    locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None, references: References = ()
) -> tuple[tuple[str, str], ...]:
    """(code, message) of every entry rule and meaning rule that a caveat's translation fails;
    ``references``: the link reference definitions the two texts may use.

    A pure function of its arguments, and of ``spec`` only through :func:`_spec_key`: a caveat
    text that comes back (the same disclaimer in many articles, every page of one article
    gated again) is judged once per process.
    """
    key = (locale, msgid, msgstr, _spec_key(spec, locale), references)
    found = _TEXT_FAILURES.get(key)
    if found is None:
        if len(_TEXT_FAILURES) >= _TEXT_FAILURES_KEPT:
            _TEXT_FAILURES.clear()
        failures = _text_failures(locale, msgid, msgstr, spec, references)
        found = _TEXT_FAILURES[key] = tuple(failures)
    return found


_TEXT_FAILURES: dict[tuple[object, ...], tuple[tuple[str, str], ...]] = {}
_TEXT_FAILURES_KEPT = 16384


def _spec_key(spec: CaveatSpec | None, locale: str) -> tuple[object, ...] | None:
    """What of ``spec`` the rules read for ``locale``: its terms there, and its claims' ids,
    polarities, English and phrasings there (never its id, description or line)."""
    if spec is None:
        return None
    claims = tuple(
        (c.id, c.polarity, c.english, c.phrasings.get(locale), c.opposite.get(locale))
        for c in spec.claims
    )
    return (spec.terms.get(locale), claims)


def _text_failures(
    locale: str, msgid: str, msgstr: str, spec: CaveatSpec | None, references: References
) -> Iterator[tuple[str, str]]:
    terms = spec.terms.get(locale) if spec else None
    for code, rule in ENTRY_RULES:
        failure = rule(locale, msgid, msgstr, terms, references)
        if failure is not None:
            yield code, failure
    for code, meaning_rule in meaning.MEANING_RULES:
        if locale in PSEUDO_LOCALES and code in _NOT_FOR_PSEUDO:
            continue
        failure = meaning_rule(locale, msgid, msgstr, spec)
        if failure is not None:
            yield code, failure


def check_page(
    locale: str,
    sites: list[CaveatSite],
    rendered: RenderedPage,
    page_html: str,
    page_path: str,
) -> list[Finding]:
    """C010: each caveat's translated text is visible on the page, inside its callout.

    Judged on the page as built, and on the page as the translation would render without the
    sanitizer: a translation that tries to hide its caveat (a style, a comment) fails even
    though the sanitizer would bring the text back.
    """
    if not sites:
        return []
    built = visible_text(page_html)
    unsanitized = built if rendered.unsanitized is None else visible_text(rendered.unsanitized)
    findings = []
    fallback = {(m.line, m.msgid) for m in rendered.localized.fallbacks}
    for site in sites:
        for message in site.messages:
            if (message.line, message.msgid) in fallback:
                continue  # no translation: reported by the catalog rules
            text = rendered.texts.get((message.line, message.msgid), "")
            problem = None
            if not built.shows(text, site.id):
                problem = "the translated caveat is not visible on the built page"
            elif not unsanitized.shows(text, site.id):
                problem = (
                    "the translated caveat is not visible on the built page without the "
                    "sanitizer: the translation hides it"
                )
            if problem is not None:
                findings.append(Finding("C010", locale, site.id, page_path, message.line, problem))
    return findings


def check_registry(
    config: Config,
    sites_by_document: dict[str, list[CaveatSite]],
    registry: dict[str, CaveatSpec] | None = None,
) -> dict[str, CaveatSpec]:
    """The registry, after checking it and the sources name the same caveats (else exit 2).

    ``registry``: the registry as the run already loaded it (else it is read now)."""
    path = config.source / REGISTRY_NAME
    shown = config.relative(path)
    if registry is None:
        registry = load_registry(path, shown_as=shown)
    in_sources: dict[str, Message] = {}
    for sites in sites_by_document.values():
        for site in sites:
            first = site.messages[0]
            if site.id in in_sources:
                other = in_sources[site.id]
                raise ConfigError(
                    f"caveat {site.id!r} is also used in {quoted(other.location)}: caveat ids must be unique",
                    path=first.path,
                    line=first.line,
                )
            in_sources[site.id] = first
    for caveat, message in in_sources.items():
        if caveat not in registry:
            raise ConfigError(
                f"caveat {caveat!r} has no entry in {quoted(shown)}",
                path=message.path,
                line=message.line,
            )
    for caveat, spec in registry.items():
        if caveat not in in_sources:
            raise ConfigError(
                f"registered caveat {caveat!r} is not marked in any source document",
                path=shown,
                line=spec.line,
            )
    return registry


def unregistered_terms(
    registry: dict[str, CaveatSpec], locales: list[str], config: Config
) -> list[Finding]:
    """C055 for each caveat whose registry entry gives no terms for a target locale: that locale
    cannot be judged, so it is not published; the other locales are not held back by it."""
    shown = config.relative(config.source / REGISTRY_NAME)
    return [
        Finding(
            "C055",
            locale,
            spec.id,
            shown,
            spec.line,
            f"no required terms registered for {locale} (add [{spec.id}.terms] {locale} = [...])",
        )
        for locale in locales
        if locale not in PSEUDO_LOCALES and locale != config.source_locale
        for spec in registry.values()
        if locale not in spec.terms
    ]


# --- what failed ---------------------------------------------------------------------------------


def untrusted_findings(findings: Iterable[Finding], locale: str) -> list[Finding]:
    """The untrusted-markup findings (C012-C015) of ``locale``."""
    return [f for f in findings if f.locale == locale and f.code in UNTRUSTED_CODES]


def failing_checks(findings: Iterable[Finding]) -> list[str]:
    """What failed, for a one-line summary: the caveat ids, then ``untrusted-markup`` if any."""
    findings = list(findings)
    caveats = sorted({f.caveat for f in findings if f.caveat != NOT_A_CAVEAT})
    untrusted = any(f.code in UNTRUSTED_CODES for f in findings)
    return caveats + [UNTRUSTED_MARKUP] * untrusted
