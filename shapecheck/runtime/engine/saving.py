"""save_weights / load_weights in NumPy's npz format.

The file holds every weight under "<index>:<layer>/<weight>" plus a
signature of the architecture (layer classes and weight shapes, in order), so
that loading into a different model is refused with a message saying where
the two differ.  Values are stored as float32 and round-trip bit for bit.
"""
from __future__ import annotations

import json

import numpy as np


def _signature(model) -> list:
    sig = []
    for layer in model.layers:
        vs = layer._all_vars()
        if vs:
            sig.append([layer.name, type(layer).__name__, [[v.name, list(v.shape)] for v in vs]])
    return sig


def save_weights(model, filepath) -> None:
    if not model.built:
        raise ValueError("You are calling `save_weights()` on a model that has not been built yet. "
                         "Build it (call it on data, or add an Input) first.")
    arrays = {}
    i = 0
    for layer in model.layers:
        for v in layer._all_vars():
            arrays[f"{i:04d}:{layer.name}/{v.name}"] = v.value
            i += 1
    arrays["__signature__"] = np.frombuffer(json.dumps(_signature(model)).encode(), dtype=np.uint8)
    if hasattr(filepath, "write"):
        np.savez(filepath, **arrays)
        return
    # An open file keeps NumPy from appending ".npz" to the name the script chose.
    with open(filepath, "wb") as f:
        np.savez(f, **arrays)


def load_weights(model, filepath) -> None:
    try:
        data = np.load(filepath, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise ValueError(f"Could not read weights from {filepath!r}: {err}") from None
    if "__signature__" not in data.files:
        raise ValueError(f"{filepath!r} is not a weights file written by save_weights().")
    saved = json.loads(bytes(data["__signature__"]).decode())
    mine = _signature(model)
    if len(saved) != len(mine):
        raise ValueError(
            f"Cannot load weights from {filepath!r}: the file holds weights for {len(saved)} layers, "
            f"but model '{model.name}' has {len(mine)} layers with weights."
        )
    for (sname, scls, sws), (mname, mcls, mws) in zip(saved, mine):
        if scls != mcls or [w[1] for w in sws] != [w[1] for w in mws]:
            raise ValueError(
                f"Cannot load weights from {filepath!r}: layer '{mname}' ({mcls}) has weights "
                f"{[tuple(w[1]) for w in mws]} but the file has {[tuple(w[1]) for w in sws]} "
                f"for layer '{sname}' ({scls}); the file was saved from a different architecture."
            )
    keys = sorted(k for k in data.files if k != "__signature__")
    variables = [v for layer in model.layers for v in layer._all_vars()]
    for key, var in zip(keys, variables):
        var.value[...] = data[key]


# -- whole models (model.save / keras.models.load_model) ---------------------------------------
# A .keras file written here holds the weights and the layer list, but the
# model's structure stays in this process: load_model rebuilds a model saved
# by the same run (the usual save-then-load or ModelCheckpoint-then-load).
_SAVED: dict = {}


def _key(filepath) -> str:
    import os

    return os.path.realpath(os.fspath(filepath))


def save_model(model, filepath, overwrite=True) -> None:
    import copy
    import os
    import zipfile

    path = os.fspath(filepath)
    if not str(path).endswith((".keras", ".h5", ".hdf5")):
        raise ValueError(
            "Invalid filepath extension for saving. Please add either a `.keras` extension for the native Keras "
            f"format (recommended) or a `.h5` extension. Received: filepath={path}."
        )
    if not model.built:
        raise ValueError("You are calling `save()` on a model that has not been built yet. "
                         "Build it (call it on data, or add an Input) first.")
    snapshot = copy.deepcopy(model)
    from io import BytesIO

    buf = BytesIO()
    save_weights(model, buf)
    meta = {"format": "shapecheck-runtime", "class_name": type(model).__name__, "name": model.name,
            "layers": [[l.name, type(l).__name__] for l in model.layers]}
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps(meta))
        z.writestr("model.weights.npz", buf.getvalue())
    _SAVED[_key(path)] = snapshot


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    import copy
    import os
    import zipfile
    from io import BytesIO

    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise ValueError(f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` zip file.")
    snapshot = _SAVED.get(_key(path))
    if snapshot is None:
        raise NotImplementedError(
            f"keras.models.load_model({path!r}): the shapecheck runtime loads only models saved by the same run "
            "(model.save(...) earlier in this script); rebuild the model in code and use model.load_weights()"
        )
    model = copy.deepcopy(snapshot)
    with zipfile.ZipFile(path) as z:
        load_weights(model, BytesIO(z.read("model.weights.npz")))
    if not compile:
        model.optimizer = None
        model.compiled = False
    return model
