"""Clients for the end-to-end tests: each runs the real `shapecheck lsp` process.

Capabilities come from pytest-lsp's recordings of real editors: Neovim 0.9
(push only), and VS Code 1.65 brought up to date with what current VS Code
declares (pull diagnostics with refresh, inlay hints).  The UTF-8 client is
Neovim 0.9 offering only ``positionEncodings: ["utf-8"]``, as Helix does.
"""
from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from .helpers import ROOT, SERVER_CMD, SERVER_ENV

CONFIG = ClientServerConfig(server_command=SERVER_CMD, server_env=SERVER_ENV)


def _params(caps, options=None, root=ROOT) -> types.InitializeParams:
    return types.InitializeParams(
        capabilities=caps,
        root_uri=root.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options=options,
    )


def accept_registrations(client: LanguageClient) -> list:
    """Answer the server-to-client requests pytest-lsp's client leaves unhandled
    (registrations, refreshes), recording them for the tests."""
    seen: list = []
    client.refreshes = {"codeLens": 0, "inlayHint": 0}

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams):
        seen.extend(params.registrations)
        return None

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def _lens_refresh(params):
        client.refreshes["codeLens"] += 1

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def _hint_refresh(params):
        client.refreshes["inlayHint"] += 1

    client.registrations = seen
    return seen


def modern_vscode() -> types.ClientCapabilities:
    caps = client_capabilities("visual_studio_code")
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=True)
    caps.text_document.inlay_hint = types.InlayHintClientCapabilities(dynamic_registration=True)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    caps.workspace.inlay_hint = types.InlayHintWorkspaceClientCapabilities(refresh_support=False)
    return caps


def push_capabilities() -> types.ClientCapabilities:
    return client_capabilities("neovim@v0.9.1")


@pytest_lsp.fixture(config=CONFIG)
async def push_client(lsp_client: LanguageClient):
    """Neovim 0.9: diagnostics by push only."""
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(_params(push_capabilities()))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def pull_client(lsp_client: LanguageClient):
    """Current VS Code: pulls diagnostics, answers workspace/configuration, watches files."""
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(_params(modern_vscode()))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def utf8_client(lsp_client: LanguageClient):
    accept_registrations(lsp_client)
    caps = push_capabilities()
    caps.general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8])
    result = await lsp_client.initialize_session(_params(caps))
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def configured_client(lsp_client: LanguageClient):
    """Neovim 0.9 starting the server with initializationOptions."""
    accept_registrations(lsp_client)
    options = {"shapecheck": {"ignore": ["SC102"], "inlayHints": False}}
    await lsp_client.initialize_session(_params(push_capabilities(), options))
    yield
    await lsp_client.shutdown_session()


def record_versions(client: LanguageClient) -> list:
    """Every publishDiagnostics (uri, version, codes) the client receives, in order."""
    seen: list = []
    features = client.protocol.fm.features
    original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def recording(params: types.PublishDiagnosticsParams):
        seen.append((params.uri, params.version, [d.code for d in params.diagnostics]))
        return original(params)

    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = recording
    return seen


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def shared_client(lsp_client: LanguageClient):
    """One Neovim-0.9-like session for a whole module of tests that only read (each opens its own file)."""
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(_params(push_capabilities()))
    yield
    await lsp_client.shutdown_session()
