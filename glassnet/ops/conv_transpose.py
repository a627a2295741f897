"""Transposed convolution: the input gradient of a convolution, used as a layer that upsamples.

A convolution with stride s maps an (H, W) image to a smaller (oH, oW) one by
a linear map ``y = C·x``.  Its *transpose* ``Cᵀ`` maps (oH, oW) back to (H, W):
each input pixel spreads its value, weighted by the kernel, over the window it
would have been computed from::

    out[n, o, y·s + i·d − p, x·s + j·d − p] += Σ_c input[n, c, y, x] · w[c, o, i, j]

That is exactly the gradient a convolution sends back to its input, so
glassnet runs no new kernel (``ops/conv.py``)::

    conv_transpose2d(x, w)    = Conv2d's input gradient, dx, for grad_output x
    d/d(input) of that        = conv2d(grad_out, w), the convolution itself
    d/d(weight)               = Conv2d's weight gradient, with grad_out's columns
                                and x in the role of grad_output

Both backward products read the same columns of ``grad_out``, so they share
one im2col per part of the batch.  The weight keeps the convolution's layout
seen from the other side: (in_channels, out_channels/groups, kH, kW), as in
PyTorch, so ``conv_transpose2d(conv2d(x, w), w)`` has x's shape (give or take
``output_padding``).

**Output size** along one axis: the sizes a convolution with these settings
maps to ``in``; the smallest one plus ``output_padding`` (< stride, or <
dilation), which picks among them::

    out = (in − 1)·s − 2·p + d·(k − 1) + output_padding + 1

The 1-D version is the 2-D one on images one pixel high, as for ``conv1d``.
"""

import math

import numpy as np

from ..autograd.function import Function
from .conv import (
    Windows,
    add_input_gradient,
    check_at_least,
    check_convolution,
    columns,
    conv_parts,
    multiply_columns,
    ntuple,
    on_one_row,
    positions,
    rows_matrix,
    weight_gradient,
    weight_gradient_share,
    window_view,
)
from .parallel import batch_parts, parallel_for


