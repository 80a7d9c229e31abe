"""Catalog + source → localized Markdown → HTML body, with caveats as callouts.

The gate and the site both render through here, so the gate checks the very HTML that is
published. Translations are untrusted: whatever markup a translation has that its English
lacks is sanitized here (raw HTML through nh3, links and images dropped), gate or no gate.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import nh3
from markdown_it.common.utils import mdTrim, normalizeReference
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token
from selectolax.lexbor import LexborHTMLParser, LexborNode

from locpipe.catalog import key_of
from locpipe.model import Flavor, Message
from locpipe.parser import (
    MARKUP_STARTS,
    make_markup_parser,
    make_renderer,
    parse_inline,
)
from locpipe.pofile import PoFile
from locpipe.segment import Document, Unit, is_directive_block, parse_document


def translations_of(catalog: PoFile | None) -> dict[tuple[str | None, str], str]:
    """The translations a page may use: live, not fuzzy, not empty. Nothing else ever ships."""
    if catalog is None:
        return {}
    return {key_of(entry): entry.msgstr for entry in catalog.entries if entry.translated()}


@dataclass(slots=True)
class LocalizedDocument:
    """A document in one locale: its Markdown, and which units fell back to the source."""

    source: Document
    markdown: str
    fallbacks: list[Message] = field(default_factory=list)
    """Non-caveat messages shown in the source language (no usable translation)."""
    written: dict[int, str] | None = None
    """What each translated unit became, by unit index (see
    :meth:`~locpipe.segment.Document.localize_units`); None: not known, parse ``markdown``."""
    escaped: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """By unit index: block constructs (an HTML block start, a list marker, a fence, ...) that
    had to be escaped in the unit's translation to show as text, and not in its English."""


def localize_with(
    source: Document, translations: dict[tuple[str | None, str], str]
) -> LocalizedDocument:
    """``source`` localized from ``translations``; a missing translation keeps the source text."""
    fallbacks: list[Message] = []

    def translate(message: Message) -> str | None:
        found = translations.get(key_of(message))
        if found is None:
            fallbacks.append(message)
        return found

    escaped: dict[int, tuple[str, ...]] = {}
    markdown, written = source.localize_units(translate, escaped)
    return LocalizedDocument(source, markdown, fallbacks, written, escaped)


@dataclass(slots=True)
class RenderedPage:
    """A localized document rendered once: what the site publishes and what the gate checks."""

    localized: LocalizedDocument
    body: str
    """The HTML body, sanitized: what is published."""
    texts: dict[tuple[int, str], str]
    """What units say on the page, as plain text, keyed by their source message's (line,
    msgid): every caveat unit, and the units asked for."""
    unsanitized: str | None = None
    """The body as the translations alone would render it, without the sanitizer; None when the
    sanitizer changed nothing (it is then :attr:`body`)."""
    markup: dict[str, tuple[Markup, ...]] = field(default_factory=dict)
    """:func:`inline_markup` of translated texts and of their English (with the definitions
    each uses, :func:`references_used`), read from this page's own parse of them and its
    source's where that parse is bound to find the same (see :func:`_markup_read`): the gate's
    untrusted-markup rules take it from here instead of parsing each text again."""


def render_page(
    localized: LocalizedDocument,
    *,
    source_language: str = "en",
    rtl: bool = False,
    texts_for: Iterable[Message] = (),
    trusted: TrustedMarkup | None = None,
) -> RenderedPage:
    """Parse ``localized`` once and render its body; keep the texts the gate and the page need.

    ``texts_for``: source messages whose text on the page is wanted besides the caveats' (the
    page's title and description). ``trusted``: the source's :func:`trusted_markup`, when
    known (it is the same for every page of a source).
    """
    source = localized.source
    trusted = trusted or trusted_markup(source)
    page = page_document(localized)
    markup = {**trusted.texts, **_markup_seen(localized, page)}
    texts = _unit_texts(source, page, texts_for)
    changed = _sanitize_translations(page, source, trusted)
    body = _decorated_html(page, localized, source_language=source_language, rtl=rtl)
    unsanitized = None
    if changed:
        unsanitized = render_body(
            localized, source_language=source_language, rtl=rtl, sanitize=False
        )
    return RenderedPage(localized, body, texts, unsanitized, markup)


