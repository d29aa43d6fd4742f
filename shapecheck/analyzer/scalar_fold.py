"""Constant folding of scalar math: math.prod(x.shape[1:]), np.sqrt(64), ..."""
from __future__ import annotations

import math
from typing import Optional

from .values import Const, ListV, TupleV, Value

# name -> function over Python numbers (or a sequence for the reductions)
_SCALAR = {
    "sqrt": math.sqrt, "ceil": math.ceil, "floor": math.floor, "exp": math.exp, "log": math.log,
    "log2": math.log2, "log10": math.log10, "fabs": math.fabs, "abs": abs, "absolute": abs,
    "pow": pow, "power": pow, "isqrt": math.isqrt, "gcd": math.gcd, "lcm": math.lcm,
    "square": lambda x: x * x, "round": round, "trunc": math.trunc,
}
_REDUCE = {"prod": math.prod, "sum": sum, "max": max, "min": min, "amax": max, "amin": min}


def _py(v: Value):
    if isinstance(v, Const) and isinstance(v.value, (int, float)) and not isinstance(v.value, bool):
        return v.value
    if isinstance(v, (TupleV, ListV)) and len(v.items) <= 64:
        out = [_py(i) for i in v.items]
        return None if any(o is None or isinstance(o, list) for o in out) else out
    return None


def fold(leaf: str, args: list, kwargs: dict) -> Optional[Const]:
    """The value of leaf(*args) when every argument is a known number (or, for
    prod/sum/max/min, a tuple of known numbers); None otherwise."""
    if kwargs or not args or len(args) > 2:
        return None
    vals = [_py(a) for a in args]
    if any(v is None for v in vals):
        return None
    try:
        if leaf in _REDUCE and len(vals) == 1 and isinstance(vals[0], list):
            return Const(_REDUCE[leaf](vals[0]))
        if leaf in _SCALAR and not any(isinstance(v, list) for v in vals):
            if leaf in ("pow", "power") and abs(vals[-1]) > 64:
                return None
            return Const(_SCALAR[leaf](*vals))
    except (ValueError, TypeError, OverflowError, ZeroDivisionError):
        return None
    return None
