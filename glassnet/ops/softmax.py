"""Softmax, log-softmax and log-sum-exp along one axis, computed stably.

Subtracting the maximum first, ``softmax(z) = e^(z - m) / Σ e^(z - m)``, keeps
every exponent <= 0, so logits of ±1000 neither overflow nor lose precision.

Backward, with ``s = softmax(z)`` and upstream gradient ``g``:
``softmax: s · (g - Σ g·s)``, ``log_softmax: g - s · Σ g``,
``logsumexp: g · s``.  ``backward_graph`` (for second derivatives) writes the
same with Tensor operations, taking s from the op's output (or, for
logsumexp, from a softmax of the input).
"""

import numpy as np

from ..autograd.function import Function, saved_output


def stable_log_softmax(z, axis):
    """log softmax of the array ``z`` along ``axis``, without overflow."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


class Softmax(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, z, dim=-1):
        e = np.exp(z - z.max(axis=dim, keepdims=True))
        ctx.out, ctx.dim = e / e.sum(axis=dim, keepdims=True), dim
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        s = ctx.out
        return (s * (grad_output - (grad_output * s).sum(axis=ctx.dim, keepdims=True)),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        s = saved_output(ctx)
        return (s * (grad_output - (grad_output * s).sum(ctx.dim, keepdim=True)),)


class LogSoftmax(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, z, dim=-1):
        ctx.out, ctx.dim = stable_log_softmax(z, dim), dim
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        s = np.exp(ctx.out)
        return (grad_output - s * grad_output.sum(axis=ctx.dim, keepdims=True),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        s = saved_output(ctx).exp()
        return (grad_output - s * grad_output.sum(ctx.dim, keepdim=True),)


class LogSumExp(Function):
    @staticmethod
    def forward(ctx, z, dim=-1, keepdim=False):
        m = z.max(axis=dim, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = m + np.log(np.exp(z - m).sum(axis=dim, keepdims=True))
        ctx.softmax, ctx.dim, ctx.keepdim = np.exp(z - out), dim, keepdim
        return out if keepdim else np.squeeze(out, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        if not ctx.keepdim:
            grad_output = np.expand_dims(grad_output, ctx.dim)
        return (grad_output * ctx.softmax,)

    @staticmethod
    def backward_graph(ctx, grad_output):
        z = ctx.inputs[0]
        if not ctx.keepdim:
            grad_output = grad_output.reshape(np.expand_dims(grad_output.array, ctx.dim).shape)  # keepdim's shape
        return (grad_output * Softmax.apply(z, dim=ctx.dim),)
