"""Shared pieces of the language-server tests: the server command, clients, bounded waits."""
from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

from lsprotocol import types

ROOT = Path(__file__).resolve().parents[2]
SERVER_CMD = [sys.executable, "-m", "shapecheck", "lsp"]
SERVER_ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    "OPENBLAS_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}
WAIT_S = 10.0  # every wait on the server is bounded by this


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def open_doc(client, path: Path, text: str, version: int = 1) -> str:
    uri = uri_of(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text))
    )
    return uri


def replace_all(client, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def wait_until(predicate, timeout_s: float = WAIT_S, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")
        await asyncio.sleep(0.01)


async def pushed(client, uri: str, predicate=lambda ds: True, timeout_s: float = WAIT_S):
    """The diagnostics pushed for `uri` once `predicate` accepts them."""

    def ready():
        if uri in client.diagnostics and predicate(client.diagnostics[uri]):
            return [client.diagnostics[uri]]
        return None

    return (await wait_until(ready, timeout_s, f"diagnostics for {uri}"))[0]


async def request(coro, timeout_s: float = WAIT_S):
    return await asyncio.wait_for(coro, timeout_s)


def summary(diags) -> list[tuple]:
    """(code, start line, start char, end line, end char) per diagnostic, sorted."""
    return sorted(
        (d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) for d in diags
    )


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri)


def full_range(text: str) -> types.Range:
    return types.Range(types.Position(0, 0), types.Position(len(text.splitlines()) + 1, 0))


def hints_summary(hints) -> list[tuple]:
    return [(h.position.line, h.position.character, h.label) for h in hints]


def _offset(lines: list[str], pos: types.Position, encoding: str) -> int:
    """Client-side: an LSP position to a string offset, counting code units as the encoding says."""
    before = sum(len(line) + 1 for line in lines[: pos.line])
    text = lines[pos.line] if pos.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(text):
        if units >= pos.character:
            return before + i
        units += len(ch.encode("utf-8")) if encoding == "utf-8" else (2 if ord(ch) > 0xFFFF else 1)
    return before + len(text)


def apply_edits(text: str, edits, encoding: str = "utf-16") -> str:
    """Apply LSP TextEdits (non-overlapping) to `text`, as an editor would."""
    lines = text.split("\n")
    spans = sorted(
        ((_offset(lines, e.range.start, encoding), _offset(lines, e.range.end, encoding), e.new_text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text
