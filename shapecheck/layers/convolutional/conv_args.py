"""Config checks and shape steps every convolution kind shares (Keras's BaseConv family).

Each function mirrors one check Keras makes, with its wording, so that the
specs for Conv, ConvTranspose, SeparableConv and DepthwiseConv stay short.
"""
from __future__ import annotations

from typing import Optional

from ..base import ShapeFault, require_rank
from ..shape import Dim, Sym, format_shape, is_known
from . import geometry as g


def positive(cfg: dict, key: str) -> None:
    """``filters`` / ``depth_multiplier``: Keras requires a strictly positive value."""
    v = cfg.get(key)
    if is_known(v) and v <= 0:
        raise ShapeFault(
            "SC108",
            f"Invalid value for argument `{key}`. Expected a strictly positive value. Received {key}={v}.",
            arg=key,
        )


def padding(cfg: dict, *, allow_causal: bool = False) -> Optional[str]:
    """The lower-cased padding mode (Keras lower-cases it for convolutions); None if unknown."""
    v = cfg.get("padding")
    if g.is_unknown_value(v):
        return None
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    if isinstance(v, str):
        mode = v.lower()
        if mode in allowed:
            return mode
    shown = "{" + ", ".join(f"'{a}'" for a in allowed) + "}"
    # Keras accepts a list/tuple in __init__ and refuses it when called; either way it is refused.
    raise ShapeFault(
        "SC108",
        f"The `padding` argument must be one of {shown}. Received: {g.fmt_value(v)}",
        arg="padding",
    )


def window(cfg: dict, rank: int, *, check_dilated_strides: bool = True) -> tuple[tuple, tuple, tuple]:
    """kernel_size, strides and dilation_rate as rank-tuples, checked as Keras does."""
    kernel = g.ntuple(cfg.get("kernel_size"), rank, "kernel_size")
    strides = g.ntuple(cfg.get("strides"), rank, "strides")
    dilation = g.ntuple(cfg.get("dilation_rate"), rank, "dilation_rate")
    if check_dilated_strides and any(is_known(s) and s > 1 for s in strides) and any(
        is_known(d) and d > 1 for d in dilation
    ):
        raise ShapeFault(
            "SC108",
            "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
            f"Received: strides={g.fmt_value(strides)} and dilation_rate={g.fmt_value(dilation)}",
            arg="strides",
        )
    return kernel, strides, dilation


def check_rank(x: tuple, rank: int, layer: str, kernel_shape: tuple) -> None:
    """InputSpec(min_ndim=rank+2), then Keras's own check that the kernel and input ranks agree."""
    require_rank(x, layer, min_rank=rank + 2)
    if len(x) != rank + 2:
        raise ShapeFault(
            "SC101",
            "Kernel shape must have the same length as input, but received kernel of shape "
            f"{format_shape(kernel_shape)} and input of shape {format_shape(x)}.",
        )


def channels(x: tuple, fmt: Optional[str], layer: str) -> Dim:
    """The input's channel dimension, which sizes the kernel and so must be known to Keras."""
    if fmt is None:
        return Sym(f"{layer}_channels")
    c = x[1] if fmt == g.CHANNELS_FIRST else x[-1]
    if c is None:
        axis = 1 if fmt == g.CHANNELS_FIRST else -1
        raise ShapeFault(
            "SC106",
            "Shapes used to initialize variables must be fully-defined (no `None` dimensions): "
            f"the kernel of {layer} is sized by the channel dimension of its input (axis {axis}, "
            f"{fmt}), which is None. Full input shape received: {format_shape(x)}",
        )
    return c


def conv_spatial(
    x: tuple,
    fmt: Optional[str],
    kernel: tuple,
    strides: tuple,
    dilation: tuple,
    mode: Optional[str],
    kernel_shape: tuple,
    layer: str,
) -> tuple:
    """Output spatial dims of a (non-transposed) convolution; SC105 when one would drop below 1."""
    if fmt is None:
        return g.unknown_spatial(x, layer)[1:-1]
    _, spatial, _ = g.split(x, fmt)
    out = []
    for i, n in enumerate(spatial):
        if mode is None:
            out.append(None if n is None else Sym(f"{layer}_out{i}"))
            continue
        length = g.conv_length(n, kernel[i], strides[i], dilation[i], mode)
        if is_known(length) and length <= 0:
            raise ShapeFault(
                "SC105",
                "Computed output size would be zero or negative. Received "
                f"`inputs shape={format_shape(x)}`, `kernel shape={format_shape(kernel_shape)}`, "
                f"`dilation_rate={g.fmt_value(dilation)}`, `strides={g.fmt_value(strides)}`, "
                f"`padding={mode}`.",
            )
        out.append(length)
    return tuple(out)

