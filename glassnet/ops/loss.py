"""Fused losses: cross-entropy and binary cross-entropy (numerically stable), squared error (fast).

**Cross-entropy** between logits ``z`` (one row of C scores per sample) and a
target distribution ``q`` (one row per sample, not necessarily summing to 1:
class weights and label smoothing are folded into it)::

    log p  = log_softmax(z) = z - max z - log Σ_c e^(z_c - max z)    (never overflows)
    loss_n = -Σ_c q_nc log p_nc
    dloss_n/dz_nc = p_nc Σ_c' q_nc' - q_nc                          (= p - onehot for plain labels)
    dloss_n/dq_nc = -log p_nc

One node instead of log_softmax + gather + sum, and the backward is one
line.  ``SoftCrossEntropy`` takes ``q`` as a dense (M, C) array (class
probabilities, label smoothing); ``CrossEntropy`` is the common case of one
class per row, ``q = w_n · onehot(y_n)``, without building the one-hot matrix
(3x faster for 1000 classes).

**Binary cross-entropy** with probabilities ``x`` in [0, 1] and targets ``y``::

    loss = -(y log x + (1 - y) log(1 - x)),   each log clamped to >= -100 (PyTorch's rule)

**Binary cross-entropy with logits** ``x`` (σ is the sigmoid, ``w⁺`` the
weight of positive examples, 1 when absent)::

    loss    = (1 - y) x + (1 + (w⁺ - 1) y) · softplus(-x),   softplus(t) = log(1 + e^t)
    dL/dx   = (1 - y) - (1 + (w⁺ - 1) y) · σ(-x)              (= σ(x) - y when w⁺ = 1)
    dL/dy   = -x + (w⁺ - 1) · softplus(-x)

``softplus`` is ``np.logaddexp(0, t)``, which is exact for t = ±1000, so the
loss stays finite where log(sigmoid(x)) would give log(0).

**Squared error** of ``x`` against ``y`` (same shape), M elements::

    loss = Σ (x - y)² / M   ('mean'),   Σ (x - y)²   ('sum'),   (x - y)²   ('none')
    dL/dx = 2 (x - y) · g / M  ('mean'; without / M for 'sum'),   dL/dy = -dL/dx

Fused for speed, not stability: one node instead of four (sub, mul, sum,
div), which made the playground's training step 1.5× faster.

**Huber** loss of ``x`` against ``y`` with threshold δ > 0, elementwise (d = x - y)::

    loss  = d² / 2              where |d| < δ   (squared error near the target)
          = δ (|d| - δ / 2)     elsewhere       (absolute error far from it: outliers pull less)
    dL/dx = clamp(d, -δ, δ),    dL/dy = -dL/dx

``smooth_l1_loss`` with ``beta`` β is the Huber loss with δ = β, divided by β.

**KL divergence** terms of log-probabilities ``x`` against a target distribution
``t`` (or its logarithm ``s = log t`` with ``log_target``), elementwise::

    loss = t (log t - x)    (0 where t = 0: t log t -> 0)     dL/dx = -t    dL/dt = log t + 1 - x
    loss = e^s (s - x)      with log_target                   dL/dx = -e^s  dL/ds = e^s (s - x + 1)

As in PyTorch, dL/dt is nan where t = 0 (the true derivative is -∞ there).

``backward_graph`` (for second derivatives: cross-entropy, squared error and
the binary cross-entropies) writes the same gradients with Tensor operations.
"""

import numpy as np

from ..autograd.function import Function, as_tensor
from .shape import Stack
from .softmax import LogSumExp, stable_log_softmax

BCE_EPSILON = float(np.float32(1e-12))  # PyTorch's ε in binary_cross_entropy's gradient, also in float64


def _reduce_rows(losses, reduction, total_weight, dtype):
    """Row losses reduced as ``reduction`` says; 'mean' divides the sum by ``total_weight``."""
    if reduction == "none":
        return losses
    with np.errstate(divide="ignore", invalid="ignore"):  # all targets ignored: 0/0 = nan, as in PyTorch
        return np.asarray(losses.sum() / (total_weight if reduction == "mean" else 1), dtype=dtype)


def _row_gradients(grad_output, reduction, total_weight):
    """dL/d(row loss): ``grad_output`` itself for 'none', spread over the rows for 'sum' and 'mean'."""
    if reduction != "mean":
        return grad_output
    with np.errstate(divide="ignore", invalid="ignore"):
        return grad_output / np.asarray(total_weight, dtype=grad_output.dtype)


