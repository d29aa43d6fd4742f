"""Serve ``keras``, ``tensorflow.keras``, ``tf.keras`` and the Keras 2 module
paths from the shapecheck runtime while a script runs.

``installed()`` puts a meta-path finder in front of every other one, so a real
Keras or TensorFlow on the machine is never imported; on exit the finder and
every module it served leave ``sys.modules`` again.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import sys
import types

from .namespaces import MODULES


class _Loader(importlib.abc.Loader):
    def __init__(self, fill):
        self.fill = fill

    def create_module(self, spec):
        return types.ModuleType(spec.name)

    def exec_module(self, module):
        self.fill(module)


class KerasShimFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        fill = MODULES.get(fullname)
        if fill is None:
            top = fullname.split(".")[0]
            if top in ("keras", "tensorflow", "tf_keras") and fullname not in MODULES:
                # Refuse the rest of the real packages' trees with a clear message.
                return importlib.machinery.ModuleSpec(fullname, _MissingLoader(), is_package=False)
            return None
        is_pkg = any(name.startswith(fullname + ".") for name in MODULES)
        return importlib.machinery.ModuleSpec(fullname, _Loader(fill), is_package=is_pkg)


class _MissingLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise ModuleNotFoundError(
            f"No module named '{module.__name__}' in the shapecheck runtime (it serves keras, keras.layers, "
            "keras.models, keras.optimizers, keras.losses, keras.metrics, keras.callbacks, keras.utils, "
            "keras.backend, keras.ops and tensorflow.keras)",
            name=module.__name__,
        )


def _served(name: str) -> bool:
    return name.split(".")[0] in ("keras", "tensorflow", "tf_keras")


@contextlib.contextmanager
def installed():
    finder = KerasShimFinder()
    saved = {k: v for k, v in sys.modules.items() if _served(k)}
    for k in saved:
        del sys.modules[k]
    sys.meta_path.insert(0, finder)
    try:
        yield finder
    finally:
        if finder in sys.meta_path:
            sys.meta_path.remove(finder)
        for k in [k for k in sys.modules if _served(k)]:
            del sys.modules[k]
        sys.modules.update(saved)
