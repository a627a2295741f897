"""Resizing images and sequences: ``interpolate`` in 'nearest', 'nearest-exact', 'linear', 'bilinear' and 'area' mode.

Every mode but 'area' (which is ``adaptive_avg_pool2d``) is *separable*: an
(H, W) image is resized along W, then along H, and along each axis output
cell ``o`` reads one or two input cells ``i0[o]``, ``i1[o]``::

    out[o] = λ0[o]·x[i0[o]] + λ1[o]·x[i1[o]]        (nearest: out[o] = x[i0[o]])

**Where cell o reads** (as PyTorch computes it, in the input's float type;
with ``scale`` = 1/scale_factor if one was given, else in/out)::

    nearest        i0 = floor(o·scale)                     (rounded to float32 first, as PyTorch;
                                                            2-D: o if out = in, o // 2 if out = 2·in)
    nearest-exact  i0 = floor((o + ½)·scale)
    linear         src = (o + ½)·scale − ½, at least 0      align_corners=False: pixel centres line up
                   src = o·(in − 1)/(out − 1)               align_corners=True: the corner pixels line up
                   i0 = floor(src), i1 = i0 + 1 (i0 at the last cell), λ1 = src − i0, λ0 = 1 − λ1

all clamped to the last input cell.  In the linear modes an axis whose size
does not change is copied, whatever the scale factor, as in PyTorch.  Bilinear is linear along
W, then along H: ``λ0ʰ·(λ0ʷ·x00 + λ1ʷ·x01) + λ1ʰ·(λ0ʷ·x10 + λ1ʷ·x11)``,
the same products and sums as PyTorch's kernel.

**Backward** is the adjoint of each axis's gather, in reverse axis order:
input cell i receives ``Σ λ0[o]·g[o]`` over the outputs with ``i0[o] = i``, and
likewise for i1.  The read positions never decrease with o, so the outputs
sharing an input cell are neighbours: ``add_to_readers`` gathers the first of
every group, then the second..., a few gathers of the whole gradient (1.5–2.5×
faster than ``np.add.reduceat`` over the groups, measured on 8×32×128×128).
"""

from typing import NamedTuple

import numpy as np

from .. import dtypes
from ..autograd.function import Function
from .padding import along
from .pooling import adaptive_avg_pool2d

MODES = {"nearest": (3, 4), "nearest-exact": (3, 4), "linear": (3,), "bilinear": (4,), "area": (3, 4)}


class Taps(NamedTuple):
    """Where one axis's output cells read (see the module docstring); ``second`` and the weights are None for nearest."""

    size: int  # the input's length along the axis
    first: np.ndarray
    second: np.ndarray | None = None
    weight0: np.ndarray | None = None
    weight1: np.ndarray | None = None


