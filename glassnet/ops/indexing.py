"""Writing values at positions given by an index tensor: ``scatter`` and ``scatter_add``.

Along axis ``dim``, ``index`` says where each element of ``src`` goes; for a
3-d tensor and dim=1, ``out[i][index[i][j][k]][k] = src[i][j][k]`` (or ``+=``
for ``scatter_add``).  Only the leading ``index.shape`` part of ``src`` is used.

Backward, with ``g`` the upstream gradient and ``P`` the scattered positions:

* ``scatter``: the input keeps ``g`` except at ``P``, where it was overwritten
  (gradient 0); ``src`` gets ``g`` read at ``P`` (``gather``).
* ``scatter_add``: the input keeps ``g`` everywhere; ``src`` again gets ``g`` read at ``P``.

Where ``index`` repeats a position, ``scatter`` keeps one of the values
(PyTorch leaves which one unspecified) while every ``src`` element still gets
``g`` at its position, as in PyTorch.
"""

import numpy as np

from ..autograd.function import Function


def positions(index, dim):
    """The positions that ``index`` scatters to: ``index`` along ``dim``, the element's own position elsewhere."""
    where = list(np.indices(index.shape, sparse=True))
    where[dim] = index
    return tuple(where)


def _leading(index):
    """The part of ``src`` that ``index`` covers: its first ``index.shape`` elements."""
    return tuple(slice(n) for n in index.shape)


def _source_gradient(grad_output, ctx):
    grad = np.zeros(ctx.src_shape, dtype=grad_output.dtype)
    grad[_leading(ctx.index)] = grad_output[positions(ctx.index, ctx.dim)]
    return grad


class Scatter(Function):
    saved_inputs = ()
    fresh_gradients = True

    @staticmethod
    def forward(ctx, a, src, dim=0, index=None):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = a.copy()
        out[positions(index, dim)] = src[_leading(index)]
        return out

    @staticmethod
    def backward(ctx, grad_output):
        grad_input = grad_src = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.copy()
            grad_input[positions(ctx.index, ctx.dim)] = 0
        if ctx.needs_input_grad[1]:
            grad_src = _source_gradient(grad_output, ctx)
        return grad_input, grad_src


class ScatterAdd(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, src, dim=0, index=None):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = a.copy()
        np.add.at(out, positions(index, dim), src[_leading(index)])
        return out

    @staticmethod
    def backward(ctx, grad_output):
        grad_src = _source_gradient(grad_output, ctx) if ctx.needs_input_grad[1] else None
        return grad_output, grad_src
