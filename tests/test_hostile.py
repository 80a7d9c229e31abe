"""Translations are untrusted: markup a translator adds fails the gate, and never reaches a page.

Each payload goes into the translation of an ordinary entry and of a caveat's entry of a small
project (``tests/fixtures/hostile/``) whose English source has HTML of its own, which must come
through untouched.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from locpipe import gate
from locpipe.cli import main
from locpipe.config import load_config
from locpipe.page import page_body
from locpipe.pofile import PoEntry, PoFile, encode_po, parse_po
from locpipe.render import LocalizedDocument, render_body, render_localized
from locpipe.segment import parse_document
from tests.conftest import es_catalog_path, spanish_project
from tests.markdown_html import FIXTURES

HOSTILE = FIXTURES / "hostile"
CAVEAT = "consult-professional"
#: The English source's own HTML: it is trusted, and must reach every page byte for byte.
SOURCE_HTML = ('<div class="note">Source HTML</div>', '<abbr title="x">UC</abbr>')


@pytest.fixture
def hostile(tmp_path, monkeypatch) -> Path:
    """A project with the hostile article, its caveat's Spanish terms, and a Spanish catalog
    that passes (every entry translated, keeping the English markup)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    return spanish_project(
        tmp_path,
        article=HOSTILE / "article.md",
        caveats=HOSTILE / "caveats.toml",
        catalog=HOSTILE / "article-es.po",
    )


catalog_path = es_catalog_path


def read_catalog(project: Path) -> PoFile:
    path = catalog_path(project)
    return parse_po(path.read_bytes(), path=str(path))


# --- the payloads --------------------------------------------------------------------------------

Change = Callable[[str], str]


def _append(payload: str) -> Change:
    return lambda msgstr: f"{msgstr} {payload}"


def _retarget(msgstr: str) -> str:
    changed = msgstr.replace("https://example.org/", "https://evil.example/")
    assert changed != msgstr
    return changed