def nearest_taps(size, out, scale, exact, dtype, shortcuts):
    """``Taps`` of nearest (``exact``: nearest-exact) resampling from ``size`` to ``out`` cells; ``scale`` may be None.

    As PyTorch: the ratio in the input's float type (float32 for integers), the
    product in it too (in float64 for nearest-exact's o + ½), rounded to float32,
    then floored.  With ``shortcuts`` (PyTorch's 2-D nearest kernel), an
    unchanged size copies and a doubled one repeats each cell, whatever the scale factor.
    """
    o = np.arange(out)
    if shortcuts and out in (size, 2 * size):
        return Taps(size, o if out == size else o // 2)
    real = dtype.type if dtypes.is_floating(dtype) else np.float32
    ratio = real(1.0 / scale) if scale else real(size) / real(out)
    position = (o + 0.5) * np.float64(ratio) if exact else o.astype(real) * ratio
    return Taps(size, np.minimum(np.floor(position.astype(np.float32)).astype(np.int64), size - 1))


def linear_taps(size, out, scale, align_corners, dtype):
    """``Taps`` of linear resampling from ``size`` to ``out`` cells, computed in ``dtype`` as PyTorch does."""
    real = dtype.type
    o = np.arange(out).astype(dtype)
    if align_corners:
        source = o * (real(size - 1) / real(out - 1) if out > 1 else real(0))
    else:
        ratio = real(1.0 / scale) if scale else real(size) / real(out)
        source = np.maximum(ratio * (o + real(0.5)) - real(0.5), real(0))
    first = np.minimum(np.floor(source).astype(np.int64), size - 1)
    weight1 = np.clip(source - first.astype(dtype), real(0), real(1))
    return Taps(size, first, first + (first < size - 1), real(1) - weight1, weight1)


def resample(x, taps, axis):
    """Resample ``x`` along ``axis`` as ``taps`` says: a gather, or two gathers weighted and added."""
    out = np.take(x, taps.first, axis=axis)
    if taps.second is None:
        return out
    shape = [1] * x.ndim
    shape[axis] = -1
    out *= taps.weight0.reshape(shape)
    out += np.take(x, taps.second, axis=axis) * taps.weight1.reshape(shape)
    return out


def resample_adjoint(grad, taps, axis):
    """The gradient for ``resample``'s input, given ``grad`` for its output (see "Backward")."""
    dx = np.zeros(grad.shape[:axis] + (taps.size,) + grad.shape[axis + 1 :], grad.dtype)
    shape = [1] * grad.ndim
    shape[axis] = -1
    reads = [(taps.first, None)] if taps.second is None else [(taps.first, taps.weight0), (taps.second, taps.weight1)]
    for index, weight in reads:
        add_to_readers(dx, grad if weight is None else grad * weight.reshape(shape), index, axis)
    return dx


def add_to_readers(dx, share, index, axis):
    """``dx[index[o]] += share[o]`` along ``axis`` for every output cell o, where ``index`` never decreases.

    The outputs that read one input cell form a group of neighbours; the k-th
    outputs of all groups are gathered at once (k up to the largest group,
    about out/in + 1), a group without a k-th output reading an extra zero cell.
    """
    starts = np.flatnonzero(np.diff(index, prepend=-1))  # where each group begins
    ends = np.append(starts[1:], len(index))
    padded = np.concatenate([share, np.zeros_like(share[along(axis, slice(0, 1))])], axis=axis)  # zero at len(index)
    total = np.take(padded, starts, axis=axis)
    for k in range(1, int((ends - starts).max())):
        total += np.take(padded, np.where(starts + k < ends, starts + k, len(index)), axis=axis)
    cells = index[starts]
    if cells[-1] - cells[0] + 1 == len(
        cells
    ):  # a run of cells: a slice, 10× faster than fancy indexing on the last axis
        cells = slice(cells[0], cells[-1] + 1)
    dx[along(axis, cells)] += total


class Resample(Function):
    """Separable resampling: ``resample`` along each axis in ``taps`` (axis -> ``Taps``), last axis first."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, taps):
        out = x
        for axis, axis_taps in taps.items():
            out = resample(out, axis_taps, axis)
        ctx.taps = taps
        return out if taps else x.copy()

    @staticmethod
    def backward(ctx, grad_output):
        grad = grad_output
        for axis, axis_taps in reversed(ctx.taps.items()):
            grad = resample_adjoint(grad, axis_taps, axis)
        return (grad,)


def output_sizes(input, size, scale_factor, recompute_scale_factor, dims):
    """The output's spatial sizes and the scale factors the kernels use (None where they use in/out), as PyTorch."""
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("interpolate: only one of size or scale_factor should be defined")
    if size is not None:
        if recompute_scale_factor:
            raise ValueError("interpolate: recompute_scale_factor is not meaningful with an explicit size")
        sizes = list(size) if isinstance(size, (tuple, list)) else [size] * dims
        if len(sizes) != dims:
            raise ValueError(
                f"interpolate: input and output must have the same number of spatial dimensions, but got input with "
                f"spatial dimensions of {spatial} and output size of {size}; hint: the input is (N, C, d1, ..., dK) "
                "and the size (o1, ..., oK)"
            )
        if not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in sizes):
            raise TypeError(f"interpolate: expected size to be an int or a tuple of ints, but got {size!r}")
        return [int(s) for s in sizes], [None] * dims
    if scale_factor is None:
        raise ValueError("interpolate: either size or scale_factor should be defined")
    scales = list(scale_factor) if isinstance(scale_factor, (tuple, list)) else [scale_factor] * dims
    if len(scales) != dims:
        raise ValueError(
            f"interpolate: input and scale_factor must have the same number of spatial dimensions, but got input "
            f"with spatial dimensions of {spatial} and scale_factor of shape {scale_factor}; hint: the input is "
            "(N, C, d1, ..., dK) and the scale_factor (s1, ..., sK)"
        )
    sizes = [int(np.floor(n * float(s))) for n, s in zip(spatial, scales)]
    return sizes, [None] * dims if recompute_scale_factor else [float(s) for s in scales]


