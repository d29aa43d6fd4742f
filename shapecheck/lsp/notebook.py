"""Notebook documents in the language server (LSP ``notebookDocument/*`` sync).

pygls keeps the notebook and its cells' text documents in the workspace; here
the cells are analyzed in order as one program (``notebook.join_code_cells``
through the check pipeline, exactly as `shapecheck check` sees the .ipynb),
under the notebook's URI in the scheduler (notebook_cells.py holds the
per-cell side; it imports the analyzer, so only worker jobs and requests
that come after an analysis load it).  What the editor asks of one cell
is answered from a per-cell copy of that analysis: the cell's own diagnostics,
sites, models and layers with ``cell = None`` (the views' "this document"),
everything else left with its cell index, so the views skip it.  A model made
in cell 2 is thus known when cell 4 adds to it: the program is one.
"""
from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Optional

from lsprotocol import types
from pygls.uris import to_fs_path

from .conversions import Positions, split_lines, to_lsp_diagnostic

if TYPE_CHECKING:
    from .server import ShapecheckServer

# Python cells of Jupyter notebooks (VS Code's notebook type, or any *.ipynb).
SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithCells(
            cells=[types.NotebookCellLanguage(language="python")], notebook="jupyter-notebook"),
        types.NotebookDocumentFilterWithCells(
            cells=[types.NotebookCellLanguage(language="python")],
            notebook=types.NotebookDocumentFilterPattern(pattern="**/*.ipynb")),
    ],
    save=True,
)


# -- building the program from the cells -----------------------------------------
def notebook_of(ls: "ShapecheckServer", uri: str) -> Optional[types.NotebookDocument]:
    try:
        return ls.workspace.get_notebook_document(cell_uri=uri)
    except Exception:  # before initialize
        return None


def _cells(ls, nb: types.NotebookDocument) -> list[tuple[int, str, Optional[str], str]]:
    """(index, cell uri, text or None for non-Python cells, kind) for every cell, in order."""
    out = []
    for i, cell in enumerate(nb.cells, start=1):
        doc = ls.workspace.text_documents.get(cell.document)
        text = None
        if cell.kind == types.NotebookCellKind.Code and doc is not None and (doc.language_id or "python") == "python":
            text = doc.source
        out.append((i, cell.document, text, "code" if text is not None else "markdown"))
    return out