# A link label: between brackets, none inside unless escaped (as CommonMark allows them).
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]", re.DOTALL)

References = tuple[tuple[str, str, str], ...]
"""Link reference definitions, as (normalized label, href, title), sorted: the ones a text
may use (see :func:`references_used`), in a form a cache can key on."""


def references_used(text: str, definitions: Mapping[str, Mapping[str, str]] | None) -> References:
    """The definitions (a document's ``env["references"]``) that reading ``text`` may look up:
    those whose label is one of its bracketed labels. A reference a parse looks up has a label
    without unescaped brackets (no definition has one), so it is among them; more are harmless
    (a parse never looks at a definition it does not ask for)."""
    if not definitions or "]" not in text:
        return ()
    found = {normalizeReference(label) for label in _LABEL.findall(text)}
    return tuple(
        sorted(
            (label, definitions[label]["href"], definitions[label]["title"])
            for label in found
            if label in definitions
        )
    )


def _may_refuse_a_link(text: str) -> bool:
    """Whether the renderer may refuse a link in ``text``: markdown-it's validateLink turns
    down javascript:, vbscript:, file: and most data: URLs (ASCII letters in any case, after
    decoding character references and escapes, which the gate's own parser takes as links);
    so, whether ``text`` names such a scheme once its references are decoded and its
    backslashes dropped (more than any URL decodes)."""
    if "&" in text or "\\" in text:
        text = html.unescape(text).replace("\\", "")
    if ":" not in text:
        return False
    lowered = text.lower()
    return "script:" in lowered or "file:" in lowered or "data:" in lowered


def _markup_seen(localized: LocalizedDocument, page: Document) -> dict[str, tuple[Markup, ...]]:
    """:func:`_markup_read` of the translated units of ``page``."""
    if localized.written is None or page.units is not localized.source.units:
        return {}  # the page's Markdown was parsed whole: its units are its own
    return _markup_read(localized.written.items(), page)


def _markup_read(
    texts: Iterable[tuple[int, str]], document: Document
) -> dict[str, tuple[Markup, ...]]:
    """The markup ``document``'s parse found in its units, by their texts (unit index, text),
    where that is :func:`inline_markup` of the text with the document's definitions
    (:func:`references_used`): the text was parsed as it is (no escaping, indenting or cell
    splitting changed it; a msgid's line breaks may have become spaces, see
    :func:`_reads_alike`) and no link in it can have been refused. Other texts are left out,
    and those without markup's first characters (they have none)."""
    seen = {}
    for index, text in texts:
        if text in seen or not any(char in text for char in MARKUP_STARTS):
            continue
        token = document.tokens[document.units[index].token_index]
        if _reads_alike(token.content, text) and not _may_refuse_a_link(text):
            seen[text] = tuple(markup_of(token.children or []))
    return seen


# A link destination in angle brackets, where a line break and a space differ: "<a b>" is one,
# "<a\nb>" none (the only place the markup rules' reading of the two differs).
_BRACKETED_DESTINATION = re.compile(r"\(\s*<")


def _reads_alike(content: str, text: str) -> bool:
    """Whether ``text`` has the markup an inline token of ``content`` has: it is ``content``, or
    ``content`` with line breaks as spaces (a msgid of a paragraph's lines keeps only those
    inside raw HTML) and no bracketed link destination. Elsewhere markdown-it reads a line
    break inside markup as a space: between a link's parts, in a title, raw HTML or a code
    span (whose values :class:`Markup` keeps with each run of blanks as one space); an
    autolink or a plain destination holds neither."""
    if content == text:
        return True
    return (
        "\n" in content
        and len(content) == len(text)
        and content.replace("\n", " ") == text.replace("\n", " ")
        and _BRACKETED_DESTINATION.search(content) is None
    )


