"""The one entry point every face (CLI, language server, `run`) calls."""
from __future__ import annotations

from typing import Optional

from ..diagnostics import Diagnostic
from . import limits
from .failures import internal_error, reraise
from .interpreter import interpret
from .report import FileReport
from .source import SourceSyntaxError, parse_source


def analyze(source: str, path: str = "<string>", *, options: Optional[dict] = None) -> FileReport:
    """Analyze one Python source text without importing or executing it.

    Never raises: a failure inside the analyzer becomes one SC002 info
    diagnostic ("analysis stopped: internal error ...") and the report keeps
    whatever was gathered before it.
    """
    report = FileReport(path=path)
    try:
        _analyze(source, report, options or {})
    except Exception as err:
        if reraise(options):
            raise
        report.diagnostics.append(internal_error(err))
    return report


def _analyze(source: str, report: FileReport, options: dict) -> None:
    text, stopped = source, None
    if limits.needs_cut(source):
        # Only the head is split: a 10-million-line file costs no more than a short one.
        head = source[: limits.MAX_SOURCE_CHARS + 1].splitlines(keepends=True)[: limits.MAX_SOURCE_LINES + 1]
        text, cut_line = limits.cut_source(head, limits.MAX_SOURCE_LINES)
        total_lines = limits.line_count(source)
        stopped = limits.stopped_message(cut_line, total_lines, len(source))
    while True:
        try:
            parsed = parse_source(text)
            break
        except SourceSyntaxError as err:
            if stopped is not None and limits.is_cut_artifact(err.message) and text:
                # The cut fell inside a statement the line test could not see
                # (a string, a bracket): cut again before it.
                text, cut_line = limits.cut_source(text.splitlines(keepends=True), err.line - 1)
                stopped = limits.stopped_message(cut_line, total_lines, len(source))
                continue
            report.syntax_error = True
            report.diagnostics.append(Diagnostic(err.line, err.col, err.line, err.col + 1, "error", "SC001", f"Syntax error: {err.message}"))
            return
        except RecursionError:
            report.syntax_error = True
            report.diagnostics.append(
                Diagnostic(1, 1, 1, 2, "error", "SC001", "Syntax error: the code is nested too deeply to parse")
            )
            return
    interpret(parsed, text, report, options)
    if stopped is not None:
        line = text.count("\n") + 1
        report.diagnostics.append(Diagnostic(line, 1, line, 2, "info", "SC002", stopped))
