"""The language server: one thin handler per LSP feature.

Handlers read the document, ask the scheduler for an analysis and hand it to
`views`/`actions` for conversion.  No analysis logic lives here, and nothing
here imports numba (the analyzer is imported in the worker thread after
``initialize`` has been answered).
"""
from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import notebook
from .protocol import ShapecheckProtocol
from .conversions import Positions, split_lines, to_lsp_diagnostic
from .scheduler import Scheduler
from .settings import SECTION, ProjectConfigCache, Settings, merge_client

if TYPE_CHECKING:
    from .analysis import Analysis
    from .views import View

# `views`, `actions` and `analysis` import the analyzer (libcst and the layer
# catalog: most of a second); handlers import them on first use, and a worker
# warms them up right after `initialize` is answered.

SUMMARY_COMMAND = "shapecheck.showSummary"  # the code lens's command: show a model's summary table

log = logging.getLogger(__name__)

PULL_WAIT_S = 10.0  # a pull request waits this long for the analysis of the current version
VIEW_WAIT_S = 2.0  # hints, hovers, lenses and actions wait this long for a pending analysis


class ShapecheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("shapecheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         notebook_document_sync=notebook.SYNC_OPTIONS, protocol_cls=ShapecheckProtocol)
        self.settings = Settings()
        self.generation = 0  # bumped on every settings or project-config change
        self.projects = ProjectConfigCache()
        self.scheduler = Scheduler(self.on_analysis)
        self.pull_diagnostics = False  # the client asks with textDocument/diagnostic
        self.reported_problems: dict = {}  # pyproject.toml -> the message last shown for it
        self._loop: Optional[asyncio.AbstractEventLoop] = None

    def report_problem(self, message: str) -> None:
        """Show a settings problem to the user once (called from the worker thread)."""
        params = types.ShowMessageParams(types.MessageType.Warning, f"shapecheck: {message}")
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.window_show_message, params)

    # -- helpers the handlers share ---------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def open_document(self, uri: str):
        return self.workspace.text_documents.get(uri)

    def root_path(self) -> Optional[str]:
        try:
            return self.workspace.root_path
        except Exception:
            return None

    def schedule(self, uri: str, delay_s: float) -> None:
        if (nb := notebook.notebook_of(self, uri)) is not None:  # a cell: the notebook is one program
            return notebook.schedule_notebook(self, nb, delay_s)
        doc = self.open_document(uri)
        if doc is None:
            return
        source, version, generation = doc.source, doc.version or 0, self.generation
        path = to_fs_path(uri) or uri
        settings, project = self.settings, self.projects.for_file(path, self.root_path())

        def job():
            from .analysis import project_problem, run_analysis

            problem = project_problem(project)
            if problem is None:
                self.reported_problems.pop(project.path, None)
            elif self.reported_problems.get(project.path) != problem:
                self.reported_problems[project.path] = problem
                self.report_problem(problem)
            return run_analysis(uri, version, generation, source, path, settings, project)

        self.scheduler.request(uri, version, generation, job, delay_s)

    def schedule_all(self) -> None:
        self.generation += 1
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)
        caps = self.client_capabilities.workspace
        if self.pull_diagnostics and caps and caps.diagnostics and caps.diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    def lsp_diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        if not self.settings.enable:
            return []
        positions = Positions(analysis.lines, self.encoding)
        return [to_lsp_diagnostic(d, positions, analysis.uri) for d in analysis.report.diagnostics if d.cell is None]

    def on_analysis(self, analysis: Analysis) -> None:
        if analysis.failure:
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"shapecheck: analysis of {analysis.uri} failed:\n{analysis.failure}")
            )
        if hasattr(analysis, "cell_uris"):
            notebook.after_analysis(self, analysis)  # one publication per cell document (or a refresh)
        elif not self.pull_diagnostics:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(analysis.uri, self.lsp_diagnostics(analysis), analysis.version)
            )
        caps = self.client_capabilities.workspace
        if analysis.good and caps is not None:
            if caps.inlay_hint and caps.inlay_hint.refresh_support:
                self.workspace_inlay_hint_refresh(None)
            if caps.code_lens and caps.code_lens.refresh_support:
                self.workspace_code_lens_refresh(None)

    async def current(self, uri: str, wait_s: float) -> Optional[Analysis]:
        """The analysis of the document as it is now, waiting up to `wait_s` for it."""
        if notebook.notebook_of(self, uri) is not None:
            return await notebook.current_cell(self, uri, wait_s)
        doc = self.open_document(uri)
        if doc is None:
            return None
        version = doc.version or 0
        if not self.scheduler.pending(uri) and self.scheduler.latest(uri) is None:
            self.schedule(uri, 0)
        return await self.scheduler.wait_for(uri, version, self.generation, wait_s)

    async def view(self, uri: str) -> Optional["View"]:
        """What hints and hovers show: the newest analysis that parsed, mapped onto the current text."""
        if not self.settings.enable:
            return None
        if notebook.notebook_of(self, uri) is not None:
            return await notebook.cell_view(self, uri, VIEW_WAIT_S)
        await self.current(uri, VIEW_WAIT_S)
        good = self.scheduler.last_good(uri)
        doc = self.open_document(uri)
        if good is None or doc is None:
            return None
        from .views import View

        return View(good, split_lines(doc.source), self.encoding)

    async def load_client_settings(self) -> bool:
        """Ask the client for the ``shapecheck`` section; True when the settings changed."""
        caps = self.client_capabilities.workspace
        if not (caps and caps.configuration):
            return False
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams([types.ConfigurationItem(section=SECTION)])
            )
        except Exception as err:  # a client that declares the capability but fails the request
            log.warning("workspace/configuration failed: %s", err)
            return False
        if not result or not result[0]:  # nothing configured there: keep initialization options
            return False
        return self.apply_settings(result[0])

    def apply_settings(self, obj: Any) -> bool:
        before = self.settings
        # Each source gives the whole section: start from the defaults, not from the last answer.
        self.settings, problems = merge_client(Settings(), obj)
        for problem in problems:
            self.window_log_message(types.LogMessageParams(types.MessageType.Warning, f"shapecheck: {problem}"))
        return self.settings != before


