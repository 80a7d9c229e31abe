"""``locpipe --version`` loads only what the command line itself needs (issue 23: start-up).

No time is asserted here (the benchmarks time it); what is checked is which heavy modules a
fresh interpreter has loaded once ``--version`` has answered.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "py3langid", "jinja2", "markdown_it", "selectolax", "nh3", "polib")

_PROBE = """
import json, sys
from locpipe import cli
try:
    cli.main(["--version"])
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_version_loads_no_engine_model_or_templates() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout.splitlines()[-1]))
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
