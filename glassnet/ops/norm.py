"""Vector norms ``‖x‖_p = (Σ |x|^p)^(1/p)`` over some axes, with PyTorch's gradients.

=========  =====================  ==========================================
p          ‖x‖_p                  ∂‖x‖/∂x
=========  =====================  ==========================================
2          √(Σ x²)                x / ‖x‖
1          Σ |x|                  sign x
inf        max |x|                sign x / (number of ties) at the maxima (and NaNs), else 0
-inf       min |x|                sign x / (number of ties) at the minima, else 0
0          number of x != 0       0
other p    (Σ |x|^p)^(1/p)        sign x · |x|^(p-1) / ‖x‖^(p-1)
=========  =====================  ==========================================

Where ‖x‖ = 0, and for other p where x = 0, the gradient is taken as 0 (no
derivative exists there), as in PyTorch.
"""

import math

import numpy as np

from ..autograd.function import Function
from .reduction import reduction_dims


class Norm(Function):
    @staticmethod
    def forward(ctx, a, p=2.0, dim=None, keepdim=False):
        axes = reduction_dims(dim, a.ndim)
        ctx.a, ctx.p, ctx.axes, ctx.keepdim = a, p, axes, keepdim
        magnitude = np.abs(a)
        if p == 2:
            norm = np.sqrt((a * a).sum(axis=axes, keepdims=True))
        elif p == 1:
            norm = magnitude.sum(axis=axes, keepdims=True)
        elif p == math.inf:
            norm = magnitude.max(axis=axes, keepdims=True, initial=0)
        elif p == -math.inf:
            norm = magnitude.min(axis=axes, keepdims=True)
        elif p == 0:
            norm = (a != 0).sum(axis=axes, keepdims=True).astype(a.dtype)
        else:
            norm = (magnitude**p).sum(axis=axes, keepdims=True) ** (1 / p)
        ctx.norm = norm
        return np.asarray(norm if keepdim else norm.squeeze(axes))

    @staticmethod
    def backward(ctx, grad_output):
        a, p, norm = ctx.a, ctx.p, ctx.norm
        g = grad_output if ctx.keepdim else np.expand_dims(grad_output, ctx.axes)
        with np.errstate(divide="ignore", invalid="ignore"):
            if p == 0:
                grad = np.zeros_like(a)
            elif p == 1:
                grad = g * np.sign(a)
            elif abs(p) == math.inf:
                hits = (np.abs(a) == norm) | np.isnan(a)
                grad = np.sign(a) * hits * (g / hits.sum(axis=ctx.axes, keepdims=True))
            elif p == 2:
                grad = a * np.where(norm == 0, 0, g / norm)
            else:
                local = np.where(a == 0, 0, np.sign(a) * np.abs(a) ** (p - 1))
                grad = local * np.where(norm == 0, 0, g / norm ** (p - 1))
        return (grad.astype(a.dtype, copy=False),)
