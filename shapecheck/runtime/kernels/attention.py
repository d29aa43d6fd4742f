"""Attention layers: Attention (dot / concat scores), AdditiveAttention,
MultiHeadAttention.

Inputs are [query, value] or [query, value, key] (key defaults to value).
Keras's call-time options are read from the config when the engine puts
them there: ``use_causal_mask`` (a position may attend only to itself and
earlier ones; Keras subtracts 1e9 from the masked scores) and
``return_attention_scores`` (the softmax weights as a second output).
Padding masks from Masking/mask_zero are not modelled.
"""
from __future__ import annotations

import math

import numpy as np

from . import activations as act
from ._linalg import batch_matmul, batch_matmul_nt, batch_matmul_tn, linear, linear_grads
from ._util import EMPTY, f32, get_rng
from .base import LayerKernel, register_kernel

MASKED = np.float32(1.0e9)


def _causal(scores):
    tq, tv = scores.shape[-2:]
    upper = np.triu(np.ones((tq, tv), dtype=bool), k=1)  # column > row
    return np.where(upper, scores - MASKED, scores).astype(np.float32)


def _softmax_last(s):
    return act.apply(act.SOFTMAX, np.ascontiguousarray(s, dtype=np.float32))


def _softmax_backward(w, dw):
    return (w * (dw - (dw * w).sum(axis=-1, keepdims=True))).astype(np.float32)


def _dropout_weights(cfg, w, training, rng):
    rate = float(cfg.get("dropout", 0.0) or 0.0)
    if not training or rate <= 0.0:
        return w, None
    keep = get_rng(rng).random(w.shape, dtype=np.float32) >= np.float32(rate)
    mask = keep.astype(np.float32) / np.float32(1.0 - rate)
    return w * mask, mask


class _ScoreAttentionKernel(LayerKernel):
    """Shared by Attention and AdditiveAttention: scores (B, Tq, Tv) ->
    softmax -> (dropout) -> weights @ value."""

    def scores(self, cfg, params, q, k):
        raise NotImplementedError

    def scores_backward(self, cfg, params, q, k, saved, ds):
        raise NotImplementedError

    def forward(self, cfg, params, inputs, training, rng):
        q = f32(inputs[0])
        v = f32(inputs[1])
        k = f32(inputs[2]) if len(inputs) > 2 else v
        s, saved = self.scores(cfg, params, q, k)
        if cfg.get("use_causal_mask"):
            s = _causal(s)
        w = _softmax_last(s)
        wd, mask = _dropout_weights(cfg, w, training, rng)
        out = batch_matmul(np.ascontiguousarray(wd), v)
        outs = [out, w] if cfg.get("return_attention_scores") else [out]
        return outs, (q, v, k, saved, w, wd, mask, len(inputs))

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        q, v, k, saved, w, wd, mask, n_inputs = cache
        dout = f32(d_outputs[0])
        dwd = batch_matmul_nt(dout, v)  # (B, Tq, Tv)
        dv = batch_matmul_tn(np.ascontiguousarray(wd), dout)
        dw = dwd if mask is None else dwd * mask
        if len(d_outputs) > 1 and d_outputs[1] is not None:
            dw = dw + f32(d_outputs[1])
        ds = _softmax_backward(w, dw)
        dq, dk, grads = self.scores_backward(cfg, params, q, k, saved, ds)
        if n_inputs > 2:
            return [dq, dv, dk], grads
        return [dq, (dv + dk).astype(np.float32)], grads


@register_kernel("Attention")
class AttentionKernel(_ScoreAttentionKernel):
    """score_mode "dot": q @ k^T (times ``scale`` when use_scale);
    "concat": concat_score_weight * sum(tanh(scale * (q + k)))."""

    class_name = "Attention"

    def scores(self, cfg, params, q, k):
        scale = float(params["scale"]) if "scale" in params else None
        if cfg.get("score_mode", "dot") == "concat":
            u = q[:, :, None, :] + k[:, None, :, :]
            a = np.tanh(u * np.float32(scale)) if scale is not None else np.tanh(u)
            c = np.float32(params["concat_score_weight"])
            return (c * a.sum(axis=-1)).astype(np.float32), (u, a)
        raw = batch_matmul_nt(q, k)
        s = raw * np.float32(scale) if scale is not None else raw
        return s, raw

    def scores_backward(self, cfg, params, q, k, saved, ds):
        grads = {}
        scale = float(params["scale"]) if "scale" in params else None
        if cfg.get("score_mode", "dot") == "concat":
            u, a = saved
            c = np.float32(params["concat_score_weight"])
            grads["concat_score_weight"] = np.float32((ds * a.sum(axis=-1)).sum()).reshape(
                np.shape(params["concat_score_weight"])
            )
            da = ds[..., None] * c * (1.0 - a * a)  # gradient of tanh's argument / scale
            if scale is not None:
                grads["scale"] = np.float32((da * u).sum()).reshape(np.shape(params["scale"]))
                du = da * np.float32(scale)
            else:
                du = da
            return du.sum(axis=2).astype(np.float32), du.sum(axis=1).astype(np.float32), grads
        raw = saved
        if scale is not None:
            grads["scale"] = np.float32((ds * raw).sum()).reshape(np.shape(params["scale"]))
            ds = (ds * np.float32(scale)).astype(np.float32)
        ds = np.ascontiguousarray(ds)
        return batch_matmul(ds, k), batch_matmul_tn(ds, q), grads


