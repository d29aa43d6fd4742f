"""GroupNormalization: gamma and beta of the ``axis`` size; the channels must split
evenly into ``groups`` (-1: one group per channel, i.e. instance normalization)."""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym, format_shape, is_known
from . import axes as ax


@register
class GroupNormalization(LayerSpec):
    class_name = "GroupNormalization"
    family = "normalization"
    params = {
        "groups": 32,
        "axis": -1,
        "epsilon": 0.001,
        "center": True,
        "scale": True,
        "beta_initializer": "zeros",
        "gamma_initializer": "ones",
        "beta_regularizer": None,
        "gamma_regularizer": None,
        "beta_constraint": None,
        "gamma_constraint": None,
    }

    def validate(self, cfg):
        groups = cfg.get("groups")
        if g.is_unknown_value(groups):
            return
        if not is_known(groups) or (groups <= 0 and groups != -1):
            raise ShapeFault(
                "SC108",
                "Received an invalid value for argument `groups`, expected a positive integer (or `-1` for "
                f"instance normalization). Received: groups={groups}",
                arg="groups",
            )

    def _channels(self, cfg, x):
        axis = cfg.get("axis")
        if not is_known(axis):
            return Sym("group_norm_axis")
        ax.check_bounds(x, [axis], axis)
        dim = x[axis]
        if dim is None:
            raise ShapeFault(
                "SC106",
                f"Axis {axis} of input tensor should have a defined dimension but the layer received an "
                f"input with shape {format_shape(x)}.",
                arg="axis",
            )
        return dim

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        dim = self._channels(cfg, x)
        groups = cfg.get("groups")
        if groups == -1:
            groups = dim
        if is_known(dim) and is_known(groups):
            if dim < groups:
                raise ShapeFault(
                    "SC103",
                    f"Number of groups ({groups}) cannot be more than the number of channels ({dim}).",
                    arg="groups",
                )
            if dim % groups:
                # Keras's own wording has the relation backwards; the channels must divide into groups.
                raise ShapeFault(
                    "SC103",
                    f"Number of groups ({groups}) must be a multiple of the number of channels ({dim}): "
                    f"{dim} channels do not split evenly into {groups} groups.",
                    arg="groups",
                )
        return x

    def weights(self, cfg, inputs):
        dim = self._channels(cfg, inputs[0])
        w = g.optional_weight(g.flag(cfg, "scale", True), Weight("gamma", (dim,)))
        return w + g.optional_weight(g.flag(cfg, "center", True), Weight("beta", (dim,)))
