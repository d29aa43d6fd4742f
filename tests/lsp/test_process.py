"""The server process itself: start-up time, clean stdout, no numba, exit codes, TCP."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import pytest

from .helpers import SERVER_CMD, SERVER_ENV

BROKEN = "import numpy as np\nx = np.zeros((3, 4)\ny = 2\n"


def frame(obj) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """A minimal client over pipes: reads every byte the server writes to stdout
    and fails on anything that is not a well-formed LSP message."""

    def __init__(self, proc):
        self.proc = proc
        self.buf = b""

    def send(self, obj) -> None:
        self.proc.stdin.write(frame(obj))
        self.proc.stdin.flush()

    def read(self, timeout_s: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout_s
        fd = self.proc.stdout.fileno()
        while True:
            if b"\r\n\r\n" in self.buf:
                head, rest = self.buf.split(b"\r\n\r\n", 1)
                headers = dict(line.split(b": ", 1) for line in head.split(b"\r\n"))
                assert set(headers) <= {b"Content-Length", b"Content-Type"}, f"stray bytes on stdout: {head!r}"
                n = int(headers[b"Content-Length"])
                if len(rest) >= n:
                    self.buf = rest[n:]
                    return json.loads(rest[:n])
            if time.monotonic() > deadline:
                raise AssertionError(f"no complete message within {timeout_s}s; have {self.buf[:200]!r}")
            import select

            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise AssertionError("server closed stdout")
                self.buf += chunk

    def until(self, pred, timeout_s: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            msg = self.read(max(0.01, deadline - time.monotonic()))
            if pred(msg):
                return msg


def initialize(client: RawClient) -> dict:
    client.send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    reply = client.until(lambda m: m.get("id") == 1)
    client.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    return reply


def shutdown(client: RawClient) -> int:
    client.send({"jsonrpc": "2.0", "id": 99, "method": "shutdown"})
    client.until(lambda m: m.get("id") == 99)
    client.send({"jsonrpc": "2.0", "method": "exit"})
    return client.proc.wait(timeout=10)


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def time_to_initialize(tmp_path) -> tuple[float, float]:
    """(wall seconds, server CPU seconds) from spawning the server to its `initialize` answer."""
    start = time.monotonic()
    proc = subprocess.Popen(SERVER_CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=SERVER_ENV, cwd=tmp_path)
    try:
        initialize(RawClient(proc))
        wall = time.monotonic() - start
        return wall, _cpu_seconds(proc.pid)
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc to read the server's CPU time")
def test_initialize_answered_within_one_second(tmp_path):
    # Process start, interpreter, pygls and `initialize` must take under 1 s.  The
    # suite runs on a shared 2-core machine where other jobs can stretch wall time
    # several-fold, so the bound is on the work the server does (its CPU time),
    # with wall time bounded loosely; the best of three spawns counts.
    runs = []
    for _ in range(3):
        runs.append(time_to_initialize(tmp_path))
        if runs[-1][0] < 1.0:
            break
    best_wall = min(w for w, _ in runs)
    best_cpu = min(c for _, c in runs)
    assert best_cpu < 1.0, f"the server used {best_cpu:.2f}s of CPU before answering initialize ({runs})"
    assert best_wall < 5.0, f"initialize answered after {best_wall:.2f}s at best ({runs})"


def test_clean_start_without_numba(tmp_path):
    # -X importtime lists every module the process imports on stderr, including
    # the analyzer imported later in the worker thread.
    proc = subprocess.Popen(
        [sys.executable, "-X", "importtime", *SERVER_CMD[1:]],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=SERVER_ENV, cwd=tmp_path,
    )
    try:
        client = RawClient(proc)
        reply = initialize(client)
        caps = reply["result"]["capabilities"]
        assert reply["result"]["serverInfo"]["name"] == "shapecheck"
        for key in ("hoverProvider", "inlayHintProvider", "codeLensProvider", "codeActionProvider",
                    "documentSymbolProvider", "diagnosticProvider", "executeCommandProvider"):
            assert caps.get(key), key
        assert caps["positionEncoding"] == "utf-16"
        uri = (tmp_path / "a.py").as_uri()
        client.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": BROKEN}}})
        msg = client.until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        assert [d["code"] for d in msg["params"]["diagnostics"]] == ["SC001"]
        assert shutdown(client) == 0
    finally:
        proc.kill()
        proc.wait()
    imported = [line.split("|")[-1].strip() for line in proc.stderr.read().decode().splitlines() if "|" in line]
    assert "libcst" in imported  # the analysis did run in this process
    assert not [m for m in imported if m == "numba" or m.startswith("numba.")]


def test_exit_without_shutdown_is_code_1(tmp_path):
    proc = subprocess.Popen(SERVER_CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=SERVER_ENV, cwd=tmp_path)
    try:
        client = RawClient(proc)
        initialize(client)
        client.send({"jsonrpc": "2.0", "method": "exit"})
        assert proc.wait(timeout=10) == 1
    finally:
        proc.kill()
        proc.wait()


def test_bad_tcp_address_is_a_usage_error():
    out = subprocess.run(SERVER_CMD + ["--tcp", "localhost"], capture_output=True, text=True, env=SERVER_ENV, timeout=30)
    assert out.returncode == 2
    assert "HOST:PORT" in out.stderr
    assert out.stdout == ""
    assert "Traceback" not in out.stderr


def test_unwritable_log_file_is_a_usage_error(tmp_path):
    target = tmp_path / "missing-dir" / "lsp.log"
    out = subprocess.run(SERVER_CMD + ["--log-file", str(target)], capture_output=True, text=True,
                         env=SERVER_ENV, timeout=30, stdin=subprocess.DEVNULL)
    assert out.returncode == 2
    assert out.stderr.startswith(f"shapecheck lsp: cannot write the log file {target}: No such file or directory")
    assert out.stdout == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_tcp_mode_serves_one_client(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(SERVER_CMD + ["--tcp", f"127.0.0.1:{port}"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=SERVER_ENV, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("server never listened")
                time.sleep(0.05)
        with sock:
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"processId": None, "rootUri": None, "capabilities": {}}}).encode()
            sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            data = b""
            sock.settimeout(10)
            while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < int(
                    data.split(b"\r\n")[0].split(b": ")[1]):
                chunk = sock.recv(65536)
                assert chunk, "connection closed"
                data += chunk
            reply = json.loads(data.split(b"\r\n\r\n", 1)[1])
            assert reply["id"] == 1 and reply["result"]["serverInfo"]["name"] == "shapecheck"
    finally:
        proc.kill()
        proc.wait()
    assert proc.stdout.read() == b""