@register_kernel("AdditiveAttention")
class AdditiveAttentionKernel(_ScoreAttentionKernel):
    """scores = sum(scale * tanh(q + k)) over the feature axis; ``scale`` is
    a (dim,) vector when use_scale."""

    class_name = "AdditiveAttention"

    def scores(self, cfg, params, q, k):
        a = np.tanh(q[:, :, None, :] + k[:, None, :, :])
        scale = f32(params["scale"]) if "scale" in params else np.float32(1.0)
        return (a * scale).sum(axis=-1).astype(np.float32), a

    def scores_backward(self, cfg, params, q, k, saved, ds):
        a = saved
        scale = f32(params["scale"]) if "scale" in params else np.float32(1.0)
        grads = {}
        if "scale" in params:
            grads["scale"] = (ds[..., None] * a).sum(axis=(0, 1, 2)).astype(np.float32)
        du = ds[..., None] * scale * (1.0 - a * a)
        return du.sum(axis=2).astype(np.float32), du.sum(axis=1).astype(np.float32), grads


@register_kernel("MultiHeadAttention")
class MultiHeadAttentionKernel(LayerKernel):
    """Keras 3's MultiHeadAttention on (batch, seq, dim) inputs with the
    default attention axes: per-head projections (EinsumDense kernels
    (dim, heads, key_dim)), softmax(q k^T / sqrt(key_dim)), weights @ v, and
    the output projection (heads, value_dim, out_dim)."""

    class_name = "MultiHeadAttention"

    def _project(self, params, name, x):
        w = f32(params[f"{name}/kernel"])
        b = f32(params[f"{name}/bias"]).reshape(-1) if f"{name}/bias" in params else EMPTY
        nb, t, d = x.shape
        x2 = np.ascontiguousarray(x).reshape(nb * t, d)
        w2 = w.reshape(d, -1)
        y = linear(x2, w2, b)
        heads, hd = w.shape[1], w.shape[2]
        # (B*T, H*hd) -> (B, H, T, hd) -> (B*H, T, hd)
        y4 = np.ascontiguousarray(y.reshape(nb, t, heads, hd).transpose(0, 2, 1, 3))
        return y4.reshape(nb * heads, t, hd), (x2, w2, w.shape, t)

    def _project_back(self, params, name, saved, dy3, nb, need_dx):
        x2, w2, wshape, t = saved
        heads, hd = wshape[1], wshape[2]
        dy = np.ascontiguousarray(dy3.reshape(nb, heads, t, hd).transpose(0, 2, 1, 3)).reshape(nb * t, heads * hd)
        dw, db, dx = linear_grads(x2, w2, dy, True, need_dx)
        grads = {f"{name}/kernel": dw.reshape(wshape)}
        if f"{name}/bias" in params:
            grads[f"{name}/bias"] = db.reshape(heads, hd)
        return (dx.reshape(nb, t, -1) if need_dx else None), grads

    def _expand_kv(self, cfg, x3, nb):
        return x3

    def _reduce_kv(self, cfg, dx3, nb):
        return dx3

    def forward(self, cfg, params, inputs, training, rng):
        query = f32(inputs[0])
        value = f32(inputs[1])
        key = f32(inputs[2]) if len(inputs) > 2 and inputs[2] is not None else value
        if cfg.get("use_gate"):
            raise NotImplementedError(f"{self.class_name}: use_gate is not supported by the runtime")
        if query.ndim != 3 or cfg.get("attention_axes") not in (None, (1,), [1], 1, -2, (-2,), [-2]):
            raise NotImplementedError("MultiHeadAttention: the runtime supports (batch, seq, dim) inputs with the default attention_axes")
        nb, tq = query.shape[:2]
        q3, sq = self._project(params, "query", query)
        k3, sk = self._project(params, "key", key)
        v3, sv = self._project(params, "value", value)
        k3, v3 = self._expand_kv(cfg, k3, nb), self._expand_kv(cfg, v3, nb)
        key_dim = q3.shape[-1]
        scale = np.float32(1.0 / math.sqrt(float(key_dim)))
        qs = (q3 * scale).astype(np.float32)
        s = batch_matmul_nt(qs, k3)  # (B*H, Tq, Tk)
        if cfg.get("use_causal_mask"):
            s = _causal(s)
        w = _softmax_last(s)
        wd, mask = _dropout_weights(cfg, w, training, rng)
        c3 = batch_matmul(np.ascontiguousarray(wd), v3)  # (B*H, Tq, vd)
        heads = sq[2][1]
        vd = c3.shape[-1]
        c2 = np.ascontiguousarray(c3.reshape(nb, heads, tq, vd).transpose(0, 2, 1, 3)).reshape(nb * tq, heads * vd)
        wo = f32(params["attention_output/kernel"])
        bo = f32(params["attention_output/bias"]) if "attention_output/bias" in params else EMPTY
        out = linear(c2, wo.reshape(heads * vd, -1), bo).reshape(nb, tq, -1)
        outs = [out]
        if cfg.get("return_attention_scores"):
            outs.append(w.reshape(nb, heads, tq, -1))
        cache = (sq, sk, sv, qs, k3, v3, w, wd, mask, c2, wo, scale, nb, heads, len(inputs) > 2 and inputs[2] is not None)
        return outs, cache

    def backward(self, cfg, params, cache, d_outputs, input_grads=True):
        sq, sk, sv, qs, k3, v3, w, wd, mask, c2, wo, scale, nb, heads, has_key = cache
        dout = f32(d_outputs[0])
        tq = dout.shape[1]
        wo2 = wo.reshape(c2.shape[1], -1)
        dwo, dbo, dc2 = linear_grads(c2, wo2, dout.reshape(nb * tq, -1), True, True)
        grads = {"attention_output/kernel": dwo.reshape(wo.shape)}
        if "attention_output/bias" in params:
            grads["attention_output/bias"] = dbo
        vd = v3.shape[-1]
        dc3 = np.ascontiguousarray(dc2.reshape(nb, tq, heads, vd).transpose(0, 2, 1, 3)).reshape(nb * heads, tq, vd)
        dwd = batch_matmul_nt(dc3, v3)
        dv3 = batch_matmul_tn(np.ascontiguousarray(wd), dc3)
        dw = dwd if mask is None else dwd * mask
        if len(d_outputs) > 1 and d_outputs[1] is not None:
            dw = dw + f32(d_outputs[1]).reshape(dw.shape)
        ds = np.ascontiguousarray(_softmax_backward(w, dw))
        dqs = batch_matmul(ds, k3)
        dk3 = batch_matmul_tn(ds, qs)
        dq3 = (dqs * scale).astype(np.float32)
        dk3, dv3 = self._reduce_kv(cfg, dk3, nb), self._reduce_kv(cfg, dv3, nb)
        dq, g = self._project_back(params, "query", sq, dq3, nb, input_grads)
        grads.update(g)
        dk, g = self._project_back(params, "key", sk, dk3, nb, input_grads)
        grads.update(g)
        dv, g = self._project_back(params, "value", sv, dv3, nb, input_grads)
        grads.update(g)
        if not input_grads:
            return [None] * (3 if has_key else 2), grads
        if has_key:
            return [dq, dv, dk], grads
        return [dq, (dv + dk).astype(np.float32)], grads


@register_kernel("GroupedQueryAttention", "GroupQueryAttention")
class GroupedQueryAttentionKernel(MultiHeadAttentionKernel):
    """MultiHeadAttention whose key/value projections have fewer heads: each
    key/value head serves num_query_heads / num_key_value_heads consecutive
    query heads (Keras repeats them along the head axis); the gradients of
    the repeats are summed back."""

    class_name = "GroupedQueryAttention"

    def _expand_kv(self, cfg, x3, nb):
        hkv = x3.shape[0] // nb
        repeats = int(cfg["num_query_heads"]) // hkv
        x4 = x3.reshape(nb, hkv, x3.shape[1], x3.shape[2])
        return np.ascontiguousarray(np.repeat(x4, repeats, axis=1)).reshape(-1, x3.shape[1], x3.shape[2])

    def _reduce_kv(self, cfg, dx3, nb):
        hq = dx3.shape[0] // nb
        r = hq // int(cfg["num_key_value_heads"])
        d5 = dx3.reshape(nb, hq // r, r, dx3.shape[1], dx3.shape[2])
        return np.ascontiguousarray(d5.sum(axis=2, dtype=np.float32)).reshape(-1, dx3.shape[1], dx3.shape[2])
