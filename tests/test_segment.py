"""The engine: what extract() finds, and how localize() writes translations back."""

from __future__ import annotations

import re

import pytest

from locpipe import Message, SourceError, extract, localize
from locpipe.parser import make_renderer
from tests.markdown_html import render


def msgids(markdown: str) -> list[str]:
    return [message.msgid for message in extract(markdown)]


def block_shape(markdown: str) -> list[tuple[str, int]]:
    """The block structure: every block token's type and nesting level."""
    return [(t.type, t.level) for t in make_renderer().parse(markdown) if t.type != "inline"]


def translate_all(text: str):
    return lambda message: text


# --- what becomes a message ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        pytest.param("Soft\nbreak\n", ["Soft break"], id="soft-break-is-a-space"),
        pytest.param("Trailing \nspace\n", ["Trailing space"], id="soft-break-drops-one-space"),
        pytest.param("Hard  \nbreak\n", ["Hard\nbreak"], id="two-space-hard-break"),
        pytest.param("Hard\\\nbreak\n", ["Hard\nbreak"], id="backslash-hard-break"),
        pytest.param("Hard  \n   indented\n", ["Hard\nindented"], id="hard-break-drops-indent"),
        pytest.param("`code\nspan`\n", ["`code span`"], id="code-span-newline-is-a-space"),
        pytest.param('<a\nhref="x">\n', ['<a\nhref="x">'], id="raw-html-keeps-its-newline"),
        pytest.param("# Title #\n", ["Title"], id="atx-closing-sequence-is-not-text"),
        pytest.param("# Title \\#\n", ["Title \\#"], id="escaped-hash-is-text"),
        pytest.param("Two\nlines\n===\n", ["Two lines"], id="setext-heading"),
        pytest.param(
            "| a | b \\| c |\n|---|---|\n| d | e |\n",
            ["a", "b | c", "d", "e"],
            id="table-cells-with-escaped-pipe",
        ),
        pytest.param("a | b\n-|-\nc\n", ["a", "b", "c"], id="table-short-row"),
        pytest.param("> quote\nlazy\n", ["quote lazy"], id="lazy-continuation"),
        pytest.param(
            "- [link](/u) and ![img](/i)\n",
            ["[link](/u) and ![img](/i)"],
            id="inline-markup-stays-in-the-msgid",
        ),
        pytest.param(
            "```\ncode\n```\n\n    indented\n\n<div>\nhtml\n</div>\n\n[r]: /u\n\n***\n",
            [],
            id="nothing-translatable",
        ),
        pytest.param("---\ntitle: Front\n---\n\nText\n", ["Text"], id="front-matter-skipped"),
    ],
)
def test_extracted_msgids(markdown, expected):
    assert msgids(markdown) == expected


def test_messages_know_their_line_kind_and_path():
    markdown = "# Title\n\n> para\n\n| h |\n|---|\n| c |\n\n- item\n"
    assert [(m.line, m.comments, m.path) for m in extract(markdown, path="doc.md")] == [
        (1, ("heading level 1",), "doc.md"),
        (3, ("block quote",), "doc.md"),
        (5, ("table header cell",), "doc.md"),
        (7, ("table cell",), "doc.md"),
        (9, ("list item",), "doc.md"),
    ]
    assert extract("x\n", path="doc.md")[0].location == "doc.md:1"


def test_crlf_bom_and_nul_give_the_same_messages_and_keep_their_bytes():
    lf = "# Title\n\nSome\ntext  \nhere\n"
    crlf = "\ufeff" + lf.replace("\n", "\r\n")
    assert msgids(crlf) == msgids(lf)
    upper = localize(crlf, lambda m: m.msgid.upper())
    assert upper == "\ufeff# TITLE\r\n\r\nSOME TEXT\\\r\nHERE\r\n"
    assert localize("a\0b\r\n", lambda m: None) == "a\0b\r\n"


def test_untouched_blocks_come_through_byte_for_byte():
    markdown = (
        "---\nk: v\n---\n\nPara\n\n```py\nx  =  1\n```\n\n<div>\n  raw\n</div>\n\n"
        "[ref]:   /url   'title'\n\n* * *\n\n    code\n"
    )
    localized = localize(markdown, translate_all("TRANSLATED"))
    assert localized == markdown.replace("Para", "TRANSLATED")


