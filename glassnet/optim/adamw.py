"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

With Adam's coupled weight decay, ``λθ`` is added to the gradient and then
divided by ``√v̂``, so parameters with large gradients are barely decayed.
AdamW shrinks the parameter directly, before the Adam step::

    θ ← θ - γ λ θ
    θ ← θ - γ m̂ / (√v̂ + ε)            (m̂, v̂ as in Adam, from the gradient alone)

The rest of the update is Adam's (see ``glassnet/optim/adam.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .adam import Adam
from .optimizer import ParamsT


class AdamW(Adam):
    """Adam with decoupled weight decay; the same arguments as ``Adam`` but ``weight_decay`` defaults to 1e-2.

    Args:
        params: tensors to optimize, or dicts defining parameter groups.
        lr (float): learning rate γ. Default: 1e-3.
        betas (tuple[float, float]): (β₁, β₂). Default: (0.9, 0.999).
        eps (float): ε. Default: 1e-8.
        weight_decay (float): decoupled weight decay λ. Default: 1e-2.
        amsgrad (bool): use AMSGrad. Default: False.
        maximize (bool): maximize the objective. Default: False.
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize, decoupled_weight_decay=True)

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """As ``Optimizer.load_state_dict``; the weight decay stays decoupled whatever the saved groups say."""
        super().load_state_dict(state_dict)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
