"""The language server on notebook documents (LSP notebookDocument/* sync), end to
end over the real `shapecheck lsp` process with pytest-lsp.

Shapes and counts are Keras 3's: Dense(16) on 8 features: 8×16 + 16 = 144
params; Dense(4) on 16: 68; Conv2D on a (None, 4) input raises (SC101).
"""
from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp.helpers import ROOT, SERVER_CMD, SERVER_ENV, pushed, request, summary

pytestmark = pytest.mark.asyncio

CONFIG = ClientServerConfig(server_command=SERVER_CMD, server_env=SERVER_ENV)

IMPORTS = "import keras\nfrom keras import layers"
MODEL = "model = keras.Sequential([keras.Input((8,)), layers.Dense(16, activation='relu')])"
ADD = "model.add(layers.Dense(4))\nmodel.add(layers.Conv2D(8, 3))"


def _init(caps) -> types.InitializeParams:
    return types.InitializeParams(capabilities=caps, root_uri=ROOT.as_uri(),
                                  workspace_folders=[types.WorkspaceFolder(uri=ROOT.as_uri(), name=ROOT.name)])


def _vscode_caps(pull: bool) -> types.ClientCapabilities:
    caps = client_capabilities("visual_studio_code")
    caps.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=True))
    if pull:
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=True)
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    else:
        caps.text_document.diagnostic = None
    caps.text_document.inlay_hint = types.InlayHintClientCapabilities(dynamic_registration=True)
    return caps


def _quiet(client: LanguageClient) -> None:
    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params):
        return None

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def _refresh(params):
        return None

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def _lens_refresh(params):
        return None


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    """VS Code with notebook sync, diagnostics pushed."""
    _quiet(lsp_client)
    result = await lsp_client.initialize_session(_init(_vscode_caps(pull=False)))
    lsp_client.server_caps = result.capabilities
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pull_client(lsp_client: LanguageClient):
    """VS Code with notebook sync, diagnostics pulled (and refreshed on request)."""
    _quiet(lsp_client)
    lsp_client.diagnostic_refreshes = 0
    features = lsp_client.protocol.fm.features
    original = features.get(types.WORKSPACE_DIAGNOSTIC_REFRESH)

    def counting(params):  # pytest-lsp answers the refresh itself: count, then let it
        lsp_client.diagnostic_refreshes += 1
        return original(params) if original else None

    features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = counting
    await lsp_client.initialize_session(_init(_vscode_caps(pull=True)))
    yield
    await lsp_client.shutdown_session()


class Nb:
    """A notebook the test edits as VS Code would: every cell a text document."""

    def __init__(self, client, path, cells):
        self.client, self.uri, self.version = client, path.as_uri(), 1
        self.path = path
        self.cells = []  # [kind, uri, text]
        self.serial = 0
        for kind, text in cells:
            self.cells.append([kind, self._cell_uri(), text])
        client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
            notebook_document=types.NotebookDocument(
                uri=self.uri, notebook_type="jupyter-notebook", version=1,
                cells=[self._cell(c) for c in self.cells]),
            cell_text_documents=[self._item(c) for c in self.cells if c[0] == "code"]))

    def _cell_uri(self):
        self.serial += 1
        return f"vscode-notebook-cell:{self.path}#C{self.serial}"

    @staticmethod
    def _cell(c):
        kind = types.NotebookCellKind.Code if c[0] == "code" else types.NotebookCellKind.Markup
        return types.NotebookCell(kind=kind, document=c[1])

    def _item(self, c):
        return types.TextDocumentItem(uri=c[1], language_id="python", version=1, text=c[2])

    def uri_of(self, index):  # 1-based cell index
        return self.cells[index - 1][1]

    def set_text(self, index, text):
        c = self.cells[index - 1]
        c[2] = text
        self.version += 1
        self.client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
                types.NotebookDocumentCellContentChanges(
                    document=types.VersionedTextDocumentIdentifier(uri=c[1], version=self.version),
                    changes=[types.TextDocumentContentChangeWholeDocument(text=text)])]))))

    def insert(self, index, text):
        """A new code cell at `index` (1-based); the cells after it move down."""
        c = ["code", self._cell_uri(), text]
        self.cells.insert(index - 1, c)
        self.version += 1
        self.client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
                structure=types.NotebookDocumentCellChangeStructure(
                    array=types.NotebookCellArrayChange(start=index - 1, delete_count=0, cells=[self._cell(c)]),
                    did_open=[self._item(c)])))))

    def delete(self, index):
        c = self.cells.pop(index - 1)
        self.version += 1
        self.client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
            notebook_document=types.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri),
            change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
                structure=types.NotebookDocumentCellChangeStructure(
                    array=types.NotebookCellArrayChange(start=index - 1, delete_count=1),
                    did_close=[types.TextDocumentIdentifier(uri=c[1])])))))
        return c[1]

    def close(self):
        self.client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
            notebook_document=types.NotebookDocumentIdentifier(uri=self.uri),
            cell_text_documents=[types.TextDocumentIdentifier(uri=c[1]) for c in self.cells if c[0] == "code"]))


