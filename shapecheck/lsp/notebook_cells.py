"""One cell's share of a notebook's analysis (see lsp/notebook.py)."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Optional

from lsprotocol import types

from .analysis import Analysis


@dataclass
class NotebookAnalysis(Analysis):
    """The analysis of a whole notebook (uri, version: the notebook's)."""

    cell_uris: dict = field(default_factory=dict)  # cell index (1-based, all cells) -> cell document uri
    cell_texts: dict = field(default_factory=dict)  # cell uri -> its text when analyzed

    @property
    def good(self) -> bool:
        # A syntax error in one cell leaves the others analyzed (analyze_notebook blanks that cell).
        return self.failure is None


@dataclass
class CellAnalysis(Analysis):
    """One cell's share of a NotebookAnalysis, shaped like the analysis of a plain file."""

    notebook_uri: str = ""
    cell_index: int = 0
    notebook_report: object = None


def cell_analysis(nb_analysis: NotebookAnalysis, cell_uri: str) -> Optional[CellAnalysis]:
    index = next((i for i, u in nb_analysis.cell_uris.items() if u == cell_uri), None)
    if index is None:
        return None
    full = nb_analysis.report
    report = copy.copy(full)

    def own(item):
        item = copy.copy(item)
        item.cell = None if item.cell == index else (item.cell or -1)
        return item

    report.diagnostics = [own(d) for d in full.diagnostics if d.cell == index]
    report.sites = [own(s) for s in full.sites if s.cell == index]
    models = []
    for m in full.models:
        mc = own(m)
        mc.layers = [own(l) for l in m.layers]
        models.append(mc)
    report.models = models
    source = nb_analysis.cell_texts.get(cell_uri, "")
    return CellAnalysis(cell_uri, nb_analysis.version, nb_analysis.generation, source, report,
                        nb_analysis.elapsed_ms, nb_analysis.failure, notebook_uri=nb_analysis.uri,
                        cell_index=index, notebook_report=full)


def other_cell_model_hover(view, line: int, col: int, line_text: str) -> Optional[types.Hover]:
    """A model's variable in one cell when the model was made in another: its summary."""
    from .views import _word_at, model_markdown

    word = _word_at(line_text, col)
    if word is None:
        return None
    name, start, end = word
    models = [m for m in view.report.models if m.name == name and m.cell is not None]
    if not models:
        return None
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, model_markdown(models[-1])),
                       view.positions.range(line, start, line, end))
