"""Editing: syntax-error resilience, debouncing, settings and project config, non-ASCII positions."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from .conftest import record_versions
from .helpers import (
    apply_edits,
    doc_id,
    hints_summary,
    open_doc,
    pushed,
    replace_all,
    request,
    summary,
    wait_until,
)
from .test_features import MERGE, MERGE_DIAG, MLP, MLP_HINTS, hints, hover_at

pytestmark = pytest.mark.asyncio


def insert_line(client, uri, line: int, text: str, version: int) -> None:
    at = types.Position(line, 0)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangePartial(range=types.Range(at, at), text=text)],
        )
    )


async def test_hints_survive_a_syntax_error(push_client, tmp_path):
    uri = open_doc(push_client, tmp_path / "mlp.py", MLP)
    assert hints_summary(await hints(push_client, uri, MLP)) == MLP_HINTS
    # The user starts typing a new line above the model: the file no longer parses.
    insert_line(push_client, uri, 4, "def (\n", 2)
    diags = await pushed(push_client, uri, lambda ds: any(d.code == "SC001" for d in ds))
    assert [(d.code, d.range.start.line) for d in diags] == [("SC001", 4)]
    broken = MLP.splitlines(keepends=True)
    broken.insert(4, "def (\n")
    broken = "".join(broken)
    # Hints from the last good analysis, moved down one line below the insertion.
    shifted = [MLP_HINTS[0]] + [(line + 1, col, label) for line, col, label in MLP_HINTS[1:]]
    assert hints_summary(await hints(push_client, uri, broken)) == shifted
    hover = await hover_at(push_client, uri, 7, 20)
    assert hover.contents.value.startswith("**dense** (Dense) → `(None, 32)`")
    lenses = await request(push_client.text_document_code_lens_async(types.CodeLensParams(doc_id(uri))))
    assert [(l.range.start.line, l.command.title) for l in lenses] == [(5, "Total params: 25,450 (99.41 KB)")]
    # Editing the Dense line itself: its hint goes (the line no longer matches), the others stay.
    push_client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            [types.TextDocumentContentChangePartial(
                range=types.Range(types.Position(7, 23), types.Position(7, 25)), text="64")],
        )
    )
    await asyncio.sleep(0.3)
    edited = broken.replace("Dense(32,", "Dense(64,")
    assert hints_summary(await hints(push_client, uri, edited)) == [shifted[0], shifted[1], shifted[3]]
    # Fixing the error brings fresh results for the new text.
    fixed = edited.replace("def (\n", "")
    replace_all(push_client, uri, fixed, 4)
    await pushed(push_client, uri, lambda ds: not any(d.code == "SC001" for d in ds))
    assert hints_summary(await hints(push_client, uri, fixed)) == [
        MLP_HINTS[0], MLP_HINTS[1], (6, 46, "→ (None, 64) · 50,240 params"), (7, 49, "→ (None, 10) · 650 params")
    ]


async def test_rapid_edits_are_debounced_and_never_go_backwards(push_client, tmp_path):
    seen = record_versions(push_client)
    broken = MERGE.replace("inp = layers.Input((784,))", "inp = layers.Input((784,)")
    uri = open_doc(push_client, tmp_path / "merge.py", MERGE)
    await pushed(push_client, uri, lambda ds: len(ds) == 1)
    for version in range(2, 22):  # 20 edits within a few milliseconds, alternating
        replace_all(push_client, uri, broken if version % 2 else MERGE, version)
    await wait_until(lambda: any(v == 21 for _u, v, _c in seen), what="diagnostics for version 21")
    await asyncio.sleep(0.3)  # nothing older may arrive afterwards
    versions = [v for u, v, _c in seen if u == uri]
    assert versions == sorted(versions) and versions[-1] == 21
    assert len(versions) <= 3, versions  # open, perhaps one already running, then the last edit
    assert seen[-1][2] == ["SC001"]  # version 21 is odd: the broken text


async def test_pull_diagnostics_for_a_shape_fault(pull_client, tmp_path):
    uri = open_doc(pull_client, tmp_path / "merge.py", MERGE)
    report = await request(
        pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(doc_id(uri)))
    )
    assert summary(report.items) == [MERGE_DIAG]
    assert report.items[0].severity == types.DiagnosticSeverity.Error


async def test_initialization_options(configured_client, tmp_path):
    uri = open_doc(configured_client, tmp_path / "merge.py", MERGE)
    assert list(await pushed(configured_client, uri)) == []  # SC102 ignored
    assert list(await hints(configured_client, uri, MERGE)) == []  # inlay hints off


async def test_did_change_configuration_with_settings(push_client, tmp_path):
    uri = open_doc(push_client, tmp_path / "merge.py", MERGE)
    await pushed(push_client, uri, lambda ds: len(ds) == 1)
    push_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"shapecheck": {"enable": False}})
    )
    assert list(await pushed(push_client, uri, lambda ds: len(ds) == 0)) == []
    assert await hover_at(push_client, uri, 3, 8) is None
    push_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"shapecheck": {"select": ["SC1"]}})
    )
    assert summary(await pushed(push_client, uri, lambda ds: len(ds) == 1)) == [MERGE_DIAG]
    # A bad value is refused with a message, the rest applies.
    push_client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"shapecheck": {"debounceMs": "fast", "ignore": ["SC102"]}})
    )
    assert list(await pushed(push_client, uri, lambda ds: len(ds) == 0)) == []
    assert any("invalid value for shapecheck.debounceMs: 'fast'" in m.message for m in push_client.log_messages)


async def test_workspace_configuration_is_pulled_on_change(pull_client, tmp_path):
    uri = open_doc(pull_client, tmp_path / "merge.py", MERGE)
    first = await request(pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(doc_id(uri))))
    assert summary(first.items) == [MERGE_DIAG]
    refreshes = pull_client.diagnostic_refresh_count
    pull_client.set_configuration({"ignore": ["SC1"]}, section="shapecheck")
    # VS Code's pull model: the notification carries no settings; the server asks.
    pull_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_until(lambda: pull_client.diagnostic_refresh_count > refreshes, what="workspace/diagnostic/refresh")
    second = await request(pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(doc_id(uri))))
    assert list(second.items) == []


async def test_pyproject_config_and_its_reload(pull_client, tmp_path):
    # VS Code registers a watcher for pyproject.toml files when asked.
    await wait_until(lambda: pull_client.registrations, what="a file watcher registration")
    (watch,) = pull_client.registrations
    assert watch.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    # the test client keeps register_options as plain JSON
    assert watch.register_options == {"watchers": [{"globPattern": "**/pyproject.toml"}]}
    (tmp_path / ".git").mkdir()  # the project root, as for the CLI
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.shapecheck]\nignore = ["SC102"]\n')
    uri = open_doc(pull_client, tmp_path / "merge.py", MERGE)
    first = await request(pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(doc_id(uri))))
    assert list(first.items) == []
    pyproject.write_text('[tool.shapecheck]\nselect = ["SC1"]\n')
    pull_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)])
    )
    second = await request(pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(doc_id(uri))))
    assert summary(second.items) == [MERGE_DIAG]
    # A setting shapecheck does not know: one warning, and the defaults apply meanwhile.
    pyproject.write_text('[tool.shapecheck]\nignored = ["SC102"]\n')
    pull_client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams([types.FileEvent(pyproject.as_uri(), types.FileChangeType.Changed)])
    )
    third = await request(pull_client.text_document_diagnostic_async(types.DocumentDiagnosticParams(doc_id(uri))))
    assert summary(third.items) == [MERGE_DIAG]
    await wait_until(lambda: any("unknown setting 'ignored'" in m.message for m in pull_client.messages),
                     what="a warning about the unknown setting")


NON_ASCII = """\
from keras import layers, models
model = models.Sequential([layers.Input((784,))])
label = "é🙂"; model.add(layers.Dense(32))
label = "é🙂"; bad = layers.Concatenate()([layers.Input((3,)), layers.Input((4, 5))])
"""


async def test_non_ascii_positions_utf16(push_client, tmp_path):
    # "é" is one UTF-16 unit, "🙂" two: columns after them shift by one against code points.
    uri = open_doc(push_client, tmp_path / "u.py", NON_ASCII)
    diags = await pushed(push_client, uri)
    assert summary(diags) == [("SC102", 3, 21, 3, 85)]
    assert (2, 42, "→ (None, 32) · 25,120 params") in hints_summary(await hints(push_client, uri, NON_ASCII))
    hover = await hover_at(push_client, uri, 2, 30)
    assert hover.contents.value.startswith("**dense** (Dense) → `(None, 32)`")
    assert (hover.range.start.character, hover.range.end.character) == (15, 42)


async def test_non_ascii_positions_utf8(utf8_client, tmp_path):
    # Helix counts bytes: "é" is 2, "🙂" 4.
    uri = open_doc(utf8_client, tmp_path / "u.py", NON_ASCII)
    diags = await pushed(utf8_client, uri)
    assert summary(diags) == [("SC102", 3, 24, 3, 88)]
    assert (2, 45, "→ (None, 32) · 25,120 params") in hints_summary(await hints(utf8_client, uri, NON_ASCII))
    hover = await hover_at(utf8_client, uri, 2, 33)
    assert (hover.range.start.character, hover.range.end.character) == (18, 45)
    # The suppress action's edit lands at the end of the line in bytes.
    actions = await request(
        utf8_client.text_document_code_action_async(
            types.CodeActionParams(doc_id(uri), types.Range(types.Position(3, 0), types.Position(3, 0)),
                                   types.CodeActionContext(diagnostics=[]))
        )
    )
    (suppress,) = [a for a in actions if a.title == "Suppress SC102 on this line"]
    fixed = apply_edits(NON_ASCII, suppress.edit.changes[uri], encoding="utf-8")
    assert fixed.splitlines()[3].endswith('layers.Input((4, 5))])  # shapecheck: ignore[SC102]')
