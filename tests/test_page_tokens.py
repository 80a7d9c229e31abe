"""Work the engine leaves out must change nothing: the pages and messages are what a full parse gives.

Pages: a localized page's tokens are made from the source's parse: they must be what parsing it
gives.

The build never parses a localized page: it takes the source's block tokens and parses only each
translated unit's new inline text (:func:`locpipe.render.page_document`). Every page must render
to exactly the HTML that parsing its localized Markdown renders to, whatever the translation.

Messages: a document's messages are read from its block structure, its inline content parsed only
where a unit's line breaks cannot be told from its text; they must be the full parse's.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from locpipe.parser import (
    FLAVORS,
    Flavor,
    classify_newlines_by_parsing,
    make_markup_parser,
    make_parser,
    make_renderer,
    parse_inline,
)
from locpipe.render import (
    LocalizedDocument,
    Markup,
    inline_markup,
    localize_with,
    markup_of,
    page_document,
    references_used,
    render_page,
)
from locpipe.segment import SourceError, _units, parse_document
from tests.markdown_html import CLOSE, OPEN, load_examples
from tests.test_segment_properties import DOCUMENTS, HOSTILE, SETTINGS

SPEC = load_examples("commonmark-spec-0.31.2.json")
GFM = load_examples("markdown/gfm-extensions.json")
PATHOLOGICAL = load_examples("markdown/pathological.json")

#: Translations that stress the splice: new lines (hard breaks, raw HTML across lines), pipes,
#: backslashes at the end, block starters, references to the source's link definitions.
TRANSLATORS = {
    "identity": lambda msgid: msgid,
    "wrapped": lambda msgid: f"{OPEN} {msgid} {CLOSE}",
    "hard-breaks": lambda msgid: f"# {msgid}\n> two\n  lines\\",
    "raw-html-lines": lambda msgid: f"<span\n  title='a|b'>{msgid}</span>\n- x |",
    "code-and-pipes": lambda msgid: f"`a | b` \\| {msgid} ||\n`c\nd`",
    "references": lambda msgid: f"[foo] [bar][] ![baz] [{msgid}]",
    "trailing-backslash": lambda msgid: f"{msgid} \\",
    "blank-and-cr": lambda msgid: f"\r\n\r\n{msgid}\r\n\r\n  \n===\n",
}


def _html(tokens, flavor: Flavor) -> str:
    renderer = make_renderer(flavor)
    return renderer.renderer.render(tokens, renderer.options, {})


def assert_spliced_page_is_the_parsed_page(markdown: str, translate, flavor: Flavor) -> None:
    try:
        source = parse_document(markdown, flavor=flavor)
    except SourceError:
        return  # refused documents are never localized
    translations = {}
    for message in source.messages:
        translation = translate(message.msgid)
        if translation is not None:
            translations[(message.msgctxt, message.msgid)] = translation
    localized = localize_with(source, translations)
    parsed = parse_document(localized.markdown, flavor=flavor)
    assert _html(page_document(localized).tokens, flavor) == _html(parsed.tokens, flavor)
    # The source's own tokens are left as they were, for the next locale.
    assert _html(source.tokens, flavor) == _html(
        parse_document(markdown, flavor=flavor).tokens, flavor
    )


def _cases(examples: list[dict], name: str, flavors=FLAVORS) -> list:
    return [
        pytest.param(example["markdown"], flavor, id=f"{name}-{flavor}-{example['example']}")
        for example in examples
        for flavor in flavors
    ]


CASES = (
    _cases(SPEC, "spec")
    + _cases(GFM, "gfm", ("gfm",))
    + _cases(PATHOLOGICAL, "pathological", ("gfm",))
)


@pytest.mark.parametrize("translator", list(TRANSLATORS))
@pytest.mark.parametrize(("markdown", "flavor"), CASES)
def test_a_spliced_page_renders_as_its_parsed_markdown(markdown, flavor, translator):
    assert_spliced_page_is_the_parsed_page(markdown, TRANSLATORS[translator], flavor)


def test_a_page_without_known_units_is_parsed():
    source = parse_document("# Title\n\nText.\n")
    localized = LocalizedDocument(source=source, markdown="# Titre\n\nTexte.\n")
    assert _html(page_document(localized).tokens, "gfm") == "<h1>Titre</h1>\n<p>Texte.</p>\n"


@SETTINGS
@given(DOCUMENTS, st.data())
def test_hostile_translations_splice_as_they_parse(markdown, data):
    drawn: dict[str, str] = {}
    assert_spliced_page_is_the_parsed_page(
        markdown, lambda msgid: drawn.setdefault(msgid, data.draw(HOSTILE)), "gfm"
    )


# --- messages need only the block structure ------------------------------------------------------


def messages_of_a_full_parse(markdown: str, flavor: Flavor) -> list:
    """The messages as they were read before the inline pass was left for later: every unit's
    line breaks taken from its parsed children."""
    text = markdown.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    tokens = make_parser(flavor).parse(text, {})
    return [unit.message for unit in _units(tokens, text, "<string>", "\n")]


def assert_same_messages(markdown: str, flavor: Flavor) -> None:
    try:
        expected = messages_of_a_full_parse(markdown, flavor)
    except SourceError as error:
        with pytest.raises(SourceError) as raised:
            parse_document(markdown, flavor=flavor)
        assert str(raised.value) == str(error)
        return
    assert parse_document(markdown, flavor=flavor).messages == expected


@pytest.mark.parametrize(("markdown", "flavor"), CASES)
def test_messages_read_without_the_inline_pass_are_the_full_parses(markdown, flavor):
    assert_same_messages(markdown, flavor)


@SETTINGS
@given(DOCUMENTS)
def test_random_messages_read_without_the_inline_pass_are_the_full_parses(markdown):
    assert_same_messages(markdown, "gfm")


def test_the_tokens_of_a_document_have_all_their_inline_children():
    document = parse_document("# A *b*\n\nLine one\nline two  \nthree `c`\n\n| x | [y] |\n|-|-|\n")
    assert document.messages  # read without the inline pass
    inline = [token for token in document.tokens if token.type == "inline"]
    assert all(token.children for token in inline)
    full = make_parser("gfm").parse(document.source)
    assert _html(document.tokens, "gfm") == _html(full, "gfm")


@pytest.mark.parametrize(("markdown", "flavor"), CASES)
def test_the_newline_parser_tells_newlines_as_the_full_parser(markdown, flavor):
    """What each newline of a unit is, as the reduced inline parser tells, is the full parser's."""
    for token in make_parser(flavor).parse(markdown.replace("\0", "\ufffd")):
        if token.type == "inline" and "\n" in token.content:
            full = classify_newlines_by_parsing(token.content, flavor, parser=make_parser(flavor))
            assert classify_newlines_by_parsing(token.content, flavor) == full


