"""keras.applications models as the analyzer sees them: their output shapes
and parameter counts, without their hundreds of internal layers.

Transfer learning (``base = keras.applications.MobileNetV2(include_top=False,
...)``, ``base.trainable = False``, ``x = base(inputs)``) is one of the most
common things Keras code does, so the facts below let the rest of such a model
be checked.  Facts recorded from Keras 3.15 (tests/oracle/gen_applications.py
writes tests/fixtures/applications/applications.json, which the tests compare
with these).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

from ..layers.shape import Sym, is_known


def _halvings(*steps: str) -> Callable[[int], int]:
    """Spatial reduction as a chain of 'floor' / 'ceil' halvings."""

    def reduce(h: int) -> int:
        for step in steps:
            h = h // 2 if step == "floor" else math.ceil(h / 2)
        return h

    return reduce


def _inception_v3(h: int) -> int:
    h = (h - 3) // 2 + 1  # 3x3/2 valid
    h = h - 2  # 3x3 valid
    h = (h - 3) // 2 + 1  # max pool 3x3/2
    h = h - 2  # 3x3 valid
    h = (h - 3) // 2 + 1  # max pool 3x3/2
    h = (h - 3) // 2 + 1  # mixed3 reduction
    return (h - 3) // 2 + 1  # mixed8 reduction


def _xception(h: int) -> int:
    h = (h - 3) // 2 + 1
    h = h - 2
    return _halvings("ceil", "ceil", "ceil", "ceil")(h)


@dataclass(frozen=True)
class App:
    default_size: int
    channels: int  # feature channels of the last block
    no_top: tuple  # (total, trainable, non_trainable) params with include_top=False
    top: tuple  # the same with include_top=True and classes=1000
    top_features: int  # inputs of the classifier's last Dense (for classes != 1000)
    spatial: Callable[[int], int]
    name: str  # the Keras model name; {size} is filled for MobileNets


# Sub-modules whose preprocess_input scales to [-1, 1] ("tf" mode: x / 127.5 - 1).
TF_MODE_MODULES = frozenset({"mobilenet", "mobilenet_v2", "resnet_v2", "inception_v3", "inception_resnet_v2", "xception", "nasnet"})

CEIL5 = _halvings("ceil", "ceil", "ceil", "ceil", "ceil")
FLOOR5 = _halvings("floor", "floor", "floor", "floor", "floor")

APPLICATIONS = {
    "VGG16": App(224, 512, (14714688, 14714688, 0), (138357544, 138357544, 0), 4096, FLOOR5, "vgg16"),
    "VGG19": App(224, 512, (20024384, 20024384, 0), (143667240, 143667240, 0), 4096, FLOOR5, "vgg19"),
    "ResNet50": App(224, 2048, (23587712, 23534592, 53120), (25636712, 25583592, 53120), 2048, CEIL5, "resnet50"),
    "ResNet101": App(224, 2048, (42658176, 42552832, 105344), (44707176, 44601832, 105344), 2048, CEIL5, "resnet101"),
    "ResNet152": App(224, 2048, (58370944, 58219520, 151424), (60419944, 60268520, 151424), 2048, CEIL5, "resnet152"),
    "ResNet50V2": App(224, 2048, (23564800, 23519360, 45440), (25613800, 25568360, 45440), 2048, CEIL5, "resnet50v2"),
    "MobileNet": App(224, 1024, (3228864, 3206976, 21888), (4253864, 4231976, 21888), 1024, FLOOR5, "mobilenet_1.00_{size}"),
    "MobileNetV2": App(224, 1280, (2257984, 2223872, 34112), (3538984, 3504872, 34112), 1280, CEIL5, "mobilenetv2_1.00_{size}"),
    "DenseNet121": App(224, 1024, (7037504, 6953856, 83648), (8062504, 7978856, 83648), 1024,
                       _halvings("ceil", "ceil", "floor", "floor", "floor"), "densenet121"),
    "EfficientNetB0": App(224, 1280, (4049571, 4007548, 42023), (5330571, 5288548, 42023), 1280, CEIL5, "efficientnetb0"),
    "InceptionV3": App(299, 2048, (21802784, 21768352, 34432), (23851784, 23817352, 34432), 2048, _inception_v3, "inception_v3"),
    "Xception": App(299, 2048, (20861480, 20806952, 54528), (22910480, 22855952, 54528), 2048, _xception, "xception"),
}


@dataclass
class AppModel:
    name: str
    input_shape: tuple  # batch shape
    output_shape: tuple
    total: Optional[int]
    trainable: Optional[int]
    non_trainable: Optional[int]


def build(leaf: str, include_top, input_shape, pooling, classes) -> Optional[AppModel]:
    """The application's shapes and counts for these arguments; None if unknown."""
    app = APPLICATIONS.get(leaf)
    if app is None:
        return None
    if include_top is not False:
        n_classes = classes if is_known(classes) else (Sym("classes") if classes is not None else 1000)
        size = app.default_size
        shape = (None, size, size, 3)
        flatten_delta = 0
        if isinstance(input_shape, tuple) and len(input_shape) == 3:
            # With weights=None the classifier takes any input_shape: the pooled tops
            # (ResNet, MobileNet, DenseNet...) keep their counts; VGG's Flatten feeds fc1
            # (4096 units) with the positions the blocks leave.
            shape = (None,) + tuple(input_shape)
            h, w = input_shape[0], input_shape[1]
            if app.top_features != app.channels:
                if is_known(h) and is_known(w):
                    flatten_delta = (app.spatial(h) * app.spatial(w) - app.spatial(size) ** 2) * app.channels * app.top_features
                else:
                    flatten_delta = None
            size = h if is_known(h) else size
        if is_known(n_classes) and flatten_delta is not None:
            delta = (app.top_features * n_classes + n_classes) - (app.top_features * 1000 + 1000) + flatten_delta
            total, trainable, frozen = app.top[0] + delta, app.top[1] + delta, app.top[2]
        else:
            total = trainable = None
            frozen = app.top[2]
        return AppModel(app.name.format(size=size), shape, (None, n_classes), total, trainable, frozen)
    if isinstance(input_shape, tuple) and len(input_shape) == 3:
        h, w, c = input_shape
    else:
        h, w, c = None, None, 3
    oh = app.spatial(h) if is_known(h) else None
    ow = app.spatial(w) if is_known(w) else None
    if pooling in ("avg", "max"):
        out = (None, app.channels)
    else:
        out = (None, oh, ow, app.channels)
    name = app.name.format(size=h if is_known(h) else app.default_size)
    total, trainable, frozen = app.no_top
    return AppModel(name, (None, h, w, c), out, total, trainable, frozen)
