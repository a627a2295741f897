"""Adadelta: a step whose size comes from running averages of past squared steps and squared gradients.

Step for a parameter ``θ`` with gradient ``g = ∇f(θ)`` (PyTorch's rule; Zeiler 2012)::

    if maximize:        g ← -g
    if weight_decay λ:  g ← g + λ θ                           (L2 penalty)
    v ← ρ v + (1 - ρ) g²                                      (mean square gradient, v₀ = 0)
    Δ = √(u + ε) / √(v + ε) · g                               (u: mean square step, u₀ = 0)
    u ← ρ u + (1 - ρ) Δ²
    θ ← θ - γ Δ

The ratio √(u + ε) / √(v + ε) gives each coordinate a step in the units of θ
itself, which is why the default learning rate γ is 1.0 (the MNIST example of
``pytorch/examples`` trains with it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT


class Adadelta(Optimizer):
    """Adadelta; see the module docstring for the update.

    Args:
        params: tensors to optimize, or dicts defining parameter groups.
        lr (float): learning rate γ, a factor on Δ. Default: 1.0.
        rho (float): smoothing constant ρ of the running averages. Default: 0.9.
        eps (float): ε inside both square roots. Default: 1e-6.
        weight_decay (float): L2 penalty λ. Default: 0.
        maximize (bool): maximize the objective instead of minimizing it. Default: False.

    Unlike PyTorch, ``maximize`` is keyword-only and the implementation switches
    (``capturable``, ``foreach``, ``differentiable``) are not accepted.

    State (per parameter): ``step`` (0-d int64 array), ``square_avg`` (v) and ``acc_delta`` (u).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _update(self, param: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = np.array(0, dtype=np.int64)
            state["square_avg"] = np.zeros_like(param.array)
            state["acc_delta"] = np.zeros_like(param.array)
        state["step"] += 1
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param.array
        square_avg, acc_delta = state["square_avg"], state["acc_delta"]
        square_avg *= rho
        square_avg += (1 - rho) * grad * grad
        delta = np.sqrt(acc_delta + eps) / np.sqrt(square_avg + eps) * grad
        acc_delta *= rho
        acc_delta += (1 - rho) * delta * delta
        param.array -= group["lr"] * delta
