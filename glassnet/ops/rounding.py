"""Rounding, integer division and remainders.

``sign``, ``floor``, ``ceil``, ``round``, ``trunc`` and the rounded divisions
``a // b`` (floor) and ``div(a, b, rounding_mode="trunc")`` are constant between
their jumps, so their derivative is 0 wherever it exists; PyTorch takes 0 at
the jumps too, and so does glassnet.  Their outputs still belong to the graph
(they require grad when an input does), as in PyTorch.

The remainders are ``a - b·q`` with ``q`` the rounded quotient:

=============  ==========================  =========  ============
op             q                           ∂out/∂a    ∂out/∂b
=============  ==========================  =========  ============
remainder      floor(a / b) (sign of b)    1          -q
fmod           trunc(a / b) (sign of a)    1          -q
=============  ==========================  =========  ============

Floor division of floats follows Python's (and PyTorch's) ``a // b``, which
works from the exact remainder: ``1.0 // 0.1`` is 9, although ``1.0 / 0.1`` rounds to 10.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from ..autograd.function import Function
from .broadcast import unbroadcast


def trunc_divide(a, b):
    """``a / b`` rounded towards zero; for integers without going through floats (exact for any int64)."""
    if a.dtype.kind == "f":
        return np.trunc(a / b)
    quotient = np.floor_divide(a, b)
    return quotient + ((np.remainder(a, b) != 0) & ((a < 0) != (b < 0)))


def floor_divide(a, b):
    """``a / b`` rounded down, as Python's ``//``."""
    return np.floor_divide(a, b)


class PiecewiseConstant(Function):
    """An op with derivative 0: subclasses name the NumPy function as ``compute``."""

    saved_inputs = ()
    fresh_gradients = True
    compute: Callable[..., Any] | None = None

    @staticmethod
    def forward(ctx, *arrays, **options):
        ctx.shapes = [a.shape for a in arrays]
        ctx.dtypes = [a.dtype for a in arrays]
        return np.asarray(ctx.function.compute(*arrays, **options))

    @staticmethod
    def backward(ctx, grad_output):
        return tuple(np.zeros(s, d) for s, d in zip(ctx.shapes, ctx.dtypes))


class Sign(PiecewiseConstant):
    compute = staticmethod(np.sign)


class Floor(PiecewiseConstant):
    compute = staticmethod(np.floor)


class Ceil(PiecewiseConstant):
    compute = staticmethod(np.ceil)


class Trunc(PiecewiseConstant):
    compute = staticmethod(np.trunc)


class Round(PiecewiseConstant):
    """Round half to even (``round(2.5) = 2``), to ``decimals`` places, as PyTorch and NumPy do."""

    compute = staticmethod(np.round)


class FloorDivide(PiecewiseConstant):
    compute = staticmethod(floor_divide)


class TruncDivide(PiecewiseConstant):
    compute = staticmethod(trunc_divide)


class Remainder(Function):
    """``a - b·q`` with ``q`` rounded down (``mode="floor"``, Python's ``%``) or towards zero (``"trunc"``, C's fmod)."""

    @staticmethod
    def forward(ctx, a, b, mode="floor"):
        ctx.a, ctx.b, ctx.mode = a, b, mode
        return np.remainder(a, b) if mode == "floor" else np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.a, ctx.b
        da = unbroadcast(grad_output, a.shape) if ctx.needs_input_grad[0] else None
        db = None
        if ctx.needs_input_grad[1]:
            with np.errstate(divide="ignore", invalid="ignore"):
                quotient = floor_divide(a, b) if ctx.mode == "floor" else trunc_divide(a, b)
            db = unbroadcast(-grad_output * quotient, b.shape)
        return da, db
