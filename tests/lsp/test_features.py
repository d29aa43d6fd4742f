"""Inlay hints, hovers, code lenses, symbols and code actions over the real server.

The expected shapes and counts are Keras 3's (Dense(32) on 784 features:
784×32 + 32 = 25,120 params; Dense(10) on 32: 330; 25,450 float32 params = 99.41 KB).
"""
from __future__ import annotations

import pytest
from lsprotocol import types

from .helpers import (
    apply_edits,
    doc_id,
    full_range,
    hints_summary,
    open_doc,
    pushed,
    replace_all,
    request,
    summary,
)

# One server for the module: these tests only open files and ask.
pytestmark = pytest.mark.asyncio(loop_scope="module")

MLP = """\
import numpy as np
from keras import layers, models

x_train = np.random.random((1000, 784))
model = models.Sequential()
model.add(layers.Input((784,)))
model.add(layers.Dense(32, activation="relu"))
model.add(layers.Dense(10, activation="softmax"))
"""

MLP_HINTS = [
    (3, 39, "→ (1000, 784)"),
    (5, 30, "→ (None, 784)"),
    (6, 46, "→ (None, 32) · 25,120 params"),
    (7, 49, "→ (None, 10) · 330 params"),
]

# Concatenate of (None, 32) and (None, 3, 5): Keras raises at build time.
MERGE = """\
from keras import layers

inp = layers.Input((784,))
h = layers.Dense(32)(inp)
bad = layers.Concatenate()([h, layers.Dense(5)(layers.Input((3, 4)))])
"""
MERGE_DIAG = ("SC102", 4, 6, 4, 70)


async def hints(client, uri, text):
    return await request(
        client.text_document_inlay_hint_async(types.InlayHintParams(doc_id(uri), full_range(text)))
    )


async def hover_at(client, uri, line, character):
    return await request(
        client.text_document_hover_async(types.HoverParams(doc_id(uri), types.Position(line, character)))
    )


async def test_inlay_hints_for_layers_and_arrays(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "mlp.py", MLP)
    assert hints_summary(await hints(shared_client, uri, MLP)) == MLP_HINTS
    # Only the requested range: line 7 (0-based 6) holds the first Dense.
    only = await request(
        shared_client.text_document_inlay_hint_async(
            types.InlayHintParams(doc_id(uri), types.Range(types.Position(6, 0), types.Position(6, 10)))
        )
    )
    assert hints_summary(only) == [MLP_HINTS[2]]


async def test_hints_in_a_sequential_list_land_after_each_layer(shared_client, tmp_path):
    text = "from keras import layers, models\nm = models.Sequential([layers.Input((784,)), layers.Dense(32), layers.Dense(10)])\n"
    uri = open_doc(shared_client, tmp_path / "seq.py", text)
    result = hints_summary(await hints(shared_client, uri, text))
    assert result == [
        (1, 43, "→ (None, 784)"),
        (1, 61, "→ (None, 32) · 25,120 params"),
        (1, 79, "→ (None, 10) · 330 params"),
    ]


async def test_hover_layer_shows_params_formula(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "mlp.py", MLP)
    hover = await hover_at(shared_client, uri, 6, 20)  # on `Dense` in line 7
    assert hover.contents.kind == types.MarkupKind.Markdown
    lines = hover.contents.value.split("  \n")
    assert lines[0] == "**dense** (Dense) → `(None, 32)`"
    assert "params: 784×32 + 32 = 25,120" in lines
    assert "in model `model`" in lines
    assert (hover.range.start.line, hover.range.start.character, hover.range.end.character) == (6, 0, 46)


async def test_hover_model_and_array(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "mlp.py", MLP)
    hover = await hover_at(shared_client, uri, 4, 2)  # the name `model`
    value = hover.contents.value
    assert value.startswith("**model**: sequential model, 2 layers")
    assert "total params: 25,450 (99.41 KB)" in value
    assert "outputs: `(None, 10)`" in value
    hover = await hover_at(shared_client, uri, 3, 20)  # np.random.random((1000, 784))
    assert hover.contents.value.startswith("**NumPy array** `(1000, 784)`")
    assert await hover_at(shared_client, uri, 1, 3) is None  # `from`: nothing to say