class CrossEntropy(Function):
    """Cross-entropy of logit rows ``z`` (M, C) against one class per row (the fast path).

    ``target`` (M,) holds the class of each row and ``target_weight`` (M,)
    its weight (0 for ignored rows): ``loss_n = -w_n log p[n, y_n]`` and
    ``dloss_n/dz_n = w_n (p_n - onehot(y_n))``, so neither pass builds a
    dense one-hot matrix.  'mean' divides the sum by ``total_weight``.
    """

    @staticmethod
    def forward(ctx, z, target=None, target_weight=None, reduction="mean", total_weight=1.0):
        log_p = stable_log_softmax(z, axis=1)
        rows = np.arange(z.shape[0])
        ctx.log_p, ctx.rows, ctx.target, ctx.target_weight = log_p, rows, target, target_weight
        ctx.reduction, ctx.total_weight = reduction, total_weight
        return _reduce_rows(-target_weight * log_p[rows, target], reduction, total_weight, z.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        g = _row_gradients(grad_output, ctx.reduction, ctx.total_weight) * ctx.target_weight  # (M,)
        dz = np.exp(ctx.log_p)
        dz *= g[:, None]
        dz[ctx.rows, ctx.target] -= g
        return (dz,)

    @staticmethod
    def backward_graph(ctx, grad_output):  # w_n (softmax(z_n) - onehot(y_n)) · dL/d(row loss), on Tensors
        z = ctx.inputs[0]
        g = _row_gradients(grad_output, ctx.reduction, ctx.total_weight) * ctx.target_weight
        onehot = np.zeros(z.shape, dtype=z.array.dtype)
        onehot[ctx.rows, ctx.target] = 1
        return ((z.softmax(1) - onehot) * g.reshape(-1, 1),)


class SoftCrossEntropy(Function):
    """Cross-entropy of logit rows ``z`` (M, C) against target rows ``q`` (M, C) (the general case).

    ``reduction='none'`` gives the M row losses, ``'sum'`` their sum and
    ``'mean'`` their sum divided by ``total_weight`` (the number of rows, or
    the summed class weights of the targets, as PyTorch divides).
    """

    @staticmethod
    def forward(ctx, z, q, reduction="mean", total_weight=1.0):
        log_p = stable_log_softmax(z, axis=1)
        ctx.log_p, ctx.q, ctx.reduction, ctx.total_weight = log_p, q, reduction, total_weight
        return _reduce_rows(-np.einsum("nc,nc->n", q, log_p), reduction, total_weight, z.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        log_p, q = ctx.log_p, ctx.q
        g = _row_gradients(grad_output, ctx.reduction, ctx.total_weight)
        g = g[:, None] if g.ndim else g
        dz = g * (np.exp(log_p) * q.sum(axis=1, keepdims=True) - q) if ctx.needs_input_grad[0] else None
        dq = -g * log_p if ctx.needs_input_grad[1] else None
        return dz, dq

    @staticmethod
    def backward_graph(ctx, grad_output):
        z, q = ctx.inputs
        g = _row_gradients(grad_output, ctx.reduction, ctx.total_weight)
        g = g.reshape(-1, 1) if g.ndim else g
        dz = g * (z.softmax(1) * q.sum(1, keepdim=True) - q) if ctx.needs_input_grad[0] else None
        dq = -g * z.log_softmax(1) if ctx.needs_input_grad[1] else None
        return dz, dq


class SquaredError(Function):
    """Squared error of ``x`` against ``y``, reduced by ``reduction`` ('mean', 'sum' or 'none')."""

    @staticmethod
    def forward(ctx, x, y, reduction="mean"):
        diff = x - y  # float32 and float64 give float64, as in PyTorch
        ctx.diff, ctx.reduction, ctx.dtypes = diff, reduction, (x.dtype, y.dtype)
        squares = diff * diff
        if reduction == "none":
            return squares
        return np.asarray(squares.sum() / (diff.size if reduction == "mean" else 1), dtype=diff.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        diff, (x_dtype, y_dtype) = ctx.diff, ctx.dtypes
        scale = 2 * grad_output / diff.size if ctx.reduction == "mean" else 2 * grad_output
        d = diff * scale
        dy = (-d).astype(y_dtype, copy=False) if ctx.needs_input_grad[1] else None
        return d.astype(x_dtype, copy=False), dy

    @staticmethod
    def backward_graph(ctx, grad_output):
        x, y = ctx.inputs
        diff = x - y
        d = diff * (2 * grad_output / diff.numel() if ctx.reduction == "mean" else 2 * grad_output)
        dy = (-d).to(y.array.dtype) if ctx.needs_input_grad[1] else None
        return d.to(x.array.dtype), dy


class BinaryCrossEntropy(Function):
    """Elementwise BCE of probabilities ``x`` against targets ``y`` (same shape).

    dL/dx is PyTorch's ``(x - y) / max(x (1 - x), ε)``, finite at x = 0 and 1, with
    PyTorch's ε: 1e-12 rounded to float32, also in float64;
    dL/dy is the derivative of the clamped logs the forward pass used.
    """

    @staticmethod
    def forward(ctx, x, y):
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(x), -100)
            log_1mx = np.maximum(np.log1p(-x), -100)
        ctx.x, ctx.y, ctx.log_x, ctx.log_1mx = x, y, log_x, log_1mx
        return -(y * log_x + (1 - y) * log_1mx)

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.x, ctx.y
        dx = grad_output * (x - y) / np.maximum(x * (1 - x), BCE_EPSILON) if ctx.needs_input_grad[0] else None
        dy = grad_output * (ctx.log_1mx - ctx.log_x) if ctx.needs_input_grad[1] else None
        return dx, dy

    @staticmethod
    def backward_graph(ctx, grad_output):
        x, y = ctx.inputs
        dx = grad_output * (x - y) / (x * (1 - x)).clamp(min=BCE_EPSILON) if ctx.needs_input_grad[0] else None
        dy = None
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore"):
                dy = grad_output * ((1 - x).log().clamp(min=-100) - x.log().clamp(min=-100))
        return dx, dy


class BinaryCrossEntropyWithLogits(Function):
    """Elementwise, overflow-free BCE of logits ``x`` against targets ``y`` (same shape).

    ``pos_weight`` (an array broadcasting against ``x``, or None) weights the
    positive term.
    """

    @staticmethod
    def forward(ctx, x, y, pos_weight=None):
        softplus_neg_x = np.logaddexp(0, -x)  # log(1 + e^-x) = -log σ(x)
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        ctx.x, ctx.y, ctx.pos_weight = x, y, pos_weight
        ctx.softplus_neg_x, ctx.log_weight = softplus_neg_x, log_weight
        return (1 - y) * x + log_weight * softplus_neg_x

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.x, ctx.y
        dx = dy = None
        if ctx.needs_input_grad[0]:
            sigmoid_neg_x = np.exp(-np.logaddexp(0, x))  # σ(-x) = 1 / (1 + e^x), without overflow
            dx = grad_output * ((1 - y) - ctx.log_weight * sigmoid_neg_x)
        if ctx.needs_input_grad[1]:
            dy = -x if ctx.pos_weight is None else -x + (ctx.pos_weight - 1) * ctx.softplus_neg_x
            dy = grad_output * dy
        return dx, dy

    @staticmethod
    def backward_graph(ctx, grad_output):
        (x, y), pos_weight = ctx.inputs, ctx.pos_weight
        dx = dy = None
        if ctx.needs_input_grad[0]:
            log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
            dx = grad_output * ((1 - y) - log_weight * (-x).sigmoid())
        if ctx.needs_input_grad[1]:
            dy = -x if pos_weight is None else -x + (pos_weight - 1) * _softplus(-x)
            dy = grad_output * dy
        return dx, dy


def _softplus(t):
    """log(1 + e^t) of a Tensor, as logsumexp(0, t): exact for large |t|, and differentiable."""
    zeros = as_tensor(np.zeros(t.shape, dtype=t.array.dtype))
    return LogSumExp.apply(Stack.apply(zeros, t, dim=0), dim=0)


class Huber(Function):
    """Elementwise Huber loss of ``x`` against ``y`` (same shape) with threshold ``delta``."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, y, delta=1.0):
        diff = x - y  # float32 and float64 give float64, as in PyTorch
        ctx.slope, ctx.dtypes = np.clip(diff, -delta, delta), (x.dtype, y.dtype)
        size = np.abs(diff)
        return np.where(size < delta, 0.5 * diff * diff, delta * (size - 0.5 * delta))

    @staticmethod
    def backward(ctx, grad_output):
        d = grad_output * ctx.slope
        x_dtype, y_dtype = ctx.dtypes
        dy = (-d).astype(y_dtype, copy=False) if ctx.needs_input_grad[1] else None
        return d.astype(x_dtype, copy=False), dy


class KLDivergence(Function):
    """Elementwise KL divergence terms of log-probabilities ``x`` against ``t`` (log-probabilities if ``log_target``)."""

    @staticmethod
    def forward(ctx, x, t, log_target=False):
        ctx.x, ctx.t, ctx.log_target = x, t, log_target
        if log_target:
            return np.exp(t) * (t - x)
        with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf is not used; log of t < 0 is nan
            t_log_t = np.where(t == 0, 0, t * np.log(t))
        return t_log_t - t * x

    @staticmethod
    def backward(ctx, grad_output):
        x, t = ctx.x, ctx.t
        dx = dt = None
        p = np.exp(t) if ctx.log_target else t  # the target probabilities
        if ctx.needs_input_grad[0]:
            dx = (-grad_output * p).astype(x.dtype, copy=False)
        if ctx.needs_input_grad[1]:
            if ctx.log_target:
                dt = grad_output * p * (t - x + 1)
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    dt = grad_output * (np.where(t == 0, np.nan, np.log(t) + 1) - x)
            dt = dt.astype(t.dtype, copy=False)
        return dx, dt
