"""Elementwise maths on one tensor: exp, log, sqrt, abs, clamp, sin, cos, log1p, expm1, rsqrt.

Each backward multiplies the upstream gradient by the local derivative:
exp' = exp, log' = 1/x, sqrt' = 1/(2·sqrt x), abs' = sign x (0 at 0, as in
PyTorch), clamp' = 1 inside [min, max] (bounds included) and 0 outside,
sin' = cos, cos' = -sin, log1p' = 1/(1 + x), expm1' = eˣ = expm1 + 1,
rsqrt' = (x^(-1/2))' = -x^(-3/2)/2 = -rsqrt³/2.  ``log1p(x) = log(1 + x)`` and
``expm1(x) = eˣ - 1`` keep full precision for tiny x, where 1 + x would round.
``backward_graph`` (for second derivatives) writes the same products with
Tensor operations: the derivative of exp from exp's output, of the others from the input.
"""

import numpy as np

from ..autograd.function import Function, saved_output


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

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * saved_output(ctx),)


class Log(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.log(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output / ctx.a,)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output / ctx.inputs[0],)


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

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output / (2 * saved_output(ctx)),)


class Abs(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.abs(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * np.sign(ctx.a),)

    backward_graph = backward  # sign x is constant (where the derivative exists): the same on a Tensor


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

    backward_graph = backward  # the mask is constant: the same on a Tensor


class Sin(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.sin(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * np.cos(ctx.a),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * ctx.inputs[0].cos(),)


class Cos(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.cos(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (-grad_output * np.sin(ctx.a),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (-grad_output * ctx.inputs[0].sin(),)


class Log1p(Function):
    @staticmethod
    def forward(ctx, a):
        ctx.a = a
        return np.log1p(a)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output / (1 + ctx.a),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output / (1 + ctx.inputs[0]),)


class Expm1(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        ctx.out = np.expm1(a)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * (ctx.out + 1),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * (saved_output(ctx) + 1),)


class Rsqrt(Function):
    saved_inputs = ()
    saves_output = True

    @staticmethod
    def forward(ctx, a):
        with np.errstate(divide="ignore"):
            ctx.out = 1 / np.sqrt(a)
        return ctx.out

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output * -0.5 * ctx.out**3,)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output * -0.5 * saved_output(ctx) ** 3,)
