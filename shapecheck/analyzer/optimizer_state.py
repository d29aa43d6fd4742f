"""The variables a Keras 3 optimizer holds once built (by the first fit /
train_on_batch), which model.summary() adds to "Total params".

Every optimizer has an int64 ``iteration`` counter and, unless the learning
rate is a schedule or a callable, a float32 ``learning_rate`` variable; then
slots the shape of each trainable weight (Adam: momentum and velocity...).
"""
from __future__ import annotations

from typing import Optional

from .report import ArgInfo

# name -> slots per trainable weight with default arguments
BASE_SLOTS = {
    "adam": 2, "adamw": 2, "nadam": 2, "adamax": 2, "adadelta": 2, "ftrl": 2,
    "rmsprop": 1, "adagrad": 1, "lion": 1, "sgd": 0,
}
# Keyword -> positional index of the arguments that add slots.
POSITIONS = {
    "sgd": {"learning_rate": 0, "momentum": 1},
    "rmsprop": {"learning_rate": 0, "momentum": 2, "centered": 4},
    "adam": {"learning_rate": 0, "amsgrad": 4},
    "adamw": {"learning_rate": 0, "amsgrad": 5},
}


def _arg(info: ArgInfo, opt: str, name: str) -> Optional[ArgInfo]:
    if name in info.kwargs:
        return info.kwargs[name]
    i = POSITIONS.get(opt, {"learning_rate": 0}).get(name)
    if i is not None and i < len(info.items or []):
        return info.items[i]
    return None


def _const(a: Optional[ArgInfo], default):
    if a is None:
        return default
    return a.value if a.kind == "const" else "?"


def optimizer_state(info: Optional[ArgInfo], trainable: Optional[int]) -> tuple:
    """(count, bytes) of the optimizer's variables for `trainable` trainable
    parameters; (None, None) when the optimizer or its options are unknown."""
    if info is None or trainable is None:
        return None, None
    if info.kind == "const" and isinstance(info.value, str):
        # "adam": the class with its defaults
        info = ArgInfo("object", class_name=info.value)
    if info.kind != "object" or not info.class_name:
        return None, None
    name = info.class_name.lower()
    slots = BASE_SLOTS.get(name)
    if slots is None:
        return None, None
    extra_scalars = 1 if name == "nadam" else 0  # Nadam's running u_product
    if name == "sgd":
        m = _const(_arg(info, name, "momentum"), 0.0)
        if m == "?":
            return None, None
        slots += 1 if m else 0
    if name == "rmsprop":
        m, c = _const(_arg(info, name, "momentum"), 0.0), _const(_arg(info, name, "centered"), False)
        if m == "?" or c == "?":
            return None, None
        slots += (1 if m else 0) + (1 if c else 0)
    if name in ("adam", "adamw"):
        a = _const(_arg(info, name, "amsgrad"), False)
        if a == "?":
            return None, None
        slots += 1 if a else 0
    ema = _const(info.kwargs.get("use_ema"), False)
    if ema == "?":
        return None, None
    slots += 1 if ema else 0
    lr = _arg(info, name, "learning_rate")
    # A schedule or a callable learning rate is no variable.
    lr_var = lr is None or (lr.kind == "const" and isinstance(lr.value, (int, float)))
    if lr is not None and not lr_var and lr.kind not in ("object", "function"):
        return None, None
    scalars_f32 = (1 if lr_var else 0) + extra_scalars
    count = 1 + scalars_f32 + slots * trainable
    return count, 8 + 4 * scalars_f32 + 4 * slots * trainable
