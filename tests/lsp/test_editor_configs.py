"""Editor configs that no test here can run (Helix, Sublime, Zed) and the VS Code manifest:
parsed, with the keys each editor needs, and the same settings the server knows."""
from __future__ import annotations

import json
import re
import tomllib

from shapecheck.lsp.settings import _KEYS as SERVER_SETTINGS

from .helpers import ROOT

EDITORS = ROOT / "editors"


def test_helix_languages_toml():
    data = tomllib.loads((EDITORS / "helix/languages.toml").read_text())
    server = data["language-server"]["shapecheck"]
    assert server["command"] == "shapecheck" and server["args"] == ["lsp"]
    assert set(server["config"]["shapecheck"]) <= set(SERVER_SETTINGS)
    (python,) = [lang for lang in data["language"] if lang["name"] == "python"]
    # Helix 25.07's default Python servers stay, shapecheck is added after them.
    assert python["language-servers"] == ["ty", "ruff", "jedi", "pylsp", "shapecheck"]


def _strip_json_comments(text: str) -> str:
    # Sublime settings allow // comments; none of our strings contain "//".
    return re.sub(r"^\s*//.*$", "", text, flags=re.M)


def test_sublime_lsp_settings():
    data = json.loads(_strip_json_comments((EDITORS / "sublime/LSP.sublime-settings").read_text()))
    client = data["clients"]["shapecheck"]
    assert client["enabled"] is True
    assert client["command"] == ["shapecheck", "lsp"]
    assert client["selector"] == "source.python"
    assert set(client["settings"]["shapecheck"]) <= set(SERVER_SETTINGS)
    assert set(client["initializationOptions"]["shapecheck"]) <= set(SERVER_SETTINGS)
    assert data["show_inlay_hints"] is True


def test_zed_extension_sources():
    ext = tomllib.loads((EDITORS / "zed/extension.toml").read_text())
    assert ext["id"] == "shapecheck" and ext["schema_version"] == 1
    assert ext["language_servers"]["shapecheck"]["languages"] == ["Python"]
    cargo = tomllib.loads((EDITORS / "zed/Cargo.toml").read_text())
    assert cargo["lib"]["crate-type"] == ["cdylib"]
    assert "zed_extension_api" in cargo["dependencies"]
    lib = (EDITORS / "zed/src/lib.rs").read_text()
    assert "zed::register_extension!(Shapecheck);" in lib
    assert 'const SERVER: &str = "shapecheck";' in lib  # the key in extension.toml and in Zed's lsp settings
    assert 'vec!["lsp".to_string()]' in lib


def test_vscode_manifest_declares_every_server_setting():
    pkg = json.loads((EDITORS / "vscode/package.json").read_text())
    props = pkg["contributes"]["configuration"]["properties"]
    declared = {k.split(".", 1)[1] for k in props if k.count(".") == 1}
    assert set(SERVER_SETTINGS) <= declared
    assert {"path", "args"} <= declared
    assert pkg["main"] == "./out/extension.js"
    assert "onLanguage:python" in pkg["activationEvents"]
    assert any(c["command"] == "shapecheck.restartServer" for c in pkg["contributes"]["commands"])
    lock = json.loads((EDITORS / "vscode/package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == pkg["dependencies"]
    src = (EDITORS / "vscode/src/extension.ts").read_text()
    # every server setting the manifest declares is forwarded to the server
    for key in SERVER_SETTINGS:
        assert f'"{key}"' in src, key
