"""Real editors, headless, with the configs shipped in editors/: the diagnostics must arrive.

Skipped (with the reason) when the editor is not installed; `make editors`
installs Debian's neovim, emacs-nox and elpa-eglot where apt is available.
"""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .helpers import ROOT, SERVER_CMD, SERVER_ENV

BROKEN = "import numpy as np\nx = np.zeros((3, 4)\ny = 2\n"
EDITOR_TIMEOUT_S = 60


def _env(tmp_path, src_name: str, want: int) -> tuple[dict, str]:
    out = tmp_path / "out.json"
    env = {
        **SERVER_ENV,
        "SHAPECHECK_REPO": str(ROOT),
        "SHAPECHECK_CMD": json.dumps(SERVER_CMD),
        "SHAPECHECK_FILE": str(tmp_path / src_name),
        "SHAPECHECK_OUT": str(out),
        "SHAPECHECK_WANT": str(want),
        "HOME": str(tmp_path),  # no user config, no state left behind
    }
    return env, str(out)


def _eglot_available() -> str | None:
    if shutil.which("emacs") is None:
        return "emacs is not installed (make editors installs emacs-nox and elpa-eglot)"
    probe = subprocess.run(
        ["emacs", "--batch", "-q", "--eval", "(progn (require 'package) (package-initialize) (require 'eglot))"],
        capture_output=True, text=True, timeout=60,
    )
    if probe.returncode != 0:
        return "eglot is not available to emacs (make editors installs elpa-eglot)"
    return None


needs_nvim = pytest.mark.skipif(
    shutil.which("nvim") is None, reason="nvim is not installed (make editors installs Debian's neovim)"
)


@needs_nvim
def test_neovim_receives_syntax_error(tmp_path):
    (tmp_path / "a.py").write_text(BROKEN)
    env, out = _env(tmp_path, "a.py", 1)
    proc = subprocess.run(
        ["nvim", "--headless", "--clean", "-u", str(ROOT / "tests/lsp/editors/nvim_check.lua")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=EDITOR_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(open(out).read())
    assert result["ok"], result
    assert [(d["lnum"], d["col"], d["code"], d["source"]) for d in result["diagnostics"]] == [(1, 12, "SC001", "shapecheck")]


def test_eglot_receives_syntax_error(tmp_path):
    reason = _eglot_available()
    if reason:
        pytest.skip(reason)
    (tmp_path / "a.py").write_text(BROKEN)
    env, out = _env(tmp_path, "a.py", 1)
    proc = subprocess.run(
        ["emacs", "--batch", "-q", "-l", str(ROOT / "tests/lsp/editors/eglot_check.el")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=EDITOR_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(open(out).read())
    assert result["ok"] and result["server"], result
    diags = result["diagnostics"]
    assert [(d["line"], d["col"], d["type"]) for d in diags] == [(2, 12, "eglot-error")]
    assert diags[0]["message"]== "shapecheck [SC001]: Syntax error: '(' was never closed"


SHAPE_FAULT = """\
from keras import layers

inp = layers.Input((784,))
h = layers.Dense(32)(inp)
bad = layers.Concatenate()([h, layers.Dense(5)(layers.Input((3, 4)))])
"""
SC102_TEXT = "Concatenate(axis=-1) needs inputs with matching shapes except for the concatenation axis"


@needs_nvim
def test_neovim_receives_shape_fault(tmp_path):
    (tmp_path / "model.py").write_text(SHAPE_FAULT)
    env, out = _env(tmp_path, "model.py", 1)
    proc = subprocess.run(
        ["nvim", "--headless", "--clean", "-u", str(ROOT / "tests/lsp/editors/nvim_check.lua")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=EDITOR_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(open(out).read())
    assert [(d["lnum"], d["col"], d["code"]) for d in result["diagnostics"]] == [(4, 6, "SC102")]
    assert result["diagnostics"][0]["message"].startswith(SC102_TEXT)


def test_eglot_receives_shape_fault(tmp_path):
    reason = _eglot_available()
    if reason:
        pytest.skip(reason)
    (tmp_path / "model.py").write_text(SHAPE_FAULT)
    env, out = _env(tmp_path, "model.py", 1)
    proc = subprocess.run(
        ["emacs", "--batch", "-q", "-l", str(ROOT / "tests/lsp/editors/eglot_check.el")],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=EDITOR_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(open(out).read())
    assert [(d["line"], d["col"], d["type"]) for d in result["diagnostics"]] == [(5, 6, "eglot-error")]
    assert result["diagnostics"][0]["message"].startswith(f"shapecheck [SC102]: {SC102_TEXT}")
