"""Adam: per-coordinate step sizes from running averages of the gradient and its square.

Step ``t = 1, 2, ...`` for a parameter ``θ`` with gradient ``g = ∇f(θ)`` (PyTorch's rule)::

    if maximize:                 g ← -g
    if weight_decay λ:
        coupled (Adam):          g ← g + λ θ               (L2 penalty, goes through m and v)
        decoupled (AdamW):       θ ← θ - γ λ θ             (shrink θ directly)
    m ← β₁ m + (1 - β₁) g                                   (first moment, m₀ = 0)
    v ← β₂ v + (1 - β₂) g²                                  (second moment, v₀ = 0)
    m̂ = m / (1 - β₁ᵗ),   v̂ = v / (1 - β₂ᵗ)                   (bias correction: m, v start at 0)
    if amsgrad:  vmax ← max(vmax, v);  v̂ = vmax / (1 - β₂ᵗ)      (vmax₀ = 0)
    θ ← θ - γ m̂ / (√v̂ + ε)

As in PyTorch, the bias corrections are folded into scalars:
``θ ← θ - (γ / (1 - β₁ᵗ)) · m / (√v / √(1 - β₂ᵗ) + ε)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), optionally AMSGrad; see the module docstring for the update.

    Args:
        params: tensors to optimize, or dicts defining parameter groups.
        lr (float): learning rate γ. Default: 1e-3.
        betas (tuple[float, float]): decay rates (β₁, β₂) of the moment averages. Default: (0.9, 0.999).
        eps (float): ε added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): weight decay λ. Default: 0.
        amsgrad (bool): use the running maximum of the second moment (Reddi et al., 2018). Default: False.
        maximize (bool): maximize the objective instead of minimizing it. Default: False.
        decoupled_weight_decay (bool): shrink θ directly instead of adding λθ to the
            gradient; ``Adam(..., decoupled_weight_decay=True)`` is ``AdamW``. Default: False.

    State (per parameter): ``step`` (0-d int64 array; unlike PyTorch's float tensor),
    ``exp_avg`` (m), ``exp_avg_sq`` (v) and, with amsgrad, ``max_exp_avg_sq``.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(
            lr=lr,
            betas=tuple(betas),
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
            decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        lr, (beta1, beta2), weight_decay = group["lr"], group["betas"], group["weight_decay"]
        if not state:
            state["step"] = np.array(0, dtype=np.int64)
            state["exp_avg"] = np.zeros_like(param.array)
            state["exp_avg_sq"] = np.zeros_like(param.array)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param.array)
        exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
        state["step"] += 1
        step = int(state["step"])

        if group["maximize"]:
            grad = -grad
        if weight_decay != 0:
            if group["decoupled_weight_decay"]:
                param.array *= 1 - lr * weight_decay
            else:
                grad = grad + weight_decay * param.array

        exp_avg += (1 - beta1) * (grad - exp_avg)  # = β₁ m + (1 - β₁) g, written as PyTorch's lerp
        exp_avg_sq *= beta2
        exp_avg_sq += (1 - beta2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], exp_avg_sq, out=state["max_exp_avg_sq"])
            second_moment = state["max_exp_avg_sq"]
        else:
            second_moment = exp_avg_sq

        step_size = lr / (1 - beta1**step)
        denom = np.sqrt(second_moment) / (1 - beta2**step) ** 0.5 + group["eps"]
        param.array -= step_size * exp_avg / denom