def _warm_up() -> None:
    from . import actions, views  # noqa: F401
    from .analysis import warm_up

    warm_up()


SERVER = ShapecheckServer()


# -- lifecycle -----------------------------------------------------------------
@SERVER.feature(types.INITIALIZE)
def initialize(ls: ShapecheckServer, params: types.InitializeParams) -> None:
    text_caps = params.capabilities.text_document
    ls.pull_diagnostics = bool(text_caps and text_caps.diagnostic is not None)
    ls._loop = asyncio.get_running_loop()
    if params.initialization_options is not None:
        ls.apply_settings(params.initialization_options)
    ls.scheduler.submit_background(_warm_up)


@SERVER.feature(types.INITIALIZED)
async def initialized(ls: ShapecheckServer, params: types.InitializedParams) -> None:
    changed = await ls.load_client_settings()
    caps = ls.client_capabilities.workspace
    if caps and caps.did_change_watched_files and caps.did_change_watched_files.dynamic_registration:
        watch = types.DidChangeWatchedFilesRegistrationOptions([types.FileSystemWatcher(glob_pattern="**/pyproject.toml")])
        try:
            await ls.client_register_capability_async(
                types.RegistrationParams(
                    [types.Registration("shapecheck-pyproject", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, watch)]
                )
            )
        except Exception as err:
            log.warning("could not register a pyproject.toml watcher: %s", err)
    if changed:
        ls.schedule_all()


@SERVER.feature(types.SHUTDOWN)
def shutdown(ls: ShapecheckServer, params: None) -> None:
    ls.scheduler.shutdown()


# -- document sync -------------------------------------------------------------
@SERVER.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ShapecheckServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ShapecheckServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.settings.debounce_ms / 1000)


@SERVER.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
def did_save(ls: ShapecheckServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ShapecheckServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.scheduler.forget(params.text_document.uri)
    if not ls.pull_diagnostics:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(params.text_document.uri, []))


# -- settings ------------------------------------------------------------------
@SERVER.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: ShapecheckServer, params: types.DidChangeConfigurationParams) -> None:
    settings = params.settings
    caps = ls.client_capabilities.workspace
    if isinstance(settings, dict) and SECTION in settings:
        changed = ls.apply_settings(settings)
    elif caps and caps.configuration:  # the pull model: the notification only says "something changed"
        changed = await ls.load_client_settings()
    elif isinstance(settings, dict) and settings:
        changed = ls.apply_settings(settings)  # a client sending the bare section
    else:
        changed = False
    if changed:
        ls.schedule_all()


@SERVER.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: ShapecheckServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.endswith("pyproject.toml") for change in params.changes):
        ls.schedule_all()