async def test_hover_tensor_variable_where_it_is_used(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "merge.py", MERGE)
    # `h` in `[h, ...]` on line 5 was assigned `layers.Dense(32)(inp)` on line 4
    hover = await hover_at(shared_client, uri, 4, MERGE.splitlines()[4].index("[h") + 1)
    assert hover.contents.value == "**h**: layer `(None, 32) · 25,120 params` (assigned line 4)"
    hover = await hover_at(shared_client, uri, 3, MERGE.splitlines()[3].index("(inp)") + 2)
    assert hover.contents.value == "**inp**: tensor `(None, 784)` (assigned line 3)"


async def test_hover_on_suppression_comment_shows_rule_docs(shared_client, tmp_path):
    text = "x = 1  # shapecheck: ignore[SC101, SC204]\n"
    uri = open_doc(shared_client, tmp_path / "s.py", text)
    hover = await hover_at(shared_client, uri, 0, text.index("SC204") + 2)
    first, second = hover.contents.value.split("\n\n---\n\n")
    # the code under the cursor first
    assert first.startswith("**SC204** `unknown-activation` (error)\n\nUnknown activation")
    assert second.startswith("**SC101** `input-rank` (error)")


async def test_code_lens_and_summary_command(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "mlp.py", MLP)
    lenses = await request(shared_client.text_document_code_lens_async(types.CodeLensParams(doc_id(uri))))
    assert [(l.range.start.line, l.command.title, l.command.command) for l in lenses] == [
        (4, "Total params: 25,450 (99.41 KB)", "shapecheck.showSummary")
    ]
    text = await request(
        shared_client.workspace_execute_command_async(
            types.ExecuteCommandParams(lenses[0].command.command, lenses[0].command.arguments)
        )
    )
    assert text.startswith('Model: "sequential"')
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in text.splitlines() if line.startswith("│")]
    assert rows == [["dense (Dense)", "(None, 32)", "25,120"], ["dense_1 (Dense)", "(None, 10)", "330"]]
    assert " Total params: 25,450 (99.41 KB)" in text
    # Neovim 0.9 declares window/showDocument: the table opens as a text file.
    shown = shared_client.shown_documents[-1]
    assert shown.take_focus is True
    from pathlib import Path
    from urllib.parse import unquote, urlparse

    assert Path(unquote(urlparse(shown.uri).path)).read_text() == text


async def test_document_symbols_outline_models_and_layers(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "mlp.py", MLP)
    symbols = await request(
        shared_client.text_document_document_symbol_async(types.DocumentSymbolParams(doc_id(uri)))
    )
    assert [(s.name, s.kind, s.detail) for s in symbols] == [
        ("model", types.SymbolKind.Class, "sequential · 25,450 params")
    ]
    assert [(c.name, c.detail, c.range.start.line) for c in symbols[0].children] == [
        ("dense", "Dense → (None, 32) · 25,120 params", 6),
        ("dense_1", "Dense → (None, 10) · 330 params", 7),
    ]
    assert (symbols[0].range.start.line, symbols[0].range.end.line) == (4, 7)


async def test_shape_fault_pushed_with_range(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "merge.py", MERGE)
    diags = await pushed(shared_client, uri)
    assert summary(diags) == [MERGE_DIAG]
    assert diags[0].message.startswith("Concatenate(axis=-1) needs inputs with matching shapes")


async def suppress_action(client, uri):
    line = types.Range(types.Position(4, 0), types.Position(4, 0))
    return await request(
        client.text_document_code_action_async(
            types.CodeActionParams(doc_id(uri), line, types.CodeActionContext(diagnostics=[]))
        )
    )


SUPPRESSED_LINE = "bad = layers.Concatenate()([h, layers.Dense(5)(layers.Input((3, 4)))])  # shapecheck: ignore[SC102]"