def codes(diags):
    return summary(diags)


async def test_server_declares_notebook_sync_for_python_cells(client):
    sync = client.server_caps.notebook_document_sync
    assert sync is not None and sync.save is True
    notebooks = [f.notebook for f in sync.notebook_selector]
    assert "jupyter-notebook" in notebooks
    assert all([c.language for c in f.cells] == ["python"] for f in sync.notebook_selector)


async def test_diagnostics_land_in_their_cell_and_move_with_edits(client, tmp_path):
    nb = Nb(client, tmp_path / "nb.ipynb", [("markdown", "# title"), ("code", IMPORTS), ("code", MODEL),
                                            ("markdown", "more"), ("code", ADD)])
    # Conv2D on (None, 4), line 2 of cell 5: (0-based) line 1, the whole call
    diags = await pushed(client, nb.uri_of(5), lambda ds: len(ds) == 1)
    assert codes(diags) == [("SC101", 1, 0, 1, 30)]
    assert list(await pushed(client, nb.uri_of(3))) == []
    assert list(await pushed(client, nb.uri_of(2))) == []
    assert nb.uri not in client.diagnostics  # nothing is published to the notebook itself

    # Cell 3 now makes a 3D model: the Conv2D in cell 5 is fine, Dense(4) still is; the error is gone.
    nb.set_text(3, "model = keras.Sequential([keras.Input((8, 8, 3)), layers.Dense(16, activation='relu')])")
    assert list(await pushed(client, nb.uri_of(5), lambda ds: len(ds) == 0)) == []

    # A fault typed into cell 3 shows up in cell 3, at its line there.
    nb.set_text(3, MODEL + "\nmodel.add(layers.Conv1D(4, 3))")
    diags = await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 1)
    assert codes(diags) == [("SC101", 1, 0, 1, 30)]
    # cell 5 gets nothing: after a layer that fails the model's shape is unknown, no second fault is invented
    assert list(await pushed(client, nb.uri_of(5))) == []
    # Back to the first text: the fault moves back to cell 5.
    nb.set_text(3, MODEL)
    assert codes(await pushed(client, nb.uri_of(5), lambda ds: len(ds) == 1)) == [("SC101", 1, 0, 1, 30)]
    assert list(await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 0)) == []


async def test_cells_inserted_and_deleted(client, tmp_path):
    nb = Nb(client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", MODEL), ("code", ADD)])
    await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 1)
    # A cell inserted before the faulty one: the fault keeps its cell document
    nb.insert(3, "model.add(layers.Reshape((4, 4, 1)))")
    fixed_uri = nb.uri_of(4)
    assert list(await pushed(client, fixed_uri, lambda ds: len(ds) == 0)) == []  # (None,4,4,1)->Dense(4)->Conv2D ok
    gone = nb.delete(3)
    await pushed(client, fixed_uri, lambda ds: len(ds) == 1)
    assert list(await pushed(client, gone)) == []


async def test_hints_and_hovers_in_the_right_cell(client, tmp_path):
    nb = Nb(client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("markdown", "x"), ("code", MODEL),
                                            ("code", "model.add(layers.Dense(4))\nmodel.summary()")])
    await pushed(client, nb.uri_of(4))
    rng = types.Range(types.Position(0, 0), types.Position(5, 0))
    hints3 = await request(client.text_document_inlay_hint_async(types.InlayHintParams(
        types.TextDocumentIdentifier(nb.uri_of(3)), rng)))
    hints4 = await request(client.text_document_inlay_hint_async(types.InlayHintParams(
        types.TextDocumentIdentifier(nb.uri_of(4)), rng)))
    assert [(h.position.line, h.label) for h in hints3] == [(0, "→ (None, 8)"), (0, "→ (None, 16) · 144 params")]
    # cell 4 knows the model of cell 3
    assert [(h.position.line, h.position.character, h.label) for h in hints4] == [(0, 26, "→ (None, 4) · 68 params")]
    hover = await request(client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(nb.uri_of(4)), types.Position(0, 20))))  # on Dense
    assert "68" in hover.contents.value and hover.range.start.line == 0
    hover = await request(client.text_document_hover_async(types.HoverParams(
        types.TextDocumentIdentifier(nb.uri_of(4)), types.Position(1, 2))))  # `model`, made in cell 3
    assert "212" in hover.contents.value  # 144 + 68 params in all
    assert (hover.range.start.line, hover.range.start.character, hover.range.end.character) == (1, 0, 5)