def page_document(localized: LocalizedDocument) -> Document:
    """The localized document's tokens, as parsing its Markdown would give them.

    Made from the source's parse when each unit's new text is known: translations only ever
    replace units' inline text, escaped so that the block structure stays as it is, so the
    block tokens are the source's and only each translated unit's inline text is parsed (with
    the source's link reference definitions). A table cell whose text would not stay one cell
    makes it parse the whole Markdown instead.
    """
    source = localized.source
    if localized.written is None:
        return parse_document(localized.markdown, path=source.path, flavor=source.flavor)
    parser = make_renderer(source.flavor)
    # Each inline token is a copy: rendering a page changes its children.
    tokens = [
        Token(*_token_fields(token)) if token.type == "inline" else token for token in source.tokens
    ]
    translated = []
    for index, text in localized.written.items():
        unit = source.units[index]
        content = _inline_content(text, unit, source)
        if content is None:
            return parse_document(localized.markdown, path=source.path, flavor=source.flavor)
        token = tokens[unit.token_index]
        token.content, token.children = content, []
        translated.append(token)
    parse_inline(translated, source.env, md=parser)
    return Document(
        source=localized.markdown,
        path=source.path,
        flavor=source.flavor,
        units=source.units,
        _tokens=tokens,
        env=source.env,
    )


#: A token's fields in the order its constructor takes them: a shallow copy, 7x cheaper than
#: ``copy.copy`` (which goes through ``__reduce_ex__``).
_token_fields = operator.attrgetter(*(spec.name for spec in dataclasses.fields(Token)))

# What container prefixes are usually made of: quote markers, list markers, spaces.
_PLAIN_PREFIX = "> -+*.)0123456789"


def _inline_content(written: str, unit: Unit, source: Document) -> str | None:
    """The ``content`` markdown-it gives the inline token of ``unit`` written as ``written``;
    None where only parsing the page can tell."""
    if "\r" in written or "\0" in written:  # as markdown-it normalizes a document's text
        written = written.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    if "\n" in written and unit.line_start != unit.start:
        # A line it adds takes the unit's container prefix, of which the paragraph rule keeps
        # what is indented past the container (inside raw HTML, that is content).
        if unit.indent < 0 or source.prefix(unit).strip(_PLAIN_PREFIX):
            return None  # tabs (columns are not characters), or odd blanks: let the parser count
        written = written.replace("\n", "\n" + " " * unit.indent)
    if unit.kind in ("cell", "row-start cell"):
        # The table rule splits the row at unescaped pipes, turning each "\|" into "|".
        columns = escapedSplit(written)
        if len(columns) != 1:
            return None
        written = columns[0]
    return mdTrim(written)


def _unit_texts(
    source: Document, page: Document, wanted: Iterable[Message]
) -> dict[tuple[int, str], str]:
    """What the chosen source units say on ``page`` (read from the page's own tokens: its
    reference links are resolved against its definitions, as the reader sees them)."""
    if len(page.units) != len(source.units):
        return {}
    keys = {(message.line, message.msgid) for message in wanted}
    texts = {}
    for original, unit in zip(source.units, page.units, strict=True):
        key = (original.message.line, original.message.msgid)
        if original.message.caveat is not None or key in keys:
            texts[key] = inline_text(page, unit.token_index)
    return texts


def render_body(
    localized: LocalizedDocument,
    *,
    source_language: str = "en",
    rtl: bool = False,
    sanitize: bool = True,
) -> str:
    """The HTML of a localized document: caveats in callouts, fallbacks marked with ``lang``.

    Markup that a translation has and its English lacks is neutralized (see
    :func:`_sanitize_translations`); the source's own HTML is kept as it is.

    ``rtl``: the page is right-to-left; left-to-right runs in its text (UC-MSC, numbers, URLs)
    are isolated in ``<bdi>`` so the bidi algorithm cannot reorder them with their neighbours.
    ``sanitize=False`` is for the gate alone, to judge what a translation itself would show;
    never publish what it returns.
    """
    source = localized.source
    page = parse_document(localized.markdown, path=source.path, flavor=source.flavor)
    if sanitize:
        # Before the HTML that render_body adds itself (callouts, lang spans, bdi): it is trusted.
        _sanitize_translations(page, source)
    return _decorated_html(page, localized, source_language=source_language, rtl=rtl)


