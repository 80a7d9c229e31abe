"""The ``locpipe`` command ends like any process: its output flushed, its exit handlers run, its
status kept; only the freeing of its objects one by one is skipped (``cli.exit_now``).

Each case runs a fresh interpreter; what is checked is what the process leaves behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from locpipe.cli import main


def run_python(code: str, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter whose output is buffered, as it is by default."""
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env=environment,
    )


def test_exit_handlers_run_and_output_is_flushed_with_the_status() -> None:
    done = run_python(
        """
        import atexit, sys
        from locpipe.cli import exit_now
        atexit.register(lambda: print("handler ran"))
        print("pending output", end="; ")
        sys.stderr.write("pending error")
        exit_now(3)
        """
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        3,
        "pending output; handler ran\n",
        "pending error",
    )


def test_a_thread_still_running_is_waited_for_as_by_a_usual_exit() -> None:
    done = run_python(
        """
        import threading, time
        from locpipe.cli import exit_now
        def late():
            time.sleep(0.2)
            print("thread finished")
        threading.Thread(target=late).start()
        exit_now(4)
        """
    )
    assert (done.returncode, done.stdout) == (4, "thread finished\n")


@pytest.mark.parametrize("ending", ["exit_now(0)", "sys.exit(0)"])
def test_output_to_a_closed_pipe_ends_as_a_usual_exit_does(ending: str) -> None:
    reading, writing = os.pipe()
    os.close(reading)
    try:
        done = run_python(
            f"""
            import sys
            from locpipe.cli import exit_now
            print("nobody reads this")
            {ending}
            """,
            stdout=writing,
        )
    finally:
        os.close(writing)
    # Python reports the lost output and exits 120, whichever way the process ends.
    assert done.returncode == 120
    assert "BrokenPipeError" in done.stderr


@pytest.mark.parametrize(
    "args",
    [["--version"], ["check", "--format", "json"], ["build", "--jobs", "1"], ["stats"]],
    ids=["version", "check-json", "build", "stats"],
)
def test_the_command_exits_with_the_status_and_output_of_main(
    repository: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["-C", str(repository), *args]
    done = subprocess.run(
        [sys.executable, "-m", "locpipe.cli", *command], capture_output=True, text=True, check=False
    )
    status = main(command)
    expected = capsys.readouterr().out
    assert done.returncode == status
    assert done.stdout == expected
    if args[-1] == "json":
        assert json.loads(done.stdout)
