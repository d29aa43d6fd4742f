"""Weight regularizers (``kernel_regularizer=l2(0.01)``): a penalty added to
the loss and its gradient added to the weight's, as Keras 3 does."""
from __future__ import annotations

import numpy as np


class Regularizer:
    def __call__(self, x):
        return np.float32(0.0)

    def gradient(self, x):
        return None

    def get_config(self):
        return {}


class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1 or 0.0), float(l2 or 0.0)

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float32)
        out = np.float32(0.0)
        if self.l1:
            out += np.float32(self.l1) * np.sum(np.abs(x))
        if self.l2:
            out += np.float32(self.l2) * np.sum(np.square(x))
        return np.float32(out)

    def gradient(self, x):
        g = np.zeros_like(x, dtype=np.float32)
        if self.l1:
            g += np.float32(self.l1) * np.sign(x)
        if self.l2:
            g += np.float32(2 * self.l2) * x
        return g

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


l1 = L1
l2 = L2


def get(identifier):
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        table = {"l1": L1, "l2": L2, "l1_l2": lambda: L1L2(0.01, 0.01), "L1": L1, "L2": L2}
        if identifier in table:
            return table[identifier]()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier}")
