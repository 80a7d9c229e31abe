"""The pseudo-locale en_XA: only readable text changes, the structure never does."""

from __future__ import annotations

import re

import pytest

from locpipe import gate
from locpipe.parser import FLAVORS, Flavor, make_renderer
from locpipe.pofile import PoEntry, PoFile, encode_po, parse_po
from locpipe.pseudo import CLOSE, OPEN, PSEUDO_LOCALE, pseudo_catalog, pseudo_translate
from locpipe.segment import extract, localize
from tests.conftest import ARTICLE
from tests.markdown_html import load_examples

SPEC = load_examples("commonmark-spec-0.31.2.json")
ARTICLE_MESSAGES = extract(ARTICLE.read_text(encoding="utf-8"), path="source/article.md")


def inline_shape(text: str, flavor: Flavor = "gfm") -> list[tuple]:
    """Every inline token but text, as markdown-it-py parses ``text``: links, images, code, HTML,
    emphasis and breaks, with their attributes (an image's alt text is its children's text)."""
    return _shape(make_renderer(flavor).parseInline(text)[0].children or [])


def _shape(tokens) -> list[tuple]:
    shape = []
    for token in tokens:
        if token.type in ("text", "text_special"):
            continue
        attrs = sorted((name, value) for name, value in token.attrs.items() if name != "alt")
        content = token.content if token.type in ("code_inline", "html_inline") else None
        shape.append((token.type, token.markup, attrs, content, _shape(token.children or [])))
    return shape


def block_shape(markdown: str, flavor: Flavor) -> list[tuple[str, int]]:
    return [(token.type, token.level) for token in make_renderer(flavor).parse(markdown)]


def spec_cases() -> list:
    return [
        pytest.param(example["markdown"], flavor, id=f"{flavor}-{example['example']}")
        for example in SPEC
        for flavor in FLAVORS
    ]


# --- every CommonMark spec example ---------------------------------------------------------------


@pytest.mark.parametrize(("markdown", "flavor"), spec_cases())
def test_pseudo_msgid_keeps_links_images_code_and_html(markdown, flavor):
    for message in extract(markdown, flavor=flavor):
        pseudo = pseudo_translate(message.msgid, flavor=flavor)
        assert pseudo.startswith(OPEN) and pseudo.endswith(CLOSE.strip()), pseudo
        assert inline_shape(pseudo, flavor) == inline_shape(message.msgid, flavor), pseudo


@pytest.mark.parametrize(("markdown", "flavor"), spec_cases())
def test_pseudo_document_keeps_its_block_structure(markdown, flavor):
    localized = localize(
        markdown, lambda message: pseudo_translate(message.msgid, flavor=flavor), flavor=flavor
    )
    assert block_shape(localized, flavor) == block_shape(markdown, flavor)


# --- exact results -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Hello, world!", "⟦ Ĥéĺĺó, ŵóóŕĺď! ⟧"),
        ("Conclusion", "⟦ Çóñçĺúšíóñ ⟧"),
        ("*foo*bar", "⟦ *ƒóó*ƀáŕ ⟧"),
        ("Take 2 doses of 3.5 mg (50%)", "⟦ Ţáķé 2 ďóóšéš óóƒ 3.5 ḿĝ (50%) ····⟧"),
        (
            "See [the guide](https://example.org/guide) or run `locpipe check`.",
            "⟦ Šééé [ţĥé ĝúúíďéé](https://example.org/guide) óŕ ŕúúñ `locpipe check`. "
            "····· ····· ···⟧",
        ),
        ("line one\nline two", "⟦ ĺíñé óñéé\nĺíñé ţŵóó ⟧"),
        ('![a *cat*](/cat.png "A cat")', '⟦ ![á *çááţ*](/cat.png "A cat") ·····⟧'),
        ("a &amp; <b>b</b> <https://x.org>", "⟦ á &amp; <b>ƀ</b> <https://x.org> ····· ·⟧"),
        (r"\*not emphasis\* \\", r"⟦ \*ñóţ ééḿṕĥášííš\* \\ ·⟧"),
        ("", ""),
    ],
    ids=[
        "text",
        "short",
        "emphasis",
        "numbers",
        "link-and-code",
        "hard-break",
        "image",
        "entity-html-autolink",
        "escapes",
        "empty",
    ],
)
def test_pseudo_translation(msgid, expected):
    assert pseudo_translate(msgid) == expected


@pytest.mark.parametrize(
    ("msgid", "kept"),
    [
        ("[shortcut] reference", "[shortcut]"),
        ("a [collapsed][] reference", "[collapsed][]"),
        ("a [full][label] reference", "[label]"),
        ("![shortcut] image", "![shortcut]"),
        ("[text [nested] more](url)", "(url)"),
    ],
)
def test_reference_labels_stay_as_written(msgid, kept):
    # The document may define the label; an accented label would no longer match it.
    assert kept in pseudo_translate(msgid)


