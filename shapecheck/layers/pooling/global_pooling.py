"""GlobalAveragePooling1D/2D/3D and GlobalMaxPooling1D/2D/3D (aliases GlobalAvgPoolND,
GlobalMaxPoolND): reduce every spatial axis; ``keepdims`` keeps them as 1."""
from typing import ClassVar

from ..base import LayerSpec, register, require_rank, single
from ..convolutional import geometry as g


class _GlobalPooling(LayerSpec):
    family = "pooling"
    rank: ClassVar[int] = 0
    params = {"data_format": None, "keepdims": False}

    def validate(self, cfg):
        g.check_data_format(cfg)

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        require_rank(x, self.class_name, exact=self.rank + 2)
        fmt = g.data_format(cfg)
        keep = cfg.get("keepdims")
        if fmt is None or g.is_unknown_value(keep):
            return None  # neither the rank nor the channel axis is known
        batch, spatial, ch = g.split(x, fmt)
        return g.join(batch, (1,) * len(spatial) if keep else (), ch, fmt)


def _make(kind, short, rank):
    name = f"Global{kind}Pooling{rank}D"
    cls = type(name, (_GlobalPooling,), {"class_name": name, "aliases": (f"Global{short}Pool{rank}D",), "rank": rank})
    return register(cls)


GlobalAveragePooling1D = _make("Average", "Avg", 1)
GlobalAveragePooling2D = _make("Average", "Avg", 2)
GlobalAveragePooling3D = _make("Average", "Avg", 3)
GlobalMaxPooling1D = _make("Max", "Max", 1)
GlobalMaxPooling2D = _make("Max", "Max", 2)
GlobalMaxPooling3D = _make("Max", "Max", 3)
