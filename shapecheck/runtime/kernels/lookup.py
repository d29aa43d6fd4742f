"""Kernels of the categorical / text preprocessing layers (StringLookup,
IntegerLookup, TextVectorization, CategoryEncoding, Discretization) and of
EinsumDense, Keras 3's generalised Dense.

The lookup layers hold a vocabulary, not weights: ``adapt()`` (engine/adapt.py)
or the constructor puts the learned tokens in the layer's config
("vocabulary", without the mask and OOV tokens), and the kernels read it from
there.  They run forward only: Keras gives them no gradient either.
"""
from __future__ import annotations

import re

import numpy as np

from . import activations as act
from .base import LayerKernel, register_kernel

F32 = np.float32

# Keras's DEFAULT_STRIP_REGEX (TextVectorization "strip_punctuation").
_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')


class Unsupported(NotImplementedError):
    pass


# -- vocabularies ----------------------------------------------------------------------------
def specials(cfg, kind: str) -> list:
    """The tokens before the learned ones: the mask token (in "int" mode only), then the OOV tokens."""
    mode = cfg.get("output_mode", "int")
    n_oov = int(cfg.get("num_oov_indices", 1) if kind != "TextVectorization" else 1)
    if kind == "TextVectorization":
        mask, oov = "", "[UNK]"
    else:
        mask = cfg.get("mask_token")
        oov = cfg.get("oov_token", "[UNK]" if kind == "StringLookup" else -1)
    out = [mask] if mask is not None and mode == "int" else []
    return out + [oov] * n_oov


def learned_tokens(cfg, kind: str) -> list:
    vocab = cfg.get("vocabulary")
    if vocab is None:
        return []
    if isinstance(vocab, str):
        raise Unsupported(f"{kind}(vocabulary={vocab!r}): vocabulary files are not read by the shapecheck runtime; "
                          "pass the tokens as a list")
    tokens = list(vocab) if isinstance(vocab, list) else list(np.asarray(vocab).ravel())
    plain = [_token(t, kind) for t in tokens[:len(specials(cfg, kind))]]
    head = specials(cfg, kind)
    # A vocabulary that starts with the special tokens has them taken off, as Keras does.
    for n in (len(head), len(head) - 1):
        if n > 0 and plain[:n] == head[-n:]:
            return tokens[n:]
    return tokens


def full_vocabulary(cfg, kind: str) -> list:
    return specials(cfg, kind) + learned_tokens(cfg, kind)


def _token(t, kind):
    """A token as a plain Python str / int (what lookups compare)."""
    if isinstance(t, bytes):
        t = t.decode("utf-8")
    if kind == "IntegerLookup" and not isinstance(t, str):
        return int(t)
    return str(t) if isinstance(t, str) else t


def _n_oov(cfg, kind):
    n = int(cfg.get("num_oov_indices", 1)) if kind != "TextVectorization" else 1
    if n > 1:
        raise Unsupported(f"{kind}(num_oov_indices={n}): hashing out-of-vocabulary tokens into several "
                          "buckets is not supported by the shapecheck runtime")
    return n


def lookup_indices(values, cfg, kind: str) -> np.ndarray:
    """token -> index (int64) for an array of tokens (any shape)."""
    vocab = full_vocabulary(cfg, kind)
    index = {_token(t, kind): i for i, t in enumerate(vocab)}
    mode = cfg.get("output_mode", "int")
    n_oov = _n_oov(cfg, kind)
    mask = specials(cfg, kind)[0] if (cfg.get("mask_token") is not None or kind == "TextVectorization") \
        and mode == "int" else None
    oov_index = (1 if mask is not None else 0) if n_oov else -1
    flat = [_token(v, kind) for v in np.asarray(values, dtype=object).ravel().tolist()]
    out = np.empty(len(flat), np.int64)
    for i, t in enumerate(flat):
        if mask is not None and t == mask:
            out[i] = 0
        else:
            j = index.get(t)
            if j is None or (mask is None and n_oov and j < n_oov):
                j = oov_index
            out[i] = j
    return out.reshape(np.shape(values))


def encode(indices: np.ndarray, mode: str, depth: int) -> np.ndarray:
    """Keras's encode_categorical_inputs: "one_hot" adds (or replaces a trailing 1 by)
    the depth axis; "multi_hot" / "count" fold the last axis into it."""
    idx = np.asarray(indices, dtype=np.int64)
    if mode == "int":
        return idx
    if mode == "tf_idf":
        raise Unsupported('output_mode="tf_idf" is not supported by the shapecheck runtime')
    if idx.ndim == 0:
        idx = idx.reshape(1)
    if mode == "one_hot":
        if idx.ndim > 1 and idx.shape[-1] == 1:
            idx = idx[..., 0]
        out = np.zeros(idx.shape + (depth,), F32)
        np.put_along_axis(out, idx[..., None], F32(1), axis=-1)
        return out
    if idx.ndim == 1:
        idx = idx[:, None]
    out = np.zeros(idx.shape[:-1] + (depth,), F32)
    rows = out.reshape(-1, depth)
    for r, tokens in enumerate(idx.reshape(-1, idx.shape[-1])):
        for t in tokens:
            if 0 <= t < depth:
                rows[r, t] = F32(1) if mode == "multi_hot" else rows[r, t] + F32(1)
    return out


