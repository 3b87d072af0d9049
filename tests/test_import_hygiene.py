"""The data layer is pure: importing any of cabtui/data pulls in no UI library."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import importlib
    import json
    import pkgutil
    import sys

    import cabtui.data

    names = sorted(m.name for m in pkgutil.walk_packages(cabtui.data.__path__, "cabtui.data."))
    for name in names:
        importlib.import_module(name)
    ui = sorted(m for m in sys.modules
                if m.split(".")[0] in ("textual", "rich") or m == "cabtui.ui" or m.startswith("cabtui.ui."))
    print(json.dumps({"modules": names, "ui": ui}))
""")


def test_data_layer_imports_no_ui() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert {
        "cabtui.data.results.models",
        "cabtui.data.results.index",
        "cabtui.data.results.loader",
        "cabtui.data.results.query",
        "cabtui.data.results.artifacts",
        "cabtui.data.text",
        "cabtui.data.problems",
    } <= set(got["modules"])
    assert got["ui"] == []
