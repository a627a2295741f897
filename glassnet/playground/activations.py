"""Activation functions and regularisers of the playground (``nn.ts:114-149``), plus some extras.

Each activation has three forms that must agree: a NumPy ``forward(z)``, its
NumPy ``derivative(z, a)`` (``a = forward(z)`` is passed so that tanh and
sigmoid need not be recomputed; the original recomputes them from ``z`` and
gets the same double), and ``tensor(z)``, the same function written with
glassnet Tensor ops, which autograd differentiates (the ``backend="glassnet"``
path of ``network.py`` and the tests use it).

The original's four (``nn.ts:114-137``):

=========  =====================  ==============================
name       φ(z)                   φ'(z)
=========  =====================  ==============================
tanh       tanh z                 1 - tanh² z
relu       max(0, z)              0 if z <= 0 else 1 (0 at z = 0)
sigmoid    1 / (1 + e^-z)         σ(z)·(1 - σ(z))
linear     z                      1
=========  =====================  ==============================

Beyond the original (requested in its pull requests #22, #112 and issue #116;
never chosen by an original link):

=========  =====================  ==============================
elu        z if z > 0 else e^z-1  1 if z > 0 else e^z
leakyrelu  z if z > 0 else z/100  1 if z > 0 else 1/100
softplus   log(1 + e^z)           σ(z)
swish      z·σ(z)                 σ(z) + z·σ(z)·(1 - σ(z))
mish       z·tanh(softplus z)     t + z·σ(z)·(1 - t²), t = tanh(softplus z)
softsign   z / (1 + |z|)          1 / (1 + |z|)²
gaussian   e^(-z²)                -2z·e^(-z²)
=========  =====================  ==============================

Regularisers (``nn.ts:140-149``) act on weights only, never on biases:
L1 is |w| with derivative sign(w) (0 at 0); L2 is w²/2 with derivative w.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import glassnet


@dataclass(frozen=True)
class Activation:
    """One activation: NumPy forward and derivative, and a Tensor expression in ``h`` and ``lib``.

    ``expression`` works on glassnet and PyTorch tensors alike (``lib`` is
    ``glassnet`` or ``torch``); it is compiled here for glassnet (``tensor``) and
    written verbatim into the script that ``export.py`` produces.
    """

    name: str
    forward: Callable  # NumPy: z -> φ(z)
    derivative: Callable  # NumPy: (z, φ(z)) -> φ'(z)
    expression: str  # Tensor code for φ(h)
    original: bool = False  # one of the original playground's four
    tensor: Callable = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "tensor", eval(f"lambda h: {self.expression}", {"lib": glassnet}))


def _sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))  # the original's formula (exp may overflow to inf: σ = 0)


def _softplus(z):
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def _mish_derivative(z, a):
    t = np.tanh(_softplus(z))
    s = _sigmoid(z)
    return t + z * s * (1 - t * t)


SOFTPLUS = "(h.relu() + ((-h.abs()).exp() + 1).log())"

ACTIVATIONS = {
    a.name: a
    for a in (
        Activation("tanh", np.tanh, lambda z, a: 1 - a * a, "h.tanh()", True),
        Activation("relu", lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype), "h.relu()", True),
        Activation("sigmoid", _sigmoid, lambda z, a: a * (1 - a), "h.sigmoid()", True),
        Activation("linear", lambda z: z, lambda z, a: np.ones_like(z), "h", True),
        Activation(
            "elu",
            lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))),
            lambda z, a: np.where(z > 0, 1.0, a + 1),
            "lib.where(h > 0, h, h.clamp(max=0).exp() - 1)",
        ),
        Activation(
            "leakyrelu",
            lambda z: np.where(z > 0, z, z * 0.01),
            lambda z, a: np.where(z > 0, 1.0, 0.01),
            "lib.where(h > 0, h, h * 0.01)",
        ),
        Activation("softplus", _softplus, lambda z, a: _sigmoid(z), SOFTPLUS),
        Activation(
            "swish", lambda z: z * _sigmoid(z), lambda z, a: _sigmoid(z) + a * (1 - _sigmoid(z)), "h * h.sigmoid()"
        ),
        Activation("mish", lambda z: z * np.tanh(_softplus(z)), _mish_derivative, f"h * {SOFTPLUS}.tanh()"),
        Activation(
            "softsign", lambda z: z / (1 + np.abs(z)), lambda z, a: 1 / ((1 + np.abs(z)) ** 2), "h / (h.abs() + 1)"
        ),
        Activation("gaussian", lambda z: np.exp(-z * z), lambda z, a: -2 * z * a, "(-(h * h)).exp()"),
    )
}


def l1_derivative(w):
    """d|w|/dw = sign(w), with 0 at 0 (``nn.ts:140-144``)."""
    return np.sign(w)


def l2_derivative(w):
    """d(w²/2)/dw = w (``nn.ts:145-149``)."""
    return w


REGULARIZATION_DERIVATIVES = {"L1": l1_derivative, "L2": l2_derivative}
