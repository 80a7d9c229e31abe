"""The round trip extract → translate → reassemble keeps every page, on every spec example."""

from __future__ import annotations

import pytest

from locpipe import localize
from locpipe.parser import FLAVORS
from tests.markdown_html import CLOSE, OPEN, load_examples, same_page, unwrapped_units

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
