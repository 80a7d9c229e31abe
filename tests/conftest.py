"""Shared fixtures: a throwaway locpipe project under ``tmp_path``, and the GNU gettext tools."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from locpipe.cli import main
from locpipe.pofile import PoFile, encode_po, parse_po

ROOT = Path(__file__).parent.parent
ARTICLE = ROOT / "source" / "article.md"
#: 2023-11-14 22:13 UTC: every date a test project writes, unless the test sets another.
EPOCH = 1_700_000_000


@dataclass(frozen=True)
class Run:
    """What one ``locpipe`` invocation did."""

    code: int
    out: str
    err: str


class Project:
    """A locpipe project in a temporary folder, driven through ``locpipe.cli.main``."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self._capsys = capsys

    def run(self, *args: str) -> Run:
        """``locpipe -C ROOT ARGS...`` in-process; argparse's exits become the exit code."""
        self._capsys.readouterr()
        try:
            code = main(["-C", str(self.root), *args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
        captured = self._capsys.readouterr()
        return Run(code, captured.out, captured.err)

    def ok(self, *args: str) -> Run:
        """Run and insist on success (shows stderr when it fails)."""
        result = self.run(*args)
        assert result.code == 0, result.err
        return result

    def path(self, relative: str) -> Path:
        return self.root / relative

    def write(self, relative: str, text: str) -> Path:
        path = self.path(relative)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def catalog_path(self, locale: str, document: str = "article") -> Path:
        return self.path(f"locales/{locale}/LC_MESSAGES/{document}.po")

    def template_path(self, document: str = "article") -> Path:
        return self.path(f"locales/{document}.pot")

    def catalog(self, locale: str, document: str = "article") -> PoFile:
        path = self.catalog_path(locale, document)
        return parse_po(path.read_bytes(), path=str(path))

    def template(self, document: str = "article") -> PoFile:
        path = self.template_path(document)
        return parse_po(path.read_bytes(), path=str(path))

    def edit_catalog(
        self, locale: str, change: Callable[[PoFile], None], document: str = "article"
    ) -> None:
        """Edit a catalog as a translator's tool would: parse, change, write back."""
        catalog = self.catalog(locale, document)
        change(catalog)
        self.catalog_path(locale, document).write_bytes(encode_po(catalog))

    def translate(
        self, locale: str, translations: dict[str, str], document: str = "article"
    ) -> None:
        """Give the entries whose msgid is a key of ``translations`` that translation."""

        def change(catalog: PoFile) -> None:
            for entry in catalog.entries:
                if entry.msgid in translations:
                    entry.msgstr = translations[entry.msgid]

        self.edit_catalog(locale, change, document)

    def files(self) -> dict[str, tuple[bytes, int]]:
        """Every file of the project, with its bytes and mtime, to prove nothing was touched."""
        return {
            path.relative_to(self.root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
            for path in sorted(self.root.rglob("*"))
            if path.is_file()
        }


@pytest.fixture(autouse=True, scope="session")
def interrupts_as_a_terminal_sends_them() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt here and in the commands the tests start, however the
    test run was started. A shell starts a background command (``nox -s tests &``, ``nohup``)
    with SIGINT ignored; Python then never installs its handler, and an ignored signal stays
    ignored in every process started from it. The tests of interrupted commands would then
    find nothing interrupted."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    yield


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Project:
    """A fresh project holding a copy of ``source/article.md``, with dates pinned to EPOCH."""
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    shutil.copyfile(ARTICLE, root / "source" / "article.md")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    return Project(root, capsys)


class Gettext:
    """The GNU gettext tools; a missing tool fails the test (the comparison is the point)."""

    def tool(self, name: str) -> str:
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"GNU gettext's {name} is required for this test but is not installed")
        return found

    def run(self, name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.tool(name), *map(str, args)],
            capture_output=True,
            text=True,
            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
            check=False,
        )

    def check(self, path: Path) -> subprocess.CompletedProcess[str]:
        """``msgfmt --check`` without writing a .mo."""
        return self.run("msgfmt", "--check", "-o", "/dev/null", path)

    def msgcat(self, path: Path) -> bytes:
        """The file as msgcat writes it back."""
        result = subprocess.run(
            [self.tool("msgcat"), str(path)],
            capture_output=True,
            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode()
        return result.stdout


@pytest.fixture
def gettext() -> Iterator[Gettext]:
    yield Gettext()


#: The required caveats of source/article.md, in source order.
ARTICLE_CAVEATS = [
    "experimental-stage",
    "multiple-sessions",
    "availability-regulatory",
    "conclusion-experimental",
    "consult-professional",
]


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of this repository's content (sources and catalogs), to build in isolation."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    shutil.copytree(ROOT / "source", tmp_path / "source")
    # Not the pseudo-locale that `nox -s browser` leaves in the work tree (git ignores it).
    shutil.copytree(
        ROOT / "locales", tmp_path / "locales", ignore=shutil.ignore_patterns("*.mo", "en_XA")
    )
    return tmp_path


def es_catalog_path(root: Path) -> Path:
    """The Spanish catalog of the article in a project made by :func:`spanish_project`."""
    return root / "locales" / "es" / "LC_MESSAGES" / "article.po"


def spanish_project(root: Path, *, article: Path, caveats: Path, catalog: Path) -> Path:
    """A project at ``root`` with one article, its caveat registry and a Spanish catalog,
    merged with ``locpipe update`` so the catalog matches the article's current messages.

    Human review is off (``require-review = false``): these projects test the automatic rules;
    tests/test_review.py tests the review rules on projects of its own."""
    (root / "source").mkdir()
    (root / "pyproject.toml").write_text("[tool.locpipe]\nrequire-review = false\n")
    shutil.copy(article, root / "source" / "article.md")
    shutil.copy(caveats, root / "source" / "caveats.toml")
    target = es_catalog_path(root)
    target.parent.mkdir(parents=True)
    shutil.copy(catalog, target)
    assert main(["-C", str(root), "update", "-q"]) == 0
    return root


@pytest.fixture
def es_article_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This repository's article with Spanish terms and a Spanish catalog whose caveats pass."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    fixtures = Path(__file__).parent / "fixtures" / "project"
    return spanish_project(
        tmp_path,
        article=ROOT / "source" / "article.md",
        caveats=fixtures / "caveats-es.toml",
        catalog=fixtures / "article-es.po",
    )
