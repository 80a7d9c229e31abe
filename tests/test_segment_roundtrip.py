"""The round trip extract → translate → reassemble keeps every page, on every spec example."""

from __future__ import annotations

import pytest

from locpipe import extract, localize
from locpipe.parser import FLAVORS
from tests.markdown_html import CLOSE, OPEN, load_examples, render, same_page, unwrapped_units

SPEC = load_examples("commonmark-spec-0.31.2.json")


def _cases(examples: list[dict]) -> list:
    return [
        pytest.param(example["markdown"], flavor, id=f"{flavor}-{example['example']}")
        for example in examples
        for flavor in FLAVORS
    ]


def wrap(message) -> str:
    return OPEN + message.msgid + CLOSE


@pytest.mark.parametrize(("markdown", "flavor"), _cases(SPEC))
def test_keeping_every_source_text_gives_the_source_byte_for_byte(markdown, flavor):
    assert localize(markdown, lambda message: None, flavor=flavor) == markdown


@pytest.mark.parametrize(("markdown", "flavor"), _cases(SPEC))
def test_identity_translation_renders_the_same_page(markdown, flavor):
    localized = localize(markdown, lambda message: message.msgid, flavor=flavor)
    assert same_page(markdown, localized, flavor)


@pytest.mark.parametrize(("markdown", "flavor"), _cases(SPEC))
def test_wrapped_translation_renders_the_same_page_and_wraps_every_unit(markdown, flavor):
    localized = localize(markdown, wrap, flavor=flavor)
    assert same_page(markdown, localized, flavor, unwrap=True)
    assert unwrapped_units(localized, flavor) == []


def test_every_spec_example_is_a_round_trip_case():
    """652 examples, each a case of the three round trips above in both flavors: none is left
    out or expected to fail (no xfail, no skip in this module)."""
    assert len(SPEC) == 652
    assert len({example["example"] for example in SPEC}) == 652


def _example(number: int) -> str:
    (markdown,) = [example["markdown"] for example in SPEC if example["example"] == number]
    return markdown


@pytest.mark.parametrize("flavor", FLAVORS)
def test_a_paragraph_inside_raw_pre_keeps_its_line_breaks_exactly(flavor):
    """Spec #148: raw HTML opens a <pre> that a paragraph closes; a soft break there is a new
    line on the page, so the msgid keeps it, and the identity translation is the source byte
    for byte and renders the same HTML byte for byte."""
    markdown = _example(148)
    (message,) = extract(markdown, flavor=flavor)
    assert message.msgid == "_world_.\n</pre>"
    localized = localize(markdown, lambda message: message.msgid, flavor=flavor)
    assert localized == markdown
    assert render(localized, flavor) == render(markdown, flavor)
    translated = localize(markdown, lambda message: "_mundo_.\n  adiós\n\n</pre>", flavor=flavor)
    assert "<p><em>mundo</em>.\nadiós\n</pre></p>" in render(translated, flavor)


def test_outside_raw_pre_a_soft_break_is_still_a_space_in_the_msgid():
    markdown = "<pre>\nkept\n</pre>\n\nOne\ntwo\n"
    assert [m.msgid for m in extract(markdown, flavor="gfm")] == ["One two"]


def test_setext_headings_stacked_with_dashes_open_with_front_matter_in_gfm():
    """Spec #96 in the GFM flavor: a document that opens with ``---`` opens front matter (YAML
    metadata, not page text) up to the next ``---``, so "Foo" is no heading there: it is copied
    byte for byte and not offered for translation, as the GFM judge renders it (not shown).
    CommonMark has no front matter: there all three are headings, and all are translated."""
    markdown = _example(96)
    assert [m.msgid for m in extract(markdown, flavor="gfm")] == ["Bar", "Baz"]
    assert [m.msgid for m in extract(markdown, flavor="commonmark")] == ["Foo", "Bar", "Baz"]
    wrapped = localize(markdown, wrap, flavor="gfm")
    assert wrapped == "---\nFoo\n---\n⟦Bar⟧\n---\n⟦Baz⟧\n"
    assert "Foo" not in render(markdown, "gfm")
