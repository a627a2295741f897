"""Reductions: ``sum``, ``var``/``std`` and the extreme values ``max``/``min``.

``sum`` copies the upstream gradient back to every element that was summed.
With ``m`` the mean over the ``N`` reduced elements and ``c`` the correction,
``var = Σ(x - m)² / (N - c)`` has ``∂var/∂x = 2(x - m) / (N - c)`` (the terms
through ``m`` cancel, since Σ(x - m) = 0), and ``std = √var`` has
``∂std/∂x = ∂var/∂x / (2·std)``, taken as 0 where std = 0, as in PyTorch.
``max()`` over all elements shares the gradient evenly among tied maxima (as
PyTorch's ``max()`` does); ``max(dim)`` returns values *and* indices, and the
gradient flows only to the element at the returned index (the first maximum),
which ``PickAlongDim`` implements.  ``mean`` is ``sum`` divided by N, in ``Tensor``.
``backward_graph`` (for second derivatives) writes these gradients with Tensor
operations; there the mean in ``x - m`` does depend on x, and is differentiated.
"""

import math

import numpy as np

from ..autograd.function import Function, as_tensor, saved_output
from .indexing import ScatterAdd


def normalize_dims(dim, ndim):
    """``dim`` (None, int or tuple, negatives allowed) as a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, np.integer)) else tuple(dim)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})"
            )
        out.append(d % max(ndim, 1))
    return tuple(sorted(set(out))) if ndim else ()


def reduction_dims(dim, ndim):
    """The axes a reduction over ``dim`` runs over: None or an empty tuple mean all, as in PyTorch."""
    return normalize_dims(None if isinstance(dim, (tuple, list)) and not dim else dim, ndim)


class Sum(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        axes = reduction_dims(dim, a.ndim)
        ctx.shape, ctx.kept_shape = a.shape, tuple(1 if i in axes else n for i, n in enumerate(a.shape))
        return np.asarray(a.sum(axis=axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad_output):  # every summed element gets its sum's gradient: a broadcast view, no copy
        return (np.broadcast_to(grad_output.reshape(ctx.kept_shape), ctx.shape),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output.reshape(ctx.kept_shape).expand(ctx.shape),)


class Var(Function):
    """Variance over ``dim`` with Bessel's ``correction`` (1: unbiased, 0: population)."""

    @staticmethod
    def forward(ctx, a, dim=None, correction=1, keepdim=False):
        axes = reduction_dims(dim, a.ndim)
        ctx.centered = a - a.mean(axis=axes, keepdims=True)
        ctx.divisor = max(int(np.prod([a.shape[i] for i in axes])) - correction, 0)
        ctx.axes, ctx.keepdim = axes, keepdim
        ctx.kept_shape = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
        with np.errstate(divide="ignore", invalid="ignore"):  # N <= correction gives inf or nan, as in PyTorch
            return np.asarray((ctx.centered * ctx.centered).sum(axis=axes, keepdims=keepdim) / ctx.divisor)

    @staticmethod
    def backward(ctx, grad_output):
        if not ctx.keepdim:
            grad_output = np.expand_dims(grad_output, ctx.axes)
        scale = 2 / ctx.divisor if ctx.divisor else math.inf
        with np.errstate(invalid="ignore"):
            return (grad_output * ctx.centered * scale,)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (_variance_gradient(ctx, _kept(ctx, grad_output)),)


def _kept(ctx, t):
    """The Tensor ``t`` (a reduction's output or its gradient) with the reduced axes kept, as size 1."""
    return t if ctx.keepdim else t.reshape(ctx.kept_shape)


def _variance_gradient(ctx, grad):
    """``grad · 2(x - mean) / (N - c)`` as Tensor code: ``Var``'s gradient, ``grad`` with the reduced axes kept."""
    a = ctx.inputs[0]
    scale = 2 / ctx.divisor if ctx.divisor else math.inf
    return grad * (a - a.mean(ctx.axes, keepdim=True)) * scale


class Std(Function):
    """Standard deviation: the square root of ``Var``, with its gradient scaled by 1/(2·std)."""

    saves_output = True

    @staticmethod
    def forward(ctx, a, dim=None, correction=1, keepdim=False):
        ctx.out = np.sqrt(Var.forward(ctx, a, dim, correction, keepdim))
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = np.where(ctx.out == 0, 0, grad_output / (2 * ctx.out))
        return Var.backward(ctx, scaled.astype(grad_output.dtype, copy=False))

    @staticmethod
    def backward_graph(ctx, grad_output):
        std = _kept(ctx, saved_output(ctx))
        zero = std.array == 0  # where the gradient is 0 (std + zero is 1 there, so nothing divides by 0)
        return (_variance_gradient(ctx, _kept(ctx, grad_output) / (2 * (std + zero)) * ~zero),)


class Extreme(Function):
    """Max (``largest=True``) or min of all elements; ties share the gradient evenly."""

    @staticmethod
    def forward(ctx, a, largest=True):
        if a.size == 0:
            raise RuntimeError(
                f"{'max' if largest else 'min'}(): expected a non-empty tensor but got shape {a.shape}; "
                "hint: pass dim= for a reduction over one axis"
            )
        out = np.asarray(a.max() if largest else a.min())
        ctx.hits = a == out
        return out

    @staticmethod
    def backward(ctx, grad_output):
        hits = ctx.hits
        return (hits * (grad_output / hits.sum()).astype(grad_output.dtype),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * (ctx.hits / ctx.hits.sum()).astype(grad_output.array.dtype),)


class PickAlongDim(Function):
    """``out = a`` at positions ``index`` along axis ``dim`` (``np.take_along_axis``; PyTorch's ``gather``).

    The gradient goes back to the picked positions, adding up where a position
    was picked more than once.  ``max(dim)`` and ``min(dim)`` pick one element
    per row (index size 1 along ``dim``), so no position repeats and a plain
    (fast) scatter suffices.
    """

    @staticmethod
    def forward(ctx, a, index=None, dim=0):
        ctx.shape, ctx.index, ctx.dim = a.shape, index, dim
        return np.take_along_axis(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        grad = np.zeros(ctx.shape, dtype=grad_output.dtype)
        index, dim = ctx.index, ctx.dim
        if index.shape[dim] == 1:
            np.put_along_axis(grad, index, grad_output, axis=dim)
        else:
            positions = list(np.indices(index.shape, sparse=True))
            positions[dim] = index
            np.add.at(grad, tuple(positions), grad_output)
        return (grad,)

    @staticmethod
    def backward_graph(ctx, grad_output):  # the same scatter, as an op whose gradient is this gather again
        zeros = as_tensor(np.zeros(ctx.shape, dtype=grad_output.array.dtype))
        return (ScatterAdd.apply(zeros, grad_output, dim=ctx.dim, index=ctx.index),)