def test_blank_translation_keeps_the_source():
    assert localize("a\n\nb\n", lambda m: "  " if m.msgid == "a" else "B") == "a\n\nB\n"


def test_translation_hard_breaks_are_written_under_the_container_prefix():
    markdown = "> - first\n"
    assert (
        localize(markdown, translate_all("one\ntwo\nthree")) == "> - one\\\n>   two\\\n>   three\n"
    )


def test_a_newline_in_a_reference_label_stays_in_the_label():
    """ "lab el" is defined: the label's newline is no line break, so it must not become one."""
    localized = localize("Para.\n\n[lab el]: /url\n", lambda m: "see [text][lab\nel] now")
    assert '<a href="/url">text</a>' in render(localized, "gfm")


@pytest.mark.parametrize("defined", [True, False], ids=["label-defined", "label-undefined"])
def test_a_unit_that_starts_like_a_link_reference_definition_keeps_its_link(defined):
    """ "[RPIT]: short for ..." is a paragraph starting with a link (its "definition" would have
    no valid destination); written back, it must stay one, and never become a definition."""
    source = "[RPIT]: short for return-position impl Trait.\n"
    if defined:
        source += "\n[RPIT]: https://example.org/rpit\n"
    localized = localize(source, lambda m: m.msgid.replace("short for", "abreviatura de"))
    html = render(localized, "gfm")
    link = '<a href="https://example.org/rpit">RPIT</a>'
    assert (link in html) is defined
    assert "abreviatura de return-position impl Trait." in html
    assert render(source, "gfm").replace("short for", "abreviatura de") == html


def test_messages_are_frozen_and_comparable():
    message = extract("x\n")[0]
    assert message == Message(msgid="x", line=1, comments=("paragraph",))
    with pytest.raises(AttributeError):
        message.msgid = "y"  # type: ignore[misc]


# --- hazards: a translation never changes the block structure ------------------------------------

PARAGRAPH_CONTEXTS = {
    "top-level": "before\n\nfoo\n\nafter\n",
    "block-quote": "> foo\n",
    "list-item": "- foo\n- bar\n",
    "star-list-item": "* foo\n* bar\n",
    "nested": "> 1. > - foo\n",
    "after-heading": "# a | b\nfoo\n",
}

HAZARDS = {
    "atx-heading": "# not a heading",
    "block-quote": "> not a quote",
    "bullet-dash": "- not a list",
    "bullet-plus": "+ not a list",
    "bullet-star": "* not a list",
    "ordered-dot": "1. not a list",
    "ordered-paren": "2) not a list",
    "thematic-dashes": "---",
    "thematic-stars": "***",
    "thematic-underscores": "_ _ _",
    "setext-equals": "===",
    "fence-backticks": "```js",
    "fence-tildes": "~~~",
    "html-div": "<div>not a block</div>",
    "html-comment": "<!-- hidden --> shown",
    "html-script": "<script>alert(1)</script>",
    "html-lone-tag": "<span>",
    "reference-definition": "[ref]: /evil",
    "indented-code": "    not code",
    "tab-indented-code": "\tnot code",
    "hard-break-then-heading": "line\n# not a heading",
    "hard-break-then-setext": "line\n===",
    "hard-break-then-dashes": "line\n---",
    "hard-break-then-list": "line\n- not a list",
    "hard-break-then-ordered": "line\n1. not a list",
    "hard-break-then-quote": "line\n> not a quote",
    "hard-break-then-fence": "line\n```",
    "hard-break-then-html": "line\n<div>",
    "hard-break-then-table": "a | b\n-|-",
    "blank-line": "one\n\ntwo",
    "trailing-backslash": "ends with \\",
    "backslash-before-hard-break": "odd \\\nline",
    "carriage-returns": "one\r\ntwo\rthree",
    # Escaping the "<" ends the comment, so its next line is a line of its own, indented.
    "escaped-comment-then-indented-heading": "<!--\n # -->",
    # After "* ", "**" completes a thematic break (found by the hypothesis test).
    "stars-after-a-bullet": "**",
    "stars-and-blanks-after-a-bullet": "* *",
    "raw-html-then-indented-list": "<span\n  - x>",
}


