"""The analyzer never raises to its caller: a bug inside it becomes one SC002
info diagnostic at the statement being analyzed, and what was found before stays."""
from __future__ import annotations

import pytest

from shapecheck.analyzer import analyze, api
from shapecheck.analyzer.interpreter import Interpreter
from shapecheck.analyzer.keras_api import KerasApi
from shapecheck.checking import check_source

from .support import MODEL, explain, internal_errors

SOURCE = MODEL + "f = lambda: 1\nmodel2 = keras.Sequential([keras.Input((2,)), layers.Dense(1)])\n"


def _boom(*args, **kwargs):
    raise ZeroDivisionError("boom")


def test_interpreter_bug_keeps_earlier_models(monkeypatch):
    monkeypatch.setattr(Interpreter, "eval_Lambda", _boom)
    report = analyze(SOURCE, "bug.py")
    [d] = report.diagnostics
    assert (d.code, d.severity, d.line) == ("SC002", "info", 4)
    assert d.message.startswith("analysis stopped: internal error (ZeroDivisionError: boom) at line 4 [")
    # The model built before the failure is reported; the one after is not reached.
    assert [(m.name, m.total_params) for m in report.models] == [("model", 36)]


def test_check_pipeline_fails_the_file_but_keeps_results(monkeypatch):
    monkeypatch.setattr(Interpreter, "eval_Lambda", _boom)
    report = check_source(SOURCE, "bug.py")
    [d] = internal_errors(report)
    assert (d.code, d.severity, d.line) == ("SC000", "error", 4)
    assert d.message.startswith("shapecheck failed in the analyzer: ZeroDivisionError: boom at line 4 [")
    assert d.message.endswith("]; results after it are missing")
    assert [m.name for m in report.models] == ["model"]


def test_failure_outside_the_interpreter(monkeypatch):
    monkeypatch.setattr(KerasApi, "finish", _boom)
    report = analyze(SOURCE, "bug.py")
    [d] = report.diagnostics
    assert (d.code, d.line) == ("SC002", 1)
    assert "internal error (ZeroDivisionError: boom)" in d.message
    monkeypatch.setattr(api, "parse_source", lambda text: [][1])
    report = analyze(SOURCE, "bug.py")
    assert [d.message.split(" at line")[0] for d in report.diagnostics] == [
        "analysis stopped: internal error (IndexError: list index out of range)"
    ]


def test_reraise_option_gives_the_traceback(monkeypatch):
    monkeypatch.setattr(Interpreter, "eval_Lambda", _boom)
    with pytest.raises(ZeroDivisionError):
        analyze(SOURCE, "bug.py", options={"internal_errors": "raise"})
    assert "ZeroDivisionError: boom" in explain(SOURCE, "bug.py")


def test_memory_and_recursion_errors_are_contained(monkeypatch):
    def deep(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(Interpreter, "eval_Lambda", deep)
    report = analyze(SOURCE, "bug.py")
    assert [d.message.split(" [")[0] for d in report.diagnostics] == [
        "analysis stopped: internal error (MemoryError: ) at line 4"
    ]


@pytest.mark.parametrize("source", ["x = 1", "x = 1  # c", "x = 1;", "x = 1\f", "import keras\nm = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])"])
def test_file_without_final_newline(source):
    # Found by the corpus sweep (numba/experimental/__init__.py, curses/ascii.py)
    # and hypothesmith: every file without a final newline was an internal error.
    report = check_source(source, "no_newline.py")
    assert not internal_errors(report), report.diagnostics
    # The same positions and results as with the newline.
    with_newline = check_source(source + "\n", "no_newline.py")
    assert [d.to_json() for d in report.diagnostics] == [d.to_json() for d in with_newline.diagnostics]
    assert [m.to_json() for m in report.models] == [m.to_json() for m in with_newline.models]
    assert [(m.total_params, m.end_line, m.end_col) for m in report.models] == ([(8, 2, 65)] if "Sequential" in source else [])
