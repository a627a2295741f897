"""max_pool1d, adaptive_max_pool2d and their layers: against PyTorch 2.13, a loop oracle, gradcheck, errors.

Tolerances: float64 to 1e-10, float32 to 1e-5 (``helpers.TOLERANCES``).  Ties
are tested on integer-valued inputs, where most windows have them: the
gradient and the index go to the first maximum in row-major order, as in PyTorch.
"""

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.ops.pooling import adaptive_max_pool2d, max_pool1d
from helpers import compare_with_torch

MAX1D_CASES = [
    pytest.param((2, 3, 11), {"kernel_size": 2}, id="side-by-side"),
    pytest.param((2, 3, 11), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, id="ceil-padding"),
    pytest.param((2, 3, 11), {"kernel_size": 3, "stride": 1, "dilation": 2}, id="overlapping-dilated"),
    pytest.param((3, 11), {"kernel_size": (2,), "stride": (3,)}, id="unbatched-tuples"),
]

ADAPTIVE_CASES = [
    pytest.param((2, 3, 7, 9), (3, 4), id="overlapping-windows"),
    pytest.param((2, 3, 7, 9), 1, id="global"),
    pytest.param((3, 5, 6), (None, 4), id="unbatched-none"),
    pytest.param((1, 2, 5, 6), (5, 6), id="identity"),
    pytest.param((1, 2, 4, 3), (6, 5), id="larger-than-input"),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, options", MAX1D_CASES)
def test_max_pool1d_matches_torch(shape, options, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [shape], lambda x: torch.nn.functional.max_pool1d(x, **options), lambda x: max_pool1d(x, **options), dtype=dtype
    )


@pytest.mark.parametrize("shape, options", MAX1D_CASES)
def test_max_pool1d_ties_and_indices_match_torch(shape, options):
    torch = pytest.importorskip("torch")
    values = [np.random.default_rng(1).integers(0, 3, shape).astype(np.float64)]
    compare_with_torch(
        None,
        lambda x: torch.nn.functional.max_pool1d(x, **options, return_indices=True),
        lambda x: max_pool1d(x, **options, return_indices=True),
        values=values,
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, output_size", ADAPTIVE_CASES)
def test_adaptive_max_pool2d_matches_torch(shape, output_size, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [shape],
        lambda x: torch.nn.functional.adaptive_max_pool2d(x, output_size),
        lambda x: adaptive_max_pool2d(x, output_size),
        dtype=dtype,
    )


@pytest.mark.parametrize("shape, output_size", ADAPTIVE_CASES)
def test_adaptive_max_pool2d_ties_and_indices_match_torch(shape, output_size):
    torch = pytest.importorskip("torch")
    values = [np.random.default_rng(2).integers(0, 3, shape).astype(np.float64)]
    compare_with_torch(
        None,
        lambda x: torch.nn.functional.adaptive_max_pool2d(x, output_size, return_indices=True),
        lambda x: adaptive_max_pool2d(x, output_size, return_indices=True),
        values=values,
    )


def test_adaptive_max_pool2d_matches_loop_oracle():
    """Window (i, j) covers rows floor(i·H/oH) .. ceil((i+1)·H/oH) − 1, likewise columns; no PyTorch needed."""
    x = np.random.default_rng(3).standard_normal((2, 3, 7, 10))
    (H, W), (oH, oW) = x.shape[2:], (3, 4)
    expected = np.empty((2, 3, oH, oW))
    for i in range(oH):
        for j in range(oW):
            rows = slice(i * H // oH, -(-(i + 1) * H // oH))
            cols = slice(j * W // oW, -(-(j + 1) * W // oW))
            expected[:, :, i, j] = x[:, :, rows, cols].max(axis=(2, 3))
    np.testing.assert_array_equal(adaptive_max_pool2d(glassnet.tensor(x), (oH, oW)).array, expected)


@pytest.mark.parametrize(
    "pool",
    [lambda x: max_pool1d(x.reshape(2, 2, 10), 3, stride=2, padding=1), lambda x: adaptive_max_pool2d(x, (3, 4))],
    ids=["max_pool1d", "adaptive_max_pool2d"],
)
def test_gradcheck(pool):
    x = glassnet.tensor(np.random.default_rng(4).permutation(40).reshape(1, 2, 4, 5) / 7.0, requires_grad=True)
    assert gradcheck(pool, (x,))  # distinct values: max is differentiable there


def test_without_grad_and_in_float32():
    x = glassnet.randn(2, 3, 8, 8)
    with glassnet.no_grad():
        out, indices = adaptive_max_pool2d(x, 3, return_indices=True)
    assert out.dtype == glassnet.float32 and indices.dtype == glassnet.int64 and not out.requires_grad
    np.testing.assert_array_equal(
        np.take_along_axis(x.array.reshape(2, 3, 64), indices.array.reshape(2, 3, 9), 2), out.array.reshape(2, 3, 9)
    )


def test_errors_name_the_op_and_shapes():
    with pytest.raises(
        RuntimeError,
        match=r"max_pool1d: expected a 2-D \(C, L\) or 3-D \(N, C, L\) input, but got "
        r"shape \(1, 2, 3, 4\)",
    ):
        max_pool1d(glassnet.zeros(1, 2, 3, 4), 2)
    with pytest.raises(
        RuntimeError,
        match=r"max_pool1d: input of spatial size \(3,\) \(padded: \(3,\)\) is smaller "
        r"than the window \(4,\)",
    ):
        max_pool1d(glassnet.zeros(1, 2, 3), 4)
    with pytest.raises(RuntimeError, match=r"max_pool1d: padding \(2,\) should be at most half"):
        max_pool1d(glassnet.zeros(1, 2, 9), 3, padding=2)
    with pytest.raises(TypeError, match=r"max_pool1d: kernel_size must be an int or a tuple of 1 int"):
        max_pool1d(glassnet.zeros(1, 2, 9), (2, 2))
    with pytest.raises(RuntimeError, match=r"adaptive_max_pool2d: expected a 3-D \(C, H, W\) or 4-D"):
        adaptive_max_pool2d(glassnet.zeros(4, 4), 2)
    with pytest.raises(RuntimeError, match="adaptive_max_pool2d: expected a floating-point input"):
        adaptive_max_pool2d(glassnet.zeros(1, 1, 4, 4, dtype=glassnet.int64), 2)
    with pytest.raises(
        RuntimeError, match=r"adaptive_max_pool2d: expected a non-empty input, but got shape \(1, 1, 0, 4\)"
    ):
        adaptive_max_pool2d(glassnet.zeros(1, 1, 0, 4), 2)


@pytest.mark.parametrize(
    "name, args, kwargs, shape",
    [
        ("MaxPool1d", (3,), {}, (2, 3, 10)),
        ("MaxPool1d", (3,), {"stride": 1, "padding": 1, "dilation": 2, "ceil_mode": True}, (2, 3, 10)),
        ("MaxPool1d", (2,), {"return_indices": True}, (3, 10)),
        ("AdaptiveMaxPool2d", ((None, 3),), {}, (2, 3, 7, 9)),
        ("AdaptiveMaxPool2d", (2,), {"return_indices": True}, (2, 3, 7, 9)),
    ],
)
def test_layer_repr_and_output_match_torch(name, args, kwargs, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    compare_with_torch([shape], theirs, ours)
