"""Fully connected layers: ``Linear`` (y = x Wᵀ + b) and ``Identity``."""

from __future__ import annotations

from typing import Any

from .. import creation
from .._typing import DTypeLike
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


class Identity(Module):
    """Returns its input unchanged; any constructor arguments are ignored (handy as a placeholder).

    Shape:
        - Input: ``(*)``, any shape.
        - Output: ``(*)``, the input itself.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        """``input`` itself."""
        return input


class Linear(Module):
    """Affine map ``y = x Wᵀ + b`` of the last dimension of the input.

    Initialised exactly as in PyTorch: ``kaiming_uniform_(weight, a=√5)``,
    which is U(-1/√in_features, 1/√in_features), and the bias from the same
    distribution.  Forward and backward run as one fused op
    (``glassnet.ops.linear.Linear``).

    Shape:
        - Input: ``(*, in_features)``, any number of leading dimensions.
        - Output: ``(*, out_features)``.

    Attributes:
        weight: Parameter of shape (out_features, in_features).
        bias: Parameter of shape (out_features,), or None when ``bias=False``.

    Example:
        >>> import glassnet
        >>> fc = glassnet.nn.Linear(3, 2)
        >>> fc
        Linear(in_features=3, out_features=2, bias=True)
        >>> fc.weight.shape, fc(glassnet.ones(5, 3)).shape
        (glassnet.Size([2, 3]), glassnet.Size([5, 2]))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype: DTypeLike | None = None) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(creation.empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights and biases from PyTorch's default distributions."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input: Tensor) -> Tensor:
        """``input @ weight.T + bias``."""
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
