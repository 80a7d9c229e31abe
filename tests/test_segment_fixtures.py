"""Round trips on GFM tables and strikethrough, and on pathological documents; bad directives."""

from __future__ import annotations

import pytest

from locpipe import SourceError, extract, localize
from tests.markdown_html import CLOSE, OPEN, load_examples, same_page, unwrapped_units

GFM = load_examples("markdown/gfm-extensions.json")
PATHOLOGICAL = load_examples("markdown/pathological.json")
BAD_DIRECTIVES = load_examples("markdown/bad-directives.json")


def _cases(examples: list[dict], prefix: str) -> list:
    return [
        pytest.param(example["markdown"], id=f"{prefix}-{example['example']}-{example['section']}")
        for example in examples
    ]


def _too_deep(markdown: str) -> bool:
    try:
        extract(markdown)
    except SourceError as error:
        return "nested more than" in error.message
    return False


# Deeper than markdown-it's nesting limit, the parser silently drops text: locpipe refuses those.
TOO_DEEP = [case for case in PATHOLOGICAL if _too_deep(case["markdown"])]
CASES = _cases(GFM, "gfm") + _cases(
    [case for case in PATHOLOGICAL if case not in TOO_DEEP], "pathological"
)


@pytest.mark.parametrize("markdown", _cases(TOO_DEEP, "too-deep"))
def test_a_document_nested_beyond_the_parsers_limit_is_refused_not_half_translated(markdown):
    with pytest.raises(SourceError, match="nested more than 19 levels deep"):
        localize(markdown, lambda message: message.msgid)


def _skipped_text(markdown: str, content: str) -> bool:
    return f"<!-- l10n: skip -->\n{content.splitlines()[0]}" in markdown


@pytest.mark.parametrize("markdown", CASES)
def test_keeping_every_source_text_gives_the_source_byte_for_byte(markdown):
    assert localize(markdown, lambda message: None) == markdown


@pytest.mark.parametrize("markdown", CASES)
def test_identity_translation_renders_the_same_page(markdown):
    assert same_page(markdown, localize(markdown, lambda message: message.msgid), "gfm")


@pytest.mark.parametrize("markdown", CASES)
def test_wrapped_translation_renders_the_same_page_and_wraps_every_unit(markdown):
    localized = localize(markdown, lambda message: OPEN + message.msgid + CLOSE)
    assert same_page(markdown, localized, "gfm", unwrap=True)
    missing = [c for c in unwrapped_units(localized, "gfm") if not _skipped_text(markdown, c)]
    assert missing == []


@pytest.mark.parametrize(
    ("markdown", "line"),
    [
        pytest.param(case["markdown"], case["line"], id=f"{number}-{case['error']}")
        for number, case in enumerate(BAD_DIRECTIVES, 1)
    ],
)
def test_bad_directive_is_an_error_at_its_line(markdown, line):
    with pytest.raises(SourceError) as raised:
        extract(markdown, path="bad.md")
    assert (raised.value.path, raised.value.line) == ("bad.md", line)
