"""Ops that move elements around without changing them.

Their backward passes move the gradient back: ``reshape`` reshapes it back,
``permute`` applies the inverse permutation, ``expand`` sums over the expanded
axes, ``getitem`` scatters it into a zero tensor (adding where an index
repeats), ``cat`` and ``stack`` split it.
"""
import numpy as np

from ..autograd.function import Function
from .broadcast import unbroadcast


class Reshape(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output.reshape(ctx.shape),)


class Permute(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, dims=None):
        ctx.dims = dims
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, grad_output):
        return (np.transpose(grad_output, np.argsort(ctx.dims)),)


class Expand(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad_output):
        return (unbroadcast(grad_output, ctx.shape),)


class GetItem(Function):
    """``a[index]``: basic (ints, slices, None, ...) and advanced (integer arrays, masks) indexing."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, index=None):
        ctx.shape, ctx.index = a.shape, index
        return np.asarray(a[index])

    @staticmethod
    def backward(ctx, grad_output):
        grad = np.zeros(ctx.shape, dtype=grad_output.dtype)
        if _is_basic(ctx.index):
            grad[ctx.index] = grad_output
        else:
            np.add.at(grad, ctx.index, grad_output)  # an index may repeat: add, don't overwrite
        return (grad,)


def _is_basic(index):
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice)) or i is None or i is Ellipsis for i in items)


class Cat(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim = dim
        ctx.splits = np.cumsum([a.shape[dim] for a in arrays])[:-1]
        return np.concatenate(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        return tuple(np.split(grad_output, ctx.splits, axis=ctx.dim))


class Stack(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim, ctx.count = dim, len(arrays)
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        return tuple(np.take(grad_output, i, axis=ctx.dim) for i in range(ctx.count))
