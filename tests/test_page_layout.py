"""What a reader gets: the landing page, the status page, labelled caveat callouts, terms kept
whole, CJK spacing, the pseudo-locale's breakable padding (the browser checks are in
tests/browser/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from locpipe.cli import main
from locpipe.page import (
    _SHORT_LTR_RUN,
    _terms_kept_whole_by_pieces,
    before_value,
    labelled_callouts,
    terms,
    terms_kept_whole,
)
from locpipe.pofile import PoEntry, PoFile, encode_po, parse_po
from locpipe.pseudo import PAD, PAD_RUN, pseudo_translate
from locpipe.render import visible_text
from locpipe.typography import catalog_warnings

ROOT = Path(__file__).parent.parent
SHIPPED = ("ar", "de", "es", "fr", "pt_BR", "zh_Hans")


def build(root: Path) -> int:
    return main(["-C", str(root), "build", "-q"])


def read(root: Path, page: str) -> str:
    return (root / "build" / page).read_text(encoding="utf-8")


# --- labels and terms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Last updated:", "Last updated: "),
        ("Dernière mise à jour\u00a0:", "Dernière mise à jour\u00a0: "),
        ("最后更新：", "最后更新："),
        ("最后更新： ", "最后更新："),
        ("<b>", "&lt;b&gt; "),
    ],
)
def test_a_label_gets_a_space_unless_it_ends_in_full_width_punctuation(label, expected):
    assert before_value(label) == Markup(expected)


def test_hyphenated_abbreviations_are_kept_whole_and_the_text_is_unchanged():
    body = (
        '<p title="UC-MSC">UC-MSC and UC-MSCs, COVID-19; UC-MSC-Stammzelltherapie, T-cells</p>'
        "<pre><code>UC-MSC</code></pre>"
    )
    kept = terms_kept_whole(body)
    assert kept.count('<span class="term">') == 3
    assert '<span class="term">UC-MSC</span> and' in kept
    assert "UC-MSC-Stammzelltherapie" in kept and '"term">T-cells' not in kept
    assert 'title="UC-MSC"' in kept and "<code>UC-MSC</code>" in kept
    assert re.sub(r"<[^>]+>", "", kept) == re.sub(r"<[^>]+>", "", body)


# Pieces of a rendered body where terms are, and are not, looked for: tags with and without
# terms in their attributes, isolated runs, text with hyphens in every position.
_BODY_PIECES = st.sampled_from(
    [
        "<p>",
        "</p>",
        '<a href="/UC-MSC-2">',
        '<p title="UC-MSC">',
        "</a>",
        '<bdi dir="ltr">',
        "</bdi>",
        '<bdi dir="ltr">UC-MSC</bdi>',
        '<bdi dir="ltr">A-B C-D</bdi>',
        "<br />",
        "&lt;",
        "&gt;",
        " ",
        "-",
        "UC-MSC",
        "UC-MSCs",
        "COVID-19",
        "ABCDEFG-HI",
        "ABCDEF-GH",
        "x-AB-CD",
        "T-Zellen",
        "A-B-C-D-E",
        "1-2",
        "-A-",
        "a",
        "Ab1-AB",
        "UC",
        "MSC",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_BODY_PIECES, max_size=24).map("".join))
@example('<p>UC-MSC and <bdi dir="ltr" class="term">T-X</bdi> <a title="A-B">A-B</a></p>')
def test_terms_are_found_in_a_body_as_they_are_between_its_tags(body):
    """The quick search from each hyphen finds the terms that splitting the body at its tags
    and searching each text finds (the way a body with raw-text elements is still read)."""
    ltr = _SHORT_LTR_RUN.sub(r'<bdi dir="ltr" class="term">\1</bdi>', body)
    assert terms_kept_whole(body) == _terms_kept_whole_by_pieces(ltr)


def test_short_isolated_ltr_runs_in_rtl_text_do_not_break():
    body = '<p>نص <bdi dir="ltr">UC-MSC</bdi> و <bdi dir="ltr">a long run of words</bdi></p>'
    kept = terms_kept_whole(body)
    assert '<bdi dir="ltr" class="term">' in kept
    assert '<bdi dir="ltr">a long run of words</bdi>' in kept


def test_titles_keep_their_terms_whole_and_escaped():
    assert terms("<UC-MSC>") == Markup('&lt;<span class="term">UC-MSC</span>&gt;')
    assert 'bdi dir="ltr" class="term"' in terms("علاج UC-MSC", rtl=True)


def test_every_callout_is_labelled_and_its_caveat_still_visible_inside_it():
    body = (
        '<div class="caveat" role="note" data-caveat="a">\n<p>Keep out of reach.</p>\n</div>\n'
        '<h2><span class="caveat" role="note" data-caveat="b">Not a cure.</span></h2>'
    )
    labelled = labelled_callouts(body, Markup('<svg aria-hidden="true"></svg><span>Safety</span>'))
    ids = re.findall(r'aria-labelledby="([^"]+)"', labelled)
    assert ids == ["caveat-label-1", "caveat-label-2"]
    assert all(f'id="{label}"' in labelled for label in ids)
    seen = visible_text(labelled)
    assert "Keep out of reach." in seen.callouts["a"] and "Not a cure." in seen.callouts["b"]
    assert seen.callouts["a"].startswith("Safety")


# --- CJK spacing and the pseudo-locale -----------------------------------------------------------


def test_a_space_after_full_width_punctuation_is_a_warning():
    catalog = PoFile(
        header="",
        entries=[
            PoEntry(msgid="a", msgstr="**实验阶段：** 用于"),
            PoEntry(msgid="b", msgstr="**实验阶段：**用于"),
            PoEntry(msgid="c", msgstr="UC-MSCs 是什么?"),
        ],
    )
    warnings = catalog_warnings("zh_Hans", catalog, "zh.po")
    assert [w.split()[2] for w in warnings] == ["W001", "W002"]
    assert catalog_warnings("de", catalog, "de.po")[0].split()[2] == "W001"
    assert len(catalog_warnings("de", catalog, "de.po")) == 1  # W002: Chinese and Japanese only


@pytest.mark.parametrize(
    ("msgstrs", "codes"),
    [
        (["实验阶段：", " 用于"], []),  # the space begins another text
        (["是什么", "? 是"], []),  # so does the punctuation
        (["是什么?"], ["W002"]),  # at the end of its text
        (["好", "是什么?", "好"], ["W002"]),
        (["好", "实验阶段： 用于"], ["W001"]),
        (["实验阶段：\n用于"], []),  # a line break is no space on the page
    ],
)
def test_typography_warnings_are_found_in_each_text_alone(msgstrs, codes):
    catalog = PoFile(
        header="", entries=[PoEntry(msgid=f"m{i}", msgstr=text) for i, text in enumerate(msgstrs)]
    )
    assert [w.split()[2] for w in catalog_warnings("zh_Hans", catalog, "zh.po")] == codes


@pytest.mark.parametrize(
    "msgid",
    [
        "See [the guide](https://example.org/guide) or run `locpipe check`.",
        " ".join(["a &amp; <b>b</b> <https://x.org>"] * 5),
        "Immunomodulatory",
    ],
)
def test_the_pseudo_padding_breaks_into_short_runs(msgid):
    pseudo = pseudo_translate(msgid)
    assert pseudo.startswith("⟦ ") and pseudo.endswith("⟧")
    assert max((len(run) for run in re.findall(f"{PAD}+", pseudo)), default=0) <= PAD_RUN
    assert "  " not in pseudo.replace(msgid, "")


# --- the built site -----------------------------------------------------------------------------


def test_the_landing_page_is_for_readers(repository):
    assert main(["-C", str(repository), "pseudo", "-q"]) == 0
    assert build(repository) == 0
    index = read(repository, "index.html")
    shown = index.split("<body>")[1]
    for word in ("translated", "caveat", "checked", "Not published", "Pseudo", "progress"):
        assert word not in shown, word
    for locale, lang, direction in [
        ("ar", "ar", "rtl"),
        ("pt_BR", "pt-BR", "ltr"),
        ("en", "en", "ltr"),
    ]:
        h1 = re.search(r"<h1>(.*?)</h1>", read(repository, f"{locale}/article.html")).group(1)
        assert f'<li lang="{lang}" dir="{direction}">' in index
        title = re.sub(r"<[^>]+>", "", h1)
        entry = re.search(rf'<a href="{locale}/article.html" hreflang="{lang}">(.*?)</a>', index)
        assert entry and re.sub(r"<[^>]+>", "", entry.group(1)) == title


def test_the_status_page_holds_what_the_index_showed(repository):
    path = repository / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path=path.name)
    entry = next(
        e for e in catalog.entries if "caveat: consult-professional" in e.extracted_comments
    )
    entry.msgstr = ""
    path.write_bytes(encode_po(catalog))
    assert build(repository) == 1
    status = read(repository, "status.html")
    assert "31 of 31 strings translated" in status
    assert "safety caveats: 5/5 checked" in status
    assert (
        'Safety information last reviewed: <time datetime="2026-12-06">December 6, 2026' in status
    )
    assert "Not published" in status and "caveats failing the check: consult-professional" in status
    assert "C001 fr consult-professional" in status or "fr consult-professional" in status
    assert "Français" not in read(repository, "index.html")


def test_pages_have_a_header_skip_link_labelled_callouts_and_a_review_footer(repository):
    assert build(repository) == 0
    english = read(repository, "en/article.html")
    german = read(repository, "de/article.html")
    chinese = read(repository, "zh_Hans/article.html")
    for html in (english, german, chinese):
        assert '<a class="skip" href="#content">' in html and '<main id="content"' in html
        assert '<a class="home" href="../index.html">' in html
        assert html.count('class="caveat-label"') == html.count("data-caveat=") == 5
        assert "prefers-color-scheme: dark" in html and "@media print" in html
    assert "Sicherheitshinweis</span>" in german and "Zum Inhalt springen" in german
    assert "Sicherheitshinweise zuletzt geprüft: <time" in german
    assert "strings translated" not in english and "reviewed" not in english.split("<footer")[1]
    assert "最后更新：<time" in chinese  # no space after the full-width colon


def test_every_shipped_locale_translates_every_ui_string():
    template = parse_po((ROOT / "locales" / "ui.pot").read_bytes(), path="ui.pot")
    for locale in SHIPPED:
        path = ROOT / "locales" / locale / "LC_MESSAGES" / "ui.po"
        catalog = parse_po(path.read_bytes(), path=str(path))
        translated = {e.msgid for e in catalog.entries if e.translated() and not e.obsolete}
        assert {e.msgid for e in template.entries} <= translated, locale
