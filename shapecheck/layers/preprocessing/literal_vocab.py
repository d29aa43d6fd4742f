"""The vocabulary ``adapt()`` learns, when the program adapts on literal data
(``vectorizer.adapt(["the cat sat", "a dog"])``, ``lookup.adapt([3, 1, 3])``).

Keras's IndexLookup.finalize_state: every token counted (mask and OOV tokens
left out), sorted by count then by the token itself, both descending, and
truncated to ``max_tokens`` minus the special indices.  TextVectorization
first standardizes and splits each string (and adds n-grams) the way its
call() does.  Anything else (a callable standardize, character split, data
from a file) returns None: the sizes stay unknown.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from ..shape import is_known

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')


def _text_tokens(text: str, cfg: dict) -> Optional[list]:
    standardize, split, ngrams = cfg.get("standardize"), cfg.get("split"), cfg.get("ngrams")
    if standardize not in (None, "lower", "lower_and_strip_punctuation", "strip_punctuation"):
        return None
    if split not in (None, "whitespace"):
        return None
    if standardize in ("lower", "lower_and_strip_punctuation"):
        text = text.lower()
    if standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
        text = _PUNCTUATION.sub("", text)
    words = text.split() if split == "whitespace" else [text]
    if ngrams is None:
        sizes = (1,)
    elif isinstance(ngrams, int) and not isinstance(ngrams, bool):
        sizes = tuple(range(1, ngrams + 1))
    elif isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams):
        sizes = ngrams
    else:
        return None
    out = []
    for n in sizes:
        out.extend(" ".join(words[i:i + n]) for i in range(len(words) - n + 1))
    return out


def learned_vocabulary(kind: str, cfg: dict, values: list) -> Optional[tuple]:
    """The tokens adapt() keeps, most frequent first; None if not computable."""
    tokens: list = []
    for v in values:
        if kind == "TextVectorization":
            if not isinstance(v, str):
                return None
            got = _text_tokens(v, cfg)
            if got is None:
                return None
            tokens.extend(got)
        elif kind == "StringLookup" and isinstance(v, str):
            tokens.append(v)
        elif kind == "IntegerLookup" and isinstance(v, int) and not isinstance(v, bool):
            tokens.append(v)
        else:
            return None
    mode = cfg.get("output_mode")
    mask = "" if kind == "TextVectorization" else cfg.get("mask_token")
    oov = "[UNK]" if kind == "TextVectorization" else cfg.get("oov_token")
    n_oov = 1 if kind == "TextVectorization" else cfg.get("num_oov_indices", 1)
    if not isinstance(mode, str) or not is_known(n_oov):
        return None
    counts = Counter(t for t in tokens if t != mask and t != oov)
    ordered = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
    max_tokens = cfg.get("max_tokens")
    if max_tokens is not None:
        if not is_known(max_tokens):
            return None
        start = (1 if mask is not None and mode == "int" else 0) + n_oov
        ordered = ordered[:max(max_tokens - start, 0)]
    return tuple(ordered)
