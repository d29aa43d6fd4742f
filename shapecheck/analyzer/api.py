"""The one entry point every face (CLI, language server, `run`) calls."""
from __future__ import annotations

from typing import Optional

from ..diagnostics import Diagnostic
from .interpreter import interpret
from .report import FileReport
from .source import SourceSyntaxError, parse_source


def analyze(source: str, path: str = "<string>", *, options: Optional[dict] = None) -> FileReport:
    """Analyze one Python source text without importing or executing it."""
    report = FileReport(path=path)
    try:
        parsed = parse_source(source)
    except SourceSyntaxError as err:
        report.syntax_error = True
        report.diagnostics.append(Diagnostic(err.line, err.col, err.line, err.col + 1, "error", "SC001", f"Syntax error: {err.message}"))
        return report
    except RecursionError:
        report.syntax_error = True
        report.diagnostics.append(
            Diagnostic(1, 1, 1, 2, "error", "SC001", "Syntax error: the code is nested too deeply to parse")
        )
        return report
    interpret(parsed, source, report, options or {})
    return report
