"""Pooling (max, avg, adaptive avg, min) and its layers: against PyTorch 2.13, the loop oracles, gradcheck.

Tolerances: float64 to 1e-10 (``helpers.TOLERANCES``), float32 to 1e-5.
Max-pool ties are tested on integer-valued inputs, where every window has
ties: PyTorch routes the gradient to the first maximum in row-major order and
so must we.  The oracle comparisons and gradcheck need no PyTorch.
"""

import numpy as np
import pytest

import glassnet
import reference_kernels as ref
from glassnet.autograd import gradcheck
from glassnet.nn.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, MinPool2d
from glassnet.ops.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d, min_pool2d
from helpers import compare_with_torch

MAX_CASES = [
    pytest.param((2, 3, 8, 8), {"kernel_size": 2}, id="lenet-2x2"),
    pytest.param((2, 3, 9, 7), {"kernel_size": 2}, id="odd-size-floor"),
    pytest.param((2, 3, 9, 7), {"kernel_size": 3, "stride": 2, "ceil_mode": True}, id="ceil"),
    pytest.param((2, 3, 9, 7), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, id="ceil-padding"),
    pytest.param((2, 3, 9, 7), {"kernel_size": 3, "stride": 1, "padding": 1}, id="overlapping"),
    pytest.param((2, 3, 9, 7), {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 0)}, id="non-square"),
    pytest.param((2, 3, 9, 8), {"kernel_size": 2, "stride": 1, "dilation": (2, 1), "padding": 1}, id="dilation"),
    pytest.param((2, 3, 9, 9), {"kernel_size": 2, "stride": 3}, id="stride-beyond-kernel"),
    pytest.param((3, 8, 8), {"kernel_size": 2}, id="unbatched"),
    # windows that do not overlap take backward's flat-index path; these check its padding, dilation and offsets
    pytest.param((2, 3, 9, 7), {"kernel_size": 2, "padding": 1}, id="padding-no-overlap"),
    pytest.param((2, 3, 9, 9), {"kernel_size": 2, "stride": 3, "dilation": 2, "padding": 1}, id="dilated-no-overlap"),
    pytest.param((1, 2, 7, 130), {"kernel_size": 3}, id="offsets-beyond-a-byte"),
]

AVG_CASES = [
    pytest.param((2, 3, 8, 8), {"kernel_size": 2}, id="lenet-2x2"),
    # ceil_mode windows that stick out of the padded input: the divisor counts only the part inside
    pytest.param((2, 3, 10, 8), {"kernel_size": 3, "stride": 2, "ceil_mode": True}, id="ceil"),
    pytest.param((2, 3, 10, 8), {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}, id="ceil-padding"),
    pytest.param(
        (2, 3, 10, 8),
        {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False},
        id="exclude-pad",
    ),
    pytest.param((2, 3, 9, 7), {"kernel_size": 3, "stride": 1, "padding": 1}, id="overlapping"),
    pytest.param(
        (2, 3, 9, 7),
        {"kernel_size": (3, 2), "stride": (1, 2), "padding": (1, 1), "divisor_override": 5},
        id="divisor-override",
    ),
    pytest.param((3, 8, 8), {"kernel_size": 2}, id="unbatched"),
]

ADAPTIVE_CASES = [
    pytest.param((2, 3, 9, 7), (4, 5), id="non-divisible"),
    pytest.param((2, 3, 8, 8), (4, 4), id="divisible"),
    pytest.param((2, 3, 9, 7), (None, 3), id="none-keeps-size"),
    pytest.param((2, 3, 5, 6), (7, 8), id="upsampling"),
    pytest.param((3, 9, 7), 1, id="global-unbatched"),
]

DTYPES = [np.float64, np.float32]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, options", MAX_CASES)
def test_max_pool2d_matches_torch(shape, options, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [shape], lambda x: torch.nn.functional.max_pool2d(x, **options), lambda x: max_pool2d(x, **options), dtype=dtype
    )


@pytest.mark.parametrize("shape, options", MAX_CASES)
def test_max_pool2d_ties_and_indices_match_torch(shape, options):
    torch = pytest.importorskip("torch")
    ties = np.random.default_rng(0).integers(0, 3, shape).astype(np.float64)  # many equal maxima per window
    out, indices = compare_with_torch(
        None,
        lambda x: torch.nn.functional.max_pool2d(x, **options, return_indices=True),
        lambda x: max_pool2d(x, **options, return_indices=True),
        values=[ties],
    )
    assert out[1].dtype == glassnet.int64 and not out[1].requires_grad
    np.testing.assert_array_equal(out[1].array, indices[1].numpy())


