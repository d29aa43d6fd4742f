"""A raw JSON-RPC client over the real `shapecheck lsp` process's pipes.

Raw bytes, so the abuse tests can send what no well-behaved client library
would (broken headers, invalid JSON, unknown methods), and read back every
byte the server writes.
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def server_env(extra_path: str = "") -> dict:
    paths = [str(ROOT)] + ([extra_path] if extra_path else []) + [os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}


def frame(obj) -> bytes:
    body = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    def __init__(self, cwd: Path, extra_path: str = "") -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "shapecheck", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=server_env(extra_path), cwd=cwd,
        )
        self.buf = b""
        self.seen: list[dict] = []  # every message read so far
        self.next_id = 1000

    # -- writing -------------------------------------------------------------
    def raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, obj) -> None:
        self.raw(frame(obj))

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params=None) -> int:
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return self.next_id

    # -- reading -------------------------------------------------------------
    def read(self, timeout_s: float) -> dict:
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
                    msg = json.loads(rest[:n])
                    self.seen.append(msg)
                    return msg
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no complete message within {timeout_s}s; have {self.buf[:200]!r}")
            ready, _, _ = select.select([fd], [], [], min(left, 0.05))
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise AssertionError("server closed stdout; stderr: " + self.stderr_tail())
                self.buf += chunk

    def until(self, pred, timeout_s: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout_s
        while True:
            msg = self.read(max(0.01, deadline - time.monotonic()))
            if pred(msg):
                return msg

    def reply(self, req_id: int, timeout_s: float = 20.0) -> dict:
        return self.until(lambda m: m.get("id") == req_id and "method" not in m, timeout_s)

    def diagnostics(self, uri: str, pred=lambda diags: True, timeout_s: float = 20.0) -> list:
        msg = self.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri and pred(m["params"]["diagnostics"]), timeout_s)
        return msg["params"]["diagnostics"]

    # -- life cycle ------------------------------------------------------------
    def initialize(self) -> dict:
        rid = self.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        got = self.reply(rid)
        self.notify("initialized", {})
        return got

    def open(self, path: Path, text: str, version: int = 1) -> str:
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                              "version": version, "text": text}})
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def shutdown(self) -> int:
        rid = self.request("shutdown")
        self.reply(rid)
        self.notify("exit", None)
        return self.proc.wait(timeout=20)

    def rss_kib(self) -> int:
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return -1

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stderr_tail(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode(errors="replace")[-3000:]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass
