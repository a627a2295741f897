"""Reductions: ``sum`` and the extreme values ``max``/``min``.

``sum`` copies the upstream gradient back to every element that was summed.
``max()`` over all elements shares the gradient evenly among tied maxima (as
PyTorch's ``max()`` does); ``max(dim)`` returns values *and* indices, and the
gradient flows only to the element at the returned index (the first maximum),
which ``PickAlongDim`` implements.  ``mean``, ``var`` and ``std`` are written
on top of these in ``Tensor``.
"""
import numpy as np

from ..autograd.function import Function


def normalize_dims(dim, ndim):
    """``dim`` (None, int or tuple, negatives allowed) as a sorted tuple of axes."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out = []
    for d in dims:
        if not -max(ndim, 1) <= d < max(ndim, 1):
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{-max(ndim, 1)}, {max(ndim, 1) - 1}], but got {d})"
            )
        out.append(d % max(ndim, 1))
    return tuple(sorted(set(out))) if ndim else ()


class Sum(Function):
    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False):
        ctx.shape, ctx.axes, ctx.keepdim = a.shape, normalize_dims(dim, a.ndim), keepdim
        return np.asarray(a.sum(axis=ctx.axes, keepdims=keepdim))

    @staticmethod
    def backward(ctx, grad_output):
        if not ctx.keepdim:
            grad_output = np.expand_dims(grad_output, ctx.axes)
        return (np.broadcast_to(grad_output, ctx.shape),)


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


class PickAlongDim(Function):
    """``out = a`` at positions ``index`` along axis ``dim`` (``np.take_along_axis``).

    The gradient goes back to exactly those positions; used for ``max(dim)`` and
    ``min(dim)``, where each output position picks one input element.
    """

    @staticmethod
    def forward(ctx, a, index=None, dim=0):
        ctx.shape, ctx.index, ctx.dim = a.shape, index, dim
        return np.take_along_axis(a, index, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        grad = np.zeros(ctx.shape, dtype=grad_output.dtype)
        np.put_along_axis(grad, ctx.index, grad_output, axis=ctx.dim)
        return (grad,)
