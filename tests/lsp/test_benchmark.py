"""benchmarks/lsp_latency.py runs end to end (a few edits) and sees the fault come and go."""
from __future__ import annotations

import json
import subprocess
import sys

from .helpers import ROOT, SERVER_ENV


def test_latency_benchmark_smoke():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/lsp_latency.py"), "--edits", "2"],
        capture_output=True, text=True, env=SERVER_ENV, cwd=ROOT, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["file_lines"] == 300
    for run in ("default_debounce", "no_debounce"):
        r = result[run]
        assert r["edit_to_diagnostics"]["n"] == 2
        # the first edit turns Concatenate into an Add of (None, 32) and (None, 7): SC102
        assert r["diagnostics_after_fault_edit"].get("SC102") == 1
        assert "SC102" not in r["diagnostics_after_fix_edit"]
    assert result["default_debounce"]["debounce_ms"] == 100 and result["no_debounce"]["debounce_ms"] == 0
    assert result["analysis_in_process"]["cpu"]["n"] >= 10
