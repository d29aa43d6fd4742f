"""Optimizers with Keras 3's defaults and update formulas, in float32.

``apply(grads, variables)`` updates the float32 arrays in place, in the order
Keras 3's BaseOptimizer does: clip gradients, decay weights
(``v -= v * weight_decay * lr``), then the optimizer's own step; the step
count (``iterations``) starts at 0 and Adam uses ``iterations + 1``.
"""
from __future__ import annotations

import numpy as np

from . import constraints as _constraints

F32 = np.float32


def _slot(v, fill=0.0):
    """A zero (or ``fill``) slot like ``v``, 64-byte aligned (kernels/_heap.py)."""
    from .kernels._heap import aligned_full_like

    return aligned_full_like(v, fill)


def _fused():
    """The numba kernels, imported on first use (the analyzer never loads numba)."""
    from . import optimizer_kernels

    return optimizer_kernels


class Optimizer:
    default_name = "optimizer"

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if "lr" in kwargs:  # Keras 2 spelling
            learning_rate = kwargs.pop("lr")
        kwargs.pop("decay", None)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(x is not None for x in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set.")
        self._learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.name = name or self.default_name
        self._iterations = 0
        self._slots: dict[int, list] = {}
        self._exclude_names: tuple = ()

    # `optimizer.iterations` reads as Keras's int64 variable (.numpy(), int()) and counts as an int.
    @property
    def iterations(self):
        return _Count(self._iterations)

    @iterations.setter
    def iterations(self, value):
        self._iterations = int(value)

    # -- learning rate: a float, or a schedule called with the step ---------
    @property
    def learning_rate(self):
        lr = self._learning_rate
        if callable(lr):
            return float(lr(self.iterations))
        return _LearningRate(lr, self)

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = float(value) if isinstance(value, _LearningRate) else value

    lr = learning_rate

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        self._exclude_names = tuple(var_names or ())

    # -- the step -------------------------------------------------------------
    # Whether the update squares the gradient (Adam, RMSprop, Adagrad): for an
    # Embedding, Keras squares each looked-up row's gradient separately (its
    # gradient is a sparse IndexedSlices), so apply() takes those sums in ``squares``.
    _squares_gradient = False
    _square = None

    def _sq(self, g):
        return np.square(g) if self._square is None else self._square

    def _sq_arrays(self):
        return () if self._square is None else (self._square,)

    def apply(self, grads, variables, names=None, squares=None):
        grads = [None if g is None else np.asarray(g, dtype=F32) for g in grads]
        grads = self._clip(grads)
        lr = F32(self.learning_rate)
        if self.weight_decay:
            wd = F32(self.weight_decay)
            for i, v in enumerate(variables):
                if names is not None and any(x in names[i] for x in self._exclude_names):
                    continue
                v -= v * wd * lr
        for i, (g, v) in enumerate(zip(grads, variables)):
            if g is None:
                continue
            slots = self._slots.get(i)
            if slots is None:
                slots = self._slots[i] = self.make_slots(v)
            sq = squares[i] if squares is not None and self._squares_gradient else None
            if sq is None:
                self.update_step(g, v, lr, slots)
            else:
                self._square = np.ascontiguousarray(sq, dtype=F32)
                try:
                    self.update_step(g, v, lr, slots)
                finally:
                    self._square = None
        _constraints.apply_to(variables)
        self.iterations += 1

    def apply_gradients(self, grads_and_vars):
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v.value if hasattr(v, "value") else v for _, v in pairs])

    def _clip(self, grads):
        if self.clipvalue is not None:
            c = F32(self.clipvalue)
            grads = [None if g is None else np.clip(g, -c, c) for g in grads]
        if self.clipnorm is not None:
            c = F32(self.clipnorm)
            out = []
            for g in grads:
                if g is None:
                    out.append(None)
                    continue
                norm = F32(np.sqrt(np.sum(np.square(g))))
                out.append(g * c / max(norm, c) if norm > 0 else g)
            grads = out
        if self.global_clipnorm is not None:
            c = F32(self.global_clipnorm)
            norm = F32(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads if g is not None)))
            if norm > c:
                grads = [None if g is None else g * (c / norm) for g in grads]
        return grads

    def make_slots(self, variable) -> list:
        return []

    def update_step(self, g, v, lr, slots) -> None:
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "learning_rate": self.learning_rate, "weight_decay": self.weight_decay}

    # Keras 3 exposes the slot arrays as ``optimizer.variables``.
    @property
    def variables(self):
        out = []
        for i in sorted(self._slots):
            out.extend(self._slots[i])
        return out


