"""Stochastic gradient descent, with optional momentum, Nesterov momentum and weight decay.

One step for a parameter ``θ`` with gradient ``g = ∇f(θ)`` (PyTorch's rule)::

    if maximize:        g ← -g
    if weight_decay λ:  g ← g + λ θ                      (L2 penalty λ/2 ‖θ‖²)
    if momentum μ:
        first step:     b ← g                            (the buffer starts at the gradient,
        later steps:    b ← μ b + (1 - τ) g               not at zero; τ = dampening)
        nesterov:       g ← g + μ b                      (look ahead along the velocity)
        otherwise:      g ← b
    θ ← θ - γ g                                          (γ = lr)

Note the momentum form: PyTorch (and glassnet) accumulate the *gradient*,
``b ← μ b + g; θ ← θ - γ b``, while Sutskever et al. and many lecture slides
accumulate the *step*, ``v ← μ v - γ g; θ ← θ + v``.  With a constant learning
rate both give the same trajectory (``v = -γ b``); they differ when ``lr``
changes during training (e.g. with a scheduler).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamsT


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum); see the module docstring for the update.

    Args:
        params: tensors to optimize, or dicts defining parameter groups.
        lr (float): learning rate γ. Default: 1e-3.
        momentum (float): momentum factor μ, in [0, 1). Default: 0.
        dampening (float): dampening τ for momentum. Default: 0.
        weight_decay (float): L2 penalty λ. Default: 0.
        nesterov (bool): use Nesterov momentum (needs momentum > 0 and dampening 0). Default: False.
        maximize (bool): maximize the objective instead of minimizing it. Default: False.

    Unlike PyTorch, ``momentum >= 1`` raises ``ValueError``: the velocity would
    never decay and training diverges.

    State (per parameter): ``momentum_buffer`` (array shaped like the parameter), only when momentum != 0.

    Example:
        Fit a linear model to y = 2x with momentum:

        >>> import glassnet
        >>> model = glassnet.nn.Linear(1, 1)
        >>> opt = glassnet.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> x = glassnet.linspace(-1, 1, 20).reshape(20, 1)
        >>> for step in range(200):
        ...     opt.zero_grad()
        ...     loss = glassnet.nn.functional.mse_loss(model(x), 2 * x)
        ...     loss.backward()
        ...     opt.step()
        >>> round(model.weight.item(), 2), loss.item() < 1e-4
        (2.0, True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if momentum >= 1.0:
            raise ValueError(
                f"Invalid momentum value: {momentum}; hint: momentum must be in [0, 1) "
                "(unlike PyTorch, glassnet rejects momentum >= 1, whose velocity never decays)"
            )
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _update(self, param: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        momentum = group["momentum"]
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * param.array
        if momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = grad.copy()
            else:
                buf *= momentum
                buf += grad if group["dampening"] == 0 else (1 - group["dampening"]) * grad
            grad = grad + momentum * buf if group["nesterov"] else buf
        param.array -= group["lr"] * grad
