"""Symbolic tensors of the functional API and the nodes that connect them."""
from __future__ import annotations

from .context import unique_name


def format_shape(shape) -> str:
    if len(shape) == 1:
        return f"({'None' if shape[0] is None else shape[0]},)"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


class KerasTensor:
    """A placeholder with a shape (batch axis None) and the layer call that made it."""

    def __init__(self, shape, dtype="float32", name=None, node=None, index=0):
        self.shape = tuple(shape)
        self.dtype = str(dtype)
        self.name = name or unique_name("keras_tensor")
        self.node = node  # the Node that produced it (None for an Input's tensor before wiring)
        self.index = index

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse=False, ragged=False, name={self.name}>"

    def __len__(self):
        raise TypeError("len() is not defined for a symbolic KerasTensor; use tensor.shape")

    def __iter__(self):
        raise TypeError("Iterating over a symbolic KerasTensor is not supported.")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't have any "
            "actual numerical value. You cannot convert it to a NumPy array."
        )

    # Operators on symbolic tensors become anonymous Lambda layers, as Keras 3
    # wraps them into operations of the functional graph.
    def _op(self, fn, *others):
        from .layer import Lambda

        return Lambda(fn, name=unique_name("lambda_op"))([self, *others] if others else self)


def _make_binary(fn_name, symbol, reverse=False):
    def method(self, other):
        import numpy as np

        op = getattr(np, fn_name)
        if isinstance(other, KerasTensor):
            return self._op(lambda xs: op(xs[1], xs[0]) if reverse else op(xs[0], xs[1]), other)
        return self._op(lambda x: op(other, x) if reverse else op(x, other))

    return method


for _py, _np in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
                 ("pow", "power"), ("matmul", "matmul")]:
    setattr(KerasTensor, f"__{_py}__", _make_binary(_np, _py))
    setattr(KerasTensor, f"__r{_py}__", _make_binary(_np, _py, reverse=True))
KerasTensor.__neg__ = lambda self: self._op(lambda x: -x)
KerasTensor.__getitem__ = lambda self, idx: self._op(lambda x: x[idx])


class Node:
    """One call of a layer in the graph: its input and output tensors."""

    def __init__(self, layer, inputs, outputs, call_kwargs=None):
        self.layer = layer
        self.inputs = list(inputs)
        self.outputs = list(outputs)
        self.call_kwargs = call_kwargs or {}
        for i, t in enumerate(self.outputs):
            t.node = self
            t.index = i

    @property
    def parents(self):
        return [t.node for t in self.inputs if t.node is not None]


def flatten(structure) -> list:
    """Tensors of a (nested) list / tuple / dict, in order."""
    if isinstance(structure, (list, tuple)):
        out = []
        for s in structure:
            out.extend(flatten(s))
        return out
    if isinstance(structure, dict):
        out = []
        for k in sorted(structure):  # Keras flattens dicts in key order
            out.extend(flatten(structure[k]))
        return out
    return [structure]


def is_symbolic(structure) -> bool:
    return any(isinstance(t, KerasTensor) for t in flatten(structure))