async def test_syntax_error_in_one_cell_keeps_the_others_and_its_hints(client, tmp_path):
    nb = Nb(client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", MODEL), ("code", "model.add(layers.Dense(4))")])
    rng = types.Range(types.Position(0, 0), types.Position(5, 0))

    async def hints(index):
        got = await request(client.text_document_inlay_hint_async(types.InlayHintParams(
            types.TextDocumentIdentifier(nb.uri_of(index)), rng)))
        return [(h.position.line, h.label) for h in got]

    await pushed(client, nb.uri_of(3))
    assert await hints(2) == [(0, "→ (None, 8)"), (0, "→ (None, 16) · 144 params")]
    # typing in cell 2: a syntax error there, cell 3 still analyzed (its model is then unknown)
    nb.set_text(2, MODEL + "\nx = (")
    diags = await pushed(client, nb.uri_of(2), lambda ds: any(d.code == "SC001" for d in ds))
    assert [d.code for d in diags] == ["SC001"] and diags[0].range.start.line == 1
    # cell 2's hints stay where its text did not change (from the last analysis in which it parsed)
    assert await hints(2) == [(0, "→ (None, 8)"), (0, "→ (None, 16) · 144 params")]
    nb.set_text(2, MODEL)
    assert list(await pushed(client, nb.uri_of(2), lambda ds: len(ds) == 0)) == []
    assert await hints(3) == [(0, "→ (None, 4) · 68 params")]


async def test_code_actions_edit_the_cell(client, tmp_path):
    compile_cell = "x = 1\nmodel.compile(optimizer='adamm', loss='mse')"
    nb = Nb(client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", MODEL), ("code", compile_cell)])
    diags = await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 1)
    assert diags[0].code == "SC202" and diags[0].range.start.line == 1
    actions = await request(client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(nb.uri_of(3)), diags[0].range, types.CodeActionContext(diagnostics=diags))))
    by_title = {a.title: a for a in actions}
    fix = by_title["Replace 'adamm' with 'adam'"]
    (edit,) = fix.edit.changes[nb.uri_of(3)]
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character, edit.new_text) == (
        1, 24, 31, "'adam'")
    suppress = [a for a in actions if "SC202" in a.title and a is not fix]
    assert suppress and list(suppress[0].edit.changes) == [nb.uri_of(3)]
    # the editor applies the fix to the cell: the diagnostic goes
    nb.set_text(3, "x = 1\nmodel.compile(optimizer='adam', loss='mse')")
    assert list(await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 0)) == []


async def test_lenses_symbols_and_summary_in_the_cell_that_makes_the_model(client, tmp_path):
    nb = Nb(client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", "x = 1\n" + MODEL),
                                            ("code", "model.add(layers.Dense(4))")])
    await pushed(client, nb.uri_of(3))
    lenses2 = await request(client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(nb.uri_of(2)))))
    lenses3 = await request(client.text_document_code_lens_async(
        types.CodeLensParams(types.TextDocumentIdentifier(nb.uri_of(3)))))
    assert [(l.range.start.line, l.command.title) for l in lenses2] == [(1, "Total params: 212 (848.00 B)")]
    assert not lenses3
    text = await request(client.workspace_execute_command_async(
        types.ExecuteCommandParams(lenses2[0].command.command, lenses2[0].command.arguments)))
    rows = [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]
    assert rows == [["dense (Dense)", "(None, 16)", "144"], ["dense_1 (Dense)", "(None, 4)", "68"]]
    symbols = await request(client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(nb.uri_of(2)))))
    (model,) = symbols
    # the outline of cell 2 holds the layer made there; Dense(4) is cell 3's
    assert model.name == "model" and [c.name for c in model.children] == ["dense"]


async def test_close_clears_every_cell(client, tmp_path):
    nb = Nb(client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", MODEL), ("code", ADD)])
    await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 1)
    nb.close()
    assert list(await pushed(client, nb.uri_of(3), lambda ds: len(ds) == 0)) == []


async def test_pull_diagnostics_per_cell(pull_client, tmp_path):
    nb = Nb(pull_client, tmp_path / "nb.ipynb", [("code", IMPORTS), ("code", MODEL), ("code", ADD)])
    report = await request(pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(nb.uri_of(3)))))
    assert summary(report.items) == [("SC101", 1, 0, 1, 30)]
    report = await request(pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(nb.uri_of(2)))))
    assert list(report.items) == []
    assert nb.uri_of(3) not in pull_client.diagnostics  # pulled, not pushed
    # An edit in cell 2 changes what cell 3 reports: the server asks the client to pull again.
    before = pull_client.diagnostic_refreshes
    nb.set_text(2, "model = keras.Sequential([keras.Input((8, 8, 3)), layers.Dense(16, activation='relu')])")
    from lsp.helpers import wait_until

    await wait_until(lambda: pull_client.diagnostic_refreshes > before, what="a diagnostic refresh")
    report = await request(pull_client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(types.TextDocumentIdentifier(nb.uri_of(3)))))
    assert list(report.items) == []
