"""`--format github`: GitHub Actions workflow commands, one annotation per diagnostic.

    ::error file=app.py,line=7,col=5,endLine=7,endColumn=21,title=SC102 merge-shapes::message
"""
from __future__ import annotations

from ..rules import RULES

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, d, file_lines=None) -> str:
    rule = RULES.get(d.code)
    title = f"{d.code} {rule.name}" if rule else d.code
    props = [f"file={_escape_property(path)}"]
    if d.cell is not None:
        # A cell's line is not a line of the .ipynb file: the annotation goes on
        # the file line holding that source line (when known), the title says
        # where in which cell.
        title = f"{title} (cell {d.cell}, line {d.line}, col {d.col})"
        at = (file_lines or {}).get((d.cell, d.line))
        if at:
            props.append(f"line={at}")
    else:
        props += [f"line={d.line}", f"col={d.col}"]
        if d.end_line:
            props.append(f"endLine={d.end_line}")
        if d.end_line == d.line and d.end_col:
            props.append(f"endColumn={d.end_col}")
    props.append(f"title={_escape_property(title)}")
    message = d.message + (f"\n\nhint: {d.hint}" if d.hint else "")
    return f"::{_LEVEL.get(d.severity, 'warning')} {','.join(props)}::{_escape_data(message)}"


def render(results, options) -> str:
    lines = []
    for r in results:
        file_lines = None
        if r.path.endswith(".ipynb") and any(d.cell is not None for d in r.diagnostics):
            from ..notebook_check import json_lines

            file_lines = json_lines(r.source)
        lines.extend(annotation(r.path, d, file_lines) for d in r.diagnostics)
    return "\n".join(lines) + ("\n" if lines else "")
