"""Slow, obviously correct loop kernels for convolution and pooling: the oracles of the fast ones.

Each function follows the definition one output element at a time, in plain
Python loops over (n, o, y, x) and the kernel taps, and works out which windows
exist by enumerating them, not with ``conv_output_size``.  No NumPy tricks, no
PyTorch: if a fast kernel and its oracle agree, both are very likely right
(Chainer's "the slow and fast implementations act as testers for each other").

Padding is given as ``((top, bottom), (left, right))``; kernel, stride and
dilation as pairs.  Keep the inputs tiny.
"""

import math

import numpy as np


def conv_positions(size, kernel, stride, before, after, dilation):
    """Window start offsets (in padded coordinates) along one axis: every window that fits the padded input."""
    span = dilation * (kernel - 1) + 1
    return [start for start in range(0, size + before + after, stride) if start + span <= size + before + after]


def pool_positions(size, kernel, stride, pad, dilation, ceil_mode):
    """Window starts of a pool: full windows; in ceil_mode also a partial last one that starts in the input or the left pad."""
    span = dilation * (kernel - 1) + 1
    padded = size + 2 * pad
    starts = []
    for start in range(0, padded, stride):
        fits = start + span <= padded
        partial = ceil_mode and (not starts or starts[-1] + span < padded) and start < size + pad
        if fits or partial:
            starts.append(start)
    return starts


def conv2d(x, w, b, stride, padding, dilation, groups):
    """``out[n, o, y, x] = b[o] + Σ_{c in o's group, i, j} w[o, c, i, j] · x[n, c, y·s + i·d − pad, x·s + j·d − pad]``."""
    N, C, H, W = x.shape
    O, Cg, kH, kW = w.shape
    rows = conv_positions(H, kH, stride[0], *padding[0], dilation[0])
    cols = conv_positions(W, kW, stride[1], *padding[1], dilation[1])
    out = np.zeros((N, O, len(rows), len(cols)), dtype=np.float64)
    for n in range(N):
        for o in range(O):
            group = o // (O // groups)
            for y, top in enumerate(rows):
                for xx, left in enumerate(cols):
                    total = 0.0 if b is None else b[o]
                    for c in range(Cg):
                        for i in range(kH):
                            for j in range(kW):
                                r = top + i * dilation[0] - padding[0][0]
                                q = left + j * dilation[1] - padding[1][0]
                                if 0 <= r < H and 0 <= q < W:
                                    total += w[o, c, i, j] * x[n, group * Cg + c, r, q]
                    out[n, o, y, xx] = total
    return out


def conv2d_backward(x, w, grad, stride, padding, dilation, groups):
    """``(dx, dw, db)`` for upstream ``grad``: every product ``w·x`` in the forward sum sends ``grad`` back to both factors."""
    N, C, H, W = x.shape
    O, Cg, kH, kW = w.shape
    rows = conv_positions(H, kH, stride[0], *padding[0], dilation[0])
    cols = conv_positions(W, kW, stride[1], *padding[1], dilation[1])
    dx, dw, db = np.zeros(x.shape), np.zeros(w.shape), np.zeros(O)
    for n in range(N):
        for o in range(O):
            group = o // (O // groups)
            for y, top in enumerate(rows):
                for xx, left in enumerate(cols):
                    g = grad[n, o, y, xx]
                    db[o] += g
                    for c in range(Cg):
                        for i in range(kH):
                            for j in range(kW):
                                r = top + i * dilation[0] - padding[0][0]
                                q = left + j * dilation[1] - padding[1][0]
                                if 0 <= r < H and 0 <= q < W:
                                    dx[n, group * Cg + c, r, q] += g * w[o, c, i, j]
                                    dw[o, c, i, j] += g * x[n, group * Cg + c, r, q]
    return dx, dw, db


def _pool_windows(shape, kernel, stride, pad, dilation, ceil_mode):
    """For each output (y, x): the list of in-input pixels (r, q) of its window, in row-major tap order."""
    H, W = shape
    rows = pool_positions(H, kernel[0], stride[0], pad[0], dilation[0], ceil_mode)
    cols = pool_positions(W, kernel[1], stride[1], pad[1], dilation[1], ceil_mode)
    windows = {}
    for y, top in enumerate(rows):
        for xx, left in enumerate(cols):
            windows[y, xx] = [
                (top + i * dilation[0] - pad[0], left + j * dilation[1] - pad[1])
                for i in range(kernel[0])
                for j in range(kernel[1])
                if 0 <= top + i * dilation[0] - pad[0] < H and 0 <= left + j * dilation[1] - pad[1] < W
            ]
    return (len(rows), len(cols)), windows


def max_pool2d(x, grad, kernel, stride, pad, dilation, ceil_mode):
    """``(out, indices, dx)``: the first strictly largest pixel of each window wins and receives the gradient."""
    N, C, H, W = x.shape
    size, windows = _pool_windows((H, W), kernel, stride, pad, dilation, ceil_mode)
    out, indices, dx = np.zeros((N, C) + size), np.zeros((N, C) + size, dtype=np.int64), np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for (y, xx), pixels in windows.items():
                best = pixels[0]
                for r, q in pixels[1:]:
                    if x[n, c, r, q] > x[n, c][best]:
                        best = (r, q)
                out[n, c, y, xx] = x[n, c][best]
                indices[n, c, y, xx] = best[0] * W + best[1]
                if grad is not None:
                    dx[n, c][best] += grad[n, c, y, xx]
    return out, indices, dx


def avg_pool2d(x, grad, kernel, stride, pad, ceil_mode, count_include_pad, divisor_override):
    """``(out, dx)`` following PyTorch's CPU kernel: the divisor counts the window clipped to the padded input."""
    N, C, H, W = x.shape
    size, windows = _pool_windows((H, W), kernel, stride, pad, (1, 1), ceil_mode)
    rows = pool_positions(H, kernel[0], stride[0], pad[0], 1, ceil_mode)
    cols = pool_positions(W, kernel[1], stride[1], pad[1], 1, ceil_mode)
    out, dx = np.zeros((N, C) + size), np.zeros(x.shape)
    for (y, xx), pixels in windows.items():
        top, left = rows[y] - pad[0], cols[xx] - pad[1]
        clipped = (min(top + kernel[0], H + pad[0]) - top) * (min(left + kernel[1], W + pad[1]) - left)
        divisor = divisor_override or (clipped if count_include_pad else len(pixels))
        for n in range(N):
            for c in range(C):
                out[n, c, y, xx] = sum(x[n, c, r, q] for r, q in pixels) / divisor
                if grad is not None:
                    for r, q in pixels:
                        dx[n, c, r, q] += grad[n, c, y, xx] / divisor
    return out, dx


def adaptive_avg_pool2d(x, grad, output_size):
    """``(out, dx)``: output (y, x) averages rows ⌊y·H/oH⌋ … ⌈(y+1)·H/oH⌉ − 1 and likewise columns."""
    N, C, H, W = x.shape
    oH, oW = output_size
    out, dx = np.zeros((N, C, oH, oW)), np.zeros(x.shape)
    for y in range(oH):
        for xx in range(oW):
            r0, r1 = math.floor(y * H / oH), math.ceil((y + 1) * H / oH)
            q0, q1 = math.floor(xx * W / oW), math.ceil((xx + 1) * W / oW)
            count = (r1 - r0) * (q1 - q0)
            out[:, :, y, xx] = x[:, :, r0:r1, q0:q1].sum(axis=(2, 3)) / count
            if grad is not None:
                dx[:, :, r0:r1, q0:q1] += grad[:, :, y, xx][:, :, None, None] / count
    return out, dx
