"""The four arithmetic operations, power and negation, with broadcasting.

For ``out = a ∘ b`` the chain rule gives ``dL/da = dL/dout · ∂out/∂a``, summed
back over broadcast axes by ``unbroadcast``:

=========  ====================  ==========================
op         ∂out/∂a               ∂out/∂b
=========  ====================  ==========================
a + b      1                     1
a - b      1                     -1
a * b      b                     a
a / b      1/b                   -a/b²
a ** b     b·a^(b-1)             a^b·ln a
=========  ====================  ==========================

``backward_graph`` (for second derivatives) writes the same formulas with
Tensor operations on the input tensors.
"""

import numpy as np

from ..autograd.function import Function, as_tensor, saved_output
from .broadcast import unbroadcast
from .selection import Where


class Add(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, b):
        ctx.a_shape, ctx.b_shape = a.shape, b.shape
        return a + b

    @staticmethod
    def backward(ctx, grad_output):
        return unbroadcast(grad_output, ctx.a_shape), unbroadcast(grad_output, ctx.b_shape)

    backward_graph = backward  # unbroadcast works on Tensors too


class Sub(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, b):
        ctx.a_shape, ctx.b_shape = a.shape, b.shape
        return a - b

    @staticmethod
    def backward(ctx, grad_output):
        return unbroadcast(grad_output, ctx.a_shape), unbroadcast(-grad_output, ctx.b_shape)

    backward_graph = backward


class Mul(Function):
    saved_inputs = {(True, False): (1,), (False, True): (0,), (True, True): None}  # a's gradient reads b, b's a

    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return a * b

    @staticmethod
    def backward(ctx, grad_output):
        da = unbroadcast(grad_output * ctx.b, ctx.a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(grad_output * ctx.a, ctx.b.shape) if ctx.needs_input_grad[1] else None
        return da, db

    @staticmethod
    def backward_graph(ctx, grad_output):
        a, b = ctx.inputs
        da = unbroadcast(grad_output * b, a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(grad_output * a, b.shape) if ctx.needs_input_grad[1] else None
        return da, db


class Div(Function):
    saved_inputs = {(True, False): (1,), (False, True): None, (True, True): None}  # a's gradient reads b, b's both

    @staticmethod
    def forward(ctx, a, b):
        ctx.a, ctx.b = a, b
        return a / b

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.a, ctx.b
        da = unbroadcast(grad_output / b, a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(-grad_output * a / (b * b), b.shape) if ctx.needs_input_grad[1] else None
        return da, db

    @staticmethod
    def backward_graph(ctx, grad_output):
        a, b = ctx.inputs
        da = unbroadcast(grad_output / b, a.shape) if ctx.needs_input_grad[0] else None
        db = unbroadcast(-grad_output * a / (b * b), b.shape) if ctx.needs_input_grad[1] else None
        return da, db


class Pow(Function):
    """``a ** b`` for two tensors.

    As in PyTorch, the gradient for ``a`` is 0 where ``b == 0`` (even at ``a == 0``,
    where ``b·a^(b-1)`` would be 0·inf) and the gradient for ``b`` is 0 where
    ``a == 0`` and ``b >= 0`` (where ln a would be -inf).
    """

    saves_output = True

    @staticmethod
    def forward(ctx, a, b):
        out = a**b
        ctx.a, ctx.b, ctx.out = a, b, out
        return out

    @staticmethod
    def backward(ctx, grad_output):
        a, b, out = ctx.a, ctx.b, ctx.out
        da = db = None
        if ctx.needs_input_grad[0]:
            with np.errstate(divide="ignore", invalid="ignore"):
                local = np.where(b == 0, 0, b * a ** (b - 1))
            da = unbroadcast(grad_output * local, a.shape)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = np.where((a == 0) & (b >= 0), 0, np.log(a))
            db = unbroadcast(grad_output * out * log_a, b.shape)
        return da, db

    @staticmethod
    def backward_graph(ctx, grad_output):
        (a, b), zero = ctx.inputs, as_tensor(np.zeros((), grad_output.array.dtype))
        da = db = None
        if ctx.needs_input_grad[0]:
            with np.errstate(divide="ignore", invalid="ignore"):
                local = Where.apply(zero, b * a ** (b - 1), condition=ctx.b == 0)
            da = unbroadcast(grad_output * local, a.shape)
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                log_a = Where.apply(zero, a.log(), condition=(ctx.a == 0) & (ctx.b >= 0))
            db = unbroadcast(grad_output * saved_output(ctx) * log_a, b.shape)
        return da, db


class PowScalar(Function):
    """``a ** n`` for a Python number ``n``: d/da = n·a^(n-1) (0 when n is 0)."""

    @staticmethod
    def forward(ctx, a, exponent):
        if a.dtype.kind == "f":  # NumPy's float power with a float exponent is 4x faster than with an int one
            exponent = float(exponent)
        ctx.a, ctx.exponent = a, exponent
        return a**exponent

    @staticmethod
    def backward(ctx, grad_output):
        n = ctx.exponent
        if n == 0:
            return (np.zeros_like(grad_output),)
        return (grad_output * n * ctx.a ** (n - 1),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        n, (a,) = ctx.exponent, ctx.inputs
        return (grad_output * 0 if n == 0 else grad_output * n * a ** (n - 1),)


class Neg(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a):
        return -a

    @staticmethod
    def backward(ctx, grad_output):
        return (-grad_output,)

    backward_graph = backward
