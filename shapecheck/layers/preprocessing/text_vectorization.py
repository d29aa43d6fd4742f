"""TextVectorization: strings -> token indices ("int") or a bag-of-tokens encoding.

No Keras variables (the vocabulary lives in a TensorFlow table): 0 params.
"int": (batch, output_sequence_length), None when no length is fixed.  Other
modes (Keras 3's compute_output_shape): with a ``split`` the tokens get a new
trailing axis, which the inner StringLookup (mask token "", one OOV index)
folds into the vocabulary axis -- so (batch,) -> (batch, depth) but
(batch, 1) -> (batch, 1, depth).
"""
from ..base import LayerSpec, ShapeFault, as_int_or_sym, register, single
from ..convolutional import geometry as g
from ..shape import is_known
from .index_lookup import check_mode, encoded_shape
from .lookup_depth import is_unknown_mode, vocabulary_depth, vocabulary_size

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


@register
class TextVectorization(LayerSpec):
    class_name = "TextVectorization"
    family = "preprocessing"
    init_sublayers = ("string_lookup",)  # its inner StringLookup, made in __init__
    params = {
        "max_tokens": None,
        "standardize": "lower_and_strip_punctuation",
        "split": "whitespace",
        "ngrams": None,
        "output_mode": "int",
        "output_sequence_length": None,
        "pad_to_max_tokens": False,
        "vocabulary": None,
        "idf_weights": None,
        "sparse": False,
        "ragged": False,
        "encoding": "utf-8",
    }

    def validate(self, cfg):
        mt = cfg.get("max_tokens")
        if is_known(mt) and mt <= 1:
            raise ShapeFault("SC108", f"If set, `max_tokens` must be greater than 1. Received: max_tokens={mt}",
                             arg="max_tokens")
        mode = cfg.get("output_mode")
        check_mode(mode, _MODES, self.class_name)
        length = cfg.get("output_sequence_length")
        if g.is_unknown_value(length) or is_unknown_mode(mode):
            return
        if mode == "int" and not (length is None or is_known(length)):
            raise ShapeFault("SC108", "`output_sequence_length` must be either None or an integer when `output_mode` "
                             f"is 'int'. Received: output_sequence_length={length}", arg="output_sequence_length")
        if mode != "int" and length is not None:
            raise ShapeFault("SC108", "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={length}.", arg="output_sequence_length")

    def output_shape(self, cfg, inputs):
        x = single(inputs, self.class_name)
        mode = cfg.get("output_mode")
        if x is None or is_unknown_mode(mode):
            return None
        if mode == "int":
            length = cfg.get("output_sequence_length")
            if length is not None:
                length = as_int_or_sym(length, "output_sequence_length")
            return (x[0] if len(x) else None, length)
        if cfg.get("split") is None:
            tokens = tuple(x) + (1,) if len(x) <= 1 else tuple(x)
        else:
            tokens = tuple(x) + (None,)
        depth = vocabulary_depth(cfg, oov_token="[UNK]", layer=self.default_name())
        return encoded_shape(tokens, mode, depth)

    def vocabulary_size(self, cfg):
        # the inner StringLookup: mask token "" and one OOV index
        return vocabulary_size({**cfg, "num_oov_indices": 1}, oov_token="[UNK]", mask_token="", layer=self.default_name())
