"""A localized page's tokens are made from the source's parse: they must be what parsing it gives.

The build never parses a localized page: it takes the source's block tokens and parses only each
translated unit's new inline text (:func:`locpipe.render.page_document`). Every page must render
to exactly the HTML that parsing its localized Markdown renders to, whatever the translation.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locpipe.parser import FLAVORS, Flavor, make_renderer
from locpipe.render import LocalizedDocument, localize_with, page_document
from locpipe.segment import SourceError, parse_document
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
