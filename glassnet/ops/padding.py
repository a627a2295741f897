"""Padding: grow (or, with negative widths, crop) a tensor's last axes, as ``torch.nn.functional.pad``.

``pad`` lists ``(before, after)`` widths from the *last* axis backwards:
``(left, right)`` pads the last axis, ``(left, right, top, bottom)`` the last two.
The new cells are filled by ``mode``, shown here on the row ``a b c d`` with
widths (2, 2)::

    constant   0 0 | a b c d | 0 0     (value, default 0)
    reflect    c b | a b c d | c b     (mirrored at the edge; the edge itself once)
    replicate  a a | a b c d | d d     (the edge repeated)
    circular   c d | a b c d | a b     (the row seen as a ring)

**Constant** writes the input into a block of ``value``; its gradient is the
same block cut out of the output's gradient (padding cells get none).
Negative widths crop instead, in every mode.

**Reflect, replicate, circular** gather: along each padded axis, output cell
``t`` (counted from the input's first cell, so the before-padding has ``t < 0``)
reads input cell ``source(t)``::

    reflect     |t| mirrored at n − 1:  t < 0 -> −t,  t ≥ n -> 2·(n − 1) − t
    replicate   t clamped to 0 .. n − 1
    circular    t mod n   (with negative widths: mod the cropped length, as PyTorch)

so ``out = x.take(source, axis)``, one axis after the other.  Backward is the
adjoint of that gather: the inner cells copy their gradient back, and each
padding cell adds its gradient to its source cell, one padding column at a
time (padding is a few cells wide), in reverse axis order.
"""

import numpy as np

from ..autograd.function import Function

MODES = ("constant", "reflect", "replicate", "circular")


def along(axis, index):
    """The index that picks ``index`` along ``axis`` and everything along the axes before it."""
    return (slice(None),) * axis + (index,)


def kept(size, before, after):
    """``(source, destination)`` slices: where the input's kept cells lie in the input and in the output."""
    start, length = max(-before, 0), size - max(-before, 0) - max(-after, 0)
    return slice(start, start + length), slice(max(before, 0), max(before, 0) + length)


class ConstantPad(Function):
    """The input written into a block of ``value``; negative widths crop."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, widths, value):
        out = np.full(tuple(n + b + a for n, (b, a) in zip(x.shape, widths)), value, dtype=x.dtype)
        ctx.source, ctx.destination = zip(*(kept(n, b, a) for n, (b, a) in zip(x.shape, widths)))
        out[ctx.destination] = x[ctx.source]
        ctx.shape = x.shape
        return out

    @staticmethod
    def backward(ctx, grad_output):
        dx = np.zeros(ctx.shape, grad_output.dtype)
        dx[ctx.source] = grad_output[ctx.destination]
        return (dx,)


def source_cells(mode, size, before, after):
    """The input cell each output cell reads along one axis (see the module docstring), as an int array."""
    if mode == "circular":
        start, length = max(-before, 0), size - max(-before, 0) - max(-after, 0)
        return start + np.arange(-max(before, 0), length + max(after, 0)) % length
    t = np.arange(-before, size + after)
    if mode == "replicate":
        return np.clip(t, 0, size - 1)
    t = np.abs(t)
    return np.where(t > size - 1, 2 * (size - 1) - t, t)


class GatherPad(Function):
    """Reflect, replicate or circular padding: a gather along each padded axis (``sources``: axis -> cells)."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, sources, widths):
        out = x
        for axis, cells in sources.items():
            out = np.take(out, cells, axis=axis)
        ctx.sources, ctx.widths, ctx.shape = sources, widths, x.shape
        return out

    @staticmethod
    def backward(ctx, grad_output):
        grad = grad_output
        for axis, cells in reversed(ctx.sources.items()):
            size, (before, after) = ctx.shape[axis], ctx.widths[axis]
            source, destination = kept(size, before, after)
            dx = np.zeros(grad.shape[:axis] + (size,) + grad.shape[axis + 1 :], grad.dtype)
            dx[along(axis, source)] = grad[along(axis, destination)]
            for cell in (*range(destination.start), *range(destination.stop, len(cells))):  # the padding cells
                dx[along(axis, cells[cell])] += grad[along(axis, cell)]
            grad = dx
        return (grad,)