class _LearningRate(float):
    """The learning rate as scripts read it: a float that is also Keras's variable
    (numpy(), value, assign()); assign() -- or K.set_value -- sets the optimizer's rate."""

    def __new__(cls, value, optimizer=None):
        obj = float.__new__(cls, value)
        obj._optimizer = optimizer
        return obj

    def __reduce__(self):
        return float, (float(self),)

    def numpy(self):
        return np.float32(self)

    @property
    def value(self):
        return np.float32(self)

    def assign(self, value):
        if self._optimizer is not None:
            self._optimizer.learning_rate = float(np.asarray(value))
        return self._optimizer.learning_rate if self._optimizer is not None else self

    def __array__(self, dtype=None, copy=None):
        return np.asarray(float(self), dtype=dtype or np.float32)


class _Count(int):
    """The step count as scripts read it: an int with a Keras variable's numpy()/value."""

    def numpy(self):
        return np.int64(self)

    @property
    def value(self):
        return np.int64(self)

    def __array__(self, dtype=None, copy=None):
        return np.asarray(int(self), dtype=dtype or np.int64)


class SGD(Optimizer):
    default_name = "SGD"

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def make_slots(self, v):
        return [_slot(v)] if self.momentum != 0 else []

    def update_step(self, g, v, lr, slots):
        k = _fused()
        if k.contiguous_f32(g, v, *slots):
            if slots:
                k.sgd_momentum_step(v, g, slots[0], lr, F32(self.momentum), bool(self.nesterov))
            else:
                k.sgd_step(v, g, lr)
            return
        if slots:
            m = slots[0]
            mom = F32(self.momentum)
            m *= mom
            m -= g * lr
            if self.nesterov:
                v += m * mom - g * lr
            else:
                v += m
        else:
            v -= g * lr


class RMSprop(Optimizer):
    default_name = "rmsprop"
    _squares_gradient = True

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def make_slots(self, v):
        slots = [_slot(v)]
        slots.append(_slot(v) if self.momentum > 0 else None)
        slots.append(_slot(v) if self.centered else None)
        return slots

    def update_step(self, g, v, lr, slots):
        velocity, momentum, average = slots
        rho = F32(self.rho)
        if momentum is None and average is None and _fused().contiguous_f32(g, v, velocity, *self._sq_arrays()):
            _fused().rmsprop_step(v, g, velocity, rho, F32(1) - rho, lr, F32(self.epsilon), sq=self._square)
            return
        velocity[...] = rho * velocity + (F32(1) - rho) * self._sq(g)
        if self.centered:
            average[...] = rho * average + (F32(1) - rho) * g
            denominator = velocity - np.square(average) + F32(self.epsilon)
        else:
            denominator = velocity + F32(self.epsilon)
        increment = lr * g / np.sqrt(denominator)
        if self.momentum > 0:
            momentum[...] = F32(self.momentum) * momentum + increment
            v -= momentum
        else:
            v -= increment

    @property
    def variables(self):
        return [s for i in sorted(self._slots) for s in self._slots[i] if s is not None]


class Adagrad(Optimizer):
    default_name = "adagrad"
    _squares_gradient = True

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def make_slots(self, v):
        return [_slot(v, self.initial_accumulator_value)]

    def update_step(self, g, v, lr, slots):
        acc = slots[0]
        if _fused().contiguous_f32(g, v, acc, *self._sq_arrays()):
            _fused().adagrad_step(v, g, acc, lr, F32(self.epsilon), sq=self._square)
            return
        acc += self._sq(g)
        v -= lr * g / np.sqrt(acc + F32(self.epsilon))


