"""`shapecheck check` on notebooks: the rule pipeline on the joined code cells.

The pipeline (``checking.check_source``) runs on the program a top-to-bottom
run would see, so a model defined in cell 2 is checked where cell 4 uses it
and suppression comments work on the joined lines (they stay on the same
line as the code they silence).  Only then are positions mapped to cells.
"""
from __future__ import annotations

from typing import Optional

from .notebook import NotebookError, analyze_notebook, load_notebook


def check_notebook(text: str, path: str, config=None, *, warn_unused_ignores: bool = False):
    """A FileReport for a .ipynb text: final diagnostics, each with its cell."""
    from .checking import SEVERITY_ORDER, check_source

    def pipeline(source: str, _path: str):
        # Not a .ipynb path: check_source must treat the joined text as Python.
        return check_source(source, path + "#cells", config, warn_unused_ignores=warn_unused_ignores)

    report = analyze_notebook(text, path, analyze=pipeline)
    report.path = path
    report.diagnostics.sort(key=lambda d: (d.cell or 0, d.line, d.col, SEVERITY_ORDER.get(d.severity, 3), d.code))
    return report


def cell_lines(text: Optional[str]) -> dict[int, list[str]]:
    """Cell index -> the cell's source lines (for carets under a cell's own text)."""
    if text is None:
        return {}
    try:
        nb = load_notebook(text)
    except NotebookError:
        return {}
    return {c.index: c.source.split("\n") for c in nb.cells}
