"""Shared pieces of the robustness tests: the pipeline under test and how an internal error shows."""
from __future__ import annotations

import time
import traceback

from shapecheck.analyzer import analyze
from shapecheck.analyzer.failures import is_internal_error
from shapecheck.checking import check_source

MODEL = (
    "import keras\n"
    "from keras import layers\n"
    "model = keras.Sequential([keras.Input((8,)), layers.Dense(4)])\n"
)


def internal_errors(report) -> list:
    return [d for d in report.diagnostics if is_internal_error(d)]


def explain(source: str, path: str) -> str:
    """The traceback behind an internal error: the analyzer re-run with re-raising on."""
    try:
        analyze(source, path, options={"internal_errors": "raise"})
    except Exception:
        return traceback.format_exc()
    return "(the analyzer alone did not raise: the failure is in the rules)"


def timed_check(source: str, path: str = "adversarial.py"):
    """(report, CPU seconds, wall seconds) of the `shapecheck check` pipeline.

    CPU time is what the bound is about: the machine is shared, and wall time
    under load says more about the neighbours than about the analyzer."""
    c0, w0 = time.process_time(), time.perf_counter()
    report = check_source(source, path)
    return report, time.process_time() - c0, time.perf_counter() - w0
