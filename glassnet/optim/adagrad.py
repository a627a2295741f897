"""Adagrad: each coordinate's step shrinks with the sum of all its squared gradients so far.

Step ``t = 1, 2, ...`` for a parameter ``θ`` with gradient ``g = ∇f(θ)`` (PyTorch's rule; Duchi et al., 2011)::

    if maximize:        g ← -g
    if weight_decay λ:  g ← g + λ θ                          (L2 penalty)
    γₜ = γ / (1 + (t - 1) η)                                 (η = lr_decay)
    s ← s + g²                                               (s₀ = initial_accumulator_value)
    θ ← θ - γₜ g / (√s + ε)

Coordinates with large or frequent gradients get small steps, rare ones keep
large steps.  Because ``s`` only grows, the steps keep shrinking, which is why
RMSprop and Adam replace the sum by a running average.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT


class Adagrad(Optimizer):
    """Adagrad; see the module docstring for the update.

    Args:
        params: tensors to optimize, or dicts defining parameter groups.
        lr (float): learning rate γ. Default: 1e-2.
        lr_decay (float): learning-rate decay η. Default: 0.
        weight_decay (float): L2 penalty λ. Default: 0.
        initial_accumulator_value (float): starting value of the sum of squares. Default: 0.
        eps (float): ε added to the denominator for numerical stability. Default: 1e-10.
        maximize (bool): maximize the objective instead of minimizing it. Default: False.

    As in PyTorch, the state is created with the optimizer (so ``state_dict()``
    has an entry for every parameter before the first step), and every
    accumulator starts at the ``initial_accumulator_value`` given to the
    constructor, even in a param group that sets its own.  Unlike PyTorch, the
    implementation switches (``foreach``, ``differentiable``, ``fused``) are not
    accepted: glassnet has one implementation, on NumPy.

    State (per parameter): ``step`` (0-d int64 array; unlike PyTorch's float tensor) and ``sum`` (s).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(
            lr=lr,
            lr_decay=lr_decay,
            eps=eps,
            weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value,
            maximize=maximize,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(self.state[p], p)

    def _init_state(self, state: dict[str, Any], param: Tensor) -> None:
        state["step"] = np.array(0, dtype=np.int64)
        state["sum"] = np.full_like(param.array, self.defaults["initial_accumulator_value"])

    def _update(self, param: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        if not state:  # a parameter added with add_param_group after construction
            self._init_state(state, param)
        state["step"] += 1
        step = int(state["step"])

        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param.array

        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        param.array -= clr * grad / (np.sqrt(state["sum"]) + group["eps"])
