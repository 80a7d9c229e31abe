"""No error is silent or garbled: what locpipe cannot use it names, on one line."""

from __future__ import annotations

import errno
import os
import pathlib
import shutil

import pytest

from tests.conftest import ROOT, Project

COMMANDS = ["extract", "update", "check", "build"]


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """A folder beside the project, holding a Markdown document."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "secret.md").write_text("# Secret\n\nNot part of the project.\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", COMMANDS)
def test_a_source_symlink_leading_outside_the_project_is_reported_not_skipped(
    project: Project, outside: pathlib.Path, command: str
) -> None:
    project.path("source/secret.md").symlink_to(outside / "secret.md")
    result = project.run(command)
    assert result.code == 2
    assert result.err == (
        "source/secret.md: error: leads outside the project (a symlink or '..'): "
        "locpipe never reads or writes there\n"
    )
    assert not project.path("locales/secret.pot").exists()


def test_a_source_folder_symlinked_outside_the_project_is_reported(
    project: Project, outside: pathlib.Path
) -> None:
    project.path("source/guide").symlink_to(outside, target_is_directory=True)
    result = project.run("extract")
    assert result.code == 2
    assert result.err == (
        "source/guide: error: leads outside the project (a symlink or '..'): "
        "locpipe never reads or writes there\n"
    )


def test_a_source_folder_symlinked_inside_the_project_is_reported_not_skipped(
    project: Project,
) -> None:
    project.write("source/guides/intro.md", "# Guide\n")
    project.path("source/notes").symlink_to(project.path("source/guides"), target_is_directory=True)
    result = project.run("extract")
    assert result.code == 2
    assert result.err == (
        "source/notes: error: is a symlink to a folder, which locpipe does not follow: "
        "link each document instead\n"
    )


def test_a_source_symlink_to_nothing_is_reported(project: Project) -> None:
    project.path("source/gone.md").symlink_to(project.path("source/deleted.md"))
    result = project.run("extract")
    assert result.code == 2
    assert result.err == (
        "source/gone.md: error: is a symlink to nothing: remove it or restore the file it names\n"
    )


def test_a_source_symlink_inside_the_project_is_a_document(project: Project) -> None:
    project.path("source/copy.md").symlink_to(project.path("source/article.md"))
    project.ok("extract")
    assert project.template("copy").entries


@pytest.mark.parametrize("call", ["open", "write"])
@pytest.mark.parametrize(
    "failing", ["en/article.md", "en/article.html", "index.html", ".locpipe-manifest.json"]
)
def test_a_full_disk_during_build_names_the_file(
    project: Project, monkeypatch: pytest.MonkeyPatch, failing: str, call: str
) -> None:
    """The disk fills up as the build creates the file (no inode left) or writes into it."""
    open_file, write = os.open, os.write
    doomed: set[int] = set()

    def full_disk() -> OSError:
        return OSError(errno.ENOSPC, "No space left on device")

    def opening(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        writing = flags & (os.O_WRONLY | os.O_RDWR)
        if writing and os.fspath(path).endswith("/" + failing):
            if call == "open":
                raise full_disk()
            descriptor = open_file(path, flags, *args, **kwargs)
            doomed.add(descriptor)
            return descriptor
        return open_file(path, flags, *args, **kwargs)

    def writing(descriptor: int, data: bytes) -> int:
        if descriptor in doomed:
            doomed.discard(descriptor)
            raise full_disk()
        return write(descriptor, data)

    def text_opening(path: pathlib.Path, mode: str = "r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if path.as_posix().endswith("/" + failing) and set(mode) & set("wxa+"):
            raise full_disk()
        return open_path(path, mode, *args, **kwargs)

    open_path = pathlib.Path.open
    shutil.copy(ROOT / "source" / "caveats.toml", project.path("source/caveats.toml"))
    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "write", writing)
    monkeypatch.setattr(pathlib.Path, "open", text_opening)  # whichever way a file is written
    result = project.run("build", "-q", "--jobs", "1")
    assert result.code == 2
    assert result.err == f"build/{failing}: error: cannot write: No space left on device\n"
    assert not project.path("build").exists()
    assert not [p for p in project.root.iterdir() if p.name.startswith(".build-")]


#: Names a user could give a folder or file, each of which would split or garble a line.
HOSTILE_NAMES = {
    "newline": "fr\nerror: forged",
    "carriage-return": "fr\rok",
    "escape-sequence": "fr\x1b[2K",
    "bidi-override": "fr\u202exx",
    "tab": "fr\tx",
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_locale_folder_with_control_characters_is_named_on_one_line(
    project: Project, name: str
) -> None:
    project.path(f"locales/{name}/LC_MESSAGES").mkdir(parents=True)
    result = project.run("check")
    assert result.code == 2
    folder = "locales/" + name
    assert result.err == f"{folder!r}: error: invalid locale code {name!r}\n"


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_a_source_document_with_control_characters_is_named_on_one_line(
    project: Project, name: str
) -> None:
    project.write(f"source/{name}.md", "<!-- caveat: Bad Id -->\nText.\n")
    result = project.run("extract")
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith(f"{'source/' + name + '.md'!r}:1: error: malformed caveat id")


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_an_unexpected_os_error_names_its_file_on_one_line(
    project: Project, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    def refused(root: pathlib.Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", name)

    monkeypatch.setattr("locpipe.config.load_config", refused)
    result = project.run("check")
    assert result.code == 2
    assert result.err.startswith(f"{name!r}: error: ")
    assert result.err.count("\n") == 1


# --- TOML files ----------------------------------------------------------------------------------

#: Every TOML file a project holds, and what its errors call it.
TOML_FILES = {
    "pyproject.toml": "TOML",
    "source/caveats.toml": "the caveat registry",
    "locales/es/reviews/article.toml": "review file",
}
#: What may be wrong with one (appended after a blank line), and what the error then says.
BROKEN_TOML = {
    "not TOML": (b"x = = 1\n", "cannot read {what}: Invalid value (at line {line}, column 5)"),
    "nested too deep": (
        b"x = " + b"[" * 1000 + b"]" * 1000 + b"\n",
        "cannot read {what}: TOML inline arrays/tables are nested more than the allowed 400 levels",
    ),
    "not UTF-8": (b"\xff = 1\n", "invalid UTF-8 byte 0xff"),
}


def break_toml(repository: pathlib.Path, relative: str, broken: str) -> str:
    """Give ``repository`` a pyproject.toml, then break its TOML file ``relative`` as
    ``broken`` says (after a blank line); the one line locpipe must say of it."""
    (repository / "pyproject.toml").write_text("[tool.locpipe]\n", encoding="utf-8")
    path = repository / relative
    text = path.read_bytes()
    line = text.count(b"\n") + 2
    payload, message = BROKEN_TOML[broken]
    path.write_bytes(text + b"\n" + payload)
    return f"{relative}:{line}: error: {message.format(what=TOML_FILES[relative], line=line)}\n"


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("broken", BROKEN_TOML)
@pytest.mark.parametrize("relative", TOML_FILES)
def test_a_broken_toml_file_is_named_with_its_line(
    repository: pathlib.Path,
    capsys: pytest.CaptureFixture[str],
    relative: str,
    broken: str,
    command: str,
) -> None:
    """Each with its one line, no traceback: tomli's nesting limit used to escape as one."""
    from locpipe.cli import main

    said = break_toml(repository, relative, broken)
    code = main(["-C", str(repository), command])
    assert code == 2
    assert capsys.readouterr().err == said
    assert not (repository / "build").exists()


@pytest.mark.parametrize("broken", BROKEN_TOML)
def test_recording_a_review_in_a_broken_review_file_names_its_line(
    repository: pathlib.Path, capsys: pytest.CaptureFixture[str], broken: str
) -> None:
    """The file is read (and found broken) before the record is made, and left as it was."""
    from locpipe.cli import main

    relative = "locales/es/reviews/article.toml"
    said = break_toml(repository, relative, broken)
    before = (repository / relative).read_bytes()
    reading = repository / "reading.txt"
    reading.write_text("The therapy is experimental.\n", encoding="utf-8")
    code = main(
        ["-C", str(repository), "review", "article", "experimental-stage", "--locale", "es"]
        + ["--reviewer", "A Reviewer <a@example.org>", "--back-translation", str(reading)]
    )
    assert code == 2
    assert capsys.readouterr().err == said
    assert (repository / relative).read_bytes() == before


# --- where a path leads --------------------------------------------------------------------------


def _tree(root: pathlib.Path) -> list[pathlib.Path]:
    """Files, folders, symlinks to each (inside, outside, dangling, chained, through '..')."""
    (root / "project/locales/fr/LC_MESSAGES").mkdir(parents=True)
    (root / "outside").mkdir()
    (root / "project/locales/fr/LC_MESSAGES/a.po").write_text("")
    (root / "outside/b.po").write_text("")
    links = {
        "project/locales/de": "fr",
        "project/locales/fr/LC_MESSAGES/out.po": "../../../../outside/b.po",
        "project/locales/fr/LC_MESSAGES/same.po": "a.po",
        "project/locales/fr/LC_MESSAGES/chain.po": "same.po",
        "project/locales/fr/LC_MESSAGES/dangling.po": "nowhere.po",
        "project/locales/es": "../../outside",
    }
    for name, target in links.items():
        (root / name).symlink_to(target)
    return [
        pathlib.Path(root / "project" / relative)
        for relative in (
            "locales/fr/LC_MESSAGES/a.po",
            "locales/de/LC_MESSAGES/a.po",
            "locales/de/LC_MESSAGES/out.po",
            "locales/fr/LC_MESSAGES/chain.po",
            "locales/fr/LC_MESSAGES/dangling.po",
            "locales/fr/LC_MESSAGES/missing.po",
            "locales/es/b.po",
            "locales/es/../project/locales/fr/LC_MESSAGES/a.po",
            "locales/fr/../de/LC_MESSAGES/./same.po",
            "locales/nowhere/LC_MESSAGES/x.po",
        )
    ]


def test_where_a_path_leads_is_what_resolve_says(tmp_path: pathlib.Path) -> None:
    """``Config`` resolves each folder once and each file's last part itself: the same real
    path as ``Path.resolve`` for every kind of symlink, in any order of asking."""
    from locpipe.config import load_config

    paths = _tree(tmp_path)
    (tmp_path / "project/pyproject.toml").write_text("[tool.locpipe]\n")
    for order in (paths, paths[::-1]):
        config = load_config(tmp_path / "project")
        for path in order:
            assert config._real(str(path)) == str(path.resolve()), path
