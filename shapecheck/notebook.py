"""Jupyter notebooks (.ipynb) as one program: the code cells in order.

A notebook is analyzed the way a top-to-bottom run would see it: the code
cells are joined into one source text, markdown and raw cells are skipped,
and IPython-only lines (``%magic``, ``!shell``, ``obj?``) become blank lines
so line numbers keep their meaning.  Every position in the report is then
mapped back to (cell, line in cell); ``cell`` is the 1-based index of the
cell among all cells of the notebook, as Jupyter shows them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from .diagnostics import Diagnostic


class NotebookError(Exception):
    """The file is not a notebook we can read (not JSON, not nbformat 4)."""


@dataclass
class Cell:
    index: int  # 1-based among all cells
    cell_type: str
    source: str
    raw: dict = field(default_factory=dict)


@dataclass
class Notebook:
    cells: list[Cell]
    data: dict  # the whole parsed JSON, kept for writing outputs back

    def code_cells(self) -> list[Cell]:
        return [c for c in self.cells if c.cell_type == "code"]


def load_notebook(text: str) -> Notebook:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise NotebookError(f"not a valid notebook: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a valid notebook: no list of cells")
    major = data.get("nbformat")
    if major != 4:
        raise NotebookError(f"unsupported notebook format: nbformat {major!r} (shapecheck reads nbformat 4)")
    cells = []
    for i, raw in enumerate(data["cells"], start=1):
        if not isinstance(raw, dict):
            raise NotebookError(f"not a valid notebook: cell {i} is not an object")
        src = raw.get("source", "")
        if isinstance(src, list):
            src = "".join(s for s in src if isinstance(s, str))
        elif not isinstance(src, str):
            src = ""
        cells.append(Cell(i, str(raw.get("cell_type", "")), src, raw))
    return Notebook(cells, data)


# Cell magics whose body runs in the notebook's namespace as plain Python.
PYTHON_BODY_CELL_MAGICS = frozenset({"time", "capture"})


# IPython's help: a (dotted, maybe wildcard) name with one or two question
# marks before or after it.  A code line that merely ends in "?" (a comment, a
# string) is Python and stays.
_HELP = re.compile(r"^(\?{1,2}[A-Za-z_*][\w.*\[\]]*|[A-Za-z_*][\w.*\[\]]*\?{1,2})$")


# Line magics that run the Python statement after them (with %timeit's options).
_TIMED = re.compile(r"^%(?:time|timeit(?:\s+-[nr]\s*\d+|\s+-[oqp]\S*)*)\s+(?=\S)")


def _python_line(line: str, in_cell_magic: bool) -> str:
    """The line as plain Python: IPython syntax becomes an empty line (``pass``
    inside a block, whose body must not end up empty)."""
    stripped = line.strip()
    if in_cell_magic:
        return ""
    indent = line[: len(line) - len(line.lstrip())]
    timed = _TIMED.match(stripped)
    if timed:
        # `%time y = model.predict(x)` runs its statement: keep it, at the same
        # columns, behind a no-op `0;` in the magic's place
        return indent + "0;" + " " * (timed.end() - 2) + stripped[timed.end():]
    if stripped.startswith(("%", "!")) or _HELP.match(stripped):
        # magics, shell commands, ?obj / obj? / obj?? (IPython's help)
        return indent + "pass" if indent else ""
    # `x = !ls` and `x = %env HOME` assignments from IPython
    if "= !" in stripped or "= %" in stripped:
        return indent + stripped.split("=", 1)[0].rstrip() + " = None"
    return line


@dataclass
class JoinedSource:
    text: str
    # line_map[k] = (cell index, line in cell) for line k+1 of ``text``
    line_map: list[tuple[int, int]]


def join_code_cells(nb: Notebook, skip: frozenset | set = frozenset()) -> JoinedSource:
    lines: list[str] = []
    line_map: list[tuple[int, int]] = []
    for cell in nb.code_cells():
        cell_lines = cell.source.split("\n")
        head = cell_lines[0].strip() if cell_lines else ""
        # %%bash, %%html, %%writefile...: the body is not Python.  %%time and
        # %%capture run their body as ordinary cell code: keep it.
        cell_magic = head.startswith("%%") and head[2:].split(" ", 1)[0] not in PYTHON_BODY_CELL_MAGICS
        for k, line in enumerate(cell_lines, start=1):
            if cell.index in skip or (k == 1 and head.startswith("%%")):
                lines.append("")
            else:
                lines.append(_python_line(line, cell_magic))
            line_map.append((cell.index, k))
    return JoinedSource("\n".join(lines) + "\n", line_map)


def _to_cell(line_map: list[tuple[int, int]], line: int) -> tuple[Optional[int], int]:
    if 1 <= line <= len(line_map):
        return line_map[line - 1]
    if line_map:
        cell, last = line_map[-1]
        return cell, last
    return None, line


_LINE_WORD = re.compile(r"\bline (\d+)\b")


def remap_text(text: Optional[str], line_map: list[tuple[int, int]]) -> Optional[str]:
    """"... from line 13 ..." in a message -> "... from cell 4, line 2 ..." (messages name other lines)."""
    if not text or "line " not in text:
        return text

    def sub(m):
        k = int(m.group(1))
        if 1 <= k <= len(line_map):
            cell, line = line_map[k - 1]
            return f"cell {cell}, line {line}"
        return m.group(0)

    return _LINE_WORD.sub(sub, text)


def remap_report(report, joined: JoinedSource):
    """Rewrite every position of a FileReport from joined lines to cells."""
    lm = joined.line_map
    for m in report.models:
        m.cell, m.line = _to_cell(lm, m.line)
        _, m.end_line = _to_cell(lm, m.end_line) if m.end_line else (None, 0)
        for layer in m.layers:
            layer.cell, layer.line = _to_cell(lm, layer.line)
            if layer.end_line:
                _, layer.end_line = _to_cell(lm, layer.end_line)
    for m in report.models:
        m.context = remap_text(m.context, lm)
    for d in report.diagnostics:
        d.message = remap_text(d.message, lm)
        d.hint = remap_text(d.hint, lm)
        if d.fix is not None:
            d.fix = _remap_fix(d.fix, lm)
        cell, d.line = _to_cell(lm, d.line)
        _, d.end_line = _to_cell(lm, d.end_line)
        d.cell = cell
        if d.related:  # notes elsewhere: kept when in the same cell (an editor shows them there)
            moved = [(_to_cell(lm, line), col, note) for line, col, note in d.related]
            d.related = [(l, col, note) for (c, l), col, note in moved if c == cell]
    for s in report.sites:
        s.cell, s.line = _to_cell(lm, s.line)
        _, s.end_line = _to_cell(lm, s.end_line)
    for ev in getattr(report, "events", []):
        ev.cell, ev.line = _to_cell(lm, ev.line)
        _, ev.end_line = _to_cell(lm, ev.end_line)
    return report


def _remap_fix(fix, line_map):
    """A fix's edits in cell lines; None when an edit would cross cells (nothing to apply then)."""
    from dataclasses import replace

    edits = []
    for e in fix.edits:
        (c1, l1), (c2, l2) = _to_cell(line_map, e.line), _to_cell(line_map, e.end_line)
        if c1 is None or c1 != c2:
            return None
        edits.append(replace(e, line=l1, end_line=l2))
    return replace(fix, edits=tuple(edits))


