"""The affine map of a fully connected layer, ``y = x Wᵀ + b``, as one fused op.

Written as Tensor code it would be three graph nodes (transpose, matmul, add)
and the bias gradient would go through a broadcast-undoing sum; fused, it is
one node and three matrix products.  With ``g = dL/dy`` and the leading axes
of ``x`` flattened into one batch axis:

    dL/dx = g W        (N, in)  = (N, out) @ (out, in)
    dL/dW = gᵀ x       (out, in) = (out, N) @ (N, in)
    dL/db = Σ_n g_n    (out,)

Large products are split between glassnet's threads (``parallel.matmul``).

Shape:
    x: (*, in_features).  weight: (out_features, in_features).
    bias: (out_features,) or absent.  out: (*, out_features).
"""

from ..autograd.function import Function
from .parallel import matmul


class Linear(Function):
    fresh_gradients = True  # three new arrays: two matrix products and a sum

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        rows = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])  # (N, in); a batch of vectors needs no reshape
        ctx.rows, ctx.weight, ctx.x_shape = rows, weight, x.shape
        out = matmul(rows, weight.T)
        if bias is not None:
            out += bias
        return out if x.ndim == 2 else out.reshape(x.shape[:-1] + weight.shape[:1])

    @staticmethod
    def backward(ctx, grad_output):
        rows, weight = ctx.rows, ctx.weight
        needs = ctx.needs_input_grad
        g = grad_output if grad_output.ndim == 2 else grad_output.reshape(-1, grad_output.shape[-1])
        dx = matmul(g, weight).reshape(ctx.x_shape) if needs[0] else None
        dw = matmul(g.T, rows) if needs[1] else None
        if len(needs) == 2:
            return dx, dw
        return dx, dw, (g.sum(axis=0) if needs[2] else None)