class Adam(Optimizer):
    default_name = "adam"
    _squares_gradient = True

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def make_slots(self, v):
        slots = [_slot(v), _slot(v)]
        if self.amsgrad:
            slots.append(_slot(v))
        return slots

    _coeffs = (None, None)

    def _hyper(self, lr):
        """(alpha, 1 - beta_1, 1 - beta_2, epsilon) for this step, as the kernel's
        float32 array: computed once per step, not once per variable."""
        key = (self._iterations, lr, self.beta_1, self.beta_2, self.epsilon)
        if self._coeffs[0] != key:
            step = F32(self._iterations + 1)
            b1, b2 = F32(self.beta_1), F32(self.beta_2)
            alpha = lr * np.sqrt(F32(1) - b2**step) / (F32(1) - b1**step)
            h = np.array([alpha, F32(1) - b1, F32(1) - b2, F32(self.epsilon)], dtype=F32)
            self._coeffs = (key, h)
        return self._coeffs[1]

    def update_step(self, g, v, lr, slots):
        m, vel = slots[0], slots[1]
        if not self.amsgrad and _fused().contiguous_f32(g, v, m, vel, *self._sq_arrays()):
            _fused().adam_update(v, g, m, vel, self._hyper(lr), sq=self._square)
            return
        step = F32(self.iterations + 1)
        b1, b2 = F32(self.beta_1), F32(self.beta_2)
        alpha = lr * np.sqrt(F32(1) - b2**step) / (F32(1) - b1**step)
        m += (g - m) * (F32(1) - b1)
        vel += (self._sq(g) - vel) * (F32(1) - b2)
        if self.amsgrad:
            vhat = slots[2]
            np.maximum(vhat, vel, out=vhat)
            vel = vhat
        v -= (m * alpha) / (np.sqrt(vel) + F32(self.epsilon))


class AdamW(Adam):
    default_name = "adamw"

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, **kwargs)


class Adadelta(Optimizer):
    default_name = "adadelta"

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def make_slots(self, v):
        return [np.zeros_like(v), np.zeros_like(v)]

    def update_step(self, g, v, lr, slots):
        acc_grad, acc_delta = slots
        rho, eps = F32(self.rho), F32(self.epsilon)
        acc_grad[...] = rho * acc_grad + (F32(1) - rho) * np.square(g)
        delta = -(np.sqrt(acc_delta + eps) * g) / np.sqrt(acc_grad + eps)
        acc_delta[...] = rho * acc_delta + (F32(1) - rho) * np.square(delta)
        v += lr * delta


class Adamax(Optimizer):
    default_name = "adamax"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def make_slots(self, v):
        return [np.zeros_like(v), np.zeros_like(v)]

    def update_step(self, g, v, lr, slots):
        m, u = slots
        b1 = F32(self.beta_1)
        beta_1_power = b1 ** F32(self._iterations + 1)
        m += (g - m) * (F32(1) - b1)
        np.maximum(F32(self.beta_2) * u, np.abs(g), out=u)
        v -= (lr * m) / ((F32(1) - beta_1_power) * (u + F32(self.epsilon)))


class Nadam(Optimizer):
    default_name = "nadam"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self._u_product = F32(1.0)

    def apply(self, grads, variables, names=None, squares=None):
        # Keras updates the momentum-schedule product once per step, before the variables.
        step = F32(self._iterations + 1)
        self._u_product = F32(self._u_product * F32(self.beta_1) * (F32(1) - F32(0.5) * F32(0.96) ** step))
        super().apply(grads, variables, names, squares)

    def make_slots(self, v):
        return [np.zeros_like(v), np.zeros_like(v)]

    def update_step(self, g, v, lr, slots):
        m, vel = slots
        b1, b2, decay = F32(self.beta_1), F32(self.beta_2), F32(0.96)
        local_step, next_step = F32(self._iterations + 1), F32(self._iterations + 2)
        u_t = b1 * (F32(1) - F32(0.5) * decay ** local_step)
        u_t_1 = b1 * (F32(1) - F32(0.5) * decay ** next_step)
        u_product_t = self._u_product
        u_product_t_1 = u_product_t * u_t_1
        m += (g - m) * (F32(1) - b1)
        vel += (np.square(g) - vel) * (F32(1) - b2)
        m_hat = (u_t_1 * m) / (F32(1) - u_product_t_1) + ((F32(1) - u_t) * g) / (F32(1) - u_product_t)
        v_hat = vel / (F32(1) - b2 ** local_step)
        v -= (m_hat * lr) / (np.sqrt(v_hat) + F32(self.epsilon))


class Lion(Optimizer):
    default_name = "lion"

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError("Argument `beta_1` must be in the [0, 1] range. Otherwise, the optimizer degenerates "
                             f"to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def make_slots(self, v):
        return [np.zeros_like(v)]

    def update_step(self, g, v, lr, slots):
        m = slots[0]
        b1, b2 = F32(self.beta_1), F32(self.beta_2)
        v -= lr * np.sign(m * b1 + g * (F32(1) - b1))
        m[...] = m * b2 + g * (F32(1) - b2)


_BY_NAME = {
    "adadelta": Adadelta,
    "adamax": Adamax,
    "nadam": Nadam,
    "lion": Lion,
    "sgd": SGD,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adam": Adam,
    "adamw": AdamW,
}


def get(identifier) -> Optimizer:
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
