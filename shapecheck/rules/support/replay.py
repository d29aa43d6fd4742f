"""Replaying a built Sequential model on data of another shape.

Keras 3 checks data given to a Sequential model less strictly than data given
to a functional one (checked with Keras 3.15.1): ``Sequential.call`` runs the
layers one after the other, after only the rank adjustment of
``Functional._adjust_input_rank``; the declared input dimensions themselves are
not compared.  So 64x64 images given to a Sequential model declared for
128x128 train when every layer takes them (convolutions, global pooling), and
fail at the first layer that does not: one whose weights were built for other
sizes (a Dense after Flatten, a Conv2D built for 3 channels) or whose own
checks refuse the new shape (a Reshape, a pooling that shrinks below 1).

A functional model compares every declared dimension (``Input 0 ... is
incompatible with the layer: expected shape=(None, 128, 128, 3)``), and so
does a functional model used as the first layer of a Sequential one.
"""
from __future__ import annotations

from typing import Optional

from ...layers import ShapeFault, get_spec
from ...layers.shape import is_known
from .context import fmt

# Layer kinds whose call compares the input with the shapes the layer was built
# for, beyond what their weights show (a nested functional model checks its Input).
_STRICT = frozenset({"Functional", "Model"})


class ReplayUnknown(Exception):
    """The replay cannot tell (a layer kind or config the catalog cannot follow)."""


def _weight_shapes(spec, cfg, inputs) -> list:
    return [(w.name, tuple(w.shape)) for w in spec.weights(cfg, inputs)]


def _fixed(shape) -> bool:
    return shape is not None and all(d is None or is_known(d) for d in shape)


def replay_sequential(model, data_shape: tuple) -> Optional[tuple]:
    """Run the layers of a built Sequential ``model`` on ``data_shape`` (after
    Keras's rank adjustment, batch axis included).

    Returns None when every layer takes it, or ``(layer, message, hint)`` for
    the first layer Keras would fail at.  Raises ReplayUnknown when it cannot
    tell.
    """
    shape = (None,) + tuple(data_shape[1:])
    if not _fixed(shape):
        raise ReplayUnknown("symbolic data shape")
    layers = [l for l in model.layers if l.class_name != "InputLayer"]
    if not layers:
        raise ReplayUnknown("no layers")
    for layer in layers:
        spec = get_spec(layer.class_name)
        if layer.class_name in _STRICT or spec is None or len(layer.input_shapes or []) != 1:
            raise ReplayUnknown(layer.class_name)
        built_for = tuple(layer.input_shapes[0]) if layer.input_shapes[0] is not None else None
        if not _fixed(built_for):
            raise ReplayUnknown("symbolic input")
        cfg = layer.config or {}
        try:
            out = spec.output_shape(cfg, [shape])
        except ShapeFault as fault:
            return (layer,
                    f"{layer.name} ({layer.class_name}) cannot take {fmt(shape)}: {fault.message}",
                    fault.fix)
        except Exception as err:  # a spec that cannot follow this shape: no verdict
            raise ReplayUnknown(str(err)) from None
        try:
            before = _weight_shapes(spec, cfg, [built_for])
            after = _weight_shapes(spec, cfg, [shape])
        except ShapeFault:
            before = after = None
        except Exception as err:
            raise ReplayUnknown(str(err)) from None
        if before is not None and before != after:
            for (name, was), (_, now) in zip(before, after):
                if was != now:
                    return (layer,
                            f"{layer.name} ({layer.class_name}) was built for inputs {fmt(built_for)} (its {name} is "
                            f"{fmt(was)}) and now gets {fmt(shape)}, which needs a {name} of {fmt(now)}",
                            None)
        if isinstance(out, list) or not _fixed(out):
            raise ReplayUnknown("output shape")
        shape = tuple(out)
    return None