#: name → (how the translation is changed, the rule that must catch it)
PAYLOADS: dict[str, tuple[Change, str]] = {
    "script": (_append("<script>alert(1)</script>"), "C012"),
    "img-onerror": (_append("<img src=x onerror=alert(1)>"), "C013"),
    "svg-onload": (_append("<svg onload=alert(1)>"), "C013"),
    "javascript-link": (_append("[x](javascript:alert(1))"), "C014"),
    "javascript-autolink": (_append("<javascript:alert(1)>"), "C014"),
    "mixed-case-scheme": (_append("[x](JaVaScRiPt:alert(1))"), "C014"),
    "tab-in-scheme": (_append("[x](jav&#x09;ascript:alert(1))"), "C014"),
    "entity-scheme": (_append("[x](&#106;avascript:alert(1))"), "C014"),
    "data-image": (_append("![x](data:text/html;base64,PHNjcmlwdD4=)"), "C014"),
    "vbscript-html-link": (_append('<a href="vbscript:msgbox(1)">x</a>'), "C014"),
    "entity-html-link": (_append('<a href="&#x6A;ava&#x0A;script:alert(1)">x</a>'), "C014"),
    "iframe": (_append("<iframe src=https://evil.example/frame></iframe>"), "C012"),
    "hidden-comment": (_append("<!-- hidden text -->"), "C012"),
    "style": (_append("<style>body{display:none}</style>"), "C012"),
    "meta-refresh": (
        _append('<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
        "C012",
    ),
    "form-action": (_append("<form action=javascript:alert(1)><button>x</button></form>"), "C014"),
    "changed-target": (_retarget, "C015"),
}

#: Where a payload goes: an ordinary entry (it has the source's inline HTML and a link) or the
#: caveat's entry (it has a link). Each picks its entry and names what findings call it.
PLACES: dict[str, tuple[Callable[[PoEntry], bool], str]] = {
    "entry": (lambda entry: entry.msgid.startswith("The <abbr"), gate.NOT_A_CAVEAT),
    "caveat": (lambda entry: f"caveat: {CAVEAT}" in entry.extracted_comments, CAVEAT),
}

cases = pytest.mark.parametrize(("change", "code"), PAYLOADS.values(), ids=list(PAYLOADS))
places = pytest.mark.parametrize("place", PLACES)


def inject(project: Path, place: str, change: Change) -> PoEntry:
    """Change the translation of the entry at ``place``; the changed entry, as read back."""
    path = catalog_path(project)
    po = read_catalog(project)
    chosen, _ = PLACES[place]
    (entry,) = [entry for entry in po.entries if chosen(entry)]
    entry.msgstr = change(entry.msgstr)
    path.write_bytes(encode_po(po))
    (written,) = [entry for entry in read_catalog(project).entries if chosen(entry)]
    return written


# --- what a page may carry -----------------------------------------------------------------------


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    parser.close()
    return parser


def _scheme(url: str) -> str:
    """The scheme a browser would see, however the URL is masked (written independently of
    the gate's own unmasking, on purpose)."""
    for _ in range(5):
        url = html.unescape(urllib.parse.unquote(url))
    url = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    return url.partition(":")[0] if ":" in url else ""


URL_ATTRIBUTES = frozenset({"href", "src", "srcset", "action", "formaction", "poster", "data"})


def assert_harmless(page: str, clean: str) -> None:
    """``page`` carries nothing of a payload, and all of the source's own HTML.

    ``clean`` is the same page from the untouched catalog: what the template and the source
    have is not a translator's doing (the template links a ``data:,`` icon, for one).
    """
    found, allowed = markup(page), markup(clean)
    assert "<script" not in page.lower()
    assert found.tags <= allowed.tags, found.tags - allowed.tags
    for attribute in found.attributes:
        _, name, value = attribute
        if attribute in allowed.attributes:
            continue
        assert not name.startswith("on"), attribute
        assert name != "http-equiv", attribute
        if name in URL_ATTRIBUTES:
            assert _scheme(value) not in ("javascript", "vbscript", "data"), attribute
            assert "evil.example" not in value, attribute
    assert not [comment for comment in found.comments if "hidden" in comment]
    for trusted in SOURCE_HTML:
        assert trusted in page


def render_ungated(project: Path) -> str:
    """The Spanish page body as the HTML writer renders it, with no gate at all."""
    source = parse_document(
        (project / "source" / "article.md").read_text(encoding="utf-8"), path="source/article.md"
    )
    return render_localized(source, read_catalog(project))


# --- the untouched project -----------------------------------------------------------------------


def test_a_translation_that_keeps_the_source_markup_passes(hostile, capsys):
    assert main(["-C", str(hostile), "check"]) == 0
    assert capsys.readouterr().out == "es: ok: all 1 caveat(s) pass\n"
    assert main(["-C", str(hostile), "build", "-q"]) == 0
    page = (hostile / "build" / "es" / "article.html").read_text(encoding="utf-8")
    for trusted in SOURCE_HTML:
        assert trusted in page
    assert '<a href="https://example.org/protocol">publicado en línea</a>' in page
    assert '<a href="https://example.org/find">cómo encontrarlo</a>' in page
    # As the page shows it: callouts labelled, terms kept whole (locpipe's own markup).
    assert page_body(load_config(hostile), "es", render_ungated(hostile)) in page


# --- the gate ------------------------------------------------------------------------------------


@places
@cases
def test_check_fails_on_the_payload_with_its_rule(hostile, capsys, place, change, code):
    entry = inject(hostile, place, change)
    assert main(["-C", str(hostile), "check"]) == 1
    out = capsys.readouterr().out
    subject = PLACES[place][1]
    pattern = (
        rf"^locales/es/LC_MESSAGES/article\.po:(\d+): error: {code} es {re.escape(subject)}: \S"
    )
    lines = [line for line in out.splitlines() if re.match(pattern, line)]
    assert lines, out
    assert int(re.match(pattern, lines[0])[1]) == entry.line
    assert out.splitlines()[-1].startswith("es: FAILED: ")


@places
@cases
def test_build_publishes_no_page_of_the_locale(hostile, capsys, place, change, code):
    inject(hostile, place, change)
    assert main(["-C", str(hostile), "build"]) == 1
    assert f" {code} es " in capsys.readouterr().err
    assert not (hostile / "build" / "es").exists()
    assert (hostile / "build" / "en" / "article.html").is_file()


# --- the sanitizer, with the gate out of the way ---------------------------------------------------


@places
@cases
def test_without_the_gate_the_page_carries_none_of_it(hostile, place, change, code):
    clean = render_ungated(hostile)
    inject(hostile, place, change)
    page = render_ungated(hostile)
    assert_harmless(page, clean)
    assert 'data-caveat="consult-professional"' in page  # render_body's own HTML stays


def test_a_build_without_the_gate_writes_harmless_pages(hostile, monkeypatch):
    """Every payload at once, in both entries, through the real build and page template."""
    assert main(["-C", str(hostile), "build", "-q"]) == 0
    clean = (hostile / "build" / "es" / "article.html").read_text(encoding="utf-8")
    every = "".join(change("") for change, _ in PAYLOADS.values() if change is not _retarget)
    for place in PLACES:
        inject(hostile, place, lambda msgstr: _retarget(msgstr) + every)
    monkeypatch.setattr(gate, "check_catalog", lambda *args: [])
    monkeypatch.setattr(gate, "check_page", lambda *args: [])
    assert main(["-C", str(hostile), "build", "-q"]) == 0
    page = (hostile / "build" / "es" / "article.html").read_text(encoding="utf-8")
    assert_harmless(page, clean)
    assert 'data-caveat="consult-professional"' in page
    assert "alert(1)" in page  # what the payloads said is still there, as harmless text


@pytest.mark.parametrize(
    "addition",
    [
        "\n<script>alert(1)</script>\n",  # an HTML block the source does not have
        "\nA new paragraph <img src=x onerror=alert(1)> [x](https://evil.example/).\n",
    ],
    ids=["html-block", "units-no-longer-pair"],
)
def test_markup_that_only_a_broken_escape_could_add_is_sanitized_too(hostile, addition):
    source = parse_document(
        (hostile / "source" / "article.md").read_text(encoding="utf-8"), path="source/article.md"
    )
    clean = render_body(LocalizedDocument(source=source, markdown=source.source))
    page = render_body(LocalizedDocument(source=source, markdown=source.source + addition))
    assert_harmless(page, clean)


# --- reference links: the gate reads the document's definitions, as the page does -------------

#: A paragraph with a reference link, and definitions: one it uses, one it does not.
REFERENCES = (
    "\nRead [the trial][trial] first.\n\n"
    "[trial]: https://example.org/trial\n"
    "[elsewhere]: https://evil.example/elsewhere\n"
)


@pytest.fixture
def referencing(tmp_path, monkeypatch) -> Path:
    """The hostile project, its article ending with :data:`REFERENCES` (the new paragraph
    translated keeping its link)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    article = tmp_path / "article.md"
    article.write_text((HOSTILE / "article.md").read_text(encoding="utf-8") + REFERENCES)
    project = tmp_path / "project"
    project.mkdir()
    spanish_project(
        project,
        article=article,
        caveats=HOSTILE / "caveats.toml",
        catalog=HOSTILE / "article-es.po",
    )
    translate_reference(project, "Lea [el ensayo][trial] primero.")
    return project


def translate_reference(project: Path, msgstr: str) -> PoEntry:
    po = read_catalog(project)
    (entry,) = [e for e in po.entries if e.msgid == "Read [the trial][trial] first."]
    entry.msgstr = msgstr
    catalog_path(project).write_bytes(encode_po(po))
    return entry


@pytest.mark.parametrize(
    "msgstr",
    [
        "Lea [el ensayo][trial] primero.",
        "Lea [el ensayo][TRIAL] primero.",  # labels match as CommonMark normalizes them
        "Lea el [trial] primero.",  # a shortcut to the same definition
        "Lea [el ensayo](https://example.org/trial) primero.",  # the same target, inline
    ],
)
def test_a_reference_link_to_the_same_target_passes(referencing, capsys, msgstr):
    translate_reference(referencing, msgstr)
    assert main(["-C", str(referencing), "check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    "msgstr",
    [
        "Lea [el ensayo][elsewhere] primero.",  # another of the document's definitions
        "Lea [el ensayo][trial] y [más][Elsewhere].",
        "Lea el [elsewhere] primero.",
    ],
)
def test_a_reference_link_to_another_target_fails_as_an_inline_one_does(
    referencing, capsys, msgstr
):
    """A translator cannot send readers of the localized Markdown elsewhere by naming another
    definition of the document: the gate reads ``[text][label]`` as the page does."""
    entry = translate_reference(referencing, msgstr)
    assert main(["-C", str(referencing), "check"]) == 1
    out = capsys.readouterr().out
    assert (
        f"article.po:{entry.line}: error: C015 es -: target(s) not in the English: "
        "link 'https://evil.example/elsewhere'"
    ) in out
    assert main(["-C", str(referencing), "build", "-q"]) == 1
    assert not (referencing / "build" / "es").exists()


def test_a_caveat_whose_link_becomes_a_reference_elsewhere_fails(referencing, capsys):
    inject(
        referencing,
        "caveat",
        lambda msgstr: re.sub(r"\]\(https://example\.org/find\)", "][elsewhere]", msgstr),
    )
    assert main(["-C", str(referencing), "check"]) == 1
    out = capsys.readouterr().out
    assert f" C008 es {CAVEAT}: markup differs from the English: " in out
    assert f" C015 es {CAVEAT}: target(s) not in the English: " in out


# --- the rules, one pair of strings at a time ----------------------------------------------------

MSGID = 'See <abbr title="x">UC</abbr> and [the trial](https://example.org/t) and ![chart](c.png).'


@pytest.mark.parametrize(
    ("msgstr", "codes"),
    [
        ('Ver <abbr title="x">UC</abbr>, [el ensayo](https://example.org/t), ![g](c.png).', ""),
        ('![g](c.png), [el ensayo](https://example.org/t), <abbr title="x">UC</abbr>.', ""),
        ('Ver <abbr  title="x">UC</abbr> y `<script>` y [el ensayo](https://example.org/t).', ""),
        ('Ver <abbr title="metadata: x">UC</abbr>.', "C012"),
        ('Ver <ABBR title="x">UC</ABBR>.', "C012"),
        ('Ver <abbr title="x" onmouseover="alert(1)">UC</abbr>.', "C012 C013"),
        ('Ver <img src="c.png" ONERROR="alert(1)">.', "C012 C013"),
        ('Ver <a href=" java\tscript:alert(1)">x</a>.', "C012 C014"),
        ('Ver <a href="jav&Tab;ascript:alert(1)">x</a>.', "C012 C014"),
        ('Ver <a href="&#0000106avascript:alert(1)">x</a>.', "C012 C014"),
        ('Ver <a href="%6Aavascript:alert(1)">x</a>.', "C012 C014"),
        ('Ver <span style="background:url(javascript:alert(1))">x</span>.', "C012 C014"),
        ('Ver <img srcset="a.png 1x, data:image/svg+xml,x 2x">.', "C012 C014"),
        ("Ver [x](java%0Ascript:alert(1)).", "C014 C015"),
        ("Ver ![x](data:image/png;base64,iVBORw0KGgo=).", "C014 C015"),
        ("Ver <VBScript:msgbox(1)>.", "C014 C015"),
        ("Ver [el ensayo](https://example.org/t?x=1).", "C015"),
        ("Ver ![g](https://evil.example/c.png).", "C015"),
        ("Ver <https://evil.example/>.", "C015"),
    ],
)
def test_untrusted_rules(msgstr, codes):
    """Exactly the rules named fail: obfuscations are seen through, lookalikes are not flagged."""
    failed = [
        code for code, rule in gate.UNTRUSTED_RULES if rule("es", MSGID, msgstr, None) is not None
    ]
    assert failed == codes.split()


def test_what_the_english_has_is_trusted():
    msgid = (
        '<a href="javascript:void(0)" onclick="menu()">Menu</a> ![x](data:image/png;base64,AA==)'
    )
    assert not [
        code for code, rule in gate.UNTRUSTED_RULES if rule("es", msgid, msgid, None) is not None
    ]


def test_every_rule_has_a_title():
    for code, _ in gate.UNTRUSTED_RULES:
        assert re.fullmatch(r"[a-z][^\n]+", gate.RULES[code]), code


# --- reports -------------------------------------------------------------------------------------


def test_reports_name_untrusted_markup_apart_from_caveats(hostile, capsys):
    entry = inject(hostile, "entry", _append("<script>alert(1)</script>"))
    where = f"locales/es/LC_MESSAGES/article.po:{entry.line}"

    assert main(["-C", str(hostile), "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        out[0] == f"{where}: error: C012 es -: raw HTML not in the English: '<script>', '</script>'"
    )
    assert out[-1] == "es: FAILED: untrusted markup in 1 translation(s)"

    assert main(["-C", str(hostile), "check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["locales"]["es"]["caveats"] == [CAVEAT]
    assert data["locales"]["es"]["untrusted-markup"] == {"passed": False}
    assert data["findings"][0]["check"] == "untrusted-markup"
    assert data["findings"][0]["caveat"] == "-"

    assert main(["-C", str(hostile), "check", "--format", "junit"]) == 1
    cases = ET.fromstring(capsys.readouterr().out).findall(".//testcase")
    assert [(c.get("name"), c.find("failure") is not None) for c in cases] == [
        (f"es {CAVEAT}", False),
        ("es untrusted-markup", True),
    ]

    assert main(["-C", str(hostile), "check", "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith(
        f"::error file=locales/es/LC_MESSAGES/article.po,line={entry.line},title=C012 es -::"
    )


def test_a_caveat_with_untrusted_markup_fails_as_a_caveat_too(hostile, capsys):
    inject(hostile, "caveat", _append("<!-- hidden text -->"))
    assert main(["-C", str(hostile), "check"]) == 1
    out = capsys.readouterr().out
    assert f" C012 es {CAVEAT}: " in out
    assert f" C008 es {CAVEAT}: " in out  # the caveat's own markup rule still speaks
    assert out.splitlines()[-1] == (
        f"es: FAILED: 1 of 1 caveat(s): {CAVEAT}; untrusted markup in 1 translation(s)"
    )


def test_failing_checks_sums_up_caveats_and_untrusted_markup(hostile):
    inject(hostile, "entry", _append("<script>alert(1)</script>"))
    catalog = read_catalog(hostile)
    findings = gate.check_untrusted("es", catalog, "article.po")
    assert gate.failing_checks(findings) == ["untrusted-markup"]
    inject(hostile, "caveat", _append("<b>!</b>"))
    findings = gate.check_untrusted("es", read_catalog(hostile), "article.po")
    assert gate.failing_checks(findings) == [CAVEAT, "untrusted-markup"]
    assert gate.failing_checks([]) == []


def test_a_caveat_the_translation_hides_fails_though_the_sanitizer_shows_it(hostile, capsys):
    inject(hostile, "caveat", lambda msgstr: f'<span style="display:none">{msgstr}</span>')
    assert "profesional médico cualificado" in render_ungated(hostile)  # no style survives
    assert main(["-C", str(hostile), "check"]) == 1
    out = capsys.readouterr().out
    assert re.search(
        rf"^build/es/article\.html:\d+: error: C010 es {CAVEAT}: .* without the sanitizer",
        out,
        re.M,
    )
    assert f" C012 es {CAVEAT}: raw HTML not in the English: '<span style=" in out
