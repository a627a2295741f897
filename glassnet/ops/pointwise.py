"""Elementwise maths on one tensor: exp, log, sqrt, abs, clamp.

Each backward multiplies the upstream gradient by the local derivative:
exp' = exp, log' = 1/x, sqrt' = 1/(2·sqrt x), abs' = sign x (0 at 0, as in
PyTorch), clamp' = 1 inside [min, max] (bounds included) and 0 outside.
"""
import numpy as np

from ..autograd.function import Function


class Exp(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        ctx.out = np.exp(a)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.out,)


class Log(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.log(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output / ctx.a,)


class Sqrt(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        ctx.out = np.sqrt(a)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output / (2 * ctx.out),)


class Abs(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * np.sign(ctx.a),)


class Clamp(Function):
    @staticmethod
    def forward(ctx, a, min=None, max=None):
        ctx.inside = np.ones(a.shape, dtype=bool)
        if min is not None:
            ctx.inside &= a >= min
        if max is not None:
            ctx.inside &= a <= max
        return np.clip(a, min, max)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * ctx.inside,)
