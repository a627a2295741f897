"""``diag``: a vector placed on a diagonal of a square matrix, or a matrix's diagonal read out as a vector.

The two directions are each other's adjoint, so each one's backward is the
other: the gradient of ``diag(v)`` is the diagonal of the upstream gradient, and the
gradient of ``diag(M)`` is a zero matrix with the upstream gradient on that
diagonal.  ``diagonal`` selects it: 0 the main one, k > 0 above, k < 0 below.

Shape:
    vector (n,) -> matrix (n + |k|, n + |k|);  matrix (r, c) -> vector of the diagonal's length.
"""

import numpy as np

from ..autograd.function import Function


def _to_matrix(vector, diagonal, shape=None):
    """``vector`` on diagonal ``diagonal`` of a zero matrix (square unless ``shape`` is given)."""
    n = vector.shape[0] + abs(diagonal)
    out = np.zeros(shape or (n, n), dtype=vector.dtype)
    rows = np.arange(vector.shape[0]) + max(-diagonal, 0)
    out[rows, rows + diagonal] = vector
    return out


class Diag(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, diagonal=0):
        ctx.shape, ctx.diagonal = a.shape, diagonal
        if a.ndim == 1:
            return _to_matrix(a, diagonal)
        return np.diagonal(a, diagonal).copy()

    @staticmethod
    def backward(ctx, grad_output):
        if len(ctx.shape) == 1:
            return (np.diagonal(grad_output, ctx.diagonal).copy(),)
        return (_to_matrix(grad_output, ctx.diagonal, ctx.shape),)
