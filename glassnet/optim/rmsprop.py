"""RMSprop: divide each coordinate's step by a running root-mean-square of its gradients.

Step for a parameter ``θ`` with gradient ``g = ∇f(θ)`` (PyTorch's rule; Hinton's lecture 6e)::

    if maximize:        g ← -g
    if weight_decay λ:  g ← g + λ θ                           (L2 penalty)
    v ← α v + (1 - α) g²                                      (mean square, v₀ = 0)
    if centered:        ḡ ← α ḡ + (1 - α) g                   (mean gradient, ḡ₀ = 0)
                        d = √(v - ḡ²) + ε                     (≈ standard deviation of g)
    otherwise:          d = √v + ε
    if momentum μ > 0:  b ← μ b + g / d;   θ ← θ - γ b        (b₀ = 0)
    otherwise:          θ ← θ - γ g / d

Unlike Adam there is no bias correction, so the first steps are large: with
``v₀ = 0`` the first ``d`` is about ``√(1 - α) |g|``, ten times smaller than
``|g|`` for the default ``α = 0.99``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT


class RMSprop(Optimizer):
    """RMSprop, optionally centered and with momentum; see the module docstring for the update.

    Args:
        params: tensors to optimize, or dicts defining parameter groups.
        lr (float): learning rate γ. Default: 1e-2.
        alpha (float): smoothing constant α of the running averages. Default: 0.99.
        eps (float): ε added to the denominator for numerical stability. Default: 1e-8.
        weight_decay (float): L2 penalty λ. Default: 0.
        momentum (float): momentum factor μ. Default: 0.
        centered (bool): divide by the running variance of the gradient instead of its mean square. Default: False.
        maximize (bool): maximize the objective instead of minimizing it. Default: False.

    Unlike PyTorch, ``maximize`` is keyword-only and the implementation switches
    (``capturable``, ``foreach``, ``differentiable``) are not accepted: glassnet
    has one implementation, on NumPy.

    State (per parameter): ``step`` (0-d int64 array; unlike PyTorch's float tensor),
    ``square_avg`` (v), ``momentum_buffer`` (b, when momentum > 0) and ``grad_avg`` (ḡ, when centered).
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            alpha=alpha,
            eps=eps,
            centered=centered,
            weight_decay=weight_decay,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        alpha, momentum = group["alpha"], group["momentum"]
        if not state:
            state["step"] = np.array(0, dtype=np.int64)
            state["square_avg"] = np.zeros_like(param.array)
            if momentum > 0:
                state["momentum_buffer"] = np.zeros_like(param.array)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param.array)
        state["step"] += 1

        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param.array

        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg += (1 - alpha) * (grad - grad_avg)  # = α ḡ + (1 - α) g, written as PyTorch's lerp
            denom = np.sqrt(square_avg - grad_avg * grad_avg)
        else:
            denom = np.sqrt(square_avg)
        denom += group["eps"]

        if momentum > 0:
            buf = state["momentum_buffer"]
            buf *= momentum
            buf += grad / denom
            param.array -= group["lr"] * buf
        else:
            param.array -= group["lr"] * grad / denom
