"""Ops that move elements around without changing them.

Their backward passes move the gradient back: ``reshape`` reshapes it back,
``permute`` applies the inverse permutation, ``expand`` sums over the expanded
axes, ``getitem`` scatters it into a zero tensor (adding where an index
repeats), ``cat`` and ``stack`` split it.  ``backward_graph`` (for second
derivatives) does the same with these ops on Tensors; ``PutItem`` is getitem's
scatter as an op.  ``SetItem`` is ``x[index] = value`` recorded in the graph:
what in-place changes of tensors in a graph become (``autograd/inplace.py``).
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

    backward_graph = backward  # the same on a Tensor


class Permute(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, dims=None):
        ctx.dims = dims
        return np.transpose(a, dims)

    @staticmethod
    def backward(ctx, grad_output):
        return (np.transpose(grad_output, np.argsort(ctx.dims)),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (Permute.apply(grad_output, dims=tuple(np.argsort(ctx.dims))),)


class Expand(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx, grad_output):
        return (unbroadcast(grad_output, ctx.shape),)

    backward_graph = backward  # unbroadcast works on Tensors too


class GetItem(Function):
    """``a[index]``: basic (ints, slices, None, ...) and advanced (integer arrays, masks) indexing."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, index=None):
        ctx.shape, ctx.index = a.shape, index
        return np.asarray(a[index])

    @staticmethod
    def backward(ctx, grad_output):
        return (scatter_into_zeros(grad_output, ctx.shape, ctx.index),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (PutItem.apply(grad_output, shape=ctx.shape, index=ctx.index),)


class PutItem(Function):
    """Zeros of ``shape`` with ``values`` added at ``index``: the gradient of ``GetItem``, as an op.

    ``GetItem``'s ``backward_graph`` uses it so that its gradient can be
    differentiated again; its own gradient is ``GetItem``, reading at ``index``.
    """

    saved_inputs = ()

    @staticmethod
    def forward(ctx, values, shape=None, index=None):
        ctx.index = index
        return scatter_into_zeros(values, shape, index)

    @staticmethod
    def backward(ctx, grad_output):
        return (np.asarray(grad_output[ctx.index]),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (GetItem.apply(grad_output, index=ctx.index),)


class SetItem(Function):
    """A copy of ``a`` with ``value`` written at ``index`` (broadcast to ``a[index]``'s shape): ``a[index] = value``.

    The elements at ``index`` were overwritten, so ``a``'s gradient is the
    upstream gradient with zeros there; ``value``'s is the upstream gradient
    read at ``index``, summed over the axes it was broadcast along.  Where an
    advanced index repeats a position the last write wins (NumPy's rule), and
    each value still gets the gradient of its position, as in PyTorch.
    """

    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, value, index=None):
        ctx.index, ctx.value_shape = index, value.shape
        out = a.copy()
        out[index] = value
        return out

    @staticmethod
    def backward(ctx, grad_output):
        grad_a = grad_value = None
        if ctx.needs_input_grad[0]:
            grad_a = grad_output.copy()
            grad_a[ctx.index] = 0
        if ctx.needs_input_grad[1]:
            grad_value = _sum_to(np.asarray(grad_output[ctx.index]), ctx.value_shape)
        return grad_a, grad_value

    @staticmethod
    def backward_graph(ctx, grad_output):
        zero = type(grad_output)._from_array(np.zeros((), grad_output.array.dtype))
        grad_a = SetItem.apply(grad_output, zero, index=ctx.index)
        return grad_a, _sum_to(GetItem.apply(grad_output, index=ctx.index), ctx.value_shape)


def _sum_to(grad, shape):
    """``grad`` summed down to ``shape``, which broadcasts to it (NumPy's assignment also drops its leading 1s)."""
    missing = len(shape) - grad.ndim
    if missing > 0:
        grad = grad.reshape((1,) * missing + tuple(grad.shape))
    return unbroadcast(grad, shape)


def scatter_into_zeros(values, shape, index):
    """A zero array of ``shape`` with ``values`` added at ``index`` (where an index repeats, the values add up)."""
    grad = np.zeros(shape, dtype=values.dtype)
    if _is_basic(index):
        grad[index] = values
    else:
        np.add.at(grad, index, values)  # an index may repeat: add, don't overwrite
    return grad


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

    @staticmethod
    def backward_graph(ctx, grad_output):
        bounds = [0, *ctx.splits, grad_output.shape[ctx.dim]]
        before = (slice(None),) * ctx.dim
        return tuple(
            GetItem.apply(grad_output, index=before + (slice(start, stop),)) for start, stop in zip(bounds, bounds[1:])
        )


class Stack(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, *arrays, dim=0):
        ctx.dim, ctx.count = dim, len(arrays)
        return np.stack(arrays, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        return tuple(np.take(grad_output, i, axis=ctx.dim) for i in range(ctx.count))

    @staticmethod
    def backward_graph(ctx, grad_output):
        before = (slice(None),) * ctx.dim
        return tuple(GetItem.apply(grad_output, index=before + (i,)) for i in range(ctx.count))