def notebook_json(cells) -> str:
    """The cells as an nbformat-4 text: what the check pipeline reads for a .ipynb."""
    doc = {"cells": [{"cell_type": kind, "metadata": {}, "source": text or ""} for _, _, text, kind in cells],
           "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    return json.dumps(doc)


def schedule_notebook(ls: "ShapecheckServer", nb: types.NotebookDocument, delay_s: float) -> None:
    uri, version, generation = nb.uri, nb.version or 0, ls.generation
    if ls.scheduler._wanted.get(uri) == (version, generation) and ls.scheduler.pending(uri):
        return  # already on its way (every cell of a notebook asks for the same analysis)
    cells = _cells(ls, nb)
    text = notebook_json(cells)
    path = to_fs_path(uri) or uri
    if not path.endswith(".ipynb"):
        path += ".ipynb"  # the pipeline reads notebooks by their suffix
    settings, project = ls.settings, ls.projects.for_file(path, ls.root_path())
    cell_uris = {i: cu for i, cu, t, _ in cells if t is not None}
    cell_texts = {cu: t for _, cu, t, _ in cells if t is not None}

    def job():
        from .analysis import run_analysis
        from .notebook_cells import NotebookAnalysis

        a = run_analysis(uri, version, generation, text, path, settings, project)
        return NotebookAnalysis(a.uri, a.version, a.generation, a.source, a.report, a.elapsed_ms, a.failure,
                                cell_uris=cell_uris, cell_texts=cell_texts)

    ls.scheduler.request(uri, version, generation, job, delay_s)


async def current_cell(ls: "ShapecheckServer", uri: str, wait_s: float):
    from .notebook_cells import cell_analysis

    nb = notebook_of(ls, uri)
    if nb is None:
        return None
    if not ls.scheduler.pending(nb.uri) and ls.scheduler.latest(nb.uri) is None:
        schedule_notebook(ls, nb, 0)
    analysis = await ls.scheduler.wait_for(nb.uri, nb.version or 0, ls.generation, wait_s)
    return cell_analysis(analysis, uri) if analysis is not None else None


async def cell_view(ls: "ShapecheckServer", uri: str, wait_s: float):
    await current_cell(ls, uri, wait_s)
    good = last_good_cell(ls, uri)
    doc = ls.open_document(uri)
    if good is None or doc is None:
        return None
    from .views import View

    return View(good, split_lines(doc.source), ls.encoding)


# cell uri -> its share of the newest analysis in which that cell parsed: while a
# cell has a syntax error its hints and hovers come from there (as for plain files).
_cell_good: dict = {}
_cells_of: dict = {}  # notebook uri -> its cell uris at the last analysis


def last_good_cell(ls: "ShapecheckServer", uri: str):
    return _cell_good.get(uri)


def _keep_good_cells(analysis) -> None:
    from .notebook_cells import cell_analysis

    if analysis.failure is not None:
        return
    broken = {d.cell for d in analysis.report.diagnostics if d.code == "SC001"}
    for index, cell_uri in analysis.cell_uris.items():
        if index not in broken:
            share = cell_analysis(analysis, cell_uri)
            if share is not None:
                _cell_good[cell_uri] = share


# -- publishing --------------------------------------------------------------------
_published: dict[str, set] = {}  # notebook uri -> cell uris that were sent diagnostics


def after_analysis(ls: "ShapecheckServer", analysis) -> None:
    """A notebook was analyzed: keep each cell's good share, then push, or ask pull clients to pull
    again (an edit in one cell changes what later cells report, and a client re-pulls only the edited one)."""
    _keep_good_cells(analysis)
    for gone in _cells_of.get(analysis.uri, set()) - set(analysis.cell_uris.values()):
        _cell_good.pop(gone, None)  # deleted cells
    _cells_of[analysis.uri] = set(analysis.cell_uris.values())
    if not ls.pull_diagnostics:
        publish_cells(ls, analysis)
        return
    caps = ls.client_capabilities.workspace
    if caps and caps.diagnostics and caps.diagnostics.refresh_support:
        ls.workspace_diagnostic_refresh(None)


def publish_cells(ls: "ShapecheckServer", analysis) -> None:
    sent = set()
    for index, cell_uri in analysis.cell_uris.items():
        diags = []
        if ls.settings.enable:
            positions = Positions(split_lines(analysis.cell_texts.get(cell_uri, "")), ls.encoding)
            diags = [to_lsp_diagnostic(_own(d), positions, cell_uri) for d in analysis.report.diagnostics
                     if d.cell == index]
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(cell_uri, diags))
        sent.add(cell_uri)
    for gone in _published.get(analysis.uri, set()) - sent:  # cells deleted since
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(gone, []))
    _published[analysis.uri] = sent


def _own(d):
    d = copy.copy(d)
    d.cell = None
    return d


def close_notebook(ls: "ShapecheckServer", notebook_uri: str, cell_uris: list[str]) -> None:
    ls.scheduler.forget(notebook_uri)
    for uri in set(cell_uris) | _cells_of.pop(notebook_uri, set()):
        _cell_good.pop(uri, None)
    if ls.pull_diagnostics:
        _published.pop(notebook_uri, None)
        return
    for uri in set(cell_uris) | _published.pop(notebook_uri, set()):
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, []))


def register(server) -> None:
    """The notebookDocument/* handlers (pygls has already updated its workspace when they run)."""

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def did_open_notebook(ls, params: types.DidOpenNotebookDocumentParams) -> None:
        nb = ls.workspace.get_notebook_document(notebook_uri=params.notebook_document.uri)
        if nb is not None:
            schedule_notebook(ls, nb, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def did_change_notebook(ls, params: types.DidChangeNotebookDocumentParams) -> None:
        nb = ls.workspace.get_notebook_document(notebook_uri=params.notebook_document.uri)
        if nb is not None:
            schedule_notebook(ls, nb, ls.settings.debounce_ms / 1000)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
    def did_save_notebook(ls, params: types.DidSaveNotebookDocumentParams) -> None:
        nb = ls.workspace.get_notebook_document(notebook_uri=params.notebook_document.uri)
        if nb is not None:
            schedule_notebook(ls, nb, 0)

    @server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def did_close_notebook(ls, params: types.DidCloseNotebookDocumentParams) -> None:
        close_notebook(ls, params.notebook_document.uri, [c.uri for c in params.cell_text_documents])