def _decorated_html(
    page: Document, localized: LocalizedDocument, *, source_language: str, rtl: bool
) -> str:
    """``page``'s tokens rendered, with the HTML locpipe adds: callouts, ``lang`` spans, ``bdi``.

    The tokens are changed in place: ``page`` is used up.
    """
    source = localized.source
    tokens = page.tokens
    fallback_keys = {(m.line, m.msgid) for m in localized.fallbacks}
    if len(page.units) == len(source.units):
        # Same block structure, so units pair up in order; insert from the end to keep indexes.
        for original, unit in reversed(list(zip(source.units, page.units, strict=True))):
            message = original.message
            if (message.line, message.msgid) in fallback_keys:
                _wrap_inline(
                    tokens, unit.token_index, f'<span lang="{source_language}">', "</span>"
                )
            if message.caveat is not None:
                _callout(tokens, unit.token_index, message.caveat)
    # Directives are notes for authors and translators, not content: keep them off the page.
    tokens = [token for token in tokens if not is_directive_block(token)]
    if rtl:
        _isolate_ltr_runs(tokens)
    renderer = make_renderer(source.flavor)
    html: str = renderer.renderer.render(tokens, renderer.options, {})
    return html


def render_localized(
    source: Document,
    catalog: PoFile | None,
    *,
    source_language: str = "en",
    rtl: bool = False,
) -> str:
    """The HTML body of ``source`` localized from ``catalog``, without the gate.

    What a page would show if its locale were published whatever the gate found: then only the
    sanitizer in :func:`render_body` stands between a translator and the reader.
    """
    return render_body(
        localize_with(source, translations_of(catalog)), source_language=source_language, rtl=rtl
    )


# --- untrusted translations ----------------------------------------------------------------------


_BLANKS = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


class Markup(NamedTuple):
    """A piece of inline markup that is more than text, as a translation must keep it."""

    kind: Literal["link", "image", "code", "html"]
    value: str
    """The link's ``href`` or the image's ``src`` (as markdown-it normalizes them), the code
    span's text, or the raw HTML with each run of whitespace as one space."""


def markup_of(children: Iterable[Token]) -> Iterator[Markup]:
    """The links, images, code spans and raw HTML among an ``inline`` token's children."""
    for child in children:
        if child.type in _MARKUP_TOKENS and (item := _markup_item(child)) is not None:
            yield item


_MARKUP_TOKENS = frozenset({"link_open", "image", "code_inline", "html_inline"})


def _markup_item(token: Token) -> Markup | None:
    if token.type == "link_open":
        return Markup("link", str(token.attrGet("href")))
    if token.type == "image":
        return Markup("image", str(token.attrGet("src")))
    if token.type == "code_inline":
        return Markup("code", token.content)
    if token.type == "html_inline":
        return Markup("html", _BLANKS.sub(" ", token.content))
    return None


@functools.lru_cache(maxsize=16384)
def inline_markup(
    text: str, flavor: Flavor = "gfm", references: References = ()
) -> tuple[Markup, ...]:
    """The markup of inline Markdown ``text``, counting links of every scheme as links;
    ``references``: the link reference definitions of the document it is read in (what
    :func:`references_used` gives: ``[text][label]`` is a link where ``label`` is defined).

    markdown-it shows a ``javascript:``, ``vbscript:``, ``file:`` or (non-image) ``data:`` link
    as text, but the localized ``.md`` is published too, and another renderer may not be so
    careful: a checker must see such a link for what the translator meant it to be.
    """
    if not any(char in text for char in MARKUP_STARTS):
        return ()
    if "\r" in text or "\0" in text:  # as markdown-it's core normalizes a text
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    # What parseInline does, without its core chain: it would wrap the text in one inline token
    # and join adjacent text tokens, neither of which changes the markup (a fifth of the time).
    md = make_markup_parser(flavor)
    children: list[Token] = []
    md.inline.parse(text, md, _env(references), children)
    return tuple(markup_of(children))


