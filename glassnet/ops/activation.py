"""Activation functions φ and their derivatives φ'.

=================  ===============================  ===================================
name               φ(x)                             φ'(x)
=================  ===============================  ===================================
relu               max(0, x)                        1 if x > 0 else 0  (0 at x = 0)
leaky_relu         x if x > 0 else s·x              1 if x > 0 else s
prelu              x if x > 0 else w·x              1 if x > 0 else w;  ∂φ/∂w = x if x <= 0 else 0
elu                x if x > 0 else α(e^x - 1)       1 if x > 0 else α·e^x
hardtanh           clamp(x, lo, hi)                 1 if lo < x < hi else 0  (relu6: lo=0, hi=6)
sigmoid            σ(x) = 1 / (1 + e^-x)            σ(x)·(1 - σ(x))
log_sigmoid        log σ(x) = -log(1 + e^-x)        σ(-x) = 1 - σ(x)
silu               x·σ(x)                           σ(x)·(1 + x·(1 - σ(x)))
softplus           log(1 + e^(βx)) / β              σ(βx)
tanh               tanh x                           1 - tanh² x
gelu               x·Φ(x)                           Φ(x) + x·φ_N(x)
=================  ===============================  ===================================

Φ is the standard normal CDF and φ_N its density.  ``gelu(approximate='tanh')``
uses PyTorch's tanh approximation of Φ.  ``softplus`` is x itself where
βx > ``threshold`` (there log(1 + e^(βx)) / β and x agree to float precision),
with derivative 1, as in PyTorch.  Every e^t below is taken of t <= 0 only
(or through ``np.logaddexp``), so no input overflows.

``backward_graph`` (for second derivatives; relu, leaky_relu, hardtanh, sigmoid,
tanh and gelu have it) writes φ' with Tensor operations: σ and tanh from the
op's output, gelu's Φ through the op ``NormalCDF``, and the piecewise-constant
slopes as they are.
"""

import math

import numpy as np

from ..autograd.function import Function, saved_output
from .special import normal_cdf


def stable_sigmoid(x):
    """σ(x) = 1 / (1 + e^-x) with two branches so that exp never overflows: e^-x for x >= 0, e^x for x < 0."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


class ReLU(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x):
        if ctx.needs_input_grad[0]:
            ctx.positive = x > 0
        return np.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.positive,)

    backward_graph = backward  # the mask is constant: the same on a Tensor


class LeakyReLU(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        ctx.positive, ctx.slope = x > 0, negative_slope
        return np.where(ctx.positive, x, x * negative_slope)

    @staticmethod
    def backward(ctx, grad_output):
        return (np.where(ctx.positive, grad_output, grad_output * ctx.slope),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * np.where(ctx.positive, 1, ctx.slope).astype(grad_output.array.dtype),)


class Sigmoid(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, x):
        ctx.out = stable_sigmoid(x)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.out * (1 - ctx.out),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        s = saved_output(ctx)
        return (grad_output * s * (1 - s),)


class Tanh(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, x):
        ctx.out = np.tanh(x)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * (1 - ctx.out * ctx.out),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        t = saved_output(ctx)
        return (grad_output * (1 - t * t),)


class GELU(Function):
    @staticmethod
    def forward(ctx, x, approximate="none"):
        ctx.x, ctx.approximate = x, approximate
        if approximate == "tanh":
            ctx.inner = np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))
            return 0.5 * x * (1 + ctx.inner)
        ctx.cdf = normal_cdf(x).astype(x.dtype)
        return x * ctx.cdf

    @staticmethod
    def backward(ctx, grad_output):
        x = ctx.x
        if ctx.approximate == "tanh":
            t = ctx.inner
            dinner = math.sqrt(2 / math.pi) * (1 + 3 * 0.044715 * x * x)
            return (grad_output * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner),)
        return (grad_output * (ctx.cdf + x * normal_density(x)),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        x = ctx.inputs[0]
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            t = (k * (x + 0.044715 * x**3)).tanh()
            dinner = k * (1 + 3 * 0.044715 * x * x)
            return (grad_output * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dinner),)
        return (grad_output * (NormalCDF.apply(x) + x * normal_density(x)),)


def normal_density(x):
    """φ_N(x) = e^(-x²/2) / √(2π), of an array (or, in ``backward_graph``, a Tensor)."""
    exponent = x * x * -0.5
    return (np.exp(exponent) if isinstance(exponent, (np.ndarray, np.generic)) else exponent.exp()) / math.sqrt(
        2 * math.pi
    )


class NormalCDF(Function):
    """Φ(x), the standard normal CDF, as an op: gelu's ``backward_graph`` differentiates it again (Φ' = φ_N)."""

    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return normal_cdf(x).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * normal_density(ctx.x),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * normal_density(ctx.inputs[0]),)


class PReLU(Function):
    """Leaky ReLU whose negative slope ``w`` is learned: one slope for all, or one per channel (dimension 1)."""

    @staticmethod
    def forward(ctx, x, w):
        slope = w.reshape(()) if w.size == 1 else w.reshape((-1,) + (1,) * (x.ndim - 2))  # broadcasts over dim 1
        ctx.x, ctx.w, ctx.slope, ctx.positive = x, w, slope, x > 0
        return np.where(ctx.positive, x, slope * x)

    @staticmethod
    def backward(ctx, grad_output):
        positive = ctx.positive
        dx = np.where(positive, grad_output, ctx.slope * grad_output) if ctx.needs_input_grad[0] else None
        dw = None
        if ctx.needs_input_grad[1]:
            per_element = np.where(positive, 0, ctx.x * grad_output)
            channel = () if ctx.w.size == 1 else (1,)
            dw = per_element.sum(axis=tuple(a for a in range(per_element.ndim) if a not in channel))
            dw = dw.reshape(ctx.w.shape).astype(ctx.w.dtype, copy=False)
        return dx, dw


class ELU(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, alpha=1.0):
        positive, negative_part = x > 0, np.minimum(x, 0)
        if ctx.needs_input_grad[0]:
            ctx.slope = np.where(positive, 1, alpha * np.exp(negative_part))
        return np.where(positive, x, alpha * np.expm1(negative_part))

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.slope,)


class Hardtanh(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, min_val=-1.0, max_val=1.0):
        if ctx.needs_input_grad[0]:
            ctx.inside = (x > min_val) & (x < max_val)
        return np.clip(x, min_val, max_val).astype(x.dtype, copy=False)  # integers stay integers, as in PyTorch

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.inside,)

    backward_graph = backward  # the mask is constant: the same on a Tensor


class LogSigmoid(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x):
        if ctx.needs_input_grad[0]:
            ctx.slope = stable_sigmoid(-x)
        return -np.logaddexp(0, -x)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.slope,)


class SiLU(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x):
        s = stable_sigmoid(x)
        if ctx.needs_input_grad[0]:
            ctx.slope = s * (1 + x * (1 - s))
        return x * s

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.slope,)


class Softplus(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, beta=1.0, threshold=20.0):
        scaled = x * beta
        linear = scaled > threshold
        if ctx.needs_input_grad[0]:
            ctx.slope = np.where(linear, 1, stable_sigmoid(scaled))
        return np.where(linear, x, np.logaddexp(0, scaled) / beta)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.slope,)
