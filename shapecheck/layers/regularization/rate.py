"""The [0, 1] check Keras makes on dropout rates and noise levels."""
from ..base import ShapeFault


def unit_interval(cfg, key):
    v = cfg.get(key)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and not 0 <= v <= 1:
        raise ShapeFault(
            "SC108",
            f"Invalid value received for argument `{key}`. Expected a float value between 0 and 1. Received: {key}={v}",
            arg=key,
        )
