"""Matrix multiplication ``a @ b`` with NumPy's (and PyTorch's) rules.

For matrices, ``out = a @ b`` gives ``dL/da = dL/dout @ bᵀ`` and
``dL/db = aᵀ @ dL/dout``.  Vectors are treated as a row (left operand) or a
column (right operand) for the product and the extra axis is removed again;
leading batch axes broadcast and are summed back by ``unbroadcast``.

Shape:
    a: (*, n, k) or (k,).  b: (*, k, m) or (k,).  out: (*, n, m) with vector
    axes dropped.
"""

import numpy as np

from ..autograd.function import Function
from .broadcast import unbroadcast


class MatMul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.a, ctx.b
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = grad_output.reshape(_with_vector_axes(grad_output.shape, a.ndim, b.ndim))
        da = db = None
        if ctx.needs_input_grad[0]:
            da = unbroadcast(np.matmul(g, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            db = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g), b2.shape).reshape(b.shape)
        return da, db

    @staticmethod
    def backward_graph(ctx, grad_output):  # the same products, on Tensors
        a, b = ctx.inputs
        a2 = a.reshape(1, -1) if a.ndim == 1 else a
        b2 = b.reshape(-1, 1) if b.ndim == 1 else b
        g = grad_output.reshape(_with_vector_axes(grad_output.shape, a.ndim, b.ndim))
        da = db = None
        if ctx.needs_input_grad[0]:
            da = unbroadcast(MatMul.apply(g, b2.transpose(-1, -2)), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            db = unbroadcast(MatMul.apply(a2.transpose(-1, -2), g), b2.shape).reshape(b.shape)
        return da, db


def _with_vector_axes(shape, a_ndim, b_ndim):
    """The shape of ``a @ b``'s output with the axes of size 1 that a vector operand dropped put back: (*, n, m)."""
    shape = tuple(shape)
    if b_ndim == 1:
        shape = shape + (1,)
    if a_ndim == 1:
        shape = shape[:-1] + (1,) + shape[-1:]
    return shape
