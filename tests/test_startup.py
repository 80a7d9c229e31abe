"""``locpipe --version``, a build with nothing to do, and a check, load only what they need
(issue 23: start-up, no-op rebuild, the language model without numpy).

No time is asserted here (the benchmarks time it); what is checked is which heavy modules a
fresh interpreter has loaded once the command has answered.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from locpipe.cli import main

HEAVY = ("numpy", "py3langid", "jinja2", "markdown_it", "selectolax", "nh3", "polib")

_PROBE = """
import json, sys
from locpipe import cli
try:
    cli.main(sys.argv[1:])
except SystemExit as exit:
    print(exit.code)
print(json.dumps(sorted(sys.modules)))
"""


def loaded_by(*args: str) -> set[str]:
    """The top-level modules a fresh interpreter has loaded once ``locpipe ARGS`` has answered."""
    return {name.split(".")[0] for name in modules_loaded_by(*args)}


def modules_loaded_by(*args: str) -> set[str]:
    """Every module a fresh interpreter has loaded once ``locpipe ARGS`` has answered."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


#: What `--version` and `--help` have no use for beyond the engine: the configuration's
#: readers, Babel's locale data, and `typing` and `dataclasses` (a third of a bare start-up).
NOT_FOR_VERSION = {"babel", "typing", "dataclasses", "tomli", "rtoml", "locpipe.config"}


@pytest.mark.parametrize("argument", ["--version", "--help"])
def test_version_and_help_load_no_engine_configuration_or_typing(argument: str) -> None:
    modules = modules_loaded_by(argument)
    loaded = modules | {name.split(".")[0] for name in modules}
    unwanted = loaded & (set(HEAVY) | NOT_FOR_VERSION)
    assert not unwanted, sorted(unwanted)


#: What a build with nothing to do has no use for beyond the engine: the caveat registry's
#: reader and the lexicon it folds terms with (the fingerprints need the registry's file name
#: only), the gate and the page maker.
NOT_FOR_A_NO_OP = {"locpipe.registry", "locpipe.lexicon", "locpipe.gate", "locpipe.page"}


def test_a_build_with_nothing_to_do_loads_no_engine(repository: Path) -> None:
    assert main(["-C", str(repository), "build", "-q"]) == 0
    modules = modules_loaded_by("-C", str(repository), "build")
    loaded = {name.split(".")[0] for name in modules}
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert not modules & NOT_FOR_A_NO_OP, sorted(modules & NOT_FOR_A_NO_OP)
    # ... and a build with something to do does its work.
    (repository / "source" / "article.md").write_text(
        (repository / "source" / "article.md").read_text(encoding="utf-8") + "\nOne more line.\n",
        encoding="utf-8",
    )
    assert {"markdown_it", "jinja2"} <= loaded_by("-C", str(repository), "build", "-q")


#: What a check has no use for: numpy (the language model is read from its cache without it),
#: and the web client that xml.sax.saxutils imports (only a JUnit report quotes XML).
NOT_FOR_A_CHECK = {"numpy", "py3langid.langid", "xml.sax.saxutils", "urllib.request", "ssl"}


def test_a_check_loads_no_numpy_and_no_web_client(repository: Path) -> None:
    modules_loaded_by("-C", str(repository), "check")  # the first may fill the model's cache
    loaded = modules_loaded_by("-C", str(repository), "check")
    assert {"markdown_it", "locpipe.langmodel"} <= loaded  # it did judge the caveats
    assert not loaded & NOT_FOR_A_CHECK, sorted(loaded & NOT_FOR_A_CHECK)
    junit = modules_loaded_by("-C", str(repository), "check", "--format", "junit")
    assert "xml.sax.saxutils" in junit


#: What a build in one process that signs and verifies nothing has no use for: the worker pool
#: (multiprocessing and its sockets) and ssh-keygen's runner (subprocess).
NOT_FOR_ONE_PROCESS = {"multiprocessing", "concurrent.futures", "subprocess", "socket"}


def test_a_build_in_one_process_loads_no_worker_pool_or_process_runner(repository: Path) -> None:
    modules_loaded_by("-C", str(repository), "check")  # the first may fill the model's cache
    loaded = modules_loaded_by("-C", str(repository), "build", "--jobs", "1", "-q")
    assert {"markdown_it", "jinja2"} <= loaded  # it did build
    assert not loaded & NOT_FOR_ONE_PROCESS, sorted(loaded & NOT_FOR_ONE_PROCESS)
    # Nor does a build with nothing to do, in as many processes as it likes.
    rebuilt = modules_loaded_by("-C", str(repository), "build", "-q")
    assert not rebuilt & NOT_FOR_ONE_PROCESS, sorted(rebuilt & NOT_FOR_ONE_PROCESS)
    # ... while a build in two processes does spread its documents over a pool.
    (repository / "build").rename(repository / "old-build")
    assert "concurrent.futures.process" in modules_loaded_by(
        "-C", str(repository), "build", "--jobs", "2", "-q"
    )