_INLINE_TEXT = st.text(
    st.sampled_from([*"abc é中 .,:;-#=+%$@^{}|()", *"\n\r\0\\`~*_[]!<>&", "\t", "\u00a0"]),
    max_size=24,
)


def _children(md: MarkdownIt, text: str) -> list:
    token = Token("inline", "", 0, content=text, children=[])
    parse_inline([token], {}, md=md)
    return token.children


@pytest.mark.parametrize("flavor", FLAVORS)
@SETTINGS
@given(_INLINE_TEXT)
def test_text_no_rule_can_match_is_not_parsed_but_reads_the_same(flavor, text):
    """``parse_inline`` skips the parser for text without a rule's start character (or a CR or
    NUL, which the core normalizes), and gets the children the parser gets, for any text."""
    md = make_renderer(flavor)
    normalized = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")
    assert _children(md, normalized) == (md.parseInline(text)[0].children or [])


def test_a_parser_with_other_rules_is_never_skipped():
    md = MarkdownIt("commonmark", {"typographer": True}).enable(["replacements"])
    assert _children(md, "a -- b (c)") == md.parseInline("a -- b (c)")[0].children
    assert _children(md, "a -- b (c)")[0].content == "a – b ©"


def _markup_by_full_parser(text: str, flavor: Flavor) -> tuple:
    md = copy.copy(make_renderer(flavor))
    md.validateLink = lambda url: True
    return tuple(markup_of(md.parseInline(text)[0].children or []))


