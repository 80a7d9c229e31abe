"""The localized site: incremental, parallel and per-locale builds, the ui domain, templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from locpipe.cli import main
from locpipe.pofile import encode_po, parse_po

ROOT = Path(__file__).parent.parent


def build(root: Path, *args: str) -> int:
    return main(["-C", str(root), "build", *args])


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file's inode and modification time: what changes when a file is written."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_a_rebuild_with_nothing_changed_writes_nothing(repository, capsys):
    assert build(repository, "-q") == 0
    before = snapshot(repository / "build")
    assert build(repository) == 0
    assert "build/ is up to date: nothing changed" in capsys.readouterr().err
    assert snapshot(repository / "build") == before


def test_after_one_catalog_changes_only_its_pages_are_rewritten(repository, capsys):
    assert build(repository, "-q") == 0
    before = snapshot(repository / "build")
    path = repository / "locales" / "de" / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path="article.po")
    catalog.entries[0].msgstr += " (neu)"
    path.write_bytes(encode_po(catalog))
    assert build(repository) == 0
    assert "(1 page(s) rendered, the rest unchanged)" in capsys.readouterr().err
    after = snapshot(repository / "build")
    changed = {name for name in after if after[name] != before.get(name)}
    assert {"de/article.html", "de/article.md"} <= changed
    assert not {name for name in changed if name.endswith((".html", ".md"))} - {
        "de/article.html",
        "de/article.md",
        "index.html",
        "status.html",
    }
    assert "(neu)" in (repository / "build" / "de" / "article.html").read_text(encoding="utf-8")


def test_parallel_build_gives_the_same_pages(repository, tmp_path):
    assert build(repository, "-q", "--jobs", "1") == 0
    serial = {p: (repository / "build" / p).read_bytes() for p in snapshot(repository / "build")}
    shutil.rmtree(repository / "build")
    assert build(repository, "-q", "--jobs", "2") == 0
    parallel = {p: (repository / "build" / p).read_bytes() for p in snapshot(repository / "build")}
    assert parallel == serial


def test_a_per_locale_build_writes_only_that_locale_and_keeps_the_index_whole(repository):
    assert build(repository, "-q") == 0
    before = snapshot(repository / "build")
    shutil.rmtree(repository / "build" / "fr")
    assert build(repository, "-q", "--locale", "fr") == 0
    after = snapshot(repository / "build")
    assert (repository / "build" / "fr" / "article.html").is_file()
    rewritten = ("index.html", "status.html")
    untouched = [n for n in before if not n.startswith("fr/") and n not in rewritten]
    assert all(after[n] == before[n] for n in untouched if not n.startswith("."))
    index = (repository / "build" / "index.html").read_text(encoding="utf-8")
    for name in ("Deutsch", "Español", "Français", "العربية", "中文"):
        assert name in index


def test_index_lists_native_names_and_leaves_out_the_pseudo_locale(repository):
    assert main(["-C", str(repository), "pseudo", "-q"]) == 0
    assert build(repository, "-q") == 0
    index = (repository / "build" / "index.html").read_text(encoding="utf-8")
    assert "Português (Brasil)" in index and "Pseudo" not in index
    assert (repository / "build" / "en_XA" / "article.html").is_file()
    assert "en-XA" not in (repository / "build" / "fr" / "article.html").read_text(encoding="utf-8")


def test_ui_strings_use_real_plural_forms(repository):
    # Two non-caveat strings untranslated in Arabic: the banner takes Arabic's dual form.
    path = repository / "locales" / "ar" / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path="article.po")
    plain = [
        e for e in catalog.entries if not any(c.startswith("caveat:") for c in e.extracted_comments)
    ]
    for entry in plain[1:3]:
        entry.msgstr = ""
    path.write_bytes(encode_po(catalog))
    assert build(repository, "-q") == 0
    html = (repository / "build" / "ar" / "article.html").read_text(encoding="utf-8")
    assert "مقطعان" in html  # "two passages", the dual
    assert html.count('<span lang="en">') == 2
    missing = json.loads((repository / "build" / "ar" / "missing.json").read_text(encoding="utf-8"))
    assert len(missing["article"]) == 2


def test_ui_template_holds_the_templates_strings(repository):
    assert main(["-C", str(repository), "extract", "-q"]) == 0
    template = parse_po((repository / "locales" / "ui.pot").read_bytes(), path="ui.pot")
    plurals = [e for e in template.entries if e.msgid_plural]
    assert {e.msgid for e in plurals} >= {"%(translated)s of %(count)s string translated"}
    assert all(ref.startswith("templates/") for e in template.entries for ref in e.references)


def test_a_project_may_override_the_templates(repository):
    (repository / "templates").mkdir()
    page = (ROOT / "src" / "locpipe" / "templates" / "page.html").read_text(encoding="utf-8")
    (repository / "templates" / "page.html").write_text(
        page.replace('<main id="content"', '<main class="custom" id="content"'), encoding="utf-8"
    )
    assert build(repository, "-q") == 0
    assert '<main class="custom" id="content"' in (
        repository / "build" / "es" / "article.html"
    ).read_text(encoding="utf-8")


def test_a_broken_template_is_one_error_line_and_the_build_is_left_alone(repository, capsys):
    assert build(repository, "-q") == 0
    before = snapshot(repository / "build")
    (repository / "templates").mkdir()
    (repository / "templates" / "page.html").write_text("{% if %}\n", encoding="utf-8")
    assert build(repository, "-q") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "page.html:1: error: template error" in err
    assert snapshot(repository / "build") == before
