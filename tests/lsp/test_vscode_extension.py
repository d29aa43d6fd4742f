"""The VS Code extension type-checks and packages to a .vsix with no network
(from node_modules installed by `make editors` / `npm ci` in editors/vscode)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile

import pytest

from .helpers import ROOT

EXT = ROOT / "editors/vscode"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: cannot build the VS Code extension")
    if not (EXT / "node_modules/typescript").exists() or not (EXT / "node_modules/@vscode/vsce").exists():
        pytest.skip("editors/vscode/node_modules is missing: run `make editors` (npm ci in editors/vscode)")
    env = {**os.environ, "npm_config_offline": "true"}
    tsc = subprocess.run(["node", "node_modules/typescript/bin/tsc", "-p", "."], cwd=EXT, capture_output=True,
                         text=True, timeout=180, env=env)
    assert tsc.returncode == 0, tsc.stdout + tsc.stderr
    out = tmp_path_factory.mktemp("vsix") / "shapecheck.vsix"
    vsce = subprocess.run(["node", "node_modules/@vscode/vsce/vsce", "package", "--allow-missing-repository", "-o", str(out)],
                          cwd=EXT, capture_output=True, text=True, timeout=300, env=env)
    assert vsce.returncode == 0, vsce.stdout + vsce.stderr
    return out


def test_vsix_holds_the_extension_and_its_client_library(built):
    with zipfile.ZipFile(built) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("extension/package.json"))
        main_js = z.read("extension/out/extension.js").decode()
    assert "extension/node_modules/vscode-languageclient/package.json" in names
    assert not any(n.startswith("extension/src/") for n in names)  # sources stay out (.vscodeignore)
    assert not any("/typescript/" in n or "/@vscode/vsce/" in n for n in names)  # dev tools stay out
    assert manifest["name"] == "shapecheck" and manifest["main"] == "./out/extension.js"
    assert 'require("vscode-languageclient/node")' in main_js
    assert "shapecheck.restartServer" in main_js