def test_full_reference_link_text_is_translated():
    assert pseudo_translate("[full][label]").startswith("⟦ [ƒúĺĺ][label]")


def test_a_refused_link_does_not_become_a_link():
    # "javascript:" is refused as a link destination; "jávášçŕíṕţ:" would not be.
    msgid = "[x](javascript:alert)"
    assert inline_shape(pseudo_translate(msgid)) == inline_shape(msgid) == []


def test_pseudo_translation_is_deterministic():
    msgids = [message.msgid for message in ARTICLE_MESSAGES]
    assert [pseudo_translate(m) for m in msgids] == [pseudo_translate(m) for m in msgids]


# --- the article ---------------------------------------------------------------------------------


def test_article_becomes_about_35_percent_longer():
    source = sum(len(message.msgid) for message in ARTICLE_MESSAGES)
    pseudo = sum(len(pseudo_translate(message.msgid)) for message in ARTICLE_MESSAGES)
    assert 1.25 <= pseudo / source <= 1.5


@pytest.mark.parametrize("message", ARTICLE_MESSAGES, ids=lambda message: str(message.line))
def test_article_message_passes_the_entry_rules(message):
    pseudo = pseudo_translate(message.msgid)
    assert re.findall(r"\d+", pseudo) == re.findall(r"\d+", message.msgid)
    assert not re.search(r"[A-Za-z]", gate.plain_text(pseudo)), "a letter was left as it was"
    for code, rule in gate.ENTRY_RULES:
        assert rule(PSEUDO_LOCALE, message.msgid, pseudo, None) is None, code


# --- catalogs ------------------------------------------------------------------------------------


def _template() -> PoFile:
    header = PoEntry(
        msgid="",
        msgstr="Project-Id-Version: guide\nPOT-Creation-Date: 2024-01-02 03:04+0000\n",
        flags=["fuzzy"],
    )
    return PoFile(
        header=header,
        entries=[
            PoEntry(
                msgid="Hello",
                extracted_comments=["caveat: greeting"],
                references=["source/guide.md:1"],
            ),
            PoEntry(msgid="Open", msgctxt="menu", flags=["fuzzy"]),
            PoEntry(msgid="one file", msgid_plural="{n} files", msgstr_plural={0: "", 1: ""}),
            PoEntry(msgid="Gone", msgstr="Parti", obsolete=True),
        ],
    )


def test_pseudo_catalog_fills_every_entry():
    catalog = pseudo_catalog(_template())
    assert [(e.msgctxt, e.msgid) for e in catalog.entries] == [
        (None, "Hello"),
        ("menu", "Open"),
        (None, "one file"),
    ]
    hello, menu, plural = catalog.entries
    assert hello.msgstr == pseudo_translate("Hello")
    assert hello.extracted_comments == ["caveat: greeting"]
    assert hello.references == ["source/guide.md:1"]
    assert menu.msgstr == pseudo_translate("Open")
    assert plural.msgid_plural == "{n} files"
    assert plural.msgstr_plural == {
        0: pseudo_translate("one file"),
        1: pseudo_translate("{n} files"),
    }
    assert all(entry.translated() and not entry.fuzzy for entry in catalog.entries)


def test_pseudo_catalog_header_names_the_pseudo_locale():
    catalog = pseudo_catalog(_template())
    fields = dict(catalog.header_fields())
    assert fields["Language"] == "en_XA"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert fields["PO-Revision-Date"] == "2024-01-02 03:04+0000"
    assert not catalog.header.fuzzy


def test_pseudo_catalog_round_trips_through_a_po_file():
    catalog = pseudo_catalog(_template())
    data = encode_po(catalog)
    assert encode_po(parse_po(data, path="en_XA.po")) == data


def test_pseudo_locale_passes_the_gate_and_builds(project):
    registry = ARTICLE.parent / "caveats.toml"
    project.write("source/caveats.toml", registry.read_text(encoding="utf-8"))
    project.ok("extract")
    catalog = pseudo_catalog(project.template())
    path = project.catalog_path(PSEUDO_LOCALE)
    path.parent.mkdir(parents=True)
    path.write_bytes(encode_po(catalog))
    result = project.run("check", "--locale", "en_XA")
    assert result.code == 0, result.out + result.err
    project.ok("build", "--locale", "en_XA")
    page = project.path("build/en_XA/article.html").read_text(encoding="utf-8")
    assert pseudo_translate("Conclusion") in page
