"""The Hashing layer's FarmHash64 against TensorFlow's own fingerprints
(tests/oracle/gen_runtime_farmhash.py): every length class of the algorithm
(0, 1-3, 4-7, 8-16, 17-32, 33-64 and the 64-byte-block loop)."""
import json
from pathlib import Path

import numpy as np

from shapecheck.runtime.kernels.farmhash import fingerprint64
from shapecheck.runtime.kernels.lookup import HashingKernel

DATA = json.loads((Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "farmhash64.json").read_text())


def test_fingerprints_equal_tensorflows():
    got = [fingerprint64(s.encode()) for s in DATA["strs"]]
    assert got == [int(v) for v in DATA["fp"]]
    assert {len(s) for s in DATA["strs"]} >= {0, 1, 3, 4, 8, 15, 24, 32, 33, 64, 65, 200}


def test_hashing_buckets_equal_to_hash_bucket_fast():
    out, _ = HashingKernel().forward({"num_bins": 1000}, {}, [np.array(DATA["strs"], dtype=object)], False, None)
    assert out[0].tolist() == DATA["b1000"]


def test_hashing_mask_value_takes_bin_zero():
    out, _ = HashingKernel().forward({"num_bins": 5, "mask_value": "cat"}, {},
                                     [np.array([["cat"], ["dog"]], dtype=object)], False, None)
    assert out[0].tolist() == [[0], [fingerprint64(b"dog") % 4 + 1]]
