"""The one entry point every face (CLI, language server, `run`) calls."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..diagnostics import Diagnostic
from .interpreter import interpret
from .report import FileReport
from .source import parse_source


def analyze(source: str, path: str = "<string>", *, options: Optional[dict] = None) -> FileReport:
    """Analyze one Python source text without importing or executing it."""
    report = FileReport(path=path)
    try:
        parsed = parse_source(source)
    except cst.ParserSyntaxError as err:
        report.syntax_error = True
        report.diagnostics.append(syntax_diagnostic(err))
        return report
    except RecursionError:
        report.syntax_error = True
        report.diagnostics.append(
            Diagnostic(1, 1, 1, 2, "error", "SC001", "Syntax error: the code is nested too deeply to parse")
        )
        return report
    interpret(parsed, source, report, options or {})
    return report


def syntax_diagnostic(err: "cst.ParserSyntaxError") -> Diagnostic:
    line = max(1, err.raw_line)
    col = max(1, err.raw_column + 1)
    msg = err.message.strip().splitlines()[0] if err.message else "invalid syntax"
    return Diagnostic(line, col, line, col + 1, "error", "SC001", f"Syntax error: {msg}")
