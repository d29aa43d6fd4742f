"""The one entry point every face (CLI, language server, `run`) calls."""
from __future__ import annotations

from typing import Optional

import libcst as cst

from ..diagnostics import Diagnostic
from .report import FileReport


def analyze(source: str, path: str = "<string>", *, options: Optional[dict] = None) -> FileReport:
    """Analyze one Python source text without importing or executing it."""
    report = FileReport(path=path)
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as err:
        report.syntax_error = True
        report.diagnostics.append(syntax_diagnostic(err))
        return report
    from .interpreter import interpret

    interpret(module, source, report, options or {})
    return report


def syntax_diagnostic(err: "cst.ParserSyntaxError") -> Diagnostic:
    line = max(1, err.raw_line)
    col = max(1, err.raw_column + 1)
    msg = err.message.strip().splitlines()[0] if err.message else "invalid syntax"
    return Diagnostic(line, col, line, col + 1, "error", "SC001", f"Syntax error: {msg}")