def _depth(cfg, kind):
    if cfg.get("pad_to_max_tokens") and cfg.get("max_tokens"):
        return int(cfg["max_tokens"])
    return len(full_vocabulary(cfg, kind))


class _LookupKernel(LayerKernel):
    kind = ""

    def forward(self, cfg, params, inputs, training, rng):
        x = inputs[0]
        if cfg.get("invert"):
            vocab = full_vocabulary(cfg, self.kind)
            oov = specials(cfg, self.kind)[-1]
            idx = np.asarray(x, dtype=np.int64)
            vocab = [_token(t, self.kind) for t in vocab]
            out = np.array([vocab[i] if 0 <= i < len(vocab) else oov for i in idx.ravel().tolist()],
                           dtype=object if self.kind == "StringLookup" else np.int64).reshape(idx.shape)
            return [out], None
        mode = cfg.get("output_mode", "int")
        # Keras 3's lookup layers give int64 in every mode (one-hot rows of 0/1 ints too)
        return [encode(lookup_indices(x, cfg, self.kind), mode, _depth(cfg, self.kind)).astype(np.int64)], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [None], {}


@register_kernel("StringLookup")
class StringLookupKernel(_LookupKernel):
    kind = "StringLookup"


@register_kernel("IntegerLookup")
class IntegerLookupKernel(_LookupKernel):
    kind = "IntegerLookup"


# -- TextVectorization -------------------------------------------------------------------------
def standardize(text: str, how) -> str:
    if how is None:
        return text
    if callable(how):
        raise Unsupported("TextVectorization(standardize=<function>) is not supported by the shapecheck runtime")
    if how in ("lower_and_strip_punctuation", "lower"):
        text = text.lower()
    if how in ("lower_and_strip_punctuation", "strip_punctuation"):
        text = _PUNCTUATION.sub("", text)
    return text


def split(text: str, how) -> list:
    if how is None:
        return [text]
    if how == "whitespace":
        return text.split()
    if how == "character":
        return list(text)
    raise Unsupported(f"TextVectorization(split={how!r}) is not supported by the shapecheck runtime")


def ngram_tokens(tokens: list, ngrams) -> list:
    """tf.strings.ngrams with " " between words: every 1..N-gram (ngrams=N) or the given
    widths (a tuple), all of one width before the next."""
    if not ngrams:
        return tokens
    widths = range(1, int(ngrams) + 1) if isinstance(ngrams, int) else tuple(ngrams)
    out = []
    for n in widths:
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def text_tokens(x, cfg) -> list:
    """One token list per input string (a trailing axis of 1 is squeezed, as Keras does)."""
    arr = np.asarray(x, dtype=object)
    if arr.ndim > 1 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim == 0:
        arr = arr.reshape(1)
    out = []
    for s in arr.ravel().tolist():
        s = s.decode("utf-8") if isinstance(s, bytes) else str(s)
        out.append(ngram_tokens(split(standardize(s, cfg.get("standardize", "lower_and_strip_punctuation")),
                                      cfg.get("split", "whitespace")), cfg.get("ngrams")))
    return out


@register_kernel("TextVectorization")
class TextVectorizationKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        docs = text_tokens(inputs[0], cfg)
        mode = cfg.get("output_mode", "int")
        if cfg.get("split", "whitespace") is None:
            ids = [lookup_indices(np.array(d, dtype=object), cfg, "TextVectorization") for d in docs]
            idx = np.array([i[0] for i in ids], np.int64)
            if mode == "int":
                return [idx.reshape(-1, 1)], None
            return [encode(idx.reshape(-1, 1), mode, _depth(cfg, "TextVectorization"))], None
        ids = [lookup_indices(np.array(d, dtype=object), cfg, "TextVectorization") for d in docs]
        if mode == "int":
            length = cfg.get("output_sequence_length")
            width = int(length) if length is not None else max([len(i) for i in ids] + [0])
            out = np.zeros((len(ids), width), np.int64)
            for r, i in enumerate(ids):
                out[r, :min(width, len(i))] = i[:width]
            return [out], None
        depth = _depth(cfg, "TextVectorization")
        out = np.zeros((len(ids), depth), F32)
        for r, i in enumerate(ids):
            if mode == "one_hot":
                raise Unsupported('TextVectorization(output_mode="one_hot") with a split is not supported')
            out[r] = encode(i.reshape(1, -1) if len(i) else np.full((1, 1), -1), mode, depth)[0]
        return [out.astype(np.int64)], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [None], {}