def analyze_notebook(text: str, path: str, analyze: Optional[Callable] = None, **kwargs):
    """Analyze a notebook's code cells as one program; positions per cell.

    ``analyze`` is the source-level function to run (the analyzer's
    ``analyze`` by default, or the check pipeline); it must accept
    ``(source, path, **kwargs)`` and return a FileReport.
    """
    from .analyzer.report import FileReport

    if analyze is None:
        from .analyzer import analyze as analyze_source

        analyze = analyze_source
    try:
        nb = load_notebook(text)
    except NotebookError as err:
        report = FileReport(path=path)
        report.syntax_error = True
        report.diagnostics.append(Diagnostic(1, 1, 1, 2, "error", "SC004", str(err)))
        return report
    # A cell with a syntax error does not stop the others in Jupyter: report
    # it, blank that cell, and analyze the rest.
    blanked: set[int] = set()
    syntax: list[Diagnostic] = []
    while True:
        joined = join_code_cells(nb, skip=blanked)
        report = analyze(joined.text, path, **kwargs)
        if not report.syntax_error:
            break
        err = next((d for d in report.diagnostics if d.code == "SC001"), None)
        cell = _to_cell(joined.line_map, err.line)[0] if err is not None else None
        if err is None or cell is None or cell in blanked:
            break
        blanked.add(cell)
        syntax.append(err)
        err_joined = joined
        remap_report(_only_diag(err), err_joined)
    report = remap_report(report, joined)
    report.diagnostics[:0] = syntax
    report.syntax_error = report.syntax_error or bool(syntax)
    return report


def _only_diag(d: Diagnostic):
    from .analyzer.report import FileReport

    r = FileReport(path="")
    r.diagnostics.append(d)
    return r


def is_notebook_path(path: str) -> bool:
    return path.endswith(".ipynb")
