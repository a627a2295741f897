"""2-D pooling: max, average, adaptive average, adaptive max and min, over (N, C, H, W); 1-D max pooling.

A pool slides a kH×kW window (stride s, dilation d, padding p) over each
channel separately, like a convolution without weights, and reduces each window
to one number.  Window positions and output sizes are the convolution's
(``conv.Windows``, ``conv.conv_output_size``); like ``im2col``, the code visits
the kH·kW taps of all windows at once, one strided slice per tap.

**Max.**  ``out = max over the window``.  The gradient goes to the window's
maximum only: ``dx[argmax] += dL/dout``.  On ties the *first* maximum in
row-major window order wins, as in PyTorch.  Padding is −∞, so it never wins.
Forward remembers, per window, where its maximum lies relative to the window's
first pixel, as an offset in the padded (Hp, Wp) plane: ``i·dH·Wp + j·dW`` for
tap (i, j), in the smallest unsigned type that holds it (one byte for 2×2 on
MNIST).  Where windows do not overlap (the usual ``kernel_size == stride``),
backward writes every gradient straight to its flat index ``window start +
offset`` in one NumPy call (measured on LeNet's pools at batch 64: 178 µs
instead of 238, and 63 instead of 116); where they overlap, several windows
may pick one pixel, and backward adds tap by tap.

**Average.**  ``out = (sum over the window) / divisor``, and every pixel of
the window gets ``dL/dout / divisor``.  The divisor follows PyTorch: the window's
size, clipped to the padded input (``ceil_mode`` windows may stick out of it);
without the padding if ``count_include_pad=False``; or ``divisor_override``.

**Adaptive average.**  The output size is given and the windows follow:
output row ``o`` of ``out`` rows averages input rows
``floor(o·H/out) .. ceil((o+1)·H/out) − 1``; neighbouring windows may overlap
and differ in size when H is not a multiple of ``out``.  The average is
separable, so it is two small matrix products: ``out = A_H · x · A_Wᵀ`` with
averaging matrices ``A`` of shape (out, in); backward is ``A_Hᵀ · g · A_W``.

**Adaptive max.**  The adaptive windows, each reduced to its maximum.  Max is
separable too: the maximum of a window is the maximum, over its rows, of each
row's maximum within the window's columns.  So a first pass takes, for every
input row, the maximum over each output column's window (an ``argmax`` over
the window's taps, gathered side by side), and a second pass the maximum of
those over each output row's window.  The first maximum wins in both passes,
which is the first in row-major window order, as in PyTorch.  Backward adds
each gradient to its maximum's pixel.

**1-D max** (``max_pool1d``) is ``max_pool2d`` on images one pixel high.

**Min** (``min_pool2d``, not in PyTorch): ``min_pool2d(x) = −max_pool2d(−x)``.
"""

import numpy as np

from .. import backends, dtypes
from ..autograd.function import Function
from ..tensor import Tensor
from .conv import SPATIAL, Windows, check_at_least, conv_output_size, ntuple, on_one_row, pair
from .parallel import batch_parts, parallel_for


