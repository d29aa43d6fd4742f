"""The language server under abuse, over the real process's pipes: it stays up
and answers, and its diagnostics follow the last text it was sent."""
from __future__ import annotations

import time

import pytest

from shapecheck.checking import check_source

from .lspclient import Server
from .support import MODEL

LAYERS = "import keras\nfrom keras import layers\n"


def _text(i: int) -> str:
    """Version i of a document: a model whose Dense width changes, and every
    7th version a reshape that cannot hold the data (SC104) at a line that moves."""
    body = LAYERS + "\n" * (i % 5) + f"m = keras.Sequential([keras.Input((6,)), layers.Dense({i % 9 + 1})"
    if i % 7 == 0:
        body += ", layers.Reshape((5, 5))"
    return body + "])\n"


def _expected(text: str, path: str) -> list[tuple]:
    report = check_source(text, path)
    return sorted((d.code, d.line - 1) for d in report.diagnostics)


def _got(diags: list) -> list[tuple]:
    return sorted((d["code"], d["range"]["start"]["line"]) for d in diags)


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path)
    s.initialize()
    yield s
    s.close()


def _still_answers(server: Server) -> None:
    rid = server.request("workspace/executeCommand", {"command": "no.such.command", "arguments": []})
    reply = server.reply(rid)
    assert "result" in reply or "error" in reply
    assert server.alive()


def test_malformed_messages_get_answers_or_are_dropped(server, tmp_path):
    server.raw(b"Content-Length: 10\r\n\r\n{not json}")  # invalid JSON
    server.raw(b"Content-Length: 5\r\n\r\n[1,2]")  # a batch: not in LSP
    server.raw(b"Content-Length: 2\r\n\r\n{}")  # no jsonrpc member
    server.raw(b"X-Junk: 1\r\n\r\n")  # a header without Content-Length
    server.send({"jsonrpc": "2.0", "id": "s", "method": 42})  # a method that is not a string
    server.send({"jsonrpc": "2.0", "id": 7, "method": "textDocument/hover", "params": {"bogus": 1}})
    assert server.reply(7)["error"]["code"] == -32602  # Invalid params, not silence
    server.send({"jsonrpc": "2.0", "id": 8, "method": "foo/bar", "params": {}})
    assert server.reply(8)["error"]["code"] == -32601  # Method not found
    server.notify("foo/baz", {})  # unknown notification: ignored
    server.notify("$/cancelRequest", {"id": 12345})  # cancelling nothing
    _still_answers(server)
    # And it still analyzes.
    uri = server.open(tmp_path / "a.py", _text(7))
    assert _got(server.diagnostics(uri)) == _expected(_text(7), "a.py") != []


def test_requests_for_unopened_documents(server, tmp_path):
    uri = (tmp_path / "never_opened.py").as_uri()
    pos = {"line": 0, "character": 0}
    rng = {"start": pos, "end": {"line": 3, "character": 0}}
    for method, params, want in [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos}, None),
        ("textDocument/inlayHint", {"textDocument": {"uri": uri}, "range": rng}, []),
        ("textDocument/diagnostic", {"textDocument": {"uri": uri}}, {"items": [], "kind": "full"}),
        ("textDocument/codeLens", {"textDocument": {"uri": uri}}, []),
        ("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, []),
        ("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": []}}, []),
    ]:
        reply = server.reply(server.request(method, params))
        assert "error" not in reply, (method, reply)
        assert reply["result"] in (want, None), (method, reply)
    # Changing or closing a document that is not open is a client bug: ignored, no error shown.
    server.change(uri, "x = 1\n", 2)
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    _still_answers(server)
    shown = [m for m in server.seen if m.get("method") == "window/showMessage"]
    assert not [m for m in shown if "KeyError" in m["params"]["message"]], shown


def test_burst_of_1000_changes_ends_on_the_final_text(server, tmp_path):
    path = tmp_path / "burst.py"
    uri = server.open(path, _text(0))
    server.diagnostics(uri)
    rss_before = server.rss_kib()
    start = time.monotonic()
    for version in range(1, 1001):
        server.change(uri, _text(version), version)
    sent_s = time.monotonic() - start
    final = _text(1000)
    want = _expected(final, str(path))
    # Diagnostics for the last version arrive and say what the final text warrants.
    diags = server.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri and m["params"].get("version") == 1000, 60)
    assert _got(diags["params"]["diagnostics"]) == want
    pull = server.reply(server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}), 30)
    assert _got(pull["result"]["items"]) == want
    # Diagnostics never go backwards: nothing for an older version after the final one.
    published = [m["params"].get("version") for m in server.seen
                 if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri]
    assert published[-1] == 1000 and published == sorted(published)
    rss_after = server.rss_kib()
    print(f"\nburst: 1000 didChange sent in {sent_s:.2f}s; {len(published)} publishes; "
          f"RSS {rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after")
    assert rss_after < rss_before + 200 * 1024  # bounded: no per-version growth
    _still_answers(server)


def test_a_20000_line_file(server, tmp_path):
    text = MODEL + "".join(f"v{i} = {i} + 1\n" for i in range(20_000)) + "m2 = keras.Sequential([keras.Input((3,)), layers.Reshape((2, 2))])\n"
    uri = server.open(tmp_path / "big.py", text)
    start = time.monotonic()
    diags = server.diagnostics(uri, timeout_s=60)
    took = time.monotonic() - start
    # Analyzed up to the size bound, with the stop reported where it happened.
    assert [(d["code"], d["range"]["start"]["line"]) for d in diags] == [("SC002", 8000)]
    assert "the file has 20,004 lines" in diags[0]["message"]
    hint = server.reply(server.request("textDocument/inlayHint", {
        "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 20_003, "character": 0}}}))
    assert any("36" in str(h.get("label")) for h in hint["result"]), hint["result"][:3]
    # An edit at the top is analyzed again quickly (chunks below are cached).
    server.change(uri, "# edited\n" + text, 2)
    server.diagnostics(uri, pred=lambda ds: ds and ds[0]["range"]["start"]["line"] in (8000, 8001), timeout_s=60)
    print(f"\n20,004-line file: first diagnostics after {took:.2f}s")
    _still_answers(server)


def test_client_disconnecting_mid_request(tmp_path):
    server = Server(tmp_path)
    try:
        server.initialize()
        uri = server.open(tmp_path / "a.py", MODEL * 200)
        server.request("textDocument/diagnostic", {"textDocument": {"uri": uri}})
        server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 3}})
        server.proc.stdin.close()  # the editor went away without shutdown/exit
        assert server.proc.wait(timeout=30) in (0, 1)
        err = server.proc.stderr.read().decode(errors="replace")
        assert "Traceback" not in err, err[-2000:]
    finally:
        server.close()


def test_disconnect_in_the_middle_of_a_message(tmp_path):
    server = Server(tmp_path)
    try:
        server.initialize()
        server.raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\": \"2.0\", \"id\": 3, \"meth")
        server.proc.stdin.close()
        assert server.proc.wait(timeout=30) in (0, 1)
    finally:
        server.close()
