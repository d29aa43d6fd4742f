"""Parallel sums on the GPU: a shared-memory tree inside each block, then one
more block folds the per-block partials.  Losses, metrics and gradient norms
end here; the host reads back a single float."""
from __future__ import annotations

import numpy as np
from numba import cuda, float32

from ._common import SIMULATED, empty, flat

RT = 16 if SIMULATED else 256  # threads per reduction block (power of two)
MAX_PARTIALS = RT  # blocks in the first pass; the second pass is one block
ZERO = np.float32(0.0)


@cuda.jit(device=True)
def block_sum(buf, v):
    """Sum of ``v`` over the block's threads (all threads get it); ``buf`` is
    shared memory of RT floats."""
    t = cuda.threadIdx.x
    buf[t] = v
    cuda.syncthreads()
    step = RT // 2
    while step > 0:
        if t < step:
            buf[t] += buf[t + step]
        cuda.syncthreads()
        step //= 2
    total = buf[0]
    cuda.syncthreads()
    return total


@cuda.jit
def _partial_sums(x, partials, squared):
    buf = cuda.shared.array(RT, float32)
    s = ZERO
    start = cuda.grid(1)
    stride = cuda.gridsize(1)
    for i in range(start, x.size, stride):
        v = x[i]
        s += v * v if squared else v
    total = block_sum(buf, s)
    if cuda.threadIdx.x == 0:
        partials[cuda.blockIdx.x] = total


def sum_device(x, squared: bool = False):
    """Sum (or sum of squares) of a device array, as a 1-element device array."""
    x = flat(x)
    n = x.size
    blocks = max(1, min(MAX_PARTIALS, (n + RT - 1) // RT))
    partials = empty((blocks,))
    _partial_sums[blocks, RT](x, partials, squared)
    if blocks == 1:
        return partials
    out = empty((1,))
    _partial_sums[1, RT](partials, out, False)
    return out


def total(x, squared: bool = False) -> float:
    """Sum of a device array, read back as a Python float."""
    return float(sum_device(x, squared).copy_to_host()[0])
