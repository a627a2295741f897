"""Activation layers: thin modules around ``glassnet.nn.functional``.

The math and derivatives are in ``glassnet/ops/activation.py`` and
``glassnet/ops/softmax.py``.  ``inplace`` arguments are accepted for PyTorch
compatibility; unlike PyTorch the result is always a new tensor.
"""

from . import functional as F
from .module import Module


def _inplace_repr(inplace):
    return "inplace=True" if inplace else ""


class ReLU(Module):
    """max(0, x) elementwise (gradient 0 at x = 0, as in PyTorch)."""

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class LeakyReLU(Module):
    """x where x > 0, else ``negative_slope`` · x: negative inputs keep a small gradient."""

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class Sigmoid(Module):
    """σ(x) = 1 / (1 + e^-x), squashing to (0, 1)."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(Module):
    """tanh(x), squashing to (-1, 1)."""

    def forward(self, input):
        return F.tanh(input)


class GELU(Module):
    """x · Φ(x) (Φ the standard normal CDF); ``approximate='tanh'`` uses the tanh approximation."""

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """e^x / Σ e^x along ``dim``: each slice becomes probabilities summing to 1.

    For training, feed the raw scores to ``CrossEntropyLoss`` instead: it
    includes the softmax and is more stable.
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) along ``dim``, computed stably; pair it with ``NLLLoss``."""

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"