@pytest.mark.parametrize(("markdown", "flavor"), CASES)
def test_the_markup_parser_finds_the_markup_of_the_full_parser(markdown, flavor):
    """The gate's reduced parser (links of any scheme) finds what the full one finds."""
    for token in make_parser(flavor).parse(markdown.replace("\0", "\ufffd")):
        if token.type == "inline":
            expected = _markup_by_full_parser(token.content, flavor)
            assert inline_markup.__wrapped__(token.content, flavor) == expected


@SETTINGS
@given(HOSTILE)
def test_the_markup_parser_finds_the_markup_of_hostile_text(text):
    assert inline_markup.__wrapped__(text, "gfm") == _markup_by_full_parser(text, "gfm")


# --- the gate reads the markup the page's parse found --------------------------------------------

#: Translations full of what the untrusted-markup rules look at: links of every scheme (some of
#: which the renderer refuses, the gate's parser never), entities and escapes inside URLs,
#: references to the source's definitions, autolinks, raw HTML, code spans.
MARKUP_TRANSLATORS = {
    "links": lambda msgid: f"[{msgid}](https://example.org/a) ![i](b.png) <https://x.org>",
    "script-links": lambda msgid: f"[a](javascript:alert(1)) [b](JaVaScRiPt:x) {msgid}",
    "masked-schemes": lambda msgid: f"[a](java&#115;cript:x) [b](java\\script:x) <data:x> {msgid}",
    "references": lambda msgid: f"[foo] [bar][] ![baz] [{msgid}][foo]",
    "html-and-code": lambda msgid: f"<b onclick='x'>{msgid}</b> `[c](d)` <!-- [e](f) -->",
}
MARKUP_PIECES = st.sampled_from(
    [
        *("[a](b)", "[a](javascript:x)", "![i](data:image/png;base64,x)", "[a](data:text/html,x)"),
        *("<https://x.org>", "<javascript:x>", "<vbscript:x>", "<file:///etc/passwd>", "[foo]"),
        *("[a][foo]", "&#106;avascript:", "\\[a](b)", "<b>", "</b>", "`", "<!--", "-->", "]("),
        *("[FOO]", "[ foo\n]", "[Foo][]", "[undefined]", "&amp;", "&#x3a;", "\\*", "\\]"),
    ]
)


def assert_seen_markup_is_the_gates(markdown: str, translate, flavor: Flavor) -> None:
    try:
        source = parse_document(markdown, flavor=flavor)
    except SourceError:
        return
    translations = {(m.msgctxt, m.msgid): translate(m.msgid) for m in source.messages}
    rendered = render_page(localize_with(source, translations))
    definitions = source.env.get("references")
    for text, markup in rendered.markup.items():
        assert markup == inline_markup(text, flavor, references_used(text, definitions)), text


@pytest.mark.parametrize("translator", list(MARKUP_TRANSLATORS))
@pytest.mark.parametrize(("markdown", "flavor"), CASES)
def test_the_markup_a_page_saw_is_what_the_gates_parser_finds(markdown, flavor, translator):
    assert_seen_markup_is_the_gates(markdown, MARKUP_TRANSLATORS[translator], flavor)


@SETTINGS
@given(DOCUMENTS, st.data())
def test_hostile_markup_a_page_saw_is_what_the_gates_parser_finds(markdown, data):
    pieces = st.lists(MARKUP_PIECES | HOSTILE, max_size=8).map(" ".join)
    drawn: dict[str, str] = {}
    assert_seen_markup_is_the_gates(
        "[foo]: /defined\n\n" + markdown, lambda m: drawn.setdefault(m, data.draw(pieces)), "gfm"
    )