def pad_widths(input, pad, mode, value):
    """Check ``pad``'s arguments; return ``(before, after)`` for every axis of ``input`` (``(0, 0)`` where unpadded)."""
    if not isinstance(pad, (tuple, list)) or not all(
        isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in pad
    ):
        raise TypeError(
            f"pad: pad must be a tuple of ints, but got {pad!r}; hint: (left, right) pads the last dimension, "
            "(left, right, top, bottom) the last two"
        )
    if len(pad) % 2:
        raise RuntimeError(
            f"pad: padding length must be divisible by 2, but got {len(pad)} values {tuple(pad)}; "
            "hint: give (before, after) for each padded dimension, the last dimension first"
        )
    shape, padded = tuple(input.shape), len(pad) // 2
    if padded > len(shape):
        raise RuntimeError(
            f"pad: padding length should be at most two times the input dimension, but got padding length {len(pad)} "
            f"for an input of shape {shape}"
        )
    if mode not in MODES:
        raise NotImplementedError(f"pad: unrecognised padding mode {mode!r}; hint: use one of {', '.join(MODES)}")
    widths = [(0, 0)] * (len(shape) - padded) + [
        (int(pad[2 * i]), int(pad[2 * i + 1])) for i in reversed(range(padded))
    ]
    for axis, (n, (before, after)) in enumerate(zip(shape, widths)):
        if n + before + after < 0:
            raise RuntimeError(
                f"pad: dimension {axis} of size {n} (input shape {shape}) with padding ({before}, {after}) would "
                f"have size {n + before + after}; hint: negative padding crops, at most the whole dimension"
            )
    if mode == "constant":
        return widths
    if value is not None and value != 0:
        raise RuntimeError(
            f"pad: padding mode {mode!r} doesn't take a value argument (got value={value}), as in PyTorch"
        )
    if len(shape) not in (padded + 1, padded + 2) or padded > 3:
        raise NotImplementedError(
            f"pad: padding mode {mode!r} with padding length {len(pad)} is not supported for a {len(shape)}-D input "
            f"(shape {shape}), as in PyTorch; hint: (left, right) needs a 2-D or 3-D input, 4 widths a 3-D or 4-D "
            "input, 6 widths a 4-D or 5-D input"
        )
    for axis in range(len(shape) - padded, len(shape)):
        n, (before, after) = shape[axis], widths[axis]
        length = n - max(-before, 0) - max(-after, 0)
        if n == 0:
            raise RuntimeError(
                f"pad: padding mode {mode!r} needs a non-empty dimension {axis} (input shape {shape}) to read from; "
                "hint: use mode='constant'"
            )
        if (mode == "reflect" and max(before, after) >= n) or (mode == "circular" and max(before, after) > length):
            rule, limit = ("smaller than", n) if mode == "reflect" else ("at most", length)
            raise RuntimeError(
                f"pad: padding ({before}, {after}) in mode {mode!r} must be {rule} {limit}, the size of dimension "
                f"{axis} (input shape {shape}); hint: use mode='replicate' or 'constant' for wider padding"
            )
    return widths


def pad(input, pad, mode="constant", value=None):
    """Pad (or crop) the last ``len(pad) // 2`` axes, as ``torch.nn.functional.pad`` (see the module docstring).

    Args:
        input: a tensor.  Constant padding works on any number of axes; the
            other modes on the last 1, 2 or 3 axes of an input with one or two
            more (batch, channels), as in PyTorch.
        pad: ``(before, after)`` widths, last axis first; negative widths crop.
        mode: 'constant', 'reflect', 'replicate' or 'circular'.
        value: the fill of 'constant' (default 0).

    Shape:
        - Input: ``(*, n)``.
        - Output: ``(*, n + before + after)``, likewise for each padded axis.
    """
    widths = pad_widths(input, pad, mode, value)
    if mode == "constant":
        return ConstantPad.apply(input, widths=widths, value=0 if value is None else value)
    sources = {
        axis: source_cells(mode, n, *widths[axis]) for axis, n in enumerate(input.shape) if widths[axis] != (0, 0)
    }
    return GatherPad.apply(input, sources=sources, widths=widths)
