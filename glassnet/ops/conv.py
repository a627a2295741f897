"""2-D convolution as im2col plus one matrix multiply, and the sliding-window helpers pooling reuses.

``conv1d`` is ``conv2d`` on images one pixel high, and the transposed
convolution (``ops/conv_transpose.py``) is made of this file's parts: its
forward is the input gradient below, its backward the forward and dW.

A convolution slides a kH×kW window over the zero-padded input ``xp``; at each
output position (y, x) it takes the dot product of the window with every filter::

    out[n, o, y, x] = b[o] + Σ_{c,i,j} w[o, c, i, j] · xp[n, c, y·s + i·d, x·s + j·d]

(stride ``s``, dilation ``d``: the kernel's taps sit ``d`` pixels apart).

**im2col.** Copy every window into a column: ``cols[n, (c,i,j), (y,x)]``.  Then
the whole convolution is one matrix product per sample, ``out[n] = W · cols[n]``
with ``W`` reshaped to (O, C·kH·kW).  Building ``cols`` needs no loop over pixels:
for one kernel offset (i, j), the elements ``xp[n, c, y·s + i·d, x·s + j·d]`` for
all (n, c, y, x) form a single strided slice of ``xp``.  Together, all windows
are a single strided *view* of ``xp`` (``numpy.lib.stride_tricks.sliding_window_view``),
and one copy of that view, in column order, fills the buffer.  The copy moves
the same bytes as kH·kW slice copies would, but it is one NumPy call instead of
kH·kW: as fast on one thread, and 5–15% faster on two (measured on LeNet),
which then pass Python's lock between them less often (``ops/parallel.py``).

**Backward.** With ``G = dL/dout`` reshaped to (N, O, oH·oW)::

    dW = Σ_n G[n] · cols[n]ᵀ           (a matrix multiply)
    db = Σ_{n,y,x} G

The input's gradient is the textbook ``dx = col2im(Wᵀ · G[n])``: each window
adds its column back where it was read, kH·kW slice-adds.  But those slices
have rows of only oW pixels, and the adds took half of LeNet's backward.  So
glassnet splits the kernel's taps: the columns j of the kernel go into the
matrix multiply, the rows i into long additions.  Let ``Gx`` hold, for every
kernel column j, the gradient shifted to where tap j reads, along full padded
rows of Wp pixels (zeros between)::

    Gx[n, (o,j), y, x']  = G[n, o, y, x]    where x' = x·s + j·d (else 0)
    T[n]                 = W' · Gx[n]       W'[(c,i), (o,j)] = w[o, c, i, j]
    dxp[n, c, y·s + i·d, :] += T[n, (c,i), y, :]      for each kernel row i

Then ``T[n, (c,i), y, x']`` already sums, over o and j, every gradient that
pixel x' of row ``y·s + i·d`` receives through kernel row i, and kH adds of
whole rows finish the job (measured on LeNet's second conv at batch 64:
0.9 ms instead of 1.8 ms).  The kW copies that build ``Gx`` still have short
rows, but they are plain copies, and O/(kH·C) as many as col2im's adds (half
as many for LeNet's second conv).  With stride s, ``Gx`` holds s − 1 zeros
between the taps and the multiply does that much useless work: a stride-2 3×3
conv's dx took 1.2× as long as with col2im; every stride-1 conv measured was
faster (1.15–1.75×).

**Groups.** ``groups=g`` splits the channels into g independent convolutions
(weight shape (O, C/g, kH, kW)); the group becomes a batch axis of the matrix
multiply.  ``groups == C`` is a depthwise convolution.

**Parts.** The batch is processed in parts of consecutive samples, one per
thread, each with at most ``parallel.PART_BYTES`` (4 MiB) of columns: im2col,
matrix multiply (and the bias), next part; glassnet's threads work on their
parts at the same time (``ops/parallel.py``).  Without a gradient (inference)
only the parts being worked on have columns, instead of the whole batch:
LeNet's first conv on a batch of 1000 would need 78 MB of them, and the parts
alone made inference twice as fast (measured).  Backward works part by part
too.  Where one image alone has more than ``PART_BYTES`` of columns (large
images), a part is a band of its output rows with about ``BAND_BYTES``
(1 MiB) of columns, which the matrix multiply then reads from the cache
instead of from memory: the lecture's 7×7 conv (3→16 channels) on one
3×256×256 image ran its forward in 4.6–4.8 ms instead of 9.3 ms, and its dW in
4.9–5.5 ms instead of 9.0 (measured on one thread, bands of 4–8 rows against
the whole image); bands of 2 rows (256 KiB) were slower again.

**Memory.** When the weight needs a gradient, forward keeps ``cols`` for
dW instead of the input, if they are small: they are kH·kW times as large as
the input (25× for a 5×5 kernel; 9 MB for LeNet's two convs at batch 64), and
recomputing them in backward cost a second im2col, 1.2 ms of a 7 ms LeNet step
(measured).  Columns larger than ``KEEP_COLUMNS_BYTES`` (64 MB) are not kept:
backward builds them again, one part at a time, just before the part's dW
product, from the padded input that forward made, or from a copy of the input
where there is no padding (a kH·kW-th of the columns' size), so that changing
the input in place after forward cannot change dW.  The lecture's first conv
layer (3→16, 7×7, on 8×3×256×256) would keep 294 MB of columns; with bands
rebuilt in backward, a process running its forward and backward peaked at
120 MiB instead of 389 MiB, and took 46–51 ms instead of 87 ms on two threads
(measured).  Under ``no_grad()`` nothing is kept.

**Output size** along one axis (``conv_output_size``)::

    out = floor((in + p_before + p_after − d·(k − 1) − 1) / s) + 1
"""

