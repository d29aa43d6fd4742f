"""What every layer spec is made of: its signature, its shape rule, its weights.

A spec is a small class registered under its Keras class name.  Both the
analyzer and the runtime use the same instance:

  * ``params``          Keras's own constructor signature, in order (positional
                        arguments bind in this order), name -> default;
  * ``validate(cfg)``   config checks Keras performs in ``__init__``;
  * ``output_shape(cfg, inputs)``  a pure function of the bound config and the
                        input shapes (a list, one per input tensor);
  * ``weights(cfg, inputs)``       the variables ``build()`` creates, with
                        shapes and trainability, from which parameter counts
                        follow.

Rules report a problem by raising ``ShapeFault``; the analyzer turns it into a
diagnostic at the call site and the runtime into a Keras-style ValueError.
They never see source code, files or the analyzer's values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional

from .shape import Shape, Sym, count_params, is_known


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __bool__(self) -> bool:  # an unknown value is never "truthy" by accident
        return False


REQUIRED = _Sentinel("REQUIRED")
UNKNOWN = _Sentinel("UNKNOWN")  # a config value the analyzer cannot know


def is_unknown(value: Any) -> bool:
    return value is UNKNOWN


class ShapeFault(Exception):
    """A fault Keras would raise for this config / these inputs.

    ``code`` names the diagnostic rule (see ``shapecheck.rules``); ``input_index``
    says which input tensor is to blame when there are several; ``arg`` names the
    constructor argument to blame.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        arg: Optional[str] = None,
        input_index: Optional[int] = None,
        fix: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.arg = arg
        self.input_index = input_index
        self.fix = fix


@dataclass(frozen=True)
class Weight:
    name: str
    shape: Shape
    trainable: bool = True
    dtype: str = "float32"  # Keras's summary sizes weights by their dtype

    @property
    def count(self) -> Optional[int]:
        return count_params(self.shape)

    @property
    def nbytes(self) -> Optional[int]:
        c = self.count
        return None if c is None else c * DTYPE_BYTES.get(self.dtype, 4)


DTYPE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "int32": 4, "int64": 8, "uint8": 1, "bool": 1}


# Keyword arguments every Keras 3 layer takes through ``Layer.__init__``.
BASE_KWARGS: dict[str, Any] = {
    "name": None,
    "dtype": None,
    "trainable": True,
    "autocast": True,
    "input_shape": None,
    "input_dim": None,
    "batch_size": None,
}

# Keras 3 layers that mark themselves built in ``__init__`` (no build step):
# an unbuilt model's summary counts them as 0 params, not "unbuilt".
BUILT_AT_INIT = frozenset({
    "Activation", "ActivityRegularization", "AlphaDropout", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "Dropout", "ELU", "GaussianDropout", "GaussianNoise", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "Identity",
    "InputLayer", "LeakyReLU", "Masking", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "ReLU", "Reshape",
    "Softmax", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "UnitNormalization",
})

# Keras 2 keywords we still understand but Keras 3's Layer refuses.
KERAS2_KWARGS = frozenset({"weights", "input_length", "batch_input_shape"})


def to_snake_case(name: str) -> str:
    """Keras's default layer naming: ``Conv2D`` -> ``conv2d``, ``ReLU`` -> ``re_lu``."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return s


@dataclass
class BoundConfig:
    """A constructor call bound to a spec's signature."""

    cfg: dict[str, Any]
    base: dict[str, Any] = field(default_factory=dict)  # name, input_shape, ...
    keras2: dict[str, Any] = field(default_factory=dict)  # weights=, input_length= ...
    faults: list[ShapeFault] = field(default_factory=list)