def _env(references: References) -> dict[str, object]:
    """A parse's environment holding ``references`` as markdown-it's reference rule keeps them."""
    if not references:
        return {}
    return {
        "references": {label: {"href": href, "title": title} for label, href, title in references}
    }


#: What raw HTML that a translation added keeps once sanitized: inline formatting only. No
#: links, images, media, frames, forms, styles or scripts, no comments, and no attribute that
#: can carry a URL, an event handler or a style (so it cannot hide text either).
_TRANSLATION_TAGS = frozenset(
    {
        "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
        "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
        "wbr",
    }
)  # fmt: skip
_TRANSLATION_ATTRIBUTES = {"*": {"lang", "dir"}, "abbr": {"title"}, "time": {"datetime"}}


def sanitize_html(fragment: str) -> str:
    """``fragment`` (HTML from a translation) through nh3 with the translation allowlist.

    >>> sanitize_html('<img src=x onerror=alert(1)><b onclick="x()">bold</b>')
    '<b>bold</b>'
    """
    return nh3.clean(
        fragment,
        tags=set(_TRANSLATION_TAGS),
        attributes={tag: set(names) for tag, names in _TRANSLATION_ATTRIBUTES.items()},
        strip_comments=True,
        link_rel=None,
        url_schemes=set(),
    )


@dataclass(frozen=True, slots=True)
class TrustedMarkup:
    """What markup a source document has, which its translations may use too."""

    everywhere: frozenset[Markup]
    """In any unit: what a token that pairs with no source unit may use."""
    by_token: dict[int, frozenset[Markup]]
    """Each unit's own, by the index of its ``inline`` token."""
    blocks: frozenset[str]
    """The source's HTML blocks."""
    texts: dict[str, tuple[Markup, ...]] = field(default_factory=dict)
    """:func:`inline_markup` of the source's messages, where its parse tells it (see
    :func:`_markup_read`)."""


def trusted_markup(source: Document) -> TrustedMarkup:
    """The markup of ``source``, found once for all its pages."""
    inline = {
        index: frozenset(markup_of(token.children or []))
        for index, token in enumerate(source.tokens)
        if token.type == "inline"
    }
    by_token = {unit.token_index: inline[unit.token_index] for unit in source.units}
    blocks = {token.content for token in source.tokens if token.type == "html_block"}
    texts = _markup_read(
        ((index, unit.message.msgid) for index, unit in enumerate(source.units)), source
    )
    return TrustedMarkup(frozenset().union(*inline.values()), by_token, frozenset(blocks), texts)


def _sanitize_translations(
    page: Document, source: Document, trusted: TrustedMarkup | None = None
) -> bool:
    """Neutralize, in ``page`` (the localized document), all markup that the source lacks.
    Whether anything had to be.

    Each unit is checked against its own source unit: raw HTML the source unit does not have
    goes through nh3, a link to a target it does not have loses the link (its text stays), and
    such an image becomes its alt text. Everything the source has stays byte for byte.
    """
    trusted = trusted or trusted_markup(source)
    by_token: dict[int, frozenset[Markup]] = {}
    if len(page.units) == len(source.units):
        for original, unit in zip(source.units, page.units, strict=True):
            by_token[unit.token_index] = trusted.by_token[original.token_index]
    # Anything else, or everything when the units no longer pair up (which escaping should
    # prevent), may use only what the source has somewhere.
    changed = False
    for index, token in enumerate(page.tokens):
        if token.type == "inline":
            children = token.children or []
            kept = _sanitized(children, by_token.get(index, trusted.everywhere))
            if kept is not children:
                token.children, changed = kept, True
        elif token.type == "html_block" and token.content not in trusted.blocks:
            # A translation is inline and escaped so that it cannot open a block; just in case.
            cleaned = sanitize_html(token.content)
            changed = changed or cleaned != token.content
            token.content = cleaned
    return changed


