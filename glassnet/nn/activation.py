"""Activation layers: thin modules around ``glassnet.nn.functional``.

The math and derivatives are in ``glassnet/ops/activation.py`` and
``glassnet/ops/softmax.py``.  With ``inplace=True`` a layer changes its input
itself and returns it, as in PyTorch (glassnet/autograd/inplace.py).
"""

from __future__ import annotations

from .. import creation
from .._typing import DeviceLike, DTypeLike
from ..tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _inplace_repr(inplace: bool) -> str:
    return "inplace=True" if inplace else ""


class ReLU(Module):
    """max(0, x) elementwise (gradient 0 at x = 0, as in PyTorch).

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.

    Example:
        >>> import glassnet
        >>> glassnet.nn.ReLU()(glassnet.tensor([-1.0, 0.0, 2.0]))
        tensor([0., 0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """``max(0, input)``, elementwise."""
        return F.relu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class LeakyReLU(Module):
    """x where x > 0, else ``negative_slope`` · x: negative inputs keep a small gradient.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """``input`` where positive, else ``negative_slope * input``."""
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class PReLU(Module):
    """x where x > 0, else w·x with a learned slope w: one shared slope, or one per channel.

    Shape:
        - Input: ``(N, C, *)`` with C = ``num_parameters``, or any shape when ``num_parameters=1``.
        - Output: the input's shape.

    Attributes:
        weight: Parameter of shape (num_parameters,), filled with ``init`` (0.25).
    """

    def __init__(
        self,
        num_parameters: int = 1,
        init: float = 0.25,
        device: DeviceLike | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        self.num_parameters = num_parameters
        self.init = init
        self.weight = Parameter(creation.empty(num_parameters, dtype=dtype).to(device=device))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Set every slope back to ``init``."""
        init.constant_(self.weight, self.init)

    def forward(self, input: Tensor) -> Tensor:
        """``input`` where positive, else ``weight * input`` (the weight broadcast along axis 1)."""
        return F.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class ELU(Module):
    """x where x > 0, else α(eˣ − 1).

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """``input`` where positive, else ``alpha * (exp(input) - 1)``."""
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Hardtanh(Module):
    """x clamped to [min_val, max_val] (gradient 0 outside and at the ends).

    Unlike PyTorch, the deprecated ``min_value``/``max_value`` arguments are not accepted,
    and ``max_val <= min_val`` raises ``ValueError`` (PyTorch's ``assert`` raises ``AssertionError``).

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        if not max_val > min_val:
            raise ValueError(f"Hardtanh: max_val ({max_val}) must be greater than min_val ({min_val})")
        self.min_val = min_val
        self.max_val = max_val
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """``input`` clamped to ``[min_val, max_val]``."""
        return F.hardtanh(input, self.min_val, self.max_val, self.inplace)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (", inplace=True" if self.inplace else "")


class ReLU6(Hardtanh):
    """min(max(0, x), 6): ``Hardtanh(0, 6)``, common in mobile networks.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e⁻ˣ), squashing to (0, 1); its derivative is σ(x)(1 − σ(x)).

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def forward(self, input: Tensor) -> Tensor:
        """``1 / (1 + exp(-input))``, elementwise."""
        return F.sigmoid(input)


class LogSigmoid(Module):
    """log σ(x) = −log(1 + e⁻ˣ), finite for any x.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def forward(self, input: Tensor) -> Tensor:
        """``log(sigmoid(input))``, elementwise and computed stably."""
        return F.logsigmoid(input)


class SiLU(Module):
    """x · σ(x) (swish).

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        """``input * sigmoid(input)``, elementwise."""
        return F.silu(input, self.inplace)

    def extra_repr(self) -> str:
        return _inplace_repr(self.inplace)


class Softplus(Module):
    """log(1 + e^(βx)) / β, a smooth ReLU; linear where βx > ``threshold``.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input: Tensor) -> Tensor:
        """``log(1 + exp(beta * input)) / beta``, elementwise (``input`` where ``beta * input > threshold``)."""
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Tanh(Module):
    """tanh(x), squashing to (−1, 1); its derivative is 1 − tanh²(x).

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def forward(self, input: Tensor) -> Tensor:
        """``tanh(input)``, elementwise."""
        return F.tanh(input)


class GELU(Module):
    """x · Φ(x) (Φ the standard normal CDF); ``approximate='tanh'`` uses the tanh approximation.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, input: Tensor) -> Tensor:
        """``input * Φ(input)``, elementwise (or its tanh approximation)."""
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """e^x / Σ e^x along ``dim``: each slice becomes probabilities summing to 1.

    For training, feed the raw scores to ``CrossEntropyLoss`` instead: it
    includes the softmax and is more stable.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape, each slice along ``dim`` summing to 1.
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """``exp(input) / exp(input).sum(dim)``, computed stably."""
        return F.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) = x − log Σ eˣ along ``dim``, computed stably; pair it with ``NLLLoss``.

    Shape:
        - Input: ``(*)``, any number of dimensions.
        - Output: ``(*)``, the input's shape.
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        """``input - logsumexp(input, dim)``."""
        return F.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"
