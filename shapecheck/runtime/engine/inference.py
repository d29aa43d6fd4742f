"""How many of the caller's predict batches run as one block.

Inference computes each sample on its own in almost every catalog layer, so
running four 128-row batches as one 512-row block gives the same outputs row
for row (the matrix products sum every element in the same order whatever
the number of rows: checked bit for bit in tests/runtime/test_inference_blocks.py)
while the products run nearer BLAS's best rate and the per-layer Python cost
is paid once.  The batch size stays what it is to the caller: a bound on
memory, so a block is only made while its activations stay small.

Not blocked: subclassed models (their call() is arbitrary Python), Lambda and
custom layers, stateful recurrent layers (state carries from batch to batch),
layers that work across the batch axis (axis=0), and the GPU path.
"""
from __future__ import annotations

import numpy as np

BLOCK_ROWS = 1024  # products this tall run near the BLAS peak here (MLP predict: 512 rows 175k samples/s, 1024 186k)
BLOCK_BYTES = 16 << 20  # a block's layer outputs, all together, stay under this


def _axis_touches_batch(cfg: dict) -> bool:
    for key in ("axis", "axes"):
        v = cfg.get(key)
        vals = v if isinstance(v, (list, tuple)) else [v]
        if any(isinstance(a, int) and not isinstance(a, bool) and a == 0 for a in vals):
            return True
    return False


def rows_independent(model) -> bool:
    """Whether each output row depends only on the same input row in inference."""
    from .layer import CatalogLayer, InputLayer, _nested_cfgs

    graph = getattr(model, "_graph", None)
    if graph is None:
        return False
    for node in graph.nodes:
        layer = node.layer
        if isinstance(layer, InputLayer):
            continue
        if getattr(layer, "_graph", None) is not None and hasattr(layer, "predict"):
            if not rows_independent(layer):
                return False
            continue
        if not isinstance(layer, CatalogLayer):
            return False
        for cfg in [layer.cfg, *_nested_cfgs(layer.cfg)]:
            if cfg.get("stateful") or _axis_touches_batch(cfg):
                return False
    return True


def _per_sample_bytes(model):
    """The bytes of one sample's layer outputs, from the graph's symbolic
    tensors; None when a non-batch dimension is only known at run time."""
    total = 0
    for node in model._graph.nodes:
        for t in node.outputs:
            shape = tuple(getattr(t, "shape", None) or ())
            if not shape or any(d is None for d in shape[1:]):
                return None
            total += 4 * int(np.prod(shape[1:], dtype=np.int64))
    return total


def batches_per_block(model, batch_size: int, on_gpu: bool) -> int:
    """Call after one batch has run (a model given no Input builds then)."""
    if on_gpu or batch_size >= BLOCK_ROWS or not rows_independent(model):
        return 1
    per_sample = _per_sample_bytes(model)
    if per_sample is None:
        return 1
    per_sample = max(1, per_sample)
    by_rows = BLOCK_ROWS // batch_size
    by_bytes = BLOCK_BYTES // (per_sample * batch_size)
    return max(1, min(by_rows, by_bytes))
