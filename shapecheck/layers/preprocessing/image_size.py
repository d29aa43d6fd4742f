"""Image layers that set the height and width: Resizing, CenterCrop, RandomCrop.

Keras reads a rank-4 input as a batch of images and any other rank as one
unbatched image, so Resizing on (None, 28, 28) writes height and width into the
first two axes.  CenterCrop accepts only rank 3 or 4; RandomCrop indexes from
the end (-3, -2 for channels_last).
"""
from ..base import REQUIRED, LayerSpec, ShapeFault, register, single
from ..convolutional import geometry as g
from ..shape import format_shape


class _SetsSize(LayerSpec):
    family = "preprocessing"

    def validate(self, cfg):
        g.check_data_format(cfg)

    def _hw(self, cfg):
        return g.as_dim(cfg.get("height"), "height"), g.as_dim(cfg.get("width"), "width")

    def _axes(self, x, fmt):
        """The (height, width) axes Keras writes for an input of this rank."""
        if len(x) == 4:
            return (1, 2) if fmt == g.CHANNELS_LAST else (2, 3)
        return (0, 1) if fmt == g.CHANNELS_LAST else (1, 2)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        fmt = g.data_format(cfg)
        if fmt is None:
            return g.unknown_spatial(x, self.class_name)
        self._check_rank(x)
        out = list(x)
        h_axis, w_axis = self._axes(x, fmt)
        out[h_axis], out[w_axis] = self._hw(cfg)
        return tuple(out)

    def _check_rank(self, x):
        pass


@register
class Resizing(_SetsSize):
    class_name = "Resizing"
    params = {
        "height": REQUIRED,
        "width": REQUIRED,
        "interpolation": "bilinear",
        "crop_to_aspect_ratio": False,
        "pad_to_aspect_ratio": False,
        "fill_mode": "constant",
        "fill_value": 0.0,
        "antialias": False,
        "data_format": None,
    }

    def _check_rank(self, x):
        if len(x) < 3:
            raise ShapeFault(
                "SC101",
                f"Resizing expects images: a rank-4 batch or a rank-3 image. Received: input shape {format_shape(x)}",
            )


@register
class CenterCrop(_SetsSize):
    class_name = "CenterCrop"
    params = {"height": REQUIRED, "width": REQUIRED, "data_format": None}

    def _check_rank(self, x):
        if len(x) not in (3, 4):
            raise ShapeFault(
                "SC101",
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 "
                f"(batched). Received: input shape {format_shape(x)}",
            )


@register
class RandomCrop(_SetsSize):
    class_name = "RandomCrop"
    params = {"height": REQUIRED, "width": REQUIRED, "seed": None, "data_format": None}

    def _axes(self, x, fmt):
        n = len(x)
        return (n - 3, n - 2) if fmt == g.CHANNELS_LAST else (n - 2, n - 1)

    def _check_rank(self, x):
        if len(x) < 3:
            raise ShapeFault(
                "SC101",
                f"RandomCrop expects images of rank 3 or 4. Received: input shape {format_shape(x)}",
            )
