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

# Set by the analyzer on a layer's config when the program calls adapt() on it.
ADAPTED = "__adapted__"


def vocabulary_depth(cfg, *, oov_token, layer):
    """The encoded axis size: int, None (Keras's own unknown) or a Sym."""
    if cfg.get("pad_to_max_tokens") is True:
        mt = cfg.get("max_tokens")
        return mt if is_known(mt) else Sym(f"{layer}.max_tokens")
    if cfg.get("pad_to_max_tokens") is not False:
        return Sym(f"{layer}.vocab")
    vocab = cfg.get("vocabulary")
    if vocab is None:
        if cfg.get(ADAPTED):
            return Sym(f"{layer}.vocab")  # adapt() data decides
        return None
    n_oov = cfg.get("num_oov_indices", 1)
    if not isinstance(vocab, (tuple, list)) or not is_known(n_oov):
        return Sym(f"{layer}.vocab")  # a file path, an array we cannot read
    tokens = list(vocab)
    special = [oov_token] * n_oov
    if all(not g.is_unknown_value(t) for t in tokens[:n_oov]) and tokens[:n_oov] == special:
        tokens = tokens[n_oov:]
    return len(tokens) + n_oov


def is_unknown_mode(mode):
    return mode is UNKNOWN or isinstance(mode, Sym) or not isinstance(mode, str)