_MARKUP_TYPES = frozenset({"link_open", "image", "html_inline"})
"""The types of the tokens :func:`_markup_item` may find more than text in (not code spans)."""


def _sanitized(children: list[Token], trusted: frozenset[Markup]) -> list[Token]:
    """``children`` without the markup ``trusted`` lacks: the same list if nothing goes."""
    if not any(
        child.type in _MARKUP_TYPES and _markup_item(child) not in trusted for child in children
    ):
        return children
    kept: list[Token] = []
    unlinked = False
    for child in children:
        item = _markup_item(child)
        if item is None or item.kind == "code" or item in trusted:
            if child.type == "link_close" and unlinked:
                unlinked = False  # links do not nest: this closes the dropped one
                continue
            kept.append(child)
        elif item.kind == "html":
            cleaned = sanitize_html(child.content)
            if cleaned:
                kept.append(Token("html_inline", "", 0, content=cleaned))
        elif item.kind == "link":
            unlinked = True  # the link's text stays, as text
        else:
            kept.append(_text(child.content))  # an image: its alt text
    return kept


# A run of Latin letters or digits, with the punctuation that binds such a run (UC-MSC, 10.5%).
_LTR_RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 .,:/%+\-]*[A-Za-z0-9%])?")


def _isolate_ltr_runs(tokens: list[Token]) -> None:
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        for child in token.children:
            if child.type == "text" and _LTR_RUN.search(child.content):
                children += _isolated(child.content)
            else:
                children.append(child)
        token.children = children


def _isolated(text: str) -> list[Token]:
    pieces: list[Token] = []
    position = 0
    for match in _LTR_RUN.finditer(text):
        if match.start() > position:
            pieces.append(_text(text[position : match.start()]))
        pieces.append(Token("html_inline", "", 0, content='<bdi dir="ltr">'))
        pieces.append(_text(match.group()))
        pieces.append(Token("html_inline", "", 0, content="</bdi>"))
        position = match.end()
    if position < len(text):
        pieces.append(_text(text[position:]))
    return pieces


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _wrap_inline(tokens: list[Token], index: int, opening: str, closing: str) -> None:
    children = tokens[index].children or []
    tokens[index].children = [
        Token("html_inline", "", 0, content=opening),
        *children,
        Token("html_inline", "", 0, content=closing),
    ]


def _callout(tokens: list[Token], index: int, caveat: str) -> None:
    attributes = f'class="caveat" role="note" data-caveat="{html.escape(caveat)}"'
    parent = tokens[index - 1]
    if parent.type == "paragraph_open" and tokens[index + 1].type == "paragraph_close":
        tokens.insert(index + 2, Token("html_block", "", 0, content="</div>\n"))
        tokens.insert(index - 1, Token("html_block", "", 0, content=f"<div {attributes}>\n"))
    else:
        _wrap_inline(tokens, index, f"<span {attributes}>", "</span>")


# --- what a reader sees --------------------------------------------------------------------------

_HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript", "head", "title"})
_HIDING_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0", re.I)


#: Elements that may hide their content, to look at closely.
_MAY_HIDE = ", ".join([*sorted(_HIDDEN_TAGS), "[hidden]", "[style]"])


def _hides(node: LexborNode) -> bool:
    if node.tag in _HIDDEN_TAGS:
        return True
    attributes = node.attributes
    return "hidden" in attributes or bool(_HIDING_STYLE.search(attributes.get("style") or ""))


def _squeeze(text: str) -> str:
    """``text`` with each run of whitespace as one space, none at the ends (``str.split`` knows
    the same whitespace as ``\\s``, 5x faster than substituting it on a page)."""
    return " ".join(text.split())


