"""Running sums and products along one axis: ``cumsum`` and ``cumprod``.

``out_i = Σ_{j<=i} x_j``: each ``x_k`` feeds every ``out_i`` with ``i >= k``,
so ``dL/dx_k = Σ_{i>=k} g_i``, a cumulative sum of the upstream gradient
``g`` taken from the end (``reverse_cumsum``).

``out_i = Π_{j<=i} x_j`` has ``∂out_i/∂x_k = out_i / x_k`` for ``i >= k``, so
``dL/dx_k = reverse_cumsum(g·out)_k / x_k`` wherever ``x_k != 0``.  At a zero
that formula divides 0 by 0, so it is computed exactly instead, as PyTorch
does: only the *first* zero of a row has a nonzero gradient (every product
through a later zero also contains the first one), and for it
``dL/dx_z = Σ_{i>=z} g_i · Π_{j<=i, j!=z} x_j``, which is the reverse cumsum
of ``g`` times the running product of ``x`` with ``x_z`` replaced by 1.
"""

import numpy as np

from ..autograd.function import Function


def reverse_cumsum(a, axis):
    """``Σ_{i>=k} a_i`` along ``axis``."""
    return np.flip(np.cumsum(np.flip(a, axis), axis=axis), axis)


class CumSum(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = dim
        return np.cumsum(a, axis=dim, dtype=a.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return (reverse_cumsum(grad_output, ctx.dim),)


class CumProd(Function):
    saves_output = True

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.a, ctx.dim = a, dim
        ctx.out = np.cumprod(a, axis=dim, dtype=a.dtype)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        a, dim = ctx.a, ctx.dim
        zero = a == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            grad = np.where(zero, 0, reverse_cumsum(grad_output * ctx.out, dim) / a).astype(a.dtype)
        if zero.any():
            first = zero & (np.cumsum(zero, axis=dim) == 1)  # the first zero of each row
            without_it = np.cumprod(np.where(first, 1, a), axis=dim)
            grad[first] = reverse_cumsum(grad_output * without_it, dim)[first]
        return (grad,)
