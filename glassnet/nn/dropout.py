"""``Dropout`` and ``Dropout2d``: randomly zero activations (or whole channels) during training to fight overfitting."""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class Dropout(Module):
    """Zero each element with probability ``p`` in training mode and scale the others by 1/(1-p).

    In evaluation mode (``model.eval()``) it is the identity.  The mask comes
    from glassnet's seeded generator (``glassnet.manual_seed``).  With
    ``inplace=True`` the input itself is changed and returned, as in PyTorch.

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """In training mode ``input · mask / (1 − p)`` with a fresh Bernoulli(1 − p) mask; else ``input``."""
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """Zero each whole channel with probability ``p`` in training mode and scale the others by 1/(1-p).

    As ``torch.nn.Dropout2d``: one draw per (sample, channel), so neighbouring
    pixels, which are strongly correlated in convolutional feature maps, are
    dropped together.  The identity in evaluation mode.  A 3-D input is taken
    as (N, C, L), with PyTorch's warning.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(N, C, L)``.
        - Output: the input's shape.
    """

    def forward(self, input: Tensor) -> Tensor:
        """In training mode ``input · mask / (1 − p)`` with one Bernoulli(1 − p) draw per channel; else ``input``."""
        return F.dropout2d(input, self.p, self.training, self.inplace)