class VisibleText:
    """The text of a page as a reader sees it: inside each caveat callout, and overall
    (:attr:`page`, read from the page when first asked for)."""

    __slots__ = ("_callouts", "_page", "_pieces", "_tree")

    def __init__(self, pieces: dict[str, list[str]], tree: LexborHTMLParser | None = None) -> None:
        """``pieces``: caveat id → the text of each of its callouts; ``tree``: the page they are
        in, hidden elements removed (None: a page that shows nothing)."""
        self._pieces = pieces
        self._callouts: dict[str, str] | None = None
        self._tree = tree
        self._page = "" if tree is None else None

    @property
    def callouts(self) -> dict[str, str]:
        """caveat id → the text of its callouts, one after the other."""
        if self._callouts is None:
            self._callouts = {key: _squeeze("".join(parts)) for key, parts in self._pieces.items()}
        return self._callouts

    @property
    def page(self) -> str:
        """Every word the page shows."""
        if self._page is None:
            root = self._tree.root if self._tree is not None else None
            self._page = _squeeze(root.text() if root is not None else "")
            self._tree = None
        return self._page

    def shows(self, text: str, caveat: str) -> bool:
        """Whether ``text`` shows inside the callouts of ``caveat``, and on the page."""
        if not text:
            return False
        # The text of one callout, squeezed, is part of the page's: no need to read the page.
        if any(text in _squeeze(part) for part in self._pieces.get(caveat, ())):
            return True
        return text in self.callouts.get(caveat, "") and text in self.page


def visible_text(page_html: str) -> VisibleText:
    """The text a reader sees on ``page_html``, overall and inside each caveat callout.

    The page is parsed as a browser parses it (lexbor follows the HTML standard's tree
    construction: unclosed and misnested tags, raw-text elements, foster parenting), then every
    element that hides its content is taken out of the tree with that content.
    """
    tree = LexborHTMLParser(page_html)
    hiding = [node for node in tree.css(_MAY_HIDE) if _hides(node)]
    hidden_ids = {node.mem_id for node in hiding}
    # Only the outermost: a node inside one already removed is gone with it.
    outermost = [node for node in hiding if not _inside(node, hidden_ids)]
    if any(node.parent is None or node.tag == "html" for node in outermost):
        # "<html hidden>" anywhere gives the root element its attribute: nothing shows.
        return VisibleText({})
    for node in outermost:
        node.decompose()
    pieces: dict[str, list[str]] = {}
    for node in tree.css("[data-caveat]"):
        pieces.setdefault(node.attributes["data-caveat"] or "", []).append(node.text())
    return VisibleText(pieces, tree)


def _inside(node: LexborNode, ids: set[int]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id in ids:
            return True
        parent = parent.parent
    return False


def inline_text(document: Document, token_index: int) -> str:
    """The text one unit of a parsed document shows, with its reference links resolved."""
    return _shown_text(document.tokens[token_index].children or [], document.flavor)


def _shown_text(children: list[Token], flavor: Flavor) -> str:
    renderer = make_renderer(flavor)
    rendered: str = renderer.renderer.renderInline(children, renderer.options, {})  # type: ignore[attr-defined]
    return _squeeze(html.unescape(_TAG.sub("", rendered)))


class InlineReading(NamedTuple):
    """What a checker reads in inline Markdown, from one parse of it."""

    text: str
    """Every character a reader could be shown (see :func:`plain_text`)."""
    emphasis: Counter[str]
    """How many emphasis, strong emphasis and strikethrough spans it makes, by opening type."""


_EMPHASIS_OPENINGS = frozenset({"em_open", "strong_open", "s_open"})


@functools.lru_cache(maxsize=4096)
def read_inline(inline_markdown: str, flavor: Flavor = "gfm") -> InlineReading:
    """:class:`InlineReading` of ``inline_markdown`` (cached: callers only compare it)."""
    children = make_renderer(flavor).parseInline(inline_markdown)[0].children or []
    emphasis = Counter(child.type for child in children if child.type in _EMPHASIS_OPENINGS)
    return InlineReading(_shown_text(children, flavor), emphasis)


def plain_text(inline_markdown: str, flavor: Flavor = "gfm") -> str:
    """What inline Markdown says, as text: every character a reader could be shown."""
    return read_inline(inline_markdown, flavor).text