@pytest.mark.parametrize("context", PARAGRAPH_CONTEXTS.values(), ids=PARAGRAPH_CONTEXTS.keys())
@pytest.mark.parametrize("hazard", HAZARDS.values(), ids=HAZARDS.keys())
def test_paragraph_translation_keeps_block_structure(context, hazard):
    localized = localize(context, lambda m: hazard if m.msgid == "foo" else None)
    assert block_shape(localized) == block_shape(context)


@pytest.mark.parametrize(
    ("markdown", "translation", "visible"),
    [
        # The unit translated is the document's last one.
        pytest.param("# Title\n", "Title #", "Title #", id="closing-hash"),
        pytest.param("# Title #\n", "C# and F#", "C# and F#", id="hash-inside-word"),
        pytest.param("# Title\n", "###", "###", id="only-hashes"),
        pytest.param("# Title\n", "two\nlines", "two lines", id="hard-break-becomes-space"),
        pytest.param("# x\n--|--\n", "a | b", "a | b", id="pipe-above-delimiter-row"),
        pytest.param("Setext\n===\n", "- not a list", "- not a list", id="setext-line-start"),
        pytest.param("Setext\n===\n", "a\n---", "a<br />\n---", id="setext-hard-break-dashes"),
        # A "---" underline is also a one-column delimiter row: "x |" above it is a table header.
        pytest.param("Setext\n---\n", "x |", "x |", id="setext-pipe-above-dashes"),
        pytest.param("Setext\n---\n", "a\nx | y |", "x | y |", id="setext-pipe-last-line"),
        pytest.param("> Setext\n> ---\n", "x |", "x |", id="setext-pipe-in-quote"),
        pytest.param("Setext\n---\n", "`a|b` \\|", "<code>a|b</code> |", id="setext-code-pipe"),
        pytest.param("# x\n---\n", "a \\| b", "a | b", id="escaped-pipe-above-hr"),
        pytest.param("# x\n---\n", "`|` x", "<code>|</code> x", id="code-pipe-above-hr"),
        pytest.param("| a |\n|---|\n| b |\n", "x | y", "x | y", id="pipe-in-cell"),
        pytest.param(
            "| a |\n|---|\n| b |\n", "`x|y`", "<code>x|y</code>", id="pipe-in-code-in-cell"
        ),
        pytest.param("|a|\n|-|\n|b|\n", "ends \\", "ends \\", id="backslash-before-pipe"),
        pytest.param(
            "a | b\n-|-\nc | d\n", "> not a quote", "&gt; not a quote", id="row-start-cell-quote"
        ),
        pytest.param(
            "a | b\n-|-\nc | d\n", "- not a list", "- not a list", id="row-start-cell-list"
        ),
    ],
)
def test_heading_and_cell_translation_keeps_block_structure(markdown, translation, visible):
    last = extract(markdown)[-1]
    localized = localize(markdown, lambda m: translation if m == last else None)
    assert block_shape(localized) == block_shape(markdown)
    assert visible in render(localized, "gfm")


@pytest.mark.parametrize("hazard", HAZARDS.values(), ids=HAZARDS.keys())
def test_hazard_text_is_shown_as_written(hazard):
    localized = localize("foo\n", translate_all(hazard))
    html = render(localized, "gfm")
    first_word = hazard.replace("\r", "\n").split()[0]
    if not first_word.startswith("<"):
        assert first_word.replace(">", "&gt;") in html


# --- directives ----------------------------------------------------------------------------------


def test_skip_directive_leaves_the_next_block_out():
    markdown = "<!-- l10n: skip -->\n- a\n- b\n\nc\n"
    assert msgids(markdown) == ["c"]
    assert localize(markdown, translate_all("X")) == "<!-- l10n: skip -->\n- a\n- b\n\nX\n"