def test_the_gate_reuses_the_pages_parse_where_it_reads_the_same():
    source = parse_document(
        "One [link](a).\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\nSix.\n\n[ref]: /r\n"
    )
    translations = {
        (None, "One [link](a)."): "Un [lien](a) &amp; [pas une référence].",
        # The renderer refuses it (an entity or not), the gate's parser does not: parsed again.
        (None, "Two."): "Deux [x](java&#115;cript:alert(1)).",
        (None, "Three."): "Trois `code`.",
        (None, "Four."): "Quatre.",  # nothing the rules look at: not parsed at all
        # Read with the page's definitions, by the page as by the gate.
        (None, "Five."): "Cinq [REF].",
        (None, "Six."): "Six [x](a) \\[ref].",
    }
    rendered = render_page(localize_with(source, translations))
    assert {text: rendered.markup.get(text) for text in translations.values()} == {
        "Un [lien](a) &amp; [pas une référence].": (Markup("link", "a"),),
        "Deux [x](java&#115;cript:alert(1)).": None,
        "Trois `code`.": (Markup("code", "code"),),
        "Quatre.": None,
        "Cinq [REF].": (Markup("link", "/r"),),
        "Six [x](a) \\[ref].": (Markup("link", "a"),),
    }
    # ... and the English, from the source's parse.
    assert rendered.markup["One [link](a)."] == (Markup("link", "a"),)


# --- link reference definitions: the gate reads them as the page does ---------------------------

#: Definitions with labels that need normalizing (case, blanks), escaped brackets, and none used.
DEFINED = "[foo]: /foo\n[Bar Baz]: /bar 'Bar'\n[a\\]b]: /escaped\n[ünï]: /unicode\n[unused]: /u\n"
LABELS = st.sampled_from(
    ["[foo]", "[FOO][]", "[x][foo]", "[x][bar  baz]", "[bar\nbaz]", "[a\\]b]", "[x][a\\]b]",
     "[ÜNÏ]", "![i][foo]", "[undefined]", "[x][foo](/inline)", "[[foo]]", "[x [foo]][bar baz]",
     "\\[foo]", "`[foo]`", "<a href='[foo]'>", "[x](y)", "[", "]", "\\", "\n", " "]
)  # fmt: skip


@SETTINGS
@given(st.lists(LABELS | HOSTILE, max_size=8).map("".join))
def test_the_definitions_a_text_uses_read_it_as_all_of_them_do(text):
    """:func:`references_used` keeps every definition a parse of the text can look up: the
    markup read with only those is the markup read with all of the document's."""
    definitions = parse_document(DEFINED + "\ntext\n").env["references"]
    md = make_markup_parser("gfm")
    with_all = markup_of(md.parseInline(text, {"references": definitions})[0].children or [])
    assert inline_markup(text, "gfm", references_used(text, definitions)) == tuple(with_all)


def test_a_text_uses_the_definitions_of_its_labels_only():
    definitions = parse_document(DEFINED + "\ntext\n").env["references"]
    assert references_used("see [x][Bar   BAZ] and [foo]", definitions) == (
        ("BAR BAZ", "/bar", "Bar"),
        ("FOO", "/foo", ""),
    )
    assert references_used("no label here", definitions) == ()
    assert references_used("[undefined] [x](foo)", definitions) == ()
    assert references_used("[foo]", None) == ()


@pytest.mark.parametrize(
    "markdown",
    [
        "x\n[a](<http://x\ny>)\n",  # a line break in a bracketed destination: no link
        "x\n[a](\n<http://x\ny>)\n",
        "x [a](/b)\nand `code\nspan` and <span\ntitle='t'>s</span>\n",
        "[a][r]\n[b](/u\n'title') <http://auto>\n\n[r]: /r\n",
        "> quoted [a](/a)\n> on two <b\n> c='d'>lines</b>\n",
    ],
)
def test_the_markup_of_a_msgid_of_several_lines_is_the_gates(markdown):
    """A msgid's line breaks are spaces; the source's parse of its lines is taken for the
    gate's reading of the msgid only where a space reads as the line break did."""
    source = parse_document(markdown)
    definitions = source.env.get("references")
    seen = render_page(localize_with(source, {})).markup
    for message in source.messages:
        text = message.msgid
        if text in seen:
            assert seen[text] == inline_markup(text, "gfm", references_used(text, definitions))
    if "http://x" not in markdown:  # elsewhere, the source's parse is taken
        assert all(m.msgid in seen for m in source.messages), seen