# -- CategoryEncoding / Discretization ------------------------------------------------------------
@register_kernel("CategoryEncoding")
class CategoryEncodingKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = np.asarray(inputs[0])
        depth = int(cfg["num_tokens"])
        idx = x.astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= depth):
            raise ValueError(f"Input values must be in the range 0 <= values < num_tokens with "
                             f"num_tokens={depth}")
        mode = cfg.get("output_mode", "multi_hot")
        if mode == "one_hot" and idx.ndim > 1 and idx.shape[-1] != 1:
            raise ValueError("When output_mode='one_hot', the last dimension of the input must be 1")
        return [encode(idx, mode, depth)], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [None], {}


@register_kernel("Discretization")
class DiscretizationKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        bounds = cfg.get("bin_boundaries")
        if bounds is None:
            raise ValueError("Discretization: call adapt() first, or pass `bin_boundaries`")
        x = np.asarray(inputs[0], dtype=F32)
        idx = np.searchsorted(np.asarray(bounds, dtype=F32), x, side="right").astype(np.int64)
        mode = cfg.get("output_mode", "int")
        return [encode(idx, mode, len(bounds) + 1)], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [None], {}


# -- EinsumDense -------------------------------------------------------------------------------------
def _explicit(equation: str, x_ndim: int, w_ndim: int):
    """(input, kernel, output) subscripts with any "..." spelled out in unused letters."""
    ins, out = equation.replace(" ", "").split("->")
    a, w = ins.split(",")
    used = set(a + w + out)
    free = [c for c in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA" if c not in used]
    n = x_ndim - len(a.replace("...", ""))
    dots = "".join(free[:n])
    return a.replace("...", dots), w.replace("...", ""), out.replace("...", dots)


@register_kernel("EinsumDense")
class EinsumDenseKernel(LayerKernel):
    def forward(self, cfg, params, inputs, training, rng):
        x = np.asarray(inputs[0], dtype=F32)
        kernel = params["kernel"]
        a, w, o = _explicit(cfg["equation"], x.ndim, kernel.ndim)
        z = np.einsum(f"{a},{w}->{o}", x, kernel).astype(F32)
        bias = params.get("bias")
        if bias is not None:
            z = z + bias
        code = act.activation_code(cfg.get("activation"))
        y = act.apply(code, z)
        return [y], (x, z, y, code, (a, w, o))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        x, z, y, code, (a, w, o) = cache
        dz = act.gradient(code, z, y, d_outputs[0])
        grads = {"kernel": np.einsum(f"{a},{o}->{w}", x, dz).astype(F32)}
        bias = params.get("bias")
        if bias is not None:
            lead = dz.ndim - bias.ndim
            db = dz.sum(axis=tuple(range(lead))) if lead else dz
            keep = tuple(i for i, n in enumerate(bias.shape) if n == 1)
            grads["bias"] = (db.sum(axis=keep, keepdims=True) if keep else db).reshape(bias.shape).astype(F32)
        dx = np.einsum(f"{o},{w}->{a}", dz, params["kernel"]).astype(F32) if input_grads else None
        return [dx], grads


# -- Hashing ---------------------------------------------------------------------------------------
@register_kernel("Hashing")
class HashingKernel(LayerKernel):
    """Keras's Hashing: FarmHash64 fingerprint of each value (integers as their decimal
    strings, as tf.strings.as_string writes them) modulo the bins; with ``mask_value``
    bin 0 is the mask's and the others take the hashes."""

    def forward(self, cfg, params, inputs, training, rng):
        from .farmhash import fingerprint64

        if cfg.get("salt") is not None:
            raise Unsupported("Hashing(salt=...) (SipHash buckets) is not supported by the shapecheck runtime")
        x = np.asarray(inputs[0])
        if x.dtype.kind == "f":
            raise Unsupported("Hashing of float inputs is not supported by the shapecheck runtime (Keras hashes "
                              "strings and integers)")
        bins = int(cfg["num_bins"])
        mask = cfg.get("mask_value")
        avail = bins - 1 if mask is not None else bins
        out = np.empty(x.size, np.int64)
        for i, v in enumerate(np.asarray(x, dtype=object).ravel().tolist()):
            if mask is not None and v == mask:
                out[i] = 0
                continue
            raw = v if isinstance(v, bytes) else str(int(v) if not isinstance(v, str) else v).encode("utf-8")
            out[i] = fingerprint64(raw) % avail + (1 if mask is not None else 0)
        out = out.reshape(x.shape)
        mode = cfg.get("output_mode", "int")
        return [out if mode == "int" else encode(out, mode, bins)], None

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        return [None], {}