# -- diagnostics (pull) --------------------------------------------------------
@SERVER.feature(
    types.TEXT_DOCUMENT_DIAGNOSTIC,
    types.DiagnosticOptions(identifier=SECTION, inter_file_dependencies=False, workspace_diagnostics=False),
)
async def pull_diagnostics(ls: ShapecheckServer, params: types.DocumentDiagnosticParams):
    analysis = await ls.current(params.text_document.uri, PULL_WAIT_S)
    if analysis is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    result_id = f"{analysis.version}.{analysis.generation}.{int(ls.settings.enable)}"
    if params.previous_result_id == result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=ls.lsp_diagnostics(analysis), result_id=result_id)


# -- views ---------------------------------------------------------------------
@SERVER.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: ShapecheckServer, params: types.InlayHintParams):
    view = await ls.view(params.text_document.uri)
    if view is None or not ls.settings.inlay_hints:
        return []
    from .views import inlay_hints

    return inlay_hints(view, params.range)


@SERVER.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: ShapecheckServer, params: types.HoverParams):
    doc = ls.open_document(params.text_document.uri)
    if doc is None:
        return None
    lines = split_lines(doc.source)
    line, col = Positions(lines, ls.encoding).from_lsp(params.position)
    line_text = lines[line - 1] if line <= len(lines) else ""
    view = await ls.view(params.text_document.uri)
    from .views import hover as hover_of

    found = hover_of(view, line, col, line_text)
    if found is None and view is not None and hasattr(view.analysis, "cell_index"):
        from .notebook_cells import other_cell_model_hover  # a model made in another cell

        found = other_cell_model_hover(view, line, col, line_text)
    return found


@SERVER.feature(types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(resolve_provider=False))
async def code_lens(ls: ShapecheckServer, params: types.CodeLensParams):
    view = await ls.view(params.text_document.uri)
    if view is None or not ls.settings.code_lens:
        return []
    from .views import code_lenses

    return code_lenses(view, params.text_document.uri, SUMMARY_COMMAND)


@SERVER.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbol(ls: ShapecheckServer, params: types.DocumentSymbolParams):
    view = await ls.view(params.text_document.uri)
    if view is None:
        return []
    from .views import document_symbols

    return document_symbols(view)


@SERVER.feature(
    types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix])
)
async def code_action(ls: ShapecheckServer, params: types.CodeActionParams):
    uri = params.text_document.uri
    analysis = await ls.current(uri, VIEW_WAIT_S)
    doc = ls.open_document(uri)
    if analysis is None or doc is None or analysis.source != doc.source or not ls.settings.enable:
        return []  # edits are only valid against the exact text they were computed from
    positions = Positions(analysis.lines, ls.encoding)
    from .actions import code_actions

    return code_actions(
        analysis.report.diagnostics, analysis.source, uri, positions, params.range, params.context.only
    )


@SERVER.command(SUMMARY_COMMAND)
async def show_summary(ls: ShapecheckServer, uri: str, index: int, name: str = "") -> str:
    """The model's summary table: opened as a text document where the client can show one
    (a monospace table reads badly in a notification), else shown as a message; also returned."""
    analysis = ls.scheduler.last_good(uri) or notebook.last_good_cell(ls, uri)
    models = analysis.report.models if analysis else []
    if not (0 <= index < len(models)) or (name and models[index].name != name):
        matches = [m for m in models if m.name == name]
        if not matches:
            raise ValueError(f"no model {name or index!r} in {uri}; edit the file to re-analyze it")
        model = matches[0]
    else:
        model = models[index]
    from .views import summary_text

    text = summary_text(model)
    window = ls.client_capabilities.window
    if window is not None and window.show_document is not None and window.show_document.support:
        path = _summary_file(uri, model.name, text)
        result = await ls.window_show_document_async(
            types.ShowDocumentParams(uri=Path(path).as_uri(), take_focus=True)
        )
        if result is not None and result.success:
            return text
    ls.window_show_message(types.ShowMessageParams(types.MessageType.Info, text))
    return text


def _summary_file(uri: str, model_name: str, text: str) -> str:
    """A scratch file per source and model (rewritten each time) holding the summary table."""
    import hashlib
    import tempfile

    folder = os.path.join(tempfile.gettempdir(), "shapecheck-summaries")
    os.makedirs(folder, exist_ok=True)
    stem = os.path.splitext(os.path.basename(to_fs_path(uri) or "untitled"))[0]
    digest = hashlib.sha1(uri.encode()).hexdigest()[:8]
    path = os.path.join(folder, f"{stem}-{model_name}-{digest}.txt")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


notebook.register(SERVER)  # notebookDocument/didOpen, didChange, didSave, didClose