class LayerSpec:
    class_name: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    family: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    # True for layers called on a list of tensors (merges, Attention).
    multi_input: ClassVar[bool] = False
    # Names of tensor arguments of ``call`` beyond the first (MultiHeadAttention:
    # value, key).  Each becomes one more input shape.
    extra_call_inputs: ClassVar[tuple[str, ...]] = ()
    # Keyword arguments of ``call`` that change the output shapes
    # (MultiHeadAttention's return_attention_scores), name -> default.  The
    # analyzer binds them from the call site and passes them in ``cfg`` under
    # the same names, next to the constructor's.
    call_params: ClassVar[dict[str, Any]] = {}
    # Layers Keras creates inside this one when it is first built, by their
    # auto-name prefix (MultiHeadAttention makes a Softmax and a Dropout):
    # each takes a number from Keras's name counters, so the next user
    # Dropout is "dropout_1".
    internal_sublayers: ClassVar[tuple[str, ...]] = ()
    # The same for layers made in ``__init__`` (TextVectorization's StringLookup):
    # they take their numbers as soon as the layer is constructed.
    init_sublayers: ClassVar[tuple[str, ...]] = ()
    # Keras 2 keywords this layer itself still accepts in Keras 3.
    accepts_keras2: ClassVar[frozenset] = frozenset()

    # -- signature --------------------------------------------------------
    def bind(self, args: list[Any], kwargs: dict[str, Any]) -> BoundConfig:
        names = list(self.params)
        cfg: dict[str, Any] = {}
        bound = BoundConfig(cfg)
        for i, value in enumerate(args):
            if i < len(names):
                cfg[names[i]] = value
            else:
                bound.faults.append(
                    ShapeFault(
                        "SC402",
                        f"{self.class_name}() takes at most {len(names)} positional "
                        f"arguments but {len(args)} were given",
                    )
                )
                break
        for key, value in kwargs.items():
            if key in self.params:
                if key in cfg:
                    bound.faults.append(
                        ShapeFault("SC402", f"{self.class_name}() got multiple values for argument '{key}'", arg=key)
                    )
                cfg[key] = value
            elif key in BASE_KWARGS:
                bound.base[key] = value
            elif key in KERAS2_KWARGS:
                bound.keras2[key] = value
                if key not in self.accepts_keras2:
                    bound.faults.append(
                        ShapeFault(
                            "SC403",
                            f"Keras 3 refuses `{key}=` on {self.class_name}: "
                            f"Unrecognized keyword arguments passed to {self.class_name}: {{'{key}'}}",
                            arg=key,
                            fix=self.keras2_fix(key),
                        )
                    )
            else:
                bound.faults.append(
                    ShapeFault(
                        "SC402",
                        f"Unrecognized keyword argument passed to {self.class_name}: '{key}'",
                        arg=key,
                        fix=_did_you_mean(key, list(self.params) + list(BASE_KWARGS)),
                    )
                )
        for name, default in self.params.items():
            if name not in cfg:
                if default is REQUIRED:
                    bound.faults.append(
                        ShapeFault(
                            "SC402",
                            f"{self.class_name}() missing required argument '{name}'",
                            arg=name,
                        )
                    )
                    cfg[name] = UNKNOWN
                else:
                    cfg[name] = default
        return bound

    def keras2_fix(self, key: str) -> Optional[str]:
        if key == "weights":
            return "build the layer, then call layer.set_weights([...])"
        if key == "batch_input_shape":
            return "start the model with keras.Input(batch_shape=...) instead"
        return f"remove `{key}=`"

    # -- rules ------------------------------------------------------------
    def validate(self, cfg: dict[str, Any]) -> None:
        """Raise ShapeFault for configs Keras refuses in ``__init__``."""

    def output_shape(self, cfg: dict[str, Any], inputs: list[Shape]):
        raise NotImplementedError(self.class_name)

    def weights(self, cfg: dict[str, Any], inputs: list[Shape]) -> list[Weight]:
        return []

    def data_fault(self, cfg: dict[str, Any], inputs: list[Shape]) -> Optional[tuple[str, str]]:
        """(message, hint) for a fault Keras finds only when data flows through
        the layer (the symbolic graph builds): reported at the first
        fit/predict/evaluate of a model holding it."""
        return None

    def activation(self, cfg: dict[str, Any]) -> Optional[str]:
        """The activation this layer applies last, by name, if it has one."""
        act = cfg.get("activation")
        if isinstance(act, str):
            return act
        return None

    def default_name(self) -> str:
        return to_snake_case(self.class_name)


def _did_you_mean(word: str, options: list[str]) -> Optional[str]:
    import difflib

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}=`?" if close else None


@dataclass
class NestedLayer:
    """A layer passed as an argument to another (Bidirectional(LSTM(8)),
    TimeDistributed(Dense(4)), backward_layer=...): its spec and bound config.
    Wrapper specs call ``nested.spec.output_shape(nested.cfg, ...)``."""

    spec: "LayerSpec"
    cfg: dict[str, Any]
    base: dict[str, Any] = field(default_factory=dict)


# -- registry ----------------------------------------------------------------
CATALOG: dict[str, LayerSpec] = {}


def register(cls: type[LayerSpec]) -> type[LayerSpec]:
    """Class decorator: make a spec known under its Keras name and aliases."""
    inst = cls()
    for key in (cls.class_name, *cls.aliases):
        if key in CATALOG:
            raise RuntimeError(f"layer {key} registered twice")
        CATALOG[key] = inst
    return cls


def get_spec(name: str) -> Optional[LayerSpec]:
    return CATALOG.get(name)


# -- helpers shared by many rules --------------------------------------------
def single(inputs: list[Shape], layer: str) -> Shape:
    """The one input of a single-input layer."""
    if len(inputs) != 1:
        raise ShapeFault("SC101", f"{layer} expects 1 input tensor, got {len(inputs)}")
    return inputs[0]


def require_rank(shape: Shape, layer: str, *, exact: Optional[int] = None, min_rank: Optional[int] = None) -> None:
    """Keras's ``InputSpec(ndim=...)`` / ``min_ndim`` check."""
    rank = len(shape)
    if exact is not None and rank != exact:
        raise ShapeFault(
            "SC101",
            f"Input 0 of layer \"{layer}\" is incompatible with the layer: expected ndim={exact}, "
            f"found ndim={rank}. Full shape received: {_fmt(shape)}",
        )
    if min_rank is not None and rank < min_rank:
        raise ShapeFault(
            "SC101",
            f"Input 0 of layer \"{layer}\" is incompatible with the layer: expected min_ndim={min_rank}, "
            f"found ndim={rank}. Full shape received: {_fmt(shape)}",
        )


def _fmt(shape: Shape) -> str:
    from .shape import format_shape

    return format_shape(shape)


def positive_int(cfg: dict[str, Any], key: str, layer: str) -> None:
    v = cfg.get(key)
    if isinstance(v, float):
        # Keras 3 tests isinstance(units, int): 10.0 from `n / 2` is refused
        raise ShapeFault(
            "SC108",
            f"Received an invalid value for `{key}`, expected a positive integer. Received: {key}={v}",
            arg=key,
            fix=f"pass an int: {key}={int(v)} (Python 3's / always gives a float: use // or int(...))",
        )
    if is_known(v) and v <= 0:
        raise ShapeFault(
            "SC108",
            f"Received an invalid value for `{key}`, expected a positive integer. Received: {key}={v}",
            arg=key,
        )


def as_int_or_sym(value: Any, name: str) -> Any:
    """A config value used as a dimension: int stays, unknown becomes a Sym."""
    if is_known(value) or isinstance(value, Sym):
        return value
    return Sym(name)
