"""What `shapecheck run` watches: models built and data fed, with the line of
the user's script that did it.  Recording is off unless a run turns it on."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Optional

_RUNTIME_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class BuiltModel:
    model: Any
    line: int
    path: str


@dataclass
class DataEvent:
    method: str
    model: Any
    line: int
    path: str
    x_shapes: list
    y_shapes: list = field(default_factory=list)


class Observer:
    def __init__(self) -> None:
        self.models: list[BuiltModel] = []
        self.events: list[DataEvent] = []


_current: dict[str, Optional[Observer]] = {"obs": None}


def start() -> Observer:
    obs = Observer()
    _current["obs"] = obs
    return obs


def stop() -> None:
    _current["obs"] = None


def active() -> Optional[Observer]:
    return _current["obs"]


def caller_site(skip_self=None):
    """(path, line) of the innermost frame outside the runtime and the shim.  With
    skip_self, frames running a method of that object are passed over too: a subclassed
    model is made where `MyModel(...)` is called, not at its `super().__init__()` (the
    line the analyzer and Keras's own records give it)."""
    f = sys._getframe(1)
    while f is not None:
        fn = os.path.abspath(f.f_code.co_filename)
        if not fn.startswith(_RUNTIME_DIR) and "importlib" not in fn and \
                (skip_self is None or f.f_locals.get("self") is not skip_self):
            return fn, f.f_lineno
        f = f.f_back
    return "<unknown>", 0


def model_built(model) -> None:
    obs = active()
    if obs is None:
        return
    path, line = caller_site(skip_self=model)
    obs.models.append(BuiltModel(model, line, path))


def data_event(method, model, xs, ys=None) -> None:
    obs = active()
    if obs is None:
        return
    path, line = caller_site()
    obs.events.append(DataEvent(method, model, line, path, [tuple(np_shape(x)) for x in xs],
                                [tuple(np_shape(y)) for y in (ys or [])]))


def np_shape(x):
    import numpy as np

    return np.shape(x)