def interpolate(
    input,
    size=None,
    scale_factor=None,
    mode="nearest",
    align_corners=None,
    recompute_scale_factor=None,
    antialias=False,
):
    """Resize (N, C, L) or (N, C, H, W) inputs, as ``torch.nn.functional.interpolate`` (see the module docstring).

    Args:
        input: (N, C, L) for 'nearest', 'nearest-exact', 'linear' and 'area';
            (N, C, H, W) for 'nearest', 'nearest-exact', 'bilinear' and 'area'.
        size: the output's spatial size, an int or a tuple; or else
        scale_factor: a number or a tuple; the output size is floor(in · scale_factor).
        mode: 'nearest' (default), 'nearest-exact', 'linear', 'bilinear' or 'area'
            (averages, ``adaptive_avg_pool2d``).  Unlike PyTorch, no 'bicubic',
            'trilinear' or 5-D inputs, and no ``antialias``.
        align_corners: linear modes only: True lines up the corner pixels of
            input and output, False (default) their pixel centres.
        recompute_scale_factor: True computes the scale from the output size.

    Shape:
        - Input: ``(N, C, *spatial)``, one or two spatial axes.
        - Output: ``(N, C, *size)``.
    """
    if mode in ("nearest", "nearest-exact", "area"):
        if align_corners is not None:
            raise ValueError(
                f"interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear "
                f"(got mode={mode!r}); hint: leave align_corners=None"
            )
    elif mode in MODES:
        align_corners = bool(align_corners)
    else:
        raise NotImplementedError(
            f"interpolate: mode {mode!r} is not supported; hint: use one of {', '.join(repr(m) for m in MODES)}"
            + (" (unlike PyTorch, glassnet has no bicubic or trilinear)" if mode in ("bicubic", "trilinear") else "")
        )
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported, unlike PyTorch; hint: antialias=False")
    if input.ndim not in MODES[mode]:
        need = " or ".join(f"{n}-D ({'N, C, L' if n == 3 else 'N, C, H, W'})" for n in MODES[mode])
        raise NotImplementedError(
            f"interpolate: mode {mode!r} needs a {need} input, but got shape {tuple(input.shape)}"
        )
    dims = input.ndim - 2
    recompute = recompute_scale_factor or (mode == "area" and size is None)  # area always works from sizes
    sizes, scales = output_sizes(input, size, scale_factor, recompute, dims)
    if min(sizes) < 1 or min(input.shape[2:]) < 1:
        raise RuntimeError(
            f"interpolate: input and output sizes should be greater than 0, but got input {tuple(input.shape[2:])} "
            f"and output {tuple(sizes)}; hint: check size / scale_factor"
        )
    if mode == "area":
        return (
            adaptive_avg_pool2d(input, sizes)
            if dims == 2
            else adaptive_avg_pool2d(input.unsqueeze(2), [1] + sizes).squeeze(2)
        )
    if mode not in ("nearest", "nearest-exact") and not dtypes.is_floating(input.array.dtype):
        raise RuntimeError(
            f"interpolate: mode {mode!r} needs a floating-point input, but got {input.array.dtype}; hint: .float()"
        )
    taps = {}
    for axis in reversed(range(2, input.ndim)):  # the last axis first, as PyTorch's kernels
        n, out, scale = input.shape[axis], sizes[axis - 2], scales[axis - 2]
        if n == out and mode in ("linear", "bilinear"):
            continue  # copied, whatever the scale factor, as PyTorch's linear kernels do
        if mode in ("nearest", "nearest-exact"):
            exact, shortcuts = mode == "nearest-exact", mode == "nearest" and dims == 2
            taps[axis] = nearest_taps(n, out, scale, exact, input.array.dtype, shortcuts)
        else:
            taps[axis] = linear_taps(n, out, scale, align_corners, input.array.dtype)
    return Resample.apply(input, taps=taps)