import math
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import backends, dtypes
from ..autograd.function import Function
from . import parallel
from .parallel import batch_parts, parallel_for

KEEP_COLUMNS_BYTES = 64 << 20  # forward keeps im2col's columns for dW up to this size (see "Memory")
BAND_BYTES = 1 << 20  # columns per part where one image has more than PART_BYTES of them (see "Parts")


def conv_output_size(size, kernel_size, stride=1, padding=0, dilation=1, ceil_mode=False):
    """How many positions a window takes along one axis: the output size of a convolution or pool.

    ``out = floor((size + p_before + p_after − dilation·(kernel_size − 1) − 1) / stride) + 1``

    Args:
        size: the input's length along the axis (unpadded).
        kernel_size: the window's number of taps, k.
        stride: the step s between neighbouring windows.
        padding: zeros added on *each* side (an int), or ``(before, after)``.
        dilation: spacing d between taps; the window spans ``d·(k − 1) + 1`` pixels.
        ceil_mode: pools only: round up instead of down, so a partial window at
            the end counts, but (as in PyTorch) only if it starts inside the input
            or the leading padding.

    Returns the size, which is 0 or negative when the input is too small for
    the window; callers turn that into an error that shows these numbers.

    Example: LeNet's 5×5 conv on 28 pixels with padding 2 keeps 28;
    ``conv_output_size(28, 5, padding=2) == 28``, a 2×2 pool halves it:
    ``conv_output_size(28, 2, stride=2) == 14``.
    """
    before, after = (padding, padding) if isinstance(padding, int) else padding
    span = size + before + after - dilation * (kernel_size - 1) - 1
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= size + before:
        out -= 1  # the last window would start in the trailing padding
    return out


