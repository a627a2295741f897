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
        g = grad_output  # put back the axes that the vectors lost: (*, n, m)
        if b.ndim == 1:
            g = np.expand_dims(g, -1)
        if a.ndim == 1:
            g = np.expand_dims(g, -2)
        da = db = None
        if ctx.needs_input_grad[0]:
            da = unbroadcast(np.matmul(g, np.swapaxes(b2, -1, -2)), a2.shape).reshape(a.shape)
        if ctx.needs_input_grad[1]:
            db = unbroadcast(np.matmul(np.swapaxes(a2, -1, -2), g), b2.shape).reshape(b.shape)
        return da, db