async def test_suppress_action_edit(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "merge.py", MERGE)
    await pushed(shared_client, uri, lambda ds: len(ds) == 1)
    actions = await suppress_action(shared_client, uri)
    assert [a.title for a in actions] == ["Suppress SC102 on this line"]
    assert actions[0].kind == types.CodeActionKind.QuickFix
    assert summary(actions[0].diagnostics) == [MERGE_DIAG]
    fixed = apply_edits(MERGE, actions[0].edit.changes[uri])
    assert fixed.splitlines() == MERGE.splitlines()[:4] + [SUPPRESSED_LINE]
    # A client asking only for refactorings gets none of these.
    refactor_only = await request(
        shared_client.text_document_code_action_async(
            types.CodeActionParams(doc_id(uri), types.Range(types.Position(4, 0), types.Position(4, 0)),
                                   types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Refactor]))
        )
    )
    assert list(refactor_only) == []
    quickfix_only = await request(
        shared_client.text_document_code_action_async(
            types.CodeActionParams(doc_id(uri), types.Range(types.Position(4, 0), types.Position(4, 0)),
                                   types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.QuickFix]))
        )
    )
    assert [a.title for a in quickfix_only] == ["Suppress SC102 on this line"]
    # Once the comment is there, a second suppression of the same code is not offered,
    # and another code would join the same comment.
    replace_all(shared_client, uri, fixed, 2)
    assert list(await suppress_action(shared_client, uri)) == []


async def test_suppressed_after_reanalysis(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "merge.py", MERGE)
    await pushed(shared_client, uri, lambda ds: len(ds) == 1)
    actions = await suppress_action(shared_client, uri)
    replace_all(shared_client, uri, apply_edits(MERGE, actions[0].edit.changes[uri]), 2)
    diags = await pushed(shared_client, uri, lambda ds: len(ds) == 0, timeout_s=5)
    assert list(diags) == []


FIXABLE = """\
from keras import layers, models

model = models.Sequential([layers.Input((8,)), layers.Dense(3, activation="sofmax")])
"""


async def test_fix_action_applied_and_reanalyzed(shared_client, tmp_path):
    # SC204 carries a Fix replacing the misspelt activation (check pipeline).
    uri = open_doc(shared_client, tmp_path / "fixable.py", FIXABLE)
    diags = await pushed(shared_client, uri, lambda ds: any(d.code == "SC204" for d in ds))
    line = next(d.range.start.line for d in diags if d.code == "SC204")
    actions = await request(
        shared_client.text_document_code_action_async(
            types.CodeActionParams(doc_id(uri), types.Range(types.Position(line, 0), types.Position(line, 0)),
                                   types.CodeActionContext(diagnostics=[]))
        )
    )
    fixes = [a for a in actions if not a.title.startswith("Suppress")]
    assert fixes and fixes[0].is_preferred
    fixed = apply_edits(FIXABLE, fixes[0].edit.changes[uri])
    assert fixed == FIXABLE.replace('"sofmax"', '"softmax"')
    replace_all(shared_client, uri, fixed, 2)
    after = await pushed(shared_client, uri, lambda ds: not any(d.code == "SC204" for d in ds))
    assert not any(d.code == "SC204" for d in after)


# A Sequential made in a class, holding a keras.applications backbone: the
# backbone's row has no place in the file (found in the keras-io sweep, where
# every hint and hover request of such a file failed with a TypeError).
BACKBONE = """\
import keras
from keras import layers


class Scorer:
    def __init__(self):
        self.encoder = keras.Sequential([
            keras.Input((75, 75, 3)),
            keras.applications.InceptionV3(include_top=False, input_shape=(75, 75, 3), weights=None),
            layers.GlobalAveragePooling2D(),
        ])


scorer = Scorer()
"""


async def test_hints_hovers_and_symbols_around_a_layer_with_no_place(shared_client, tmp_path):
    uri = open_doc(shared_client, tmp_path / "backbone.py", BACKBONE)
    got = hints_summary(await hints(shared_client, uri, BACKBONE))
    assert (9, 43, "→ (None, 2048)") in got
    assert not [h for h in got if h[0] == 8]  # the backbone call: no hint with its own Input's shape
    hover = await hover_at(shared_client, uri, 9, 20)  # on GlobalAveragePooling2D
    assert "(None, 2048)" in hover.contents.value
    symbols = await request(shared_client.text_document_document_symbol_async(
        types.DocumentSymbolParams(doc_id(uri))))
    assert [c.name for s in symbols for c in (s.children or [])] == ["global_average_pooling2d"]
