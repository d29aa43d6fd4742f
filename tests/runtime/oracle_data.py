"""The committed real-Keras numbers (tests/oracle/gen_runtime.py)."""
import json
from functools import lru_cache
from pathlib import Path

import numpy as np

PATH = Path(__file__).resolve().parents[1] / "fixtures" / "runtime" / "oracle.json"


@lru_cache(maxsize=1)
def oracle() -> dict:
    return json.loads(PATH.read_text())


def f32(a):
    return np.asarray(a, dtype=np.float32)
