"""kernels/_heap.py: a freed batch-sized array's pages serve the next one
(no page fault per 4 KB on first write)."""
from __future__ import annotations

import os
import platform
import resource

import numpy as np
import pytest

from shapecheck.runtime.kernels import _heap


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
@pytest.mark.skipif(bool(os.environ.get("MALLOC_MMAP_THRESHOLD_") or os.environ.get("MALLOC_TRIM_THRESHOLD_")),
                    reason="the user's own malloc thresholds are kept")
def test_freed_batch_buffers_are_reused_without_page_faults():
    assert _heap.keep_freed_buffers()  # the kernels package already called it: same answer
    n = 128 * 26 * 26 * 32  # the convnet's first conv output, 11 MB of float32

    def step():  # a conv output, its pooled copy and argmax, then a gradient as big as the first
        a = np.ones(n, np.float32)
        b, c = np.ones(n // 4, np.float32), np.ones(n // 4, np.int32)
        del a
        d = np.zeros(n, np.float32)
        d[:] = 1
        del b, c, d

    step()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(3):
        step()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    # With glibc's defaults this pattern faulted ~1,350 times (measured).
    assert faults < 200, faults