class Windows(NamedTuple):
    """Where a sliding window reads its input: the geometry shared by conv and pooling.

    ``padding`` is ``((top, bottom), (left, right))``; the padded input has
    ``H + top + bottom`` rows.  ``output_size`` is (oH, oW).
    """

    kernel_size: tuple
    stride: tuple
    padding: tuple
    dilation: tuple
    output_size: tuple

    def slices(self):
        """For each kernel offset (i, j), row-major: ``(i, j, rows, cols)``, the slices of the padded input it reads.

        ``xp[..., rows, cols]`` holds tap (i, j) of every window: element (y, x)
        is ``xp[..., y·s + i·d, x·s + j·d]``.
        """
        (kH, kW), (sH, sW), (dH, dW), (oH, oW) = self.kernel_size, self.stride, self.dilation, self.output_size
        for i in range(kH):
            for j in range(kW):
                yield i, j, slice(i * dH, i * dH + sH * (oH - 1) + 1, sH), slice(j * dW, j * dW + sW * (oW - 1) + 1, sW)

    def overlap(self):
        """True if some input pixel lies in two windows (a window spans more than one stride)."""
        return any(d * (k - 1) + 1 > s for k, s, d in zip(self.kernel_size, self.stride, self.dilation))

    def pad(self, x, value=0):
        """``x`` (..., H, W) with the padding added, filled with ``value``; ``x`` itself if there is none."""
        (top, bottom), (left, right) = self.padding
        if not (top or bottom or left or right):
            return x
        H, W = x.shape[-2:]
        xp = np.full(x.shape[:-2] + (top + H + bottom, left + W + right), value, dtype=x.dtype)
        xp[..., top : top + H, left : left + W] = x
        return xp

    def padded_shape(self, input_shape):
        """``input_shape`` (..., H, W) with the padding added."""
        (top, bottom), (left, right) = self.padding
        H, W = input_shape[-2:]
        return tuple(input_shape[:-2]) + (top + H + bottom, left + W + right)

    def unpad(self, xp):
        """The part of a padded array ``xp`` (..., Hp, Wp) that lies over the input (a view)."""
        (top, bottom), (left, right) = self.padding
        return xp[..., top : xp.shape[-2] - bottom, left : xp.shape[-1] - right]

    def scatter(self, piece, input_shape, dtype):
        """The adjoint of reading windows: add ``piece(i, j)`` (..., oH, oW) back where tap (i, j) was read.

        Returns an array of ``input_shape`` (unpadded).
        """
        dxp = np.zeros(self.padded_shape(input_shape), dtype=dtype)
        self.scatter_into(dxp, piece)
        return self.unpad(dxp)

    def scatter_into(self, dxp, piece):
        """``scatter`` into the padded array ``dxp`` (..., Hp, Wp), which starts at zero.

        Where windows do not overlap each padded pixel is written at most once,
        so plain assignment replaces the slower add.
        """
        overlap = self.overlap()
        for i, j, rows, cols in self.slices():
            if overlap:
                dxp[..., rows, cols] += piece(i, j)
            else:
                dxp[..., rows, cols] = piece(i, j)


def window_view(xp, windows):
    """Every window of the padded input ``xp`` at once, as a strided view of it: nothing is copied (see "im2col").

    Shape:
        xp: (N, C, Hp, Wp). Returns: (N, C, kH, kW, oH, oW); a copy of it, reshaped
        to (N, C·kH·kW, oH·oW), is the column matrix, one column per window.
    """
    (kH, kW), (sH, sW), (dH, dW), (oH, oW) = windows.kernel_size, windows.stride, windows.dilation, windows.output_size
    # every window of span dH·(kH − 1) + 1 by dW·(kW − 1) + 1 pixels at every position
    spans = sliding_window_view(xp, (dH * (kH - 1) + 1, dW * (kW - 1) + 1), axis=(2, 3))
    taps = spans[:, :, ::sH, ::sW, ::dH, ::dW][:, :, :oH, :oW]  # (N, C, oH, oW, kH, kW): strides and dilation
    return taps.transpose(0, 1, 4, 5, 2, 3)


