"""Ops that pick elements: ``maximum``, ``minimum`` and ``where``.

The gradient flows to whichever input was picked.  Where ``maximum`` or
``minimum`` sees a tie (a == b) the gradient is split in half between the two,
as PyTorch does.
"""

import numpy as np

from ..autograd.function import Function, as_tensor
from .broadcast import unbroadcast


class Maximum(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        return _split_to_winner(grad_output, ctx.a, ctx.b, ctx.a > ctx.b)

    backward_graph = backward  # the shares are constant: the same on a Tensor


class Minimum(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        return _split_to_winner(grad_output, ctx.a, ctx.b, ctx.a < ctx.b)

    backward_graph = backward


def _split_to_winner(grad_output, a, b, a_wins):
    """Gradient to ``a`` where it won, to ``b`` where it won, half to each on ties (``grad_output``: array or Tensor)."""
    tie = a == b
    share_a = np.where(a_wins, 1.0, np.where(tie, 0.5, 0.0)).astype(grad_output.dtype)
    return (
        unbroadcast(grad_output * share_a, a.shape),
        unbroadcast(grad_output * (1 - share_a), b.shape),
    )


class Where(Function):
    """``where(condition, a, b)``: ``a`` where the condition holds, else ``b``."""

    @staticmethod
    def forward(ctx, a, b, condition):
        ctx.condition, ctx.a_shape, ctx.b_shape = condition, a.shape, b.shape
        return np.where(condition, a, b)

    @staticmethod
    def backward(ctx, grad_output):
        zero = np.zeros((), dtype=grad_output.dtype)
        return (
            unbroadcast(np.where(ctx.condition, grad_output, zero), ctx.a_shape),
            unbroadcast(np.where(ctx.condition, zero, grad_output), ctx.b_shape),
        )

    @staticmethod
    def backward_graph(ctx, grad_output):
        zero = as_tensor(np.zeros((), dtype=grad_output.array.dtype))
        return (
            unbroadcast(Where.apply(grad_output, zero, condition=ctx.condition), ctx.a_shape),
            unbroadcast(Where.apply(zero, grad_output, condition=ctx.condition), ctx.b_shape),
        )
