"""Ops that reorder elements along axes into a new array: ``flip`` and ``roll``.

Each element moves to one new position, so backward moves the gradient back:
``flip`` is its own inverse, ``roll`` by ``s`` is undone by rolling by ``-s``.
Both copy, as PyTorch's do (a flipped tensor is not a view of its input).
"""

import numpy as np

from ..autograd.function import Function


class Flip(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, dims=()):
        ctx.dims = dims
        return np.flip(a, dims).copy()

    @staticmethod
    def backward(ctx, grad_output):
        return (np.flip(grad_output, ctx.dims),)


class Roll(Function):
    """Shift elements by ``shifts`` along ``dims``; those pushed off the end come back at the start.

    With ``dims=None`` the tensor is rolled as if flattened, then given back its shape.
    """

    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, shifts=(), dims=None):
        ctx.shifts, ctx.dims = shifts, dims
        return np.roll(a, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad_output):
        return (np.roll(grad_output, tuple(-s for s in ctx.shifts), axis=ctx.dims),)
