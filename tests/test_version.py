"""The versions of installed distributions, as importlib.metadata gives them, read without it
where their metadata folder's name says (:func:`locpipe.version.distribution_version`)."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from locpipe import version
from locpipe.version import distribution_version

INSTALLED = sorted({dist.metadata["Name"] for dist in importlib.metadata.distributions()})


@pytest.mark.parametrize("name", INSTALLED)
def test_every_installed_distribution_has_the_version_importlib_metadata_gives(name):
    assert distribution_version(name) == importlib.metadata.version(name)


@pytest.mark.parametrize(
    "asked", ["markdown-it-py", "Markdown_It.Py", "MARKDOWN-IT-PY", "markdown__it-py"]
)
def test_a_name_is_compared_as_pep_503_compares_names(asked, tmp_path, monkeypatch):
    (tmp_path / "markdown_it_py-9.1.dist-info").mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    assert distribution_version(asked) == "9.1"


def test_the_first_folder_of_the_import_path_that_holds_one_wins(tmp_path, monkeypatch):
    for folder, release in [("first", "2.0"), ("second", "1.0")]:
        (tmp_path / folder / f"demo_dist-{release}.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(tmp_path / "second"))
    monkeypatch.syspath_prepend(str(tmp_path / "first"))
    assert distribution_version("demo-dist") == "2.0"


@pytest.mark.parametrize(
    "folders",
    [
        ["demo_dist-1.0.dist-info", "demo_dist-2.0.dist-info"],  # two versions side by side
        ["demo_dist-1.0.egg-info"],  # setuptools' metadata: the version is inside
        ["demo_dist.egg-info"],  # a development install's
        ["demo_dist-1.0.dist-info", "demo_dist-1.0.egg-info"],
    ],
)
def test_anything_but_one_dist_info_folder_is_for_importlib_metadata(
    folders, tmp_path, monkeypatch
):
    for folder in folders:
        (tmp_path / folder).mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    asked = []
    monkeypatch.setattr(version, "_metadata_version", lambda name: asked.append(name) or "x")
    assert distribution_version("demo-dist") == "x"
    assert asked == ["demo-dist"]


def test_a_zip_on_the_import_path_is_for_importlib_metadata(tmp_path, monkeypatch):
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip file
    monkeypatch.syspath_prepend(str(archive))
    asked = []
    monkeypatch.setattr(version, "_metadata_version", lambda name: asked.append(name) or "x")
    assert distribution_version("markdown-it-py") == "x"


def test_a_distribution_installed_nowhere_has_no_version():
    assert distribution_version("surely-not-installed-anywhere") is None


def test_a_folder_that_cannot_be_listed_is_passed_over(tmp_path: Path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path / "missing"))
    assert distribution_version("pytest") == importlib.metadata.version("pytest")


def test_the_current_folder_on_the_path_is_the_one_current_at_each_call(tmp_path, monkeypatch):
    for folder, release in [("one", "1.0"), ("two", "2.0")]:
        (tmp_path / folder / f"demo_dist-{release}.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend("")
    monkeypatch.chdir(tmp_path / "one")
    assert distribution_version("demo-dist") == "1.0"
    monkeypatch.chdir(tmp_path / "two")
    assert distribution_version("demo-dist") == "2.0"