def pool_windows(op, input, kernel_size, stride, padding, dilation=1, ceil_mode=False, dims=2):
    """Check a pool's arguments against ``input`` (N, C, H, W) and return its ``Windows``.

    ``stride=None`` means ``kernel_size``.  In ``ceil_mode`` the bottom/right
    padding grows so that the last, partial window fits.  With ``dims=1`` the
    input is (N, C, L), and its windows lie on an image one pixel high (``on_one_row``).
    """
    k = ntuple(kernel_size, "kernel_size", op, dims)
    s = k if stride is None else ntuple(stride, "stride", op, dims)
    p, d = ntuple(padding, "padding", op, dims), ntuple(dilation, "dilation", op, dims)
    check_at_least(k, 1, "kernel_size", op)
    check_at_least(s, 1, "stride", op)
    check_at_least(p, 0, "padding", op)
    check_at_least(d, 1, "dilation", op)
    span = tuple(di * (ki - 1) + 1 for ki, di in zip(k, d))
    if any(pi > si // 2 for pi, si in zip(p, span)):
        raise RuntimeError(
            f"{op}: padding {p} should be at most half of the effective kernel size {span} "
            f"(kernel_size={k}, dilation={d}), as in PyTorch; hint: a wider pad would make windows of padding only"
        )
    size = tuple(input.shape[-dims:])
    out = tuple(conv_output_size(n, ki, si, pi, di, ceil_mode) for n, ki, si, pi, di in zip(size, k, s, p, d))
    if min(out) < 1:
        padded = tuple(n + 2 * pi for n, pi in zip(size, p))
        raise RuntimeError(
            f"{op}: input of spatial size {size} (padded: {padded}) is smaller than the window {span} "
            f"(kernel_size={k}, dilation={d}), so the output would be {out}; hint: use a smaller kernel or pad the input"
        )
    # ceil_mode: the last window may reach past the padded input; pad the bottom/right a little more.
    reach = tuple((o - 1) * si + sp for o, si, sp in zip(out, s, span))
    pads = tuple((pi, pi + max(0, r - n - 2 * pi)) for pi, r, n in zip(p, reach, size))
    windows = Windows(k, s, pads, d, out)
    return windows if dims == 2 else on_one_row(windows)


def window_max(xp, windows, best, arg=None):
    """Write each window's maximum into ``best`` and, if given, the offset of its first maximum into ``arg``.

    ``xp`` is the padded input (..., Hp, Wp).  The offset of tap (i, j) is
    ``tap_offset(i, j) = i·dH·Wp + j·dW``, where it lies in the flattened plane
    relative to the window's first pixel; it grows with the tap's row-major
    number, since a window is narrower than a padded row.  Taps come in that
    order and a later tap wins only if strictly larger, so ties keep the
    earlier tap; the winner's offset is also the largest seen so far, hence
    ``arg = max(arg, offset·better)``.  NaN propagates to the output (as in
    PyTorch), but its gradient goes to the maximum of the taps before the first
    NaN (to the NaN itself if it is the first tap; PyTorch picks a NaN).
    """
    tap_offset = tap_offsets(windows, xp.shape[-1])
    for i, j, rows, cols in windows.slices():
        taps = xp[..., rows, cols]
        if i == j == 0:
            best[...] = taps
            if arg is not None:
                arg[...] = 0
            continue
        if arg is not None:
            np.maximum(arg, (taps > best) * arg.dtype.type(tap_offset(i, j)), out=arg)
        np.maximum(best, taps, out=best)


def tap_offsets(windows, padded_width):
    """``tap_offset(i, j)``: where tap (i, j) lies in the flattened padded plane, relative to its window's first pixel."""
    (dH, dW) = windows.dilation
    return lambda i, j: i * dH * padded_width + j * dW


def offset_dtype(windows, padded_width):
    """The smallest unsigned integer type that holds every tap offset of a window (see ``window_max``)."""
    (kH, kW) = windows.kernel_size
    return np.min_scalar_type(tap_offsets(windows, padded_width)(kH - 1, kW - 1))


def window_starts(windows, padded_shape):
    """The flat index of each window's first pixel in the padded input (N·C·Hp·Wp elements).

    Shape:
        padded_shape: (N, C, Hp, Wp). Returns: (N, C, oH, oW), int64.
    """
    (sH, sW), (oH, oW) = windows.stride, windows.output_size
    N, C, Hp, Wp = padded_shape
    starts = (np.arange(oH) * (sH * Wp))[:, None] + np.arange(oW) * sW  # within one plane
    planes = np.arange(N * C, dtype=np.int64).reshape(N, C, 1, 1) * (Hp * Wp)
    return planes + starts


def lowest(dtype):
    """The value that never wins a max: −∞ for floats, the minimum for integers."""
    return -np.inf if dtypes.is_floating(dtype) else np.iinfo(dtype).min


class MaxPool2d(Function):
    """Max over each window; the batch's parts run on glassnet's threads (``ops/parallel.py``)."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, windows):
        xp = windows.pad(x, lowest(x.dtype))
        out = np.empty(x.shape[:2] + windows.output_size, x.dtype)
        arg = (
            np.empty(out.shape, offset_dtype(windows, xp.shape[-1])) if ctx.needs_input_grad[0] else None
        )  # for backward
        ctx.parts = batch_parts(len(x), x.nbytes // max(len(x), 1))
        parallel_for(
            lambda part: window_max(xp[part], windows, out[part], None if arg is None else arg[part]), ctx.parts
        )
        ctx.arg, ctx.windows, ctx.input_shape = arg, windows, x.shape
        return out

    @staticmethod
    def backward(ctx, grad_output):
        windows = ctx.windows
        dxp = np.zeros(windows.padded_shape(ctx.input_shape), grad_output.dtype)
        tap_offset = tap_offsets(windows, dxp.shape[-1])
        overlap = windows.overlap()

        def backward_part(part):
            grad, arg, dx = grad_output[part], ctx.arg[part], dxp[part]
            if overlap:  # the gradient reaching tap (i, j): where that tap was the window's maximum
                windows.scatter_into(dx, lambda i, j: grad * (arg == tap_offset(i, j)))
            else:  # each pixel is in one window at most: write the gradients to their pixels' flat indices
                at = window_starts(windows, dx.shape)
                at += arg
                dx.reshape(-1)[at.reshape(-1)] = grad.reshape(-1)

        parallel_for(backward_part, ctx.parts)
        return (windows.unpad(dxp),)


def average_divisor(size, windows, count_include_pad, divisor_override):
    """The (oH, oW) divisors of ``avg_pool2d``, as in PyTorch (see the module docstring)."""
    if divisor_override is not None:
        return divisor_override
    sizes = []
    for n, k, s, (p, _), o in zip(size, windows.kernel_size, windows.stride, windows.padding, windows.output_size):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)  # clipped to the padded input
        sizes.append(end - start if count_include_pad else np.minimum(end, n) - np.maximum(start, 0))
    return np.outer(*sizes)


class AvgPool2d(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, windows, count_include_pad, divisor_override):
        divisor = np.asarray(average_divisor(x.shape[-2:], windows, count_include_pad, divisor_override), x.dtype)
        xp = windows.pad(x)
        taps = (xp[..., rows, cols] for _, _, rows, cols in windows.slices())
        out = next(taps).copy()
        for tap in taps:
            out += tap
        out /= divisor
        ctx.divisor, ctx.windows, ctx.input_shape = divisor, windows, x.shape
        return out

    @staticmethod
    def backward(ctx, grad_output):
        share = grad_output / ctx.divisor
        return (ctx.windows.scatter(lambda i, j: share, ctx.input_shape, grad_output.dtype),)


def adaptive_bounds(size, out):
    """``(start, end)``: output ``o``'s window covers inputs ``floor(o·size/out) .. ceil((o+1)·size/out) − 1``."""
    o = np.arange(out)
    return o * size // out, -(-(o + 1) * size // out)


def adaptive_matrix(size, out, dtype):
    """The (out, size) matrix whose row ``o`` averages its window's inputs (``adaptive_bounds``)."""
    start, end = adaptive_bounds(size, out)
    inside = (np.arange(size) >= start[:, None]) & (np.arange(size) < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveAvgPool2d(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, output_size):
        (H, W), (oH, oW) = x.shape[-2:], output_size
        ctx.a_h, ctx.a_w = adaptive_matrix(H, oH, x.dtype), adaptive_matrix(W, oW, x.dtype)
        return ctx.a_h @ x @ ctx.a_w.T

    @staticmethod
    def backward(ctx, grad_output):
        return (ctx.a_h.T @ grad_output @ ctx.a_w,)


def adaptive_taps(size, out):
    """The input index of each tap of each adaptive window, (taps, out); short windows repeat their last input."""
    start, end = adaptive_bounds(size, out)
    taps = max(end - start, default=0)
    return np.minimum(start + np.arange(taps)[:, None], end - 1)


def window_argmax(x, taps):
    """For each adaptive window along the last axis: the index of its first maximum, and the maximum.

    Shape:
        x: (..., size). taps: (k, out), ``adaptive_taps``. Returns: two (..., out) arrays.
    """
    first = np.argmax(x[..., taps], axis=-2)  # (..., out): which tap
    index = taps[first, np.arange(taps.shape[1])]
    return index, np.take_along_axis(x, index, axis=-1)


def adaptive_max(x, output_size):
    """Each adaptive window's maximum, and its flat index ``row·W + col`` in the (H, W) plane, in two passes.

    Shape:
        x: (N, C, H, W). Returns: two (N, C, oH, oW) arrays.
    """
    (H, W), (oH, oW) = x.shape[-2:], output_size
    cols, row_max = window_argmax(x, adaptive_taps(W, oW))  # (N, C, H, oW): per row, each column window's max
    rows, out = window_argmax(row_max.swapaxes(-1, -2), adaptive_taps(H, oH))  # (N, C, oW, oH)
    rows, out = rows.swapaxes(-1, -2), out.swapaxes(-1, -2)
    return np.ascontiguousarray(out), rows * W + np.take_along_axis(cols, rows, axis=-2)


class AdaptiveMaxPool2d(Function):
    """Max over each adaptive window (see the module docstring)."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, output_size):
        out, ctx.arg = adaptive_max(x, output_size)
        ctx.input_shape = x.shape
        return out

    @staticmethod
    def backward(ctx, grad_output):
        N, C, H, W = ctx.input_shape
        dx = np.zeros(N * C * H * W, grad_output.dtype)
        planes = np.arange(N * C).reshape(N, C, 1, 1) * (H * W)
        np.add.at(dx, (ctx.arg + planes).reshape(-1), grad_output.reshape(-1))  # windows may share a maximum
        return (dx.reshape(ctx.input_shape),)


def _batched(pool, input, op, dims=2):
    """Run ``pool`` on a batch (N, C, *spatial); an unbatched (C, *spatial) input is a batch of one, returned unbatched.

    ``dims``: the number of spatial axes, 2 (H, W) or 1 (L).
    """
    if input.ndim == dims + 2:
        return pool(input)
    if input.ndim != dims + 1:
        spatial = SPATIAL[dims]
        raise RuntimeError(
            f"{op}: expected a {dims + 1}-D (C, {spatial}) or {dims + 2}-D (N, C, {spatial}) input, but got shape "
            f"{tuple(input.shape)}"
        )
    out = pool(input.unsqueeze(0))
    return tuple(t.squeeze(0) for t in out) if isinstance(out, tuple) else out.squeeze(0)


def _floating(input, op):
    if not dtypes.is_floating(input.dtype):
        raise RuntimeError(f"{op}: expected a floating-point input, but got {input.dtype}; hint: call .float() first")


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over each kH×kW window, as ``torch.nn.functional.max_pool2d``.

    With ``return_indices=True`` also returns, per output, the flat index
    ``row·W + col`` of the chosen input pixel within its (H, W) plane (int64).
    Ties go to the first maximum in row-major window order, as in PyTorch.

    Shape:
        input: (N, C, H, W) or (C, H, W). Output: (N, C, oH, oW) with
        ``oH = conv_output_size(H, kH, sH, pH, dH, ceil_mode)``, likewise oW.
    """

    def pool(x):
        windows = pool_windows("max_pool2d", x, kernel_size, stride, padding, dilation, ceil_mode)
        return _max_pool(x, windows, return_indices)

    return _batched(pool, input, "max_pool2d")


def _max_pool(x, windows, return_indices):
    """``MaxPool2d`` of the batch ``x`` (N, C, H, W) over ``windows``, and the indices if asked."""
    fast = backends.kernels(x.array.dtype)  # the compiled backend's MaxPool2d (glassnet/backends/), or None: NumPy's
    out = (MaxPool2d if fast is None else fast.MaxPool2d).apply(x, windows=windows)
    if not return_indices:
        return out
    xp = windows.pad(x.array, lowest(x.array.dtype))
    arg = np.empty(out.shape, offset_dtype(windows, xp.shape[-1]))  # recomputed: only when asked
    window_max(xp, windows, np.empty_like(out.array), arg)
    return out, Tensor._from_array(flat_indices(arg, windows, x.shape[-1], xp.shape[-1]))


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Max over each window of ``kernel_size`` taps along L, as ``torch.nn.functional.max_pool1d``.

    ``max_pool2d`` on images one pixel high; ``return_indices=True`` also returns
    each maximum's position along L (int64).

    Shape:
        input: (N, C, L) or (C, L). Output: (N, C, oL) with
        ``oL = conv_output_size(L, k, s, p, d, ceil_mode)``.
    """

    def pool(x):
        windows = pool_windows("max_pool1d", x, kernel_size, stride, padding, dilation, ceil_mode, dims=1)
        out = _max_pool(x.unsqueeze(2), windows, return_indices)
        return tuple(t.squeeze(2) for t in out) if return_indices else out.squeeze(2)

    return _batched(pool, input, "max_pool1d", dims=1)


def flat_indices(arg, windows, width, padded_width):
    """Turn tap offsets (see ``window_max``) into flat input indices ``row·width + col`` (PyTorch's ``return_indices``)."""
    (sH, sW), ((top, _), (left, _)) = windows.stride, windows.padding
    down, across = np.divmod(arg.astype(np.int64), padded_width)  # i·dH and j·dW: a window is narrower than a row
    rows = np.arange(arg.shape[-2])[:, None] * sH - top + down
    cols = np.arange(arg.shape[-1]) * sW - left + across
    return rows * width + cols


def min_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """Min over each window: ``−max_pool2d(−input)``.  Not in PyTorch; the arguments are ``max_pool2d``'s.

    Ties go to the first minimum in row-major window order.
    """
    out = max_pool2d(-input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)
    return (-out[0], out[1]) if return_indices else -out


def avg_pool2d(
    input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None
):
    """Mean over each kH×kW window, as ``torch.nn.functional.avg_pool2d``.

    Padding counts as zeros.  The divisor is the window's size (clipped to the
    padded input), without the padding if ``count_include_pad=False``, or
    ``divisor_override`` if given.

    Shape:
        input: (N, C, H, W) or (C, H, W). Output: (N, C, oH, oW) with
        ``oH = conv_output_size(H, kH, sH, pH, ceil_mode=ceil_mode)``, likewise oW.
    """
    _floating(input, "avg_pool2d")
    if divisor_override is not None and (not isinstance(divisor_override, int) or divisor_override == 0):
        raise RuntimeError(f"avg_pool2d: divisor_override must be a non-zero int, but got {divisor_override!r}")

    def pool(x):
        windows = pool_windows("avg_pool2d", x, kernel_size, stride, padding, ceil_mode=ceil_mode)
        return AvgPool2d.apply(
            x, windows=windows, count_include_pad=count_include_pad, divisor_override=divisor_override
        )

    return _batched(pool, input, "avg_pool2d")


def adaptive_avg_pool2d(input, output_size):
    """Average over windows chosen to give exactly ``output_size`` (oH, oW), as PyTorch.

    ``output_size``: an int, or a pair where ``None`` keeps that input size.
    ``adaptive_avg_pool2d(x, 1)`` is global average pooling.

    Shape:
        input: (N, C, H, W) or (C, H, W). Output: (N, C, oH, oW).
    """
    out = adaptive_output_size("adaptive_avg_pool2d", input, output_size)
    return _batched(lambda x: AdaptiveAvgPool2d.apply(x, output_size=out), input, "adaptive_avg_pool2d")


def adaptive_output_size(op, input, output_size):
    """Check an adaptive pool's ``input`` and ``output_size``; return (oH, oW), ``None`` replaced by the input's size."""
    _floating(input, op)
    size = tuple(input.shape[-2:])
    if min(size, default=0) < 1:
        raise RuntimeError(f"{op}: expected a non-empty input, but got shape {tuple(input.shape)}")
    sizes = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(sizes) != 2:
        raise TypeError(f"{op}: output_size must be an int or a pair, but got {output_size!r}")
    out = pair(tuple(n if o is None else o for o, n in zip(sizes, size)), "output_size", op)
    check_at_least(out, 0, "output_size", op)
    return out


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max over windows chosen to give exactly ``output_size`` (oH, oW), as ``torch.nn.functional.adaptive_max_pool2d``.

    The windows are ``adaptive_avg_pool2d``'s; ``output_size`` is an int, or a
    pair where ``None`` keeps that input size.  ``return_indices=True`` also
    returns each maximum's flat index ``row·W + col`` in its (H, W) plane (int64).
    Ties go to the first maximum in row-major window order, as in PyTorch (a
    NaN's gradient goes to the window's first NaN; PyTorch picks the last).

    Shape:
        input: (N, C, H, W) or (C, H, W). Output: (N, C, oH, oW).
    """
    out = adaptive_output_size("adaptive_max_pool2d", input, output_size)

    def pool(x):
        result = AdaptiveMaxPool2d.apply(x, output_size=out)
        if not return_indices:
            return result
        return result, Tensor._from_array(adaptive_max(x.array, out)[1])  # recomputed: only when asked

    return _batched(pool, input, "adaptive_max_pool2d")
