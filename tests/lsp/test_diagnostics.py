"""Diagnostics over the real server: push (Neovim 0.9) and pull (VS Code)."""
from __future__ import annotations

import pytest
from lsprotocol import types

from .helpers import open_doc, pushed, replace_all, request, summary

pytestmark = pytest.mark.asyncio

BROKEN = "import numpy as np\nx = np.zeros((3, 4)\ny = 2\n"
FIXED = "import numpy as np\nx = np.zeros((3, 4))\ny = 2\n"


async def test_push_syntax_error_then_fixed(push_client, tmp_path):
    uri = open_doc(push_client, tmp_path / "a.py", BROKEN)
    diags = await pushed(push_client, uri)
    # CPython's message and position: the "(" of np.zeros( at line 2, column 13 (1-based).
    assert summary(diags) == [("SC001", 1, 12, 1, 13)]
    assert [(d.severity, d.source, d.message) for d in diags] == [
        (types.DiagnosticSeverity.Error, "shapecheck", "Syntax error: '(' was never closed")
    ]
    replace_all(push_client, uri, FIXED, 2)
    diags = await pushed(push_client, uri, lambda ds: not any(d.code == "SC001" for d in ds))
    assert not any(d.code == "SC001" for d in diags)


async def test_pull_syntax_error(pull_client, tmp_path):
    uri = open_doc(pull_client, tmp_path / "a.py", BROKEN)
    report = await request(
        pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri)))
    )
    assert report.kind == "full"
    assert summary(report.items) == [("SC001", 1, 12, 1, 13)]
    # Pull clients get no pushed copy (VS Code would show both).
    assert uri not in pull_client.diagnostics
    # Unchanged document: the same result id comes back as "unchanged".
    again = await request(
        pull_client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri), previous_result_id=report.result_id)
        )
    )
    assert again.kind == "unchanged"
    replace_all(pull_client, uri, FIXED, 2)
    fresh = await request(
        pull_client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(uri), previous_result_id=report.result_id)
        )
    )
    assert fresh.kind == "full"
    assert not any(d.code == "SC001" for d in fresh.items)


async def test_close_clears_pushed_diagnostics(push_client, tmp_path):
    uri = open_doc(push_client, tmp_path / "a.py", BROKEN)
    await pushed(push_client, uri, lambda ds: len(ds) == 1)
    push_client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert list(await pushed(push_client, uri, lambda ds: len(ds) == 0)) == []
