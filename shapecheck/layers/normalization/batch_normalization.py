"""BatchNormalization: gamma and beta (trainable), moving_mean and moving_variance
(non-trainable), each of the size of the ``axis`` dimension; shape unchanged.
``renorm=True`` adds three more non-trainable statistics."""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym
from . import axes as ax

# tf.keras 2 arguments that Keras 3's BatchNormalization no longer takes.
_KERAS2_ONLY = {
    "fused": "remove `fused=`: Keras 3 picks the implementation itself",
    "virtual_batch_size": "remove `virtual_batch_size=` (Ghost Batch Normalization is gone in Keras 3)",
    "adjustment": "remove `adjustment=`",
}


@register
class BatchNormalization(LayerSpec):
    class_name = "BatchNormalization"
    family = "normalization"
    params = {
        "axis": -1,
        "momentum": 0.99,
        "epsilon": 0.001,
        "center": True,
        "scale": True,
        "beta_initializer": "zeros",
        "gamma_initializer": "ones",
        "moving_mean_initializer": "zeros",
        "moving_variance_initializer": "ones",
        "beta_regularizer": None,
        "gamma_regularizer": None,
        "beta_constraint": None,
        "gamma_constraint": None,
        "renorm": False,
        "renorm_clipping": None,
        "renorm_momentum": 0.99,
        "synchronized": False,
    }

    def bind(self, args, kwargs):
        bound = super().bind(args, kwargs)
        for i, f in enumerate(bound.faults):
            if f.code == "SC402" and f.arg in _KERAS2_ONLY:
                bound.faults[i] = ShapeFault(
                    "SC403",
                    f"Keras 3 refuses `{f.arg}=` on BatchNormalization (a tf.keras 2 argument): Unrecognized "
                    f"keyword arguments passed to BatchNormalization: {{'{f.arg}': {kwargs[f.arg]!r}}}",
                    arg=f.arg,
                    fix=_KERAS2_ONLY[f.arg],
                )
        return bound

    def validate(self, cfg):
        axis = cfg.get("axis")
        # Keras does int(axis): a list of axes is refused here (unlike LayerNormalization).
        if isinstance(axis, (list, tuple)):
            raise ShapeFault(
                "SC108",
                f"BatchNormalization takes a single int `axis`. Received: axis={g.fmt_value(axis)}",
                arg="axis",
            )

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        axes = ax.axis_list(cfg.get("axis"))
        if axes is not None:
            ax.check_bounds(x, axes, cfg.get("axis"))
            ax.weight_shape(x, axes, self.class_name)
        return x

    def weights(self, cfg, inputs):
        x = inputs[0]
        axes = ax.axis_list(cfg.get("axis"))
        shape = ax.weight_shape(x, axes, self.class_name) if axes is not None else (Sym("bn_axis"),)
        w = g.optional_weight(g.flag(cfg, "scale", True), Weight("gamma", shape))
        w += g.optional_weight(g.flag(cfg, "center", True), Weight("beta", shape))
        w += [Weight("moving_mean", shape, trainable=False), Weight("moving_variance", shape, trainable=False)]
        renorm = g.flag(cfg, "renorm", False)
        for n in ("moving_stddev", "renorm_mean", "renorm_stddev"):
            w += g.optional_weight(renorm, Weight(n, shape, trainable=False))
        return w