def test_context_and_note_directives_stack_and_govern_the_whole_block():
    markdown = "<!-- l10n: context menu -->\n<!-- l10n: note Short. -->\n- Open\n- Close\n\nOpen\n"
    assert [(m.msgid, m.msgctxt, m.comments) for m in extract(markdown)] == [
        ("Open", "menu", ("list item", "Short.")),
        ("Close", "menu", ("list item", "Short.")),
        ("Open", None, ("paragraph",)),
    ]


def test_caveat_directive_marks_the_next_block_inside_a_list_item():
    markdown = "- <!-- caveat: take-care -->\n  Take care.\n- Not a caveat.\n"
    assert [(m.msgid, m.caveat) for m in extract(markdown)] == [
        ("Take care.", "take-care"),
        ("Not a caveat.", None),
    ]


def test_directives_are_kept_in_the_output():
    markdown = "<!-- caveat: c -->\nText\n"
    assert localize(markdown, translate_all("Texte")) == "<!-- caveat: c -->\nTexte\n"


def test_a_blank_line_may_separate_a_directive_from_its_block():
    assert extract("<!-- caveat: c -->\n\nText\n")[0].caveat == "c"


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        pytest.param(
            "<!-- caveat: a -->\nx\n\n<!-- caveat: a -->\ny\n",
            4,
            "duplicate caveat id 'a' (first used on line 1)",
            id="duplicate",
        ),
        pytest.param("<!-- caveat: Bad -->\nx\n", 1, "malformed caveat id 'Bad'", id="upper-case"),
        pytest.param("<!-- caveat: two words -->\nx\n", 1, "malformed caveat id", id="spaces"),
        pytest.param("<!-- caveat: -->\nx\n", 1, "malformed caveat id ''", id="empty"),
        pytest.param("x\n\n<!-- caveat: end -->\n", 3, "has no block after it", id="at-end"),
        pytest.param("> <!-- caveat: q -->\n\nx\n", 1, "has no block after it", id="end-of-quote"),
        pytest.param(
            "- a\n\n  <!-- caveat: i -->\n- b\n", 3, "has no block after it", id="end-of-item"
        ),
        pytest.param("<!-- l10n: frobnicate -->\nx\n", 1, "unknown directive", id="unknown-verb"),
        pytest.param("<!-- l10n: context -->\nx\n", 1, "needs a text", id="empty-context"),
        pytest.param("Text <!-- caveat: inline --> here\n", 1, "not inside text", id="inline"),
        pytest.param("<div>\n<!-- caveat: html -->\n</div>\n", 2, "stand alone", id="inside-html"),
        pytest.param("<!-- caveat : spaced -->\nx\n", 1, "malformed directive", id="malformed"),
        pytest.param("<!-- caveat experimental -->\nx\n", 1, "malformed directive", id="no-colon"),
        pytest.param("<!-- Caveat: x -->\nx\n", 1, "malformed directive", id="capitalized"),
        pytest.param("<!-- l10n skip -->\nx\n", 1, "malformed directive", id="l10n-no-colon"),
        pytest.param(
            "<!-- caveat: code -->\n```\nx\n```\n", 1, "no translatable text", id="caveat-on-code"
        ),
        pytest.param(
            "<!-- caveat: s -->\n<!-- l10n: skip -->\nx\n", 1, "also marked", id="caveat-skipped"
        ),
        pytest.param(
            "<!-- caveat: a -->\n<!-- caveat: b -->\nx\n",
            2,
            "two caveat directives",
            id="two-on-one-block",
        ),
    ],
)
def test_bad_directives_are_errors_naming_file_and_line(markdown, line, message):
    with pytest.raises(SourceError, match=re.escape(message)) as raised:
        extract(markdown, path="doc.md")
    assert raised.value.path == "doc.md"
    assert raised.value.line == line
    assert str(raised.value).startswith(f"doc.md:{line}: error: ")


def test_directive_text_in_code_is_not_a_directive():
    assert msgids("```\n<!-- caveat: Not Checked -->\n```\n\n`<!-- caveat: x -->`\n") == [
        "`<!-- caveat: x -->`"
    ]