class ConvTranspose2d(Function):
    """``Conv2d``'s input gradient as an op: forward is its ``add_input_gradient``, backward its forward and dW."""

    saved_inputs = (0, 1)  # dW reads the input, dx the weight

    @staticmethod
    def forward(ctx, x, weight, *bias, windows, groups, output_size):
        N, C, H, _ = x.shape
        (kH, kW), out_channels = windows.kernel_size, weight.shape[1] * groups
        outp = np.zeros(windows.padded_shape((N, out_channels) + output_size), x.dtype)
        w_rows = rows_matrix(weight, groups)  # the weight as Conv2d's, whose output channels are our inputs
        image_bytes = x.itemsize * H * outp.shape[-1] * (C * kW + out_channels * kH)  # one image's Gx and T
        parallel_for(
            lambda samples: add_input_gradient(outp[samples], x[samples], w_rows, windows), batch_parts(N, image_bytes)
        )
        out = windows.unpad(outp)
        ctx.x, ctx.weight, ctx.windows, ctx.groups = x, weight, windows, groups
        return out + bias[0].reshape(-1, 1, 1) if bias else np.ascontiguousarray(out)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, windows, groups = ctx.x, ctx.weight, ctx.windows, ctx.groups
        N, C, H, W = x.shape
        need_dx, need_dw = ctx.needs_input_grad[:2]
        need_db = len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]
        dx = np.empty((N, groups, C // groups, H * W), grad_output.dtype) if need_dx else None
        if need_dx or need_dw:
            view = window_view(windows.pad(grad_output), windows)  # every window of grad_output, as Conv2d reads x
            w = weight.reshape(groups, C // groups, -1)
            xg = x.reshape(N, groups, C // groups, H * W)

            def backward_part(part):  # one im2col, then dx = Conv2d's forward and this part's share of dWᵀ
                part_cols = columns(view, part)
                if need_dx:
                    multiply_columns(w, part_cols, dx, part, W)
                return weight_gradient_share(part_cols, positions(xg, part, W)) if need_dw else None

            image_bytes = grad_output.itemsize * grad_output.shape[1] * math.prod(windows.kernel_size) * H * W
            shares = parallel_for(backward_part, conv_parts(N, H, image_bytes))
        dx = dx.reshape(x.shape) if need_dx else None
        dw = weight_gradient(shares, weight.shape) if need_dw else None
        if len(ctx.needs_input_grad) == 2:
            return dx, dw
        return dx, dw, grad_output.sum(axis=(0, 2, 3)) if need_db else None


def transposed_windows(op, size, kernel_size, stride, padding, output_padding, dilation):
    """Check a transposed convolution's arguments for an input of spatial ``size``.

    Returns ``(windows, output_size)``: the windows of the convolution that maps
    an ``output_size`` image to ``size`` (a 1-D one on one row, ``on_one_row``),
    and ``output_size`` per axis (see "Output size").
    """
    n = len(size)
    stride, padding, output_padding, dilation = (
        ntuple(value, name, op, n)
        for value, name in (
            (stride, "stride"),
            (padding, "padding"),
            (output_padding, "output_padding"),
            (dilation, "dilation"),
        )
    )
    check_at_least(stride, 1, "stride", op)
    check_at_least(dilation, 1, "dilation", op)
    check_at_least(padding, 0, "padding", op)
    check_at_least(output_padding, 0, "output_padding", op)
    if any(o >= max(s, d) for o, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            f"{op}: output_padding {output_padding} must be smaller than either stride {stride} or dilation "
            f"{dilation}, as in PyTorch; hint: it only picks one of the stride's possible output sizes"
        )
    out = tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + o + 1
        for i, k, s, p, o, d in zip(size, kernel_size, stride, padding, output_padding, dilation)
    )
    if min(out) < 1:
        raise RuntimeError(
            f"{op}: an input of spatial size {size} with kernel {kernel_size}, stride {stride} and dilation "
            f"{dilation} gives an output of size {out}: padding {padding} crops it away; hint: use less padding"
        )
    windows = Windows(kernel_size, stride, tuple((p, p) for p in padding), dilation, size)
    return (windows, out) if n == 2 else (on_one_row(windows), (1,) + out)


def transpose_convolve(op, dims, input, weight, bias, stride, padding, output_padding, groups, dilation):
    """``conv_transpose1d`` or ``conv_transpose2d``: check the arguments, then run ``ConvTranspose2d``."""
    check_convolution(op, input, weight, bias, groups, dims, transposed=True)
    batched = input.ndim == dims + 2
    x = input if batched else input.unsqueeze(0)
    windows, size = transposed_windows(
        op, tuple(x.shape[2:]), tuple(weight.shape[2:]), stride, padding, output_padding, dilation
    )
    if dims == 1:  # (N, C, L) as (N, C, 1, L)
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
    tensors = [x, weight] + ([] if bias is None else [bias])
    out = ConvTranspose2d.apply(*tensors, windows=windows, groups=groups, output_size=size)
    if dims == 1:
        out = out.squeeze(2)
    return out if batched else out.squeeze(0)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution, as ``torch.nn.functional.conv_transpose2d`` (see the module docstring).

    Args:
        input: (N, C, H, W), or (C, H, W) unbatched.
        weight: (C, O/groups, kH, kW): in_channels first, unlike ``conv2d``'s.
        bias: (O,) or None.
        stride: an int or a pair (height, width).
        padding: an int or a pair: crops that many rows and columns off each side of the full output.
        output_padding: rows/columns added at the bottom/right (< stride or < dilation).
        groups: split the channels into this many independent transposed convolutions.
        dilation: an int or a pair: the spacing between kernel taps.

    Shape:
        input: (N, C, H, W). Output: (N, O, oH, oW) with
        ``oH = (H − 1)·sH − 2·pH + dH·(kH − 1) + output_padding_H + 1``, likewise oW.
    """
    return transpose_convolve(
        "conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups, dilation
    )


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution, as ``torch.nn.functional.conv_transpose1d``: ``conv_transpose2d`` on one row.

    Shape:
        input: (N, C, L) or (C, L). weight: (C, O/groups, kW). Output: (N, O, oL) with
        ``oL = (L − 1)·s − 2·p + d·(kW − 1) + output_padding + 1``.
    """
    return transpose_convolve(
        "conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups, dilation
    )
