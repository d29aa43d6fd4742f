"""The contract between the runtime's model engine and the layer kernels.

A kernel is stateless: parameters live in the engine's layer object and are
passed in as a dict name -> float32 ndarray, shaped exactly as the catalog
spec's ``weights(cfg, input_shapes)`` says (same names, same order).

  forward(cfg, params, inputs, training, rng) -> (outputs, cache)
      inputs:  list of ndarrays (one per input tensor, batch axis first)
      outputs: list of ndarrays (one per output tensor)
      cache:   anything backward needs (None when training is False is fine)
  backward(cfg, params, cache, d_outputs, input_grads=True) -> (d_inputs, d_params)
      d_outputs: list of ndarrays shaped like outputs (None for an output
                 that does not reach the loss)
      input_grads: False when no input needs a gradient (the model's first
                 layer, fed with data): kernels may then skip the work and
                 return None for each input (Dense's first-layer dx is a
                 quarter of an MLP's backward FLOPs)
      d_inputs:  list, one per input (None where the input is integer ids)
      d_params:  dict name -> ndarray shaped like params[name]; only
                 trainable weights need a gradient
  update_state(cfg, params, cache) -> None
      optional: non-trainable state updated during training (BatchNorm's
      moving mean/variance), called after forward when training is True.

Kernels for the CPU are numba ``@njit(cache=True, error_model="numpy")`` functions called from
these methods; the CUDA target registers its own LayerKernel objects with the
same contract under ``device="cuda"``.
"""
from __future__ import annotations

from typing import Any, Callable, Optional


class LayerKernel:
    class_name: str = ""

    def forward(self, cfg: dict, params: dict, inputs: list, training: bool, rng: Any):
        raise NotImplementedError(self.class_name)

    def backward(self, cfg: dict, params: dict, cache: Any, d_outputs: list, input_grads: bool = True):
        raise NotImplementedError(self.class_name)

    def update_state(self, cfg: dict, params: dict, cache: Any) -> None:
        return None


KERNELS: dict[tuple[str, str], LayerKernel] = {}


def register_kernel(*class_names: str, device: str = "cpu") -> Callable[[type], type]:
    def deco(cls: type) -> type:
        inst = cls()
        for name in class_names:
            KERNELS[(name, device)] = inst
        return cls

    return deco


def get_kernel(class_name: str, device: str = "cpu") -> Optional[LayerKernel]:
    return KERNELS.get((class_name, device))
