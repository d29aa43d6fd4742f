"""How wide the encoded axis of a lookup layer is (StringLookup, IntegerLookup,
TextVectorization's inner StringLookup) when ``output_mode`` is not "int".

Keras 3 (IndexLookup.compute_output_shape) uses ``max_tokens`` when
``pad_to_max_tokens`` is set, else the vocabulary size frozen when the
vocabulary was set: the vocabulary's tokens plus ``num_oov_indices`` (the mask
token only takes an index in "int" mode).  A vocabulary that begins with the
OOV tokens has them stripped first.  Before any vocabulary exists Keras itself
says ``None``.  After ``adapt()`` the size depends on the data, which the
analyzer never sees: a ``Sym``, never a guess.
"""
from ..base import UNKNOWN
from ..convolutional import geometry as g
from ..shape import Sym, is_known

# Set by the analyzer on a layer's config when the program calls adapt() on it:
# True, or the layer's name, which then names the unknown sizes.
ADAPTED = "__adapted__"


def _label(cfg, layer):
    adapted = cfg.get(ADAPTED)
    return adapted if isinstance(adapted, str) and adapted not in ("", "?") else layer


def vocabulary_size(cfg, *, oov_token, mask_token, layer):
    """What ``layer.vocabulary_size()`` returns: the tokens plus the OOV
    indices, plus the mask's index in "int" mode.  A Sym after adapt() or for a
    vocabulary we cannot read."""
    vocab = cfg.get("vocabulary")
    n_oov = cfg.get("num_oov_indices", 1)
    mode = cfg.get("output_mode")
    if cfg.get(ADAPTED) or (vocab is not None and not isinstance(vocab, (tuple, list))) or not is_known(n_oov) \
            or is_unknown_mode(mode) or g.is_unknown_value(mask_token):
        return Sym(f"{_label(cfg, layer)}.vocab")
    mask = 1 if mask_token is not None and mode == "int" else 0
    tokens = list(vocab or ())
    start = mask + n_oov
    special = [mask_token] * mask + [oov_token] * n_oov
    if len(tokens) >= start and all(not g.is_unknown_value(t) for t in tokens[:start]) and tokens[:start] == special:
        tokens = tokens[start:]
    return len(tokens) + start


def vocabulary_depth(cfg, *, oov_token, layer):
    """The encoded axis size: int, None (Keras's own unknown) or a Sym."""
    if cfg.get("pad_to_max_tokens") is True:
        mt = cfg.get("max_tokens")
        return mt if is_known(mt) else Sym(f"{layer}.max_tokens")
    if cfg.get("pad_to_max_tokens") is not False:
        return Sym(f"{layer}.vocab")
    if cfg.get("vocabulary") is None and not cfg.get(ADAPTED):
        return None  # no vocabulary yet: Keras's frozen size is None too
    # not "int" here, so the mask token takes no index
    return vocabulary_size(cfg, oov_token=oov_token, mask_token=None, layer=layer)


def is_unknown_mode(mode):
    return mode is UNKNOWN or isinstance(mode, Sym) or not isinstance(mode, str)
