"""Never crash: `shapecheck check`'s pipeline over thousands of real Python files
(numpy, libcst, pygls, numba, the standard library) with zero internal errors.

`make test` sweeps a deterministic sample; SHAPECHECK_SWEEP=all (`make test-all`,
which .ci/run calls too) sweeps every file, SHAPECHECK_SWEEP=N a sample of N.
"""
from __future__ import annotations

import os
import time

import pytest

from .corpus import PACKAGES, corpus_files, describe, sample, sweep_parallel

DEFAULT_SAMPLE = 1000


def _wanted() -> int | None:
    value = os.environ.get("SHAPECHECK_SWEEP", str(DEFAULT_SAMPLE))
    return None if value == "all" else int(value)


def test_the_corpus_is_several_thousand_files():
    files = corpus_files()
    labels = {label.split("/", 1)[0] for label, _ in files}
    assert labels == set(PACKAGES) | {"stdlib"}
    assert len(files) > 3000
    # The sample is the same on every machine with the same packages: chosen by name, not by order or chance.
    assert sample(files, 50) == sample(list(reversed(files)), 50)


@pytest.mark.slow
def test_corpus_sweep_has_no_internal_errors():
    files = corpus_files()
    n = _wanted()
    chosen = files if n is None else sample(files, n)
    start = time.monotonic()
    result = sweep_parallel(chosen, jobs=2)
    wall = time.monotonic() - start
    print(f"\nsweep: {describe(result).splitlines()[0]}; {wall:.0f} s wall on 2 processes")
    assert result.files == len(chosen)
    assert not result.failures, describe(result)
    # It really analyzed: a handful of Python 2 / deliberately broken files at most.
    assert result.syntax_errors + result.unreadable <= max(3, len(chosen) // 200)
    assert result.lines > 200 * len(chosen)
