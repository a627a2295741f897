"""Activation functions φ and their derivatives φ'.

=================  ===============================  ===================================
name               φ(x)                             φ'(x)
=================  ===============================  ===================================
relu               max(0, x)                        1 if x > 0 else 0  (0 at x = 0)
leaky_relu         x if x > 0 else s·x              1 if x > 0 else s
sigmoid            σ(x) = 1 / (1 + e^-x)            σ(x)·(1 - σ(x))
tanh               tanh x                           1 - tanh² x
gelu               x·Φ(x)                           Φ(x) + x·φ_N(x)
=================  ===============================  ===================================

Φ is the standard normal CDF and φ_N its density.  ``gelu(approximate='tanh')``
uses PyTorch's tanh approximation of Φ.
"""
import math

import numpy as np

from ..autograd.function import Function
from .special import normal_cdf



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


class LeakyReLU(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, negative_slope=0.01):
        ctx.positive, ctx.slope = x > 0, negative_slope
        return np.where(ctx.positive, x, x * negative_slope)

    @staticmethod
    def backward(ctx, grad_output):
        return (np.where(ctx.positive, grad_output, grad_output * ctx.slope),)


class Sigmoid(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, x):
        # Two branches so that exp never overflows: e^-x for x >= 0, e^x for x < 0.
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.out * (1 - ctx.out),)


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
        density = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
        return (grad_output * (ctx.cdf + x * density),)
