"""BatchNormalization: gamma and beta (trainable), moving_mean and moving_variance
(non-trainable), each of the size of the ``axis`` dimension; shape unchanged.
``renorm=True`` adds three more non-trainable statistics."""
from ..base import LayerSpec, ShapeFault, Weight, register, single
from ..convolutional import geometry as g
from ..shape import Sym
from . import axes as ax


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
        w = []
        if cfg.get("scale") is not False:
            w.append(Weight("gamma", shape))
        if cfg.get("center") is not False:
            w.append(Weight("beta", shape))
        w += [Weight("moving_mean", shape, trainable=False), Weight("moving_variance", shape, trainable=False)]
        if cfg.get("renorm") is True:
            w += [Weight(n, shape, trainable=False) for n in ("moving_stddev", "renorm_mean", "renorm_stddev")]
        return w
