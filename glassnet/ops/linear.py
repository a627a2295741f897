"""The affine map of a fully connected layer, ``y = x Wᵀ + b``, as one fused op.

Written as Tensor code it would be three graph nodes (transpose, matmul, add)
and the bias gradient would go through a broadcast-undoing sum; fused, it is
one node and three matrix products.  With ``g = dL/dy`` and the leading axes
of ``x`` flattened into one batch axis:

    dL/dx = g W        (N, in)  = (N, out) @ (out, in)
    dL/dW = gᵀ x       (out, in) = (out, N) @ (N, in)
    dL/db = Σ_n g_n    (out,)

Large products are split between glassnet's threads (``parallel.matmul``).
``backward_graph`` (for second derivatives) computes the same with Tensor matmuls.

Shape:
    x: (*, in_features).  weight: (out_features, in_features).
    bias: (out_features,) or absent.  out: (*, out_features).
"""

import numpy as np

from ..autograd.function import Function
from .parallel import matmul


class Linear(Function):
    saved_inputs = (0, 1)  # x and the weight; not the bias
    fresh_gradients = True  # three new arrays: two matrix products and a sum

    @staticmethod
    def forward(ctx, x, weight, bias=None):
        rows = x if x.ndim == 2 else x.reshape(-1, x.shape[-1])  # (N, in); a batch of vectors needs no reshape
        ctx.rows, ctx.weight, ctx.x_shape = rows, weight, x.shape
        out = matmul(rows, weight.T)
        if bias is not None:
            if out.size < 4096:  # a small batch: the plain add, without add_bias's extra steps (playground: 3 µs)
                out += bias
            else:
                add_bias(out, bias)
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

    @staticmethod
    def backward_graph(ctx, grad_output):  # the same three, on Tensors
        x, weight = ctx.inputs[:2]
        needs = ctx.needs_input_grad
        g = grad_output.reshape(-1, grad_output.shape[-1])
        dx = (g @ weight).reshape(x.shape) if needs[0] else None
        dw = g.T @ x.reshape(-1, x.shape[-1]) if needs[1] else None
        return (dx, dw) if len(needs) == 2 else (dx, dw, g.sum(0) if needs[2] else None)


def add_bias(out, bias, span=128):
    """``out += bias`` for a row-major (N, F) ``out``, fast also when F is small.

    NumPy adds a broadcast bias one row at a time, and rows of a few numbers
    cost more in loop overhead than in arithmetic: for the playground's heatmap,
    (10000, 8) += (8,) took 43 µs.  Viewing ``out`` as rows of r·F numbers
    (r = span // F) and adding the bias repeated r times does the same additions
    in long rows: 14 µs (measured).  Rows left over when r does not divide N, and
    biases of another shape that broadcasts (``()``, ``(1,)``), get the plain add.
    """
    n, features = out.shape
    r = span // features if features else 1
    whole = n - n % r if r > 1 and out.flags.c_contiguous and bias.shape == (features,) else 0
    if whole:
        grouped = out[:whole].reshape(-1, r * features)  # a view: out is row-major
        grouped += np.tile(bias, r)
    out[whole:] += bias
