"""The shipped article: faithful to the seed text, with every required caveat marked."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from locpipe import extract
from locpipe.parser import make_renderer
from tests.markdown_html import FIXTURES

ROOT = Path(__file__).parent.parent
ARTICLE = ROOT / "source" / "article.md"
SEED = (FIXTURES / "seed-article.txt").read_text(encoding="utf-8")

REQUIRED_CAVEATS = {
    "experimental-stage": "still in the experimental phase and not widely available",
    "multiple-sessions": "may require multiple treatments",
    "availability-regulatory": "depending on the region and regulatory approvals",
    "conclusion-experimental": "While still in the experimental stages",
    "consult-professional": "consult with a qualified medical professional",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _page_text() -> str:
    parser = _Text()
    parser.feed(make_renderer().render(ARTICLE.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", "".join(parser.parts))


def _seed_sentences() -> list[str]:
    sentences = []
    for line in SEED.splitlines():
        line = line.strip().removeprefix("- ").strip()
        sentences += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line) if s]
    return sentences


@pytest.mark.parametrize("sentence", _seed_sentences())
def test_every_sentence_of_the_seed_is_on_the_page_word_for_word(sentence):
    assert sentence in _page_text()


def test_the_article_has_a_title_and_the_seed_sections_as_second_level_headings():
    messages = extract(ARTICLE.read_text(encoding="utf-8"), path="source/article.md")
    headings = [(m.comments[0], m.msgid) for m in messages if m.comments[0].startswith("heading")]
    assert headings[0][0] == "heading level 1"
    assert [text for _, text in headings[1:]] == [
        "What Are UC-MSCs?",
        "How UC-MSC Therapy Works for Scalp Psoriasis",
        "Advantages of UC-MSC Stem Cell Therapy",
        "Limitations and Considerations",
        "Conclusion",
    ]
    assert all(kind == "heading level 2" for kind, _ in headings[1:])


@pytest.mark.parametrize(("caveat", "words"), REQUIRED_CAVEATS.items())
def test_each_required_caveat_is_its_own_marked_block(caveat, words):
    messages = extract(ARTICLE.read_text(encoding="utf-8"), path="source/article.md")
    marked = [m for m in messages if m.caveat == caveat]
    assert len(marked) == 1
    assert words in marked[0].msgid


def test_nested_points_are_nested_lists():
    tokens = make_renderer().parse(ARTICLE.read_text(encoding="utf-8"))
    nested = [t for t in tokens if t.type == "bullet_list_open" and t.level > 0]
    assert len(nested) == 3


def test_extracting_twice_gives_the_same_messages():
    text = ARTICLE.read_text(encoding="utf-8")
    assert extract(text, path="source/article.md") == extract(text, path="source/article.md")
