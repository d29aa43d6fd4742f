"""A strict Node client (vscode-jsonrpc) against the real server: any stray byte on stdout fails.

Needs node and npm; the client's one dependency is installed into
tests/lsp/node_modules from the committed package-lock.json.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from .helpers import ROOT, SERVER_CMD, SERVER_ENV

HERE = ROOT / "tests/lsp"
SOURCE = "import numpy as np\nx = np.zeros((3, 4)  # shapecheck: ignore[SC103]\ny = 2\n"


@pytest.fixture(scope="module")
def node_client():
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node/npm are not installed: the strict Node client cannot run")
    if not (HERE / "node_modules/vscode-jsonrpc/package.json").exists():
        proc = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            pytest.skip(f"npm ci could not install vscode-jsonrpc (offline?): {proc.stderr.strip()[-300:]}")
    return HERE / "strict_client.js"


def run_client(client, tmp_path, server_cmd, timeout_ms=10000):
    src = tmp_path / "a.py"
    src.write_text(SOURCE)
    scenario = {
        "file": str(src),
        "timeoutMs": timeout_ms,
        "expectDiagnostics": [["SC001", 1]],
        "hover": {"position": {"line": 1, "character": 40}, "contains": "**SC103** `dimension-mismatch`"},
    }
    (tmp_path / "scenario.json").write_text(json.dumps(scenario))
    proc = subprocess.run(
        ["node", str(client), str(tmp_path / "scenario.json"), "--", *server_cmd],
        capture_output=True, text=True, env=SERVER_ENV, cwd=tmp_path, timeout=60,
    )
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def test_strict_client_sees_only_protocol(node_client, tmp_path):
    rc, result = run_client(node_client, tmp_path, SERVER_CMD)
    assert result["failures"] == [] and rc == 0
    assert result["seen"]["diagnostics"] == [["SC001", 1, 12, 1]]
    assert result["seen"]["exitCode"] == 0


def test_strict_client_fails_on_a_stray_print(node_client, tmp_path):
    # The same server, but something prints before the server takes over stdout.
    cmd = [sys.executable, "-c", "print('stray'); import sys; from shapecheck.cli import main; sys.exit(main(['lsp']))"]
    rc, result = run_client(node_client, tmp_path, cmd, timeout_ms=3000)
    assert rc == 1 and not result["ok"]
    assert result["seen"]["strayBytes"] == "stray\n"


def test_prints_inside_the_server_go_to_stderr(node_client, tmp_path):
    # A print in analysis code (a library, a debugging leftover) must not reach the protocol stream.
    code = (
        "import sys, shapecheck.lsp.analysis as a\n"
        "real = a.run_analysis\n"
        "def noisy(*args, **kw):\n"
        "    print('debug output from analysis')\n"
        "    return real(*args, **kw)\n"
        "a.run_analysis = noisy\n"
        "import shapecheck.lsp.server as s; s.run_analysis = noisy\n"
        "from shapecheck.cli import main; sys.exit(main(['lsp']))\n"
    )
    rc, result = run_client(node_client, tmp_path, [sys.executable, "-c", code])
    assert result["failures"] == [] and rc == 0
    assert result["seen"]["diagnostics"] == [["SC001", 1, 12, 1]]