def test_max_pool2d_all_equal_window_sends_gradient_to_its_first_pixel():
    x = glassnet.ones(1, 1, 2, 4, requires_grad=True)
    max_pool2d(x, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.array[0, 0], [[1, 0, 1, 0], [0, 0, 0, 0]])


def test_max_pool2d_propagates_nan_like_torch():
    x = glassnet.tensor([[[[1.0, float("nan")], [3.0, 2.0]]]])
    assert np.isnan(max_pool2d(x, 2).item())


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, options", AVG_CASES)
def test_avg_pool2d_matches_torch(shape, options, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [shape], lambda x: torch.nn.functional.avg_pool2d(x, **options), lambda x: avg_pool2d(x, **options), dtype=dtype
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape, output_size", ADAPTIVE_CASES)
def test_adaptive_avg_pool2d_matches_torch(shape, output_size, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [shape],
        lambda x: torch.nn.functional.adaptive_avg_pool2d(x, output_size),
        lambda x: adaptive_avg_pool2d(x, output_size),
        dtype=dtype,
    )


@pytest.mark.parametrize("shape, options", MAX_CASES)
def test_min_pool2d_is_torch_max_pool_of_the_negation(shape, options):
    torch = pytest.importorskip("torch")

    def torch_min_pool(x):
        out, indices = torch.nn.functional.max_pool2d(-x, **options, return_indices=True)
        return -out, indices

    ties = np.random.default_rng(1).integers(0, 3, shape).astype(np.float64)
    compare_with_torch(None, torch_min_pool, lambda x: min_pool2d(x, **options, return_indices=True), values=[ties])


# ----------------------------------------------------------------- loop oracles and gradcheck


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _four_d(cases):
    return [c for c in cases if len(c.values[0]) == 4]


@pytest.mark.parametrize("shape, options", _four_d(MAX_CASES))
def test_max_pool2d_matches_loop_oracle(shape, options):
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, shape).astype(np.float64)  # ties everywhere
    k = _pair(options["kernel_size"])
    args = (
        k,
        _pair(options.get("stride", k)),
        _pair(options.get("padding", 0)),
        _pair(options.get("dilation", 1)),
        options.get("ceil_mode", False),
    )
    xt = glassnet.tensor(x, requires_grad=True)
    out, indices = max_pool2d(xt, **options, return_indices=True)
    grad = rng.standard_normal(out.shape)
    out.backward(glassnet.tensor(grad))
    expected, expected_indices, expected_dx = ref.max_pool2d(x, grad, *args)
    np.testing.assert_array_equal(out.array, expected)
    np.testing.assert_array_equal(indices.array, expected_indices)
    np.testing.assert_allclose(xt.grad.array, expected_dx, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, options", _four_d(AVG_CASES))
def test_avg_pool2d_matches_loop_oracle(shape, options):
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    k = _pair(options["kernel_size"])
    args = (
        k,
        _pair(options.get("stride", k)),
        _pair(options.get("padding", 0)),
        options.get("ceil_mode", False),
        options.get("count_include_pad", True),
        options.get("divisor_override"),
    )
    xt = glassnet.tensor(x, requires_grad=True)
    out = avg_pool2d(xt, **options)
    grad = rng.standard_normal(out.shape)
    out.backward(glassnet.tensor(grad))
    expected, expected_dx = ref.avg_pool2d(x, grad, *args)
    np.testing.assert_allclose(out.array, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(xt.grad.array, expected_dx, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("shape, output_size", [((2, 3, 9, 7), (4, 5)), ((1, 2, 5, 6), (7, 8)), ((1, 2, 6, 4), (1, 1))])
def test_adaptive_avg_pool2d_matches_loop_oracle(shape, output_size):
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    xt = glassnet.tensor(x, requires_grad=True)
    out = adaptive_avg_pool2d(xt, output_size)
    grad = rng.standard_normal(out.shape)
    out.backward(glassnet.tensor(grad))
    expected, expected_dx = ref.adaptive_avg_pool2d(x, grad, output_size)
    np.testing.assert_allclose(out.array, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(xt.grad.array, expected_dx, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize(
    "pool",
    [
        lambda x: max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
        lambda x: min_pool2d(x, 2, stride=1, dilation=2),
        lambda x: avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        lambda x: adaptive_avg_pool2d(x, (3, 2)),
    ],
    ids=["max", "min", "avg", "adaptive"],
)
def test_pool_gradcheck(pool):
    x = glassnet.tensor(np.random.default_rng(5).permutation(50).reshape(1, 2, 5, 5) / 7.0, requires_grad=True)
    assert gradcheck(pool, (x,))  # distinct values: max/min are differentiable there


def test_float32_stays_float32():
    x = glassnet.randn(2, 3, 8, 8, requires_grad=True)
    for pool in (lambda x: max_pool2d(x, 2), lambda x: avg_pool2d(x, 2), lambda x: adaptive_avg_pool2d(x, 3)):
        out = pool(x)
        out.sum().backward()
        assert out.dtype == glassnet.float32 and x.grad.dtype == glassnet.float32


# ----------------------------------------------------------------- errors


def test_error_kernel_larger_than_padded_input():
    with pytest.raises(
        RuntimeError,
        match=r"max_pool2d: input of spatial size \(3, 3\) \(padded: \(5, 5\)\) is "
        r"smaller than the window \(6, 6\)",
    ):
        max_pool2d(glassnet.zeros(1, 1, 3, 3), 6, padding=1)
    with pytest.raises(RuntimeError, match=r"avg_pool2d: input of spatial size \(4, 4\)"):
        avg_pool2d(glassnet.zeros(1, 1, 4, 4), 5)


def test_error_padding_more_than_half_the_kernel():
    with pytest.raises(
        RuntimeError,
        match=r"padding \(2, 2\) should be at most half of the effective kernel size "
        r"\(3, 3\)",
    ):
        max_pool2d(glassnet.zeros(1, 1, 8, 8), 3, padding=2)


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"stride": 0}, "stride must be positive"),
        ({"padding": -1}, "padding must be non-negative"),
        ({"dilation": 0}, "dilation must be positive"),
    ],
)
def test_error_bad_stride_padding_dilation(options, expected):
    with pytest.raises(RuntimeError, match=f"max_pool2d: {expected}"):
        max_pool2d(glassnet.zeros(1, 1, 8, 8), 2, **options)


def test_error_wrong_input_rank_and_dtype():
    with pytest.raises(
        RuntimeError, match=r"expected a 3-D \(C, H, W\) or 4-D \(N, C, H, W\) input, but got shape \(8, 8\)"
    ):
        max_pool2d(glassnet.zeros(8, 8), 2)
    with pytest.raises(RuntimeError, match="avg_pool2d: expected a floating-point input, but got glassnet.int64"):
        avg_pool2d(glassnet.zeros(1, 1, 4, 4, dtype=glassnet.int64), 2)
    with pytest.raises(RuntimeError, match="divisor_override must be a non-zero int"):
        avg_pool2d(glassnet.zeros(1, 1, 4, 4), 2, divisor_override=0)


# ----------------------------------------------------------------- layers


@pytest.mark.parametrize(
    "name, args, kwargs",
    [
        ("MaxPool2d", (2,), {}),
        ("MaxPool2d", ((2, 3),), {"stride": 1, "padding": (1, 1), "dilation": 1, "ceil_mode": True}),
        ("AvgPool2d", (2,), {}),
        ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "ceil_mode": True, "count_include_pad": False}),
        ("AdaptiveAvgPool2d", ((None, 7),), {}),
        ("AdaptiveAvgPool2d", (5,), {}),
    ],
)
def test_layer_repr_and_output_match_torch(name, args, kwargs):
    torch = pytest.importorskip("torch")
    ours = {"MaxPool2d": MaxPool2d, "AvgPool2d": AvgPool2d, "AdaptiveAvgPool2d": AdaptiveAvgPool2d}[name](
        *args, **kwargs
    )
    theirs = getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    compare_with_torch([(2, 3, 9, 10)], theirs, ours)


def test_min_pool_layer():
    layer = MinPool2d(2, return_indices=True)
    assert repr(layer) == "MinPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    out, indices = layer(glassnet.tensor([[[[4.0, 3.0], [1.0, 2.0]]]]))
    assert out.item() == 1.0 and indices.item() == 2
