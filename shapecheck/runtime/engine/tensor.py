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
        self.keras_mask = None  # the KerasTensor of its Keras mask, when it carries one

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

    # Operators on symbolic tensors become operations of the functional graph, as in
    # Keras 3: a row named from the op's counter ("add", "get_item_1"), of the op's class.
    def _op(self, fn, op_name, *others):
        return op_class(op_name)(fn, name=unique_name(op_name))([self, *others] if others else self)


# Keras 3's operation classes: the op's snake_case name in CamelCase (true_divide -> TrueDivide).
_OP_CLASSES: dict = {}
_OP_ALIASES = {"abs": "absolute", "conj": "conjugate"}  # keras.ops functions that forward to another op


def op_class(op_name: str):
    """A Lambda subclass named like Keras's operation class (summary shows "add (Add)")."""
    cls_name = "".join(part.capitalize() for part in op_name.split("_"))
    cls = _OP_CLASSES.get(cls_name)
    if cls is None:
        from .layer import Lambda

        cls = _OP_CLASSES[cls_name] = type(cls_name, (Lambda,), {"__module__": "keras.src.ops", "is_operation": True})
    return cls


def _make_binary(fn_name, symbol, reverse=False):
    def method(self, other):
        import numpy as np

        op = getattr(np, fn_name)
        if isinstance(other, KerasTensor):
            return self._op(lambda xs: op(xs[1], xs[0]) if reverse else op(xs[0], xs[1]), fn_name, other)
        return self._op(lambda x: op(other, x) if reverse else op(x, other), fn_name)

    return method


for _py, _np in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "true_divide"),
                 ("floordiv", "floor_divide"), ("mod", "mod"), ("pow", "power"), ("matmul", "matmul")]:
    setattr(KerasTensor, f"__{_py}__", _make_binary(_np, _py))
    setattr(KerasTensor, f"__r{_py}__", _make_binary(_np, _py, reverse=True))
KerasTensor.__neg__ = lambda self: self._op(lambda x: -x, "negative")
KerasTensor.__getitem__ = lambda self, idx: self._op(lambda x: x[idx], "get_item")


class Node:
    """One call of a layer in the graph: its input and output tensors."""

    n_mask_inputs = 0  # trailing inputs that are the Keras masks the call was given (symbolic_masks.py)

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


def symbolic_aware(fn, name=None):
    """Wrap a NumPy-level op so that, called on KerasTensors (building a
    functional model), it becomes a Lambda layer in the graph, as Keras 3 turns
    ``keras.ops`` calls on symbolic tensors into operations."""
    import functools

    @functools.wraps(fn)
    def op(*args, **kwargs):
        tensors = []

        def collect(a):
            if isinstance(a, KerasTensor):
                tensors.append(a)
            elif isinstance(a, (list, tuple)):
                for x in a:
                    collect(x)

        for a in list(args) + list(kwargs.values()):
            collect(a)
        if not tensors:
            return fn(*args, **kwargs)

        def substitute(a, it):
            if isinstance(a, KerasTensor):
                return next(it)
            if isinstance(a, (list, tuple)):
                return type(a)(substitute(x, it) for x in a)
            return a

        def body(arrays):
            arrays = arrays if isinstance(arrays, list) else [arrays]
            it = iter(arrays)
            new_args = [substitute(a, it) for a in args]
            new_kwargs = {k: substitute(v, it) for k, v in kwargs.items()}
            return fn(*new_args, **new_kwargs)

        op_name = name or getattr(fn, "__name__", "op")
        op_name = _OP_ALIASES.get(op_name, op_name)
        layer = op_class(op_name)(body, name=unique_name(op_name))
        return layer(tensors if len(tensors) > 1 else tensors[0])

    return op
