"""The affine map of a fully connected layer, ``y = x Wᵀ + b``, as one fused op.

Written as Tensor code it would be three graph nodes (transpose, matmul, add)
and the bias gradient would go through a broadcast-undoing sum; fused, it is
one node and three matrix products.  With ``g = dL/dy`` and the leading axes
of ``x`` flattened into one batch axis:

    dL/dx = g W        (N, in)  = (N, out) @ (out, in)
    dL/dW = gᵀ x       (out, in) = (out, N) @ (N, in)
    dL/db = Σ_n g_n    (out,)

**Computed transposed.**  glassnet computes ``yᵀ = W xᵀ + b`` (out, N) and
returns its transpose, a view: the same numbers, ``y`` laid out column by
column (Fortran order).  Two things are faster that way round: adding the bias
runs along rows of N numbers instead of N rows of ``out`` numbers (for the
playground's 10,000-point heatmap, (10000, 8) + (8,) took 45 µs, (8, 10000) +
(8, 1) 6 µs), and OpenBLAS multiplies a short-and-wide matrix faster than a
tall-and-narrow one (10000×2 by 2×8: 28 µs; transposed, 17–20 µs).  The next
layer then gets a Fortran-ordered input, whose transpose ``xᵀ`` is a plain
row-major matrix.  Measured per layer, forward: the MNIST MLP's 128×784→256
253 → 227 µs and 128×256→128 62 → 58 µs; the heatmap's 10000×8→8 88 → 20 µs;
the one slower case seen was LeNet's first fully connected layer at batch 1000
(inference), 365 → 421–459 µs.  Backward likewise computes ``dxᵀ = Wᵀ gᵀ``.

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
        out_t = matmul(weight, rows.T)  # yᵀ (out, N): see "Computed transposed"
        if bias is not None:
            out_t += bias[:, None]
        out = out_t.T
        return out if x.ndim == 2 else out.reshape(x.shape[:-1] + weight.shape[:1])

    @staticmethod
    def backward(ctx, grad_output):
        rows, weight = ctx.rows, ctx.weight
        needs = ctx.needs_input_grad
        g = grad_output if grad_output.ndim == 2 else grad_output.reshape(-1, grad_output.shape[-1])
        dx = matmul(weight.T, g.T).T.reshape(ctx.x_shape) if needs[0] else None  # dxᵀ = Wᵀ gᵀ
        dw = matmul(g.T, rows) if needs[1] else None
        if len(needs) == 2:
            return dx, dw
        return dx, dw, (g.sum(axis=0) if needs[2] else None)
