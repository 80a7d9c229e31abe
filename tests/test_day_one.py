"""A team's first day: what `init`, `update --check`, `stats`, `build`, `serve` and the nox
sessions do for a new team, each as the README and docs/ promise."""

from __future__ import annotations

import importlib.util
import json
import re
import threading
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from locpipe.cli import main
from locpipe.config import load_config
from locpipe.pofile import encode_po, parse_po
from locpipe.serve import page_urls, preview_server
from tests.conftest import ROOT, Project


def run(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args])


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def untranslate(root: Path, locale: str, count: int) -> None:
    """Empty the msgstr of ``count`` entries that are not caveats."""
    path = root / "locales" / locale / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path=path.name)
    plain = [
        e for e in catalog.entries if not any(c.startswith("caveat:") for c in e.extracted_comments)
    ]
    for entry in plain[:count]:
        entry.msgstr = ""
    path.write_bytes(encode_po(catalog))


# --- update --check ------------------------------------------------------------------------------


def test_update_check_passes_on_an_up_to_date_project_and_writes_nothing(repository, capsys):
    before = snapshot(repository)
    assert run(repository, "update", "--check") == 0
    assert snapshot(repository) == before


def test_update_check_fails_on_a_changed_source_naming_each_file_and_writes_nothing(
    repository, capsys
):
    source = repository / "source" / "article.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    before = snapshot(repository)
    assert run(repository, "update", "--check") == 1
    err = capsys.readouterr().err
    assert "locales/article.pot: out of date: run `locpipe update`" in err
    assert "locales/fr/LC_MESSAGES/article.po: out of date" in err
    assert snapshot(repository) == before


# --- min-translated ------------------------------------------------------------------------------


def test_min_translated_withholds_an_incomplete_locale_from_build_and_says_so_in_stats(
    repository, capsys
):
    (repository / "pyproject.toml").write_text("[tool.locpipe]\nmin-translated = 0.9\n")
    untranslate(repository, "fr", 10)
    assert run(repository, "build", "-q") == 1
    err = capsys.readouterr().err
    assert re.search(
        r"^locales/fr/LC_MESSAGES/article\.po:1: error: C056 fr -: \d+% of the strings translated, below min-translated 90%$",
        err,
        re.M,
    ), err
    assert not (repository / "build" / "fr").exists()
    assert (repository / "build" / "de" / "article.html").is_file()
    assert run(repository, "stats") == 0
    out = capsys.readouterr().out
    assert re.search(r"^fr: \d+% translated, below min-translated 90%: not published$", out, re.M)
    assert "de:" not in out.split("\n", 1)[1].split("obsolete")[0]


def test_without_min_translated_an_incomplete_locale_is_published(repository, capsys):
    untranslate(repository, "fr", 10)
    assert run(repository, "build", "-q") == 0
    assert (repository / "build" / "fr" / "article.html").is_file()


@pytest.mark.parametrize("value", ["1.5", "-0.1", '"80%"', "true"])
def test_min_translated_must_be_a_share(repository, capsys, value):
    (repository / "pyproject.toml").write_text(f"[tool.locpipe]\nmin-translated = {value}\n")
    assert run(repository, "stats") == 2
    assert capsys.readouterr().err.startswith(
        "pyproject.toml: error: [tool.locpipe] min-translated"
    )


# --- stats ---------------------------------------------------------------------------------------


def test_one_broken_catalog_does_not_stop_stats_for_the_others(repository, capsys):
    broken = repository / "locales" / "de" / "LC_MESSAGES" / "article.po"
    broken.write_bytes(broken.read_bytes().replace(b'msgstr "', b'msgstr "\\q', 1))
    assert run(repository, "stats") == 2
    captured = capsys.readouterr()
    assert re.match(r"^locales/de/LC_MESSAGES/article\.po:\d+: error: invalid escape", captured.err)
    listed = {line.split()[0] for line in captured.out.splitlines()[1:]}
    assert listed == set(
        ["ar", "de", "es", "fr", "he", "hi", "ja", "pt_BR", "ru", "zh_Hans"]
    )  # de's ui.po still counts
    assert run(repository, "stats", "--format", "json") == 2
    rows = json.loads(capsys.readouterr().out)
    assert next(row for row in rows if "error" in row)["locale"] == "de"


# --- init ----------------------------------------------------------------------------------------


def test_a_new_catalog_leaves_last_translator_to_the_translator(project: Project):
    project.ok("extract")
    project.ok("init", "it")
    header = dict(parse_po(project.catalog_path("it").read_bytes(), path="it.po").header_fields())
    assert header["Last-Translator"] == "FULL NAME <EMAIL@ADDRESS>"


# --- build's summary -----------------------------------------------------------------------------


def test_a_failing_builds_summary_counts_what_it_built_and_names_what_it_withheld(
    repository, capsys
):
    untranslate(repository, "fr", 0)
    path = repository / "locales" / "fr" / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path=path.name)
    next(
        e for e in catalog.entries if "caveat: multiple-sessions" in e.extracted_comments
    ).msgstr = ""
    path.write_bytes(encode_po(catalog))
    assert run(repository, "build") == 1
    err = capsys.readouterr().err.splitlines()
    assert re.match(
        r"^locales/fr/LC_MESSAGES/article\.po:\d+: error: fr not published: caveat\(s\) failing: multiple-sessions$",
        err[-2],
    ), err
    assert err[-1].startswith(
        "built 10 locale(s) into build/: en, ar, de, es, he, hi, ja, pt_BR, ru, zh_Hans ("
    )
    assert err[-1].endswith("; not published: fr; 10 published")


# --- serve ---------------------------------------------------------------------------------------


def test_serve_offers_every_page_on_loopback_only(repository, capsys):
    assert run(repository, "build", "-q") == 0
    build = repository / "build"
    server = preview_server(build, shown_as="build", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        urls = page_urls(server, build)
        assert server.server_address[0] == "127.0.0.1"
        assert urls[0].endswith("/") and any(url.endswith("/fr/article.html") for url in urls)
        assert not any("/." in url for url in urls)
        for url in urls[:2]:
            with urllib.request.urlopen(url, timeout=10) as response:
                assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_build_says_what_to_do(repository, capsys):
    assert run(repository, "serve", "--port", "0") == 2
    assert (
        capsys.readouterr().err == "build: error: no built site here: run `locpipe build` first\n"
    )


# --- the nox sessions ----------------------------------------------------------------------------


def _noxfile():
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nox_build_installs_once_per_pyproject(tmp_path, monkeypatch):
    noxfile = _noxfile()
    assert noxfile.nox.options.reuse_venv == "yes"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    installs = []
    session = SimpleNamespace(
        virtualenv=SimpleNamespace(location=str(tmp_path)), install=lambda *a: installs.append(a)
    )
    noxfile.install_once(session, "-e", ".")
    noxfile.install_once(session, "-e", ".")
    assert installs == [("-e", ".")]
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\ndependencies = ['y']\n")
    noxfile.install_once(session, "-e", ".")
    assert len(installs) == 2


def test_the_readme_says_how_to_get_the_command_and_about_dash_c():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e ." in readme and "pipx install" in readme
    assert "-C DIR" in readme
    assert load_config(ROOT).source.name == "source"