def conv_parts(n, rows, bytes_per_image):
    """The parts a convolution works on, as ``(samples, output_rows)`` pairs of slices (see "Parts").

    Whole images (``parallel.batch_parts``) if one image has at most
    ``PART_BYTES`` of columns, else bands of about ``BAND_BYTES`` of each image's output rows.
    """
    if bytes_per_image <= parallel.PART_BYTES or n == 0:
        return [(samples, slice(0, rows)) for samples in batch_parts(n, bytes_per_image)]
    band = max(1, BAND_BYTES * rows // bytes_per_image)
    return [(slice(i, i + 1), slice(y, min(y + band, rows))) for i in range(n) for y in range(0, rows, band)]


class Conv2d(Function):
    """2-D cross-correlation (what deep learning calls convolution), with optional bias, as im2col + GEMM."""

    saved_inputs: tuple[int, ...] = (1,)  # the weight: forward keeps its own copy of x (columns, or the padded input)

    @staticmethod
    def forward(ctx, x, weight, *bias, windows, groups):
        N, O, (oH, oW) = x.shape[0], weight.shape[0], windows.output_size
        w = weight.reshape(groups, O // groups, -1)  # (g, O/g, C/g·kH·kW)
        # dW needs the columns: keep them all if they are small enough, else backward rebuilds them (see "Memory")
        image_bytes = x.itemsize * x.shape[1] * math.prod(windows.kernel_size) * oH * oW  # one image's columns
        keep = ctx.needs_input_grad[1] and N * image_bytes <= KEEP_COLUMNS_BYTES
        rebuild = ctx.needs_input_grad[1] and not keep
        xp = windows.pad(x)
        if rebuild and xp is x:  # backward reads the input again: from a copy, which no in-place change can reach
            xp = x.copy()
        view = window_view(xp, windows)
        cols = np.empty(view.shape, x.dtype) if keep else None
        out = np.empty((N, groups, O // groups, oH * oW), x.dtype)
        bias = bias[0].reshape(groups, O // groups, 1) if bias else None
        ctx.parts = conv_parts(N, oH, image_bytes)
        parallel_for(lambda part: multiply_columns(w, columns(view, part, cols), out, part, oW, bias), ctx.parts)
        ctx.cols, ctx.weight, ctx.windows, ctx.groups, ctx.input_shape = cols, weight, windows, groups, x.shape
        ctx.view = view if rebuild else None
        return out.reshape((N, O, oH, oW))

    @staticmethod
    def backward(ctx, grad_output):
        weight, windows, groups, input_shape, parts = ctx.weight, ctx.windows, ctx.groups, ctx.input_shape, ctx.parts
        N, O, oH, oW = grad_output.shape
        g = grad_output.reshape(N, groups, O // groups, oH * oW)  # (N, g, O/g, P)
        need_dx, need_dw = ctx.needs_input_grad[:2]
        need_db = len(ctx.needs_input_grad) == 3 and ctx.needs_input_grad[2]
        banded = parts[0][1] != slice(0, oH)  # parts are bands of images' rows (see "Parts")
        if need_dx:
            dxp = np.zeros(windows.padded_shape(input_shape), grad_output.dtype)
            w_rows = rows_matrix(weight, groups)

            def add_dx(samples):
                add_input_gradient(dxp[samples], grad_output[samples], w_rows, windows)

        ones = np.ones(g.shape[-1], grad_output.dtype)

        def backward_part(part):  # this part's shares of dWᵀ and db
            samples, rows = part
            if need_dx and not banded:
                add_dx(samples)
            part_g = positions(g, part, oW)
            dw_t = db = None
            if need_dw:
                part_cols = ctx.cols[samples, ..., rows, :] if ctx.view is None else columns(ctx.view, part)
                dw_t = weight_gradient_share(part_cols, part_g)
            if need_db:  # Σ over positions as a matrix-vector product: 3× faster than .sum(axis=(0, 2, 3))
                db = (part_g @ ones[: part_g.shape[-1]]).sum(axis=0).reshape(O)
            return dw_t, db

        dw_shares, db_shares = zip(*parallel_for(backward_part, parts))
        if need_dx and banded:  # the input's gradient works on whole images
            parallel_for(add_dx, [slice(i, i + 1) for i in range(N)])
        dx = windows.unpad(dxp) if need_dx else None
        dw = weight_gradient(dw_shares, weight.shape) if need_dw else None
        db = total(db_shares) if need_db else None
        return (dx, dw) if len(ctx.needs_input_grad) == 2 else (dx, dw, db)


def columns(view, part, cols=None):
    """im2col for one part: its windows of ``view`` copied (the one copy) into ``cols``, if given, or a new array.

    Shape:
        view: (N, C, kH, kW, oH, oW) (``window_view``). Returns: (n, C, kH, kW, rows, oW) for the
        part's n samples and rows.
    """
    samples, rows = part
    part_view = view[samples, ..., rows, :]
    part_cols = cols[samples, ..., rows, :] if cols is not None else np.empty(part_view.shape, view.dtype)
    np.copyto(part_cols, part_view)
    return part_cols


def positions(a, part, width):
    """The output positions of ``part`` in ``a`` (N, g, channels/g, oH·oW), whose rows are ``width`` long (a view)."""
    samples, rows = part
    return a[samples, ..., rows.start * width : rows.stop * width]


def multiply_columns(w, part_cols, out, part, width, bias=None):
    """The convolution of one part: ``out[n] = W · cols[n] (+ bias)``, written into ``out`` (N, g, O/g, oH·oW).

    Shape:
        w: (g, O/g, C/g·kH·kW). part_cols: ``columns``'s. bias: (g, O/g, 1) or None.
    """
    part_out = positions(out, part, width)
    np.matmul(w, part_cols.reshape(part_out.shape[0], w.shape[0], w.shape[2], part_out.shape[-1]), out=part_out)
    if bias is not None:  # while this part of the output is still in the cache
        part_out += bias


def weight_gradient_share(part_cols, part_g):
    """One part's share of dWᵀ = Σ_n cols[n] · G[n]ᵀ (measured faster than dW).

    Shape:
        part_cols: ``columns``'s. part_g: (n, g, O/g, positions). Returns: (g, C/g·kH·kW, O/g).
    """
    n, groups, _, size = part_g.shape
    part_cols = part_cols.reshape(n, groups, math.prod(part_cols.shape[1:4]) // groups, size)
    return np.matmul(part_cols, part_g.transpose(0, 1, 3, 2)).sum(axis=0)


def weight_gradient(shares, weight_shape):
    """dW of ``weight_shape`` (O, C/g, kH, kW) from the parts' shares of dWᵀ (``weight_gradient_share``)."""
    return total(shares).transpose(0, 2, 1).reshape(weight_shape)


def total(shares):
    """The parts' shares added up in order, so that the result is the same in every run."""
    return sum(shares[1:], shares[0])


def rows_matrix(weight, groups):
    """``W'[(c,i), (o,j)] = w[o, c, i, j]`` for each group (see "Backward").

    Shape:
        weight: (O, C/g, kH, kW). Returns: (g, C/g·kH, O/g·kW).
    """
    O, C, kH, kW = weight.shape
    return weight.reshape(groups, O // groups, C, kH, kW).transpose(0, 2, 3, 1, 4).reshape(groups, C * kH, -1)


def add_input_gradient(dxp, grad, w_rows, windows):
    """Add the gradient for the padded input to ``dxp``, given ``grad`` for the output (see "Backward").

    Shape:
        dxp: (N, C, Hp, Wp). grad: (N, O, oH, oW). w_rows: (g, C/g·kH, O/g·kW).
    """
    N, O, oH, oW = grad.shape
    (kH, kW), (sH, sW), (dH, dW) = windows.kernel_size, windows.stride, windows.dilation
    groups, Wp = w_rows.shape[0], dxp.shape[-1]
    gx = np.zeros((N, O, kW, oH, Wp), grad.dtype)
    for j in range(kW):
        gx[:, :, j, :, j * dW : j * dW + sW * (oW - 1) + 1 : sW] = grad
    t = np.matmul(w_rows, gx.reshape(N, groups, w_rows.shape[2], oH * Wp))
    t = t.reshape(N, dxp.shape[1], kH, oH, Wp)  # T[n, c, i, y, x']
    for i in range(kH):
        dxp[:, :, i * dH : i * dH + sH * (oH - 1) + 1 : sH] += t[:, :, i]


SPATIAL = {1: "L", 2: "H, W"}  # an input's spatial axes, by their number
KERNEL = {1: "kW", 2: "kH, kW"}  # a weight's kernel axes


def ntuple(value, name, op, n):
    """``value`` as a tuple of ``n`` ints, one per spatial axis: ``3 -> (3, 3)`` for n = 2, ``(3, 5)`` stays."""
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,) * n
    if len(values) == 1:
        values = values * n
    if len(values) != n or not all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in values):
        form = "a pair of ints (height, width)" if n == 2 else f"a tuple of {n} int{'s' * (n > 1)}"
        raise TypeError(f"{op}: {name} must be an int or {form}, but got {value!r}")
    return tuple(int(v) for v in values)


def pair(value, name, op):
    """``value`` as a pair of ints (height, width): ``3 -> (3, 3)``, ``(3, 5)`` stays."""
    return ntuple(value, name, op, 2)


def check_at_least(values, minimum, name, op):
    """Raise if any of ``values`` is below ``minimum``."""
    if min(values) < minimum:
        rule = "positive" if minimum == 1 else "non-negative"
        raise RuntimeError(f"{op}: {name} must be {rule}, but got {values}")


def conv_padding(padding, kernel_size, stride, dilation, op="conv2d"):
    """A convolution's ``padding`` argument as ``((before, after), ...)``, one pair per spatial axis.

    ``'valid'`` is no padding.  ``'same'`` pads ``d·(k − 1)`` in total so the
    output keeps the input's size; when that total is odd (an even kernel) the
    extra pixel goes to the bottom/right, as in PyTorch.
    """
    n = len(kernel_size)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * n
        if padding != "same":
            form = "a pair" if n == 2 else f"a tuple of {n}"
            raise RuntimeError(f"{op}: padding={padding!r} is not supported; use an int, {form}, 'same' or 'valid'")
        if any(s != 1 for s in stride):
            raise RuntimeError(f"{op}: padding='same' is not supported for strided convolutions (stride={stride})")
        totals = [d * (k - 1) for k, d in zip(kernel_size, dilation)]
        return tuple((total // 2, total - total // 2) for total in totals)
    pads = ntuple(padding, "padding", op, n)
    check_at_least(pads, 0, "padding", op)
    return tuple((p, p) for p in pads)


def on_one_row(windows):
    """1-D ``windows`` (along L) as the windows of an image one pixel high: how ``conv1d`` and ``max_pool1d`` run."""
    w = windows
    return Windows(
        (1,) + w.kernel_size, (1,) + w.stride, ((0, 0),) + w.padding, (1,) + w.dilation, (1,) + w.output_size
    )


def check_convolution(op, input, weight, bias, groups, dims, transposed=False):
    """Check a convolution's tensors and ``groups``; the errors name ``op``, the shapes and a fix.

    ``weight`` is (out_channels, in_channels/groups, *kernel), or for a
    transposed convolution (in_channels, out_channels/groups, *kernel);
    ``dims`` is the number of spatial axes (1 or 2).
    """
    spatial, kernel, shape = SPATIAL[dims], KERNEL[dims], tuple(weight.shape)
    if input.ndim not in (dims + 1, dims + 2):
        raise RuntimeError(
            f"{op}: expected a {dims + 1}-D (C, {spatial}) or {dims + 2}-D (N, C, {spatial}) input, "
            f"but got shape {tuple(input.shape)}"
        )
    layout = "in_channels, out_channels/groups" if transposed else "out_channels, in_channels/groups"
    if weight.ndim != dims + 2:
        raise RuntimeError(f"{op}: weight must be {dims + 2}-D ({layout}, {kernel}), but got shape {shape}")
    if not isinstance(groups, int) or groups < 1:
        raise RuntimeError(f"{op}: groups must be a positive int, but got {groups!r}")
    channels = input.shape[-dims - 1]
    if transposed:
        expected, out_channels = shape[0], shape[1] * groups
        if expected % groups:
            raise RuntimeError(
                f"{op}: groups={groups} must divide the weight's in_channels {expected} (weight shape {shape})"
            )
        if channels != expected:
            raise RuntimeError(
                f"{op}: input has {channels} channels but weight expects {expected} (weight shape {shape}); "
                f"hint: a transposed convolution's weight is ({layout}, {kernel}), in_channels first"
            )
    else:
        out_channels, per_group = shape[:2]
        if out_channels % groups:
            raise RuntimeError(
                f"{op}: groups={groups} must divide the weight's out_channels {out_channels} (weight shape {shape})"
            )
        if channels != per_group * groups:
            per = f" ({per_group} per group × groups={groups})" if groups > 1 else ""
            raise RuntimeError(
                f"{op}: input has {channels} channels but weight expects {per_group * groups}{per} (weight shape {shape})"
            )
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise RuntimeError(
            f"{op}: bias has shape {tuple(bias.shape)} but the weight has {out_channels} output channels"
        )
    tensors = [input, weight] + ([] if bias is None else [bias])
    if any(t.dtype != weight.dtype for t in tensors) or not dtypes.is_floating(weight.dtype):
        raise RuntimeError(
            f"{op}: input, weight and bias must have one floating dtype, but got "
            f"{', '.join(str(t.array.dtype) for t in tensors)}; hint: convert the input with "
            f".to(glassnet.{weight.array.dtype}), "
            "or the model with .double() / .float()"
        )


def conv_windows(op, size, kernel_size, stride, padding, dilation):
    """Check a convolution's stride, padding and dilation for an input of spatial ``size``; return its ``Windows``.

    A 1-D convolution's windows lie on an image one pixel high (``on_one_row``).
    """
    n = len(size)
    stride, dilation = ntuple(stride, "stride", op, n), ntuple(dilation, "dilation", op, n)
    check_at_least(stride, 1, "stride", op)
    check_at_least(dilation, 1, "dilation", op)
    pads = conv_padding(padding, kernel_size, stride, dilation, op)
    out = tuple(conv_output_size(*args) for args in zip(size, kernel_size, stride, pads, dilation))
    if min(out) < 1:
        padded = tuple(s + before + after for s, (before, after) in zip(size, pads))
        span = tuple(d * (k - 1) + 1 for k, d in zip(kernel_size, dilation))
        raise RuntimeError(
            f"{op}: input of spatial size {size} (padded: {padded}) is smaller than the kernel "
            f"{kernel_size} (spanning {span} with dilation {dilation}); hint: pad the input or use a smaller kernel"
        )
    windows = Windows(kernel_size, stride, pads, dilation, out)
    return windows if n == 2 else on_one_row(windows)


def convolve(op, dims, input, weight, bias, stride, padding, dilation, groups):
    """``conv1d`` or ``conv2d`` (``dims`` spatial axes): check the arguments, then run ``Conv2d``.

    An unbatched input is a batch of one; a 1-D input (N, C, L) is an image one pixel high, (N, C, 1, L).
    """
    check_convolution(op, input, weight, bias, groups, dims)
    batched = input.ndim == dims + 2
    x = input if batched else input.unsqueeze(0)
    windows = conv_windows(op, tuple(x.shape[2:]), tuple(weight.shape[2:]), stride, padding, dilation)
    if dims == 1:
        x, weight = x.unsqueeze(2), weight.unsqueeze(2)
    fast = backends.kernels(x.array.dtype)  # the compiled backend's Conv2d (glassnet/backends/), or None: NumPy's
    function = Conv2d if fast is None else fast.Conv2d
    out = function.apply(*([x, weight] + ([] if bias is None else [bias])), windows=windows, groups=groups)
    if dims == 1:
        out = out.squeeze(2)
    return out if batched else out.squeeze(0)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over an (N, C, H, W) batch, as ``torch.nn.functional.conv2d``.

    ``out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c]`` (⋆: cross-correlation;
    the kernel is not flipped).  See this module's docstring for the math.

    Args:
        input: (N, C, H, W), or (C, H, W) for a single unbatched image.
        weight: (O, C/groups, kH, kW).
        bias: (O,) or None.
        stride: an int or a pair (height, width).
        padding: an int or pair (zeros on both sides), ``'valid'`` (none) or
            ``'same'`` (output as large as the input; stride must be 1).
        dilation: an int or a pair (height, width): the spacing between kernel taps.
        groups: split the channels into this many independent convolutions.

    Shape:
        input: (N, C, H, W). Output: (N, O, oH, oW) with
        ``oH = floor((H + pad_top + pad_bottom − dH·(kH − 1) − 1) / sH) + 1``
        (``conv_output_size``), likewise oW.
    """
    return convolve("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over an (N, C, L) batch of sequences, as ``torch.nn.functional.conv1d``.

    ``out[n, o, x] = bias[o] + Σ_{c,j} weight[o, c, j] · xp[n, c, x·s + j·d]``: ``conv2d``
    on images one pixel high, (N, C, 1, L) with a (O, C/groups, 1, kW) kernel.

    Args:
        input: (N, C, L), or (C, L) unbatched.
        weight: (O, C/groups, kW).
        bias: (O,) or None.
        stride: an int (or a tuple of one).
        padding: an int (zeros on both ends), ``'valid'`` or ``'same'``.
        dilation: an int (or a tuple of one): the spacing between kernel taps.
        groups: split the channels into this many independent convolutions.

    Shape:
        input: (N, C, L). Output: (N, O, oL) with ``oL = floor((L + 2·padding − d·(kW − 1) − 1) / s) + 1``.
    """
    return convolve("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)
