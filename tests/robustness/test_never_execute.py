"""Never execute: analyzing a file never runs or imports any of its code.

The files below would, if run or imported, write marker files, connect to a
socket the test listens on, run shell commands, and import modules (a fake
`keras`, `tensorflow` and `sidefx` placed first on PYTHONPATH) whose import
writes a marker.  They go through `shapecheck check`, `shapecheck summary` and
the language server (the real processes); afterwards no marker exists and no
connection arrived, while the model in the file was still found.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .lspclient import ROOT, Server, server_env

EVIL = '''\
import os, subprocess, socket, importlib, pathlib
import sidefx
from sidefx import payload
import keras
from keras import layers
import tensorflow as tf

open({m}/"open", "w").write("ran")
pathlib.Path({m}/"pathlib").write_text("ran")
os.system("touch " + str({m}/"system"))
subprocess.run(["touch", str({m}/"subprocess")])
exec("open({m_str} + '/exec', 'w').write('ran')")
eval("__import__('os').makedirs({m_str} + '/eval')")
importlib.import_module("sidefx_dynamic")
__import__("sidefx_dunder")
socket.create_connection(("127.0.0.1", {port})).sendall(b"ran")


def default_arg(x=open({m}/"default", "w")):
    return x


def deco(fn):
    open({m}/"decorator", "w").write("ran")
    return fn


@deco
def decorated():
    pass


class Meta(type):
    def __new__(mcls, *a):
        open({m}/"metaclass", "w").write("ran")
        return super().__new__(mcls, *a)


class K(metaclass=Meta):
    open({m}/"classbody", "w").write("ran")


model = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
model.compile(optimizer="adam", loss="mse")
model.fit(open({m}/"fit", "w"), epochs=1)
if __name__ == "__main__":
    open({m}/"main", "w").write("ran")
'''


def _fake_modules(where: Path, marker: Path) -> None:
    """Packages whose import writes a marker file (they shadow any real ones)."""
    for name in ("sidefx", "sidefx_dynamic", "sidefx_dunder", "keras", "tensorflow"):
        pkg = where / name
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text(
            f"open({str(marker / ('import_' + name))!r}, 'w').write('imported')\n"
            "class _Any:\n"
            "    def __call__(self, *a, **k):\n        return _Any()\n"
            "    def __getattr__(self, name):\n        return _Any()\n"
            "def __getattr__(name):  # `from keras import layers`, keras.Sequential(...) all work\n"
            "    return _Any()\n"
        )


@pytest.fixture
def trap(tmp_path):
    """(file to analyze, marker dir, module dir, listening socket)."""
    marker = tmp_path / "markers"
    marker.mkdir()
    mods = tmp_path / "mods"
    _fake_modules(mods, marker)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.setblocking(False)
    port = listener.getsockname()[1]
    code = EVIL.format(m=f"pathlib.Path({str(marker)!r})", m_str=repr(str(marker)), port=port)
    src = tmp_path / "proj" / "evil.py"
    src.parent.mkdir()
    src.write_text(code)
    # The same code as a notebook, one statement group per cell.
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": chunk}
             for chunk in code.split("\n\n\n")]
    (tmp_path / "proj" / "evil.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                                               "nbformat_minor": 5}))
    yield src, marker, mods, listener
    listener.close()


def _assert_nothing_ran(marker: Path, listener: socket.socket) -> None:
    assert sorted(p.name for p in marker.iterdir()) == []
    with pytest.raises(BlockingIOError):
        listener.accept()


def test_the_trap_springs_when_the_file_is_run(trap):
    # Guard against a test that cannot fail: running the file does write markers.
    src, marker, mods, listener = trap
    env = {**os.environ, "PYTHONPATH": str(mods)}
    subprocess.run([sys.executable, str(src)], env=env, capture_output=True, timeout=60, cwd=src.parent)
    ran = sorted(p.name for p in marker.iterdir())
    assert {"import_sidefx", "import_keras", "open", "pathlib", "system", "subprocess", "exec", "eval",
            "import_sidefx_dynamic", "import_sidefx_dunder", "default", "decorator", "metaclass",
            "classbody", "fit", "main"} <= set(ran)
    conn, _ = listener.accept()
    conn.close()


@pytest.mark.parametrize("command", [
    ["check", "--format", "json", "{src}"],
    ["check", "--format", "json", "--jobs", "2", "{dir}"],
    ["summary", "--format", "json", "{src}"],
    ["summary", "{dir}"],
])
def test_cli_never_executes(trap, command):
    src, marker, mods, listener = trap
    args = [a.format(src=src, dir=src.parent) for a in command]
    out = subprocess.run([sys.executable, "-m", "shapecheck", *args], capture_output=True, text=True,
                         env=server_env(str(mods)), cwd=src.parent, timeout=120)
    assert "Traceback" not in out.stderr, out.stderr
    _assert_nothing_ran(marker, listener)
    # The analysis did happen: the model is in the output.
    if command[0] == "summary" and "json" in command:
        [f] = json.loads(out.stdout)["files"]
        assert [(m["name"], m["total_params"]) for m in f["models"]] == [("model", 36)]
    elif command[0] == "summary":
        # the .py and the notebook (Total adds the optimizer's variables: the program fits)
        assert out.stdout.count("Trainable params: 36") == 2
    else:
        files = json.loads(out.stdout)["files"]
        want = {"evil.py", "evil.ipynb"} if command[-1] == "{dir}" else {"evil.py"}
        assert {Path(f["path"]).name for f in files} == want
        assert [[m["total_params"] for m in f["models"]] for f in files] == [[36]] * len(want)


def test_language_server_never_executes(trap):
    src, marker, mods, listener = trap
    server = Server(src.parent, extra_path=str(mods))
    try:
        server.initialize()
        uri = server.open(src, src.read_text())
        server.diagnostics(uri)
        for method in ("textDocument/hover", "textDocument/inlayHint", "textDocument/codeLens",
                       "textDocument/documentSymbol", "textDocument/codeAction"):
            params = {"textDocument": {"uri": uri}, "position": {"line": 44, "character": 10},
                      "range": {"start": {"line": 0, "character": 0}, "end": {"line": 50, "character": 0}},
                      "context": {"diagnostics": []}}
            server.reply(server.request(method, params))
        nb = src.with_suffix(".ipynb")
        server.open(nb, nb.read_text())
        server.diagnostics(nb.resolve().as_uri())
        assert server.shutdown() == 0
    finally:
        server.close()
    _assert_nothing_ran(marker, listener)
