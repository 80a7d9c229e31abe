"""Sessions: tests, lint, build (the localized pages), bench (on demand)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nox
from nox.command import CommandFailed

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "tests"]
# A second `nox -s build` reuses its environment; install_once keeps it in step with pyproject.
nox.options.reuse_venv = "yes"

PYPROJECT = nox.project.load_toml("pyproject.toml")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "tests"))
    session.run("pytest", *session.posargs)


def _oldest(requirement: str) -> str:
    """``name==X`` for the lowest version a ``name>=X`` dependency of the project admits."""
    for dependency in PYPROJECT["project"]["dependencies"]:
        name, _, rest = dependency.partition(">=")
        if name.strip() == requirement:
            return f"{requirement}=={rest.split(',')[0].strip()}"
    raise ValueError(f"{requirement} has no >= bound in pyproject.toml")


@nox.session(name="tests-oldest-babel")
def tests_oldest_babel(session: nox.Session) -> None:
    """The catalog, plural-form and shipped-translation tests with the oldest Babel we support
    (its CLDR predates the Romance "many" form that the newest Babel has)."""
    session.install("-e", ".", *nox.project.dependency_groups(PYPROJECT, "tests"))
    session.install(_oldest("babel"))
    session.run(
        "pytest",
        "tests/test_plurals.py",
        "tests/test_catalog.py",
        "tests/test_shipped_translations.py",
        "tests/test_lifecycle_cli.py",
        *session.posargs,
    )


@nox.session
def lint(session: nox.Session) -> None:
    """Check style with ruff and types with mypy (strict, configured in pyproject.toml)."""
    session.install(".", *nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")


def install_once(session: nox.Session, *requirements: str) -> None:
    """Install ``requirements`` into the session's environment, unless it already holds them
    for this very pyproject.toml (nox reuses environments: a second run costs no install)."""
    key = hashlib.sha256(Path("pyproject.toml").read_bytes() + repr(requirements).encode())
    stamp = Path(str(session.virtualenv.location)) / ".locpipe-installed"
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key.hexdigest():
        return
    session.install(*requirements)
    stamp.write_text(key.hexdigest(), encoding="utf-8")


@nox.session
def build(session: nox.Session) -> None:
    """Build the localized pages from source/ and locales/ into build/."""
    install_once(session, "-e", ".")
    session.run("locpipe", "build", *session.posargs)


#: What the browser session needs from Debian: the browser, and the fonts the pages' per-script
#: stacks name (Noto Sans CJK; Noto Naskh and Sans Arabic, Hebrew, Devanagari and the rest of
#: Noto's core families), so the screenshots show what a reader's phone would.
BROWSER_PACKAGES = ("chromium", "fonts-noto-cjk", "fonts-noto-core", "fonts-noto-ui-core")
#: One file of each font package: present, the package is installed.
BROWSER_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansArabicUI-Regular.ttf",
)


@nox.session
def browser(session: nox.Session) -> None:
    """Pseudo-translate, build, then check every page in headless Chromium (Debian's, installed
    with the Noto fonts if missing): no sideways scrolling at 320 and 390 px, no serious axe-core
    violation, named caveat callouts, no untranslated interface string; screenshots of every
    page at 390 and 1280 px in build/screenshots/."""
    if not shutil.which("chromium") or not all(Path(font).exists() for font in BROWSER_FONTS):
        session.run("apt-get", "update", "-qq", external=True)
        session.run(
            "apt-get",
            "install",
            "-y",
            "-qq",
            *BROWSER_PACKAGES,
            external=True,
            env={"DEBIAN_FRONTEND": "noninteractive"},
        )
    session.install(".", "pytest", "playwright", "axe-playwright-python")
    # The pseudo-locale (en_XA) is built with the others: its pages are checked like theirs.
    session.run("locpipe", "pseudo", "--quiet")
    try:
        session.run("locpipe", "build")
    finally:  # the pseudo-locale's catalogs are for this build only: leave no untracked folder
        shutil.rmtree(Path("locales") / "en_XA", ignore_errors=True)
    session.run("pytest", "tests/browser", "-p", "no:cacheprovider", *session.posargs)


#: The tools the benchmark compares locpipe with. GNU msgmerge comes from the machine (gettext).
BENCH_ANCHORS = ("mdpo", "translate-toolkit[markdown]")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks (never part of the tests); results go to benchmarks/results/.

    An anchor that fails to install is recorded in the results (the run goes on without it).
    """
    # Every timed command starts a Python: its modules must come compiled, as pip installs them.
    # uv (nox's first choice of backend) compiles nothing unless told, and where
    # PYTHONDONTWRITEBYTECODE is set (these machines) nothing is ever cached either, so each
    # command would compile locpipe and its libraries from source again (0.07 s for locpipe).
    session.env["UV_COMPILE_BYTECODE"] = "1"
    session.install(".")
    failures = {}
    for anchor in BENCH_ANCHORS:
        try:
            session.install(anchor)
        except CommandFailed as error:
            name = anchor.split("[")[0]
            failures[name] = f"pip install {anchor} failed: {error.reason or 'see the nox log'}"
            session.warn(failures[name])
    session.run(
        "python",
        "benchmarks/run.py",
        *session.posargs,
        env={"LOCPIPE_BENCH_INSTALL_ERRORS": json.dumps(failures)},
    )
