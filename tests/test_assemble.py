"""One site from per-locale builds: whatever order locales are built in, on one machine or one
CI job each, no page in build/ links to a page that is not there, and the index lists exactly
the locales that passed."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from locpipe.cli import main
from locpipe.pofile import encode_po, parse_po

SHIPPED = ["ar", "de", "es", "fr", "he", "hi", "ja", "pt_BR", "ru", "zh_Hans"]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("href", "src") and value]


def dead_links(build: Path) -> list[str]:
    """Every relative link of every page in ``build`` whose target is not there."""
    dead = []
    for page in sorted(build.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, or a fragment of this page
            if not (page.parent / parts.path).resolve().is_file():
                dead.append(f"{page.relative_to(build)} -> {link}")
    return dead


def switcher(page: Path) -> list[str]:
    """The locales a page offers (its hreflang alternates, x-default left out)."""
    html = page.read_text(encoding="utf-8")
    return sorted(set(re.findall(r'hreflang="([^"]+)"', html)) - {"x-default"})


def index_locales(build: Path) -> list[str]:
    html = (build / "index.html").read_text(encoding="utf-8")
    return sorted(set(re.findall(r'href="([^"/]+)/[^"]*\.html"', html)))


def run(root: Path, *args: str) -> int:
    return main(["-C", str(root), *args, "-q"])


def break_caveat(root: Path, locale: str) -> None:
    path = root / "locales" / locale / "LC_MESSAGES" / "article.po"
    catalog = parse_po(path.read_bytes(), path=path.name)
    entry = next(
        e for e in catalog.entries if "caveat: consult-professional" in e.extracted_comments
    )
    entry.msgstr = ""
    path.write_bytes(encode_po(catalog))


def tags(locales: list[str]) -> list[str]:
    return sorted(locale.replace("_", "-") for locale in locales)


def test_a_per_locale_build_in_a_fresh_folder_links_only_to_what_it_built(repository: Path):
    assert run(repository, "build", "--locale", "fr") == 0
    build = repository / "build"
    assert dead_links(build) == []
    assert switcher(build / "fr" / "article.html") == tags(["en", "fr"])
    assert index_locales(build) == ["en", "fr"]


def test_a_locale_that_fails_later_drops_out_of_every_page_already_built(repository: Path):
    assert run(repository, "build") == 0
    break_caveat(repository, "fr")
    assert run(repository, "build", "--locale", "fr") == 1
    build = repository / "build"
    assert not (build / "fr").exists()
    assert dead_links(build) == []
    passing = ["en", *[locale for locale in SHIPPED if locale != "fr"]]
    for locale in passing:
        assert switcher(build / locale / "article.html") == tags(passing), locale
    assert index_locales(build) == sorted(passing)


@pytest.mark.parametrize("failing", ["de", None])
def test_a_ci_matrix_of_per_locale_jobs_assembles_into_one_whole_site(
    repository: Path, tmp_path: Path, failing: str | None
):
    # Each job: a fresh checkout, `build --locale L`, and build/L/ kept as its artifact.
    collected = tmp_path / "site" / "build"
    collected.mkdir(parents=True)
    for locale in SHIPPED:
        job = tmp_path / f"job-{locale}"
        shutil.copytree(repository, job)
        if locale == failing:
            break_caveat(job, locale)
        status = run(job, "build", "--locale", locale)
        assert status == (1 if locale == failing else 0)
        if status == 0:
            shutil.copytree(job / "build" / locale, collected / locale)
    # The assembly job: a fresh checkout with the artifacts under build/.
    site = collected.parent
    shutil.copytree(repository / "source", site / "source")
    shutil.copytree(repository / "locales", site / "locales")
    assert run(site, "assemble") == 0
    passing = ["en", *[locale for locale in SHIPPED if locale != failing]]
    assert dead_links(collected) == []
    assert index_locales(collected) == sorted(passing)
    for locale in passing:
        assert switcher(collected / locale / "article.html") == tags(passing), locale


def pages(build: Path) -> dict[str, str]:
    return {
        page.relative_to(build).as_posix(): page.read_text(encoding="utf-8")
        for page in sorted(build.glob("*/*.html"))
    }


def test_an_assembled_site_is_the_site_one_build_makes(repository: Path, tmp_path: Path):
    """Per-locale builds, then `assemble`: every page is byte for byte the page one build of
    every locale makes (switchers made again around bodies kept in the pages)."""
    whole = tmp_path / "whole"
    shutil.copytree(repository, whole)
    assert run(whole, "build") == 0
    for locale in ["fr", "ar", "de"]:
        assert run(repository, "build", "--locale", locale) == 0
    for locale in SHIPPED:
        assert run(repository, "build", "--locale", locale) == 0
    assert run(repository, "assemble") == 0
    assert pages(repository / "build") == pages(whole / "build")


def test_a_page_relinked_twice_is_the_page_made_once(repository: Path, tmp_path: Path):
    """A switcher made again, then again once the other locale fails: the page is what a build
    of its locale alone makes (where each build reads the body from the page the last made)."""
    alone = tmp_path / "alone"
    shutil.copytree(repository, alone)
    assert run(alone, "build", "--locale", "ar") == 0
    assert run(repository, "build", "--locale", "ar") == 0
    assert run(repository, "build", "--locale", "de") == 0
    assert switcher(repository / "build" / "ar" / "article.html") == tags(["en", "ar", "de"])
    break_caveat(repository, "de")
    assert run(repository, "build", "--locale", "de") == 1
    assert pages(repository / "build") == pages(alone / "build")


def test_contexts_kept_by_an_earlier_version_are_read(repository: Path):
    """A build folder from before `.locpipe-pages.json` (a JSON file per page, with its body,
    and linked.txt): its pages are relinked from their own contexts, then kept the new way."""
    assert run(repository, "build", "--locale", "fr") == 0
    folder = repository / "build" / "fr"
    kept = json.loads((folder / ".locpipe-pages.json").read_text(encoding="utf-8"))
    (folder / ".locpipe-pages.json").unlink()
    old = folder / ".locpipe-pages"
    old.mkdir()
    for name, context in kept["pages"].items():
        context = {key: value for key, value in context.items() if key != "body_at"}
        context["body"] = "<p>What an earlier build kept.</p>"
        (old / f"{name}.json").write_text(json.dumps(context), encoding="utf-8")
    (old / "linked.txt").write_text("en\nfr\n", encoding="utf-8")
    assert run(repository, "build", "--locale", "de") == 0
    page = (folder / "article.html").read_text(encoding="utf-8")
    assert "<p>What an earlier build kept.</p>" in page
    assert switcher(folder / "article.html") == tags(["en", "de", "fr"])
    assert not old.exists() and (folder / ".locpipe-pages.json").is_file()


def test_unreadable_contexts_are_an_error_naming_the_file(
    repository: Path, capsys: pytest.CaptureFixture[str]
):
    assert run(repository, "build", "--locale", "fr") == 0
    (repository / "build" / "fr" / ".locpipe-pages.json").write_text("{", encoding="utf-8")
    capsys.readouterr()
    assert run(repository, "build", "--locale", "de") == 2
    err = capsys.readouterr().err
    assert err.startswith("build/fr/.locpipe-pages.json: error: cannot read the pages' contexts")
    assert err.count("\n") == 1 and "remove build/ and build again" in err
    assert not (repository / "build" / "de").exists()


def test_a_template_that_changes_the_body_keeps_it_in_the_context(repository: Path):
    """Where the page does not hold the body as it was given (a template filters it), the
    context keeps the body, and the switcher is made again from it."""
    (repository / "templates").mkdir()
    (repository / "templates" / "page.html").write_text(
        "<html>{% for alt in alternates %}"
        '<a hreflang="{{ alt.hreflang }}" href="{{ alt[\'href\'] }}"></a>{% endfor %}'
        "<main>{{ body|replace('<p>', '<p class=\"x\">') }}</main></html>\n",
        encoding="utf-8",
    )
    assert run(repository, "build", "--locale", "fr") == 0
    first = (repository / "build" / "fr" / "article.html").read_text(encoding="utf-8")
    kept = json.loads(
        (repository / "build" / "fr" / ".locpipe-pages.json").read_text(encoding="utf-8")
    )
    assert "body" in kept["pages"]["article"] and "body_at" not in kept["pages"]["article"]
    assert run(repository, "build", "--locale", "de") == 0
    page = (repository / "build" / "fr" / "article.html").read_text(encoding="utf-8")
    assert switcher(repository / "build" / "fr" / "article.html") == tags(["en", "de", "fr"])
    assert page.split("<main>")[1] == first.split("<main>")[1]
    assert 'href="../de/article.html"' in page  # a template may read alternates by key too
