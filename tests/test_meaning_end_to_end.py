"""A sample of the caveat rewrites (one per class and language) through the real ``check`` and
``build`` of a copy of this repository, review rules off: refused by both when harmful, published
by both when faithful. The whole fixture set runs through the gate in tests/test_meaning.py."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from locpipe import build
from locpipe.catalog import caveat_of
from locpipe.config import load_config
from locpipe.pofile import encode_po, parse_po

ROOT = Path(__file__).parent.parent
REWRITES = Path(__file__).parent / "fixtures" / "rewrites"
# The shipped languages: the locale folders git tracks a catalog in (not the pseudo-locale that
# `nox -s browser` writes for its pages).
SHIPPED = sorted(
    p.name for p in (ROOT / "locales").iterdir() if (p / "reviews").is_dir() and p.name != "en_XA"
)


def _sample() -> list[tuple[str, dict]]:
    """The first case of each (language, verdict, class), for the shipped languages."""
    seen, sample = set(), []
    for locale in SHIPPED:
        path = REWRITES / f"{locale}.toml"
        for case in tomllib.loads(path.read_text(encoding="utf-8"))["case"]:
            key = (locale, case["verdict"], case["class"])
            if key not in seen:
                seen.add(key)
                sample.append((locale, case))
    return sample


def _runs(sample: list[tuple[str, dict]]) -> list[list[tuple[str, dict]]]:
    """The sample in project copies where no caveat of a locale is rewritten twice, harmful and
    faithful rewrites apart (a truncated caveat changes its locale's usual length, C041)."""
    runs: list[list[tuple[str, dict]]] = []
    for locale, case in sample:
        lengths = case["class"] in ("truncated", "padded")
        for run in runs:
            clash = any(
                (other, c["caveat"]) == (locale, case["caveat"]) or c["verdict"] != case["verdict"]
                for other, c in run
            )
            if not clash and not (lengths and any(other == locale for other, _ in run)):
                run.append((locale, case))
                break
        else:
            runs.append([(locale, case)])
    return runs


def _project(root: Path, run: list[tuple[str, dict]]) -> Path:
    shutil.copytree(ROOT / "source", root / "source")
    shutil.copytree(ROOT / "locales", root / "locales", ignore=shutil.ignore_patterns("*.mo"))
    (root / "pyproject.toml").write_text("[tool.locpipe]\nrequire-review = false\n")
    for locale, case in run:
        path = root / "locales" / locale / "LC_MESSAGES" / "article.po"
        catalog = parse_po(path.read_bytes(), path=str(path))
        for entry in catalog.entries:
            if caveat_of(entry) == case["caveat"]:
                entry.msgstr = case["msgstr"]
                entry.previous_msgid = case.get("previous-msgid")
        path.write_bytes(encode_po(catalog))
    return root


RUNS = _runs(_sample())


@pytest.mark.parametrize("run", RUNS, ids=[f"run{i:02d}" for i in range(len(RUNS))])
def test_check_and_build_refuse_the_harmful_and_publish_the_faithful(tmp_path, monkeypatch, run):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(_project(tmp_path / "project", run))
    report = build.check_project(config)
    result = build.build_site(config, None, jobs=1)
    checked = {(f.locale, f.caveat) for f in report.findings}
    built = {(f.locale, f.caveat) for findings in result.failed.values() for f in findings}
    for locale, case in run:
        where = f"{locale} {case['caveat']} {case['class']}: {case['why']}"
        if case["verdict"] == "harmful":
            assert (locale, case["caveat"]) in checked, f"check published {where}"
            assert (locale, case["caveat"]) in built, f"build published {where}"
            assert locale not in result.built
        else:
            assert (locale, case["caveat"]) not in checked, f"check refused {where}"
            assert locale in result.built, f"build refused {where}"


def test_the_sample_covers_every_class_of_every_shipped_language():
    sample = _sample()
    assert len(sample) >= 6 * 10
    for locale in SHIPPED:
        assert {c["verdict"] for other, c in sample if other == locale} == {"harmful", "faithful"}
