"""The expected-JSON file format shared by the oracle (writer) and the tests (reader).

Plain ``json`` with one layer per line and shapes inline, so that a diff
between expected and actual points at the layer that differs. No Keras here:
the test suite imports this module.
"""
from __future__ import annotations

import json

SCHEMA_VERSION = 1


def dumps_report(files: list) -> str:
    """``{"version": 1, "files": files}`` as text, layers one per line."""
    markers = {}

    def mark(obj):
        key = f"@@{len(markers)}@@"
        markers[key] = json.dumps(obj)
        return key

    def compact_model(model: dict) -> dict:
        out = {}
        for k, v in model.items():
            if k == "layers":
                out[k] = [mark(layer) for layer in v]
            elif k in ("inputs", "outputs"):
                out[k] = mark(v)
            else:
                out[k] = v
        return out

    doc = {
        "version": SCHEMA_VERSION,
        "files": [dict(f, models=[compact_model(m) for m in f.get("models", [])]) for f in files],
    }
    text = json.dumps(doc, indent=1)
    for key, value in markers.items():
        text = text.replace(json.dumps(key), value)
    return text + "\n"


def dumps_models(models: list) -> str:
    """The models of one file in the same layout (used for test diffs)."""
    return dumps_report([{"path": "", "models": models}])
