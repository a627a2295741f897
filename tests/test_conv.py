"""conv2d and nn.Conv2d: against PyTorch 2.13, against the loop oracle, with gradcheck, and their errors.

Tolerances: float64 to 1e-10 (``helpers.TOLERANCES``); float32 to 1e-5 relative
and absolute on inputs in [-1, 1).  The oracle comparisons (float64, 1e-10) and
gradcheck need no PyTorch.
"""

import math

import numpy as np
import pytest

import glassnet
import reference_kernels as ref
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.nn.conv import Conv2d
from glassnet.ops.conv import conv2d, conv_output_size
from helpers import compare_with_torch

# (input shape, weight shape, options): each case exercises one feature.
CASES = [
    pytest.param((2, 3, 9, 8), (4, 3, 3, 3), {}, id="basic"),
    pytest.param((2, 3, 9, 8), (4, 3, 3, 3), {"stride": 2}, id="stride-2"),
    pytest.param((2, 3, 9, 8), (4, 3, 3, 2), {"padding": (1, 2)}, id="padding-(1,2)"),
    pytest.param((2, 3, 9, 8), (4, 3, 4, 2), {"padding": "same"}, id="same-even-kernel"),
    pytest.param((2, 3, 9, 8), (4, 3, 3, 3), {"padding": "same", "dilation": (2, 1)}, id="same-dilated"),
    pytest.param((2, 3, 9, 8), (4, 3, 3, 3), {"padding": "valid"}, id="valid"),
    pytest.param((2, 3, 9, 8), (4, 3, 3, 3), {"dilation": 2}, id="dilation-2"),
    pytest.param((2, 3, 9, 8), (4, 3, 3, 2), {"stride": (1, 2), "padding": 1, "dilation": (2, 1)}, id="mixed"),
    pytest.param((2, 4, 9, 8), (6, 2, 3, 3), {"groups": 2}, id="groups-2"),
    pytest.param((2, 4, 9, 8), (8, 1, 3, 3), {"groups": 4, "padding": 1}, id="depthwise"),
    pytest.param((2, 3, 9, 8), (4, 3, 2, 5), {"stride": (2, 1)}, id="non-square"),
    pytest.param((2, 3, 9, 8), (4, 3, 1, 1), {}, id="1x1"),
    pytest.param((2, 2, 9, 9), (3, 2, 2, 2), {"stride": 3}, id="stride-beyond-kernel"),
    pytest.param((1, 3, 9, 8), (4, 3, 3, 3), {"padding": 1}, id="batch-1"),
    pytest.param((3, 9, 8), (4, 3, 3, 3), {"padding": 1}, id="unbatched"),
    pytest.param((2, 3, 5, 5), (4, 3, 5, 5), {}, id="kernel-fills-input"),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's note about its own copy
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x_shape, w_shape, options", CASES)
def test_conv2d_matches_torch(x_shape, w_shape, options, dtype, bias):
    torch = pytest.importorskip("torch")
    shapes = [x_shape, w_shape] + ([(w_shape[0],)] if bias else [])
    compare_with_torch(
        shapes,
        lambda *t: torch.nn.functional.conv2d(*t, **options),
        lambda *t: conv2d(*t, **options),
        dtype=dtype,
        low=-1.0,
        high=1.0,
    )


def _pairs(value):
    return (value, value) if isinstance(value, int) else tuple(value)


@pytest.mark.parametrize(
    "x_shape, w_shape, options", [c for c in CASES if c.values[2].get("padding") != "same" and len(c.values[0]) == 4]
)
def test_conv2d_matches_loop_oracle(x_shape, w_shape, options):
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    stride, dilation = _pairs(options.get("stride", 1)), _pairs(options.get("dilation", 1))
    pad = options.get("padding", 0)
    padding = ((0, 0), (0, 0)) if pad == "valid" else tuple((p, p) for p in _pairs(pad))
    groups = options.get("groups", 1)
    xt, wt, bt = (glassnet.tensor(a, requires_grad=True) for a in (x, w, b))
    out = conv2d(xt, wt, bt, **options)
    expected = ref.conv2d(x, w, b, stride, padding, dilation, groups)
    np.testing.assert_allclose(out.array, expected, rtol=1e-10, atol=1e-10)
    grad = rng.standard_normal(expected.shape)
    out.backward(glassnet.tensor(grad))
    for got, want, name in zip(
        (xt, wt, bt), ref.conv2d_backward(x, w, grad, stride, padding, dilation, groups), ("dx", "dw", "db")
    ):
        np.testing.assert_allclose(got.grad.array, want, rtol=1e-10, atol=1e-10, err_msg=name)


def test_conv2d_same_padding_puts_the_extra_zero_at_the_end():
    # kernel 4 needs 3 zeros: 1 before and 2 after, so output pixel 0 sees input pixels -1..2.
    x = glassnet.tensor(np.arange(6.0).reshape(1, 1, 1, 6))
    w = glassnet.ones(1, 1, 1, 4, dtype=glassnet.float64)
    out = conv2d(x, w, padding="same")
    np.testing.assert_array_equal(
        out.array.ravel(), [0 + 1 + 2, 0 + 1 + 2 + 3, 1 + 2 + 3 + 4, 2 + 3 + 4 + 5, 3 + 4 + 5, 4 + 5]
    )


@pytest.mark.parametrize("options", [{"stride": 2, "padding": 1}, {"dilation": 2, "padding": (0, 1)}, {"groups": 2}])
def test_conv2d_gradcheck(options):
    rng = np.random.default_rng(2)
    x = glassnet.tensor(rng.standard_normal((2, 2, 5, 5)), requires_grad=True)
    w = glassnet.tensor(rng.standard_normal((2, 2 // options.get("groups", 1), 3, 3)), requires_grad=True)
    b = glassnet.tensor(rng.standard_normal(2), requires_grad=True)
    assert gradcheck(lambda x, w, b: conv2d(x, w, b, **options), (x, w, b))


def test_conv2d_float32_stays_float32_and_skips_unneeded_gradients():
    x = glassnet.randn(2, 1, 8, 8)  # data: no gradient wanted
    w = glassnet.randn(3, 1, 3, 3, requires_grad=True)
    out = conv2d(x, w, padding=1)
    out.sum().backward()
    assert out.dtype == glassnet.float32 and w.grad.dtype == glassnet.float32
    assert x.grad is None


def test_conv_output_size():
    assert conv_output_size(28, 5, padding=2) == 28  # LeNet conv1 keeps the size
    assert conv_output_size(14, 5) == 10
    assert conv_output_size(28, 2, stride=2) == 14  # a 2×2 pool halves it
    assert conv_output_size(9, 3, stride=2, padding=(1, 1)) == 5
    assert conv_output_size(8, 4, padding=(1, 2)) == 8  # 'same' for an even kernel
    assert conv_output_size(9, 3, dilation=2) == 5  # the window spans 5 pixels
    assert conv_output_size(5, 2, stride=2) == 2
    assert conv_output_size(5, 2, stride=2, ceil_mode=True) == 3  # the partial last window counts
    assert conv_output_size(6, 3, stride=2, padding=1, ceil_mode=True) == 4
    assert conv_output_size(5, 2, stride=2, padding=1, ceil_mode=True) == 3  # ...unless it starts in the padding
    assert conv_output_size(4, 5) == 0


def test_lenet_shapes():
    x = glassnet.randn(4, 1, 28, 28)
    h = conv2d(x, glassnet.randn(6, 1, 5, 5), padding=2)
    assert h.shape == (4, 6, 28, 28)
    assert conv2d(h[:, :, ::2, ::2], glassnet.randn(16, 6, 5, 5)).shape == (4, 16, 10, 10)


# ----------------------------------------------------------------- errors


def _conv_error(x_shape, w_shape, **options):
    with pytest.raises((RuntimeError, TypeError)) as info:
        conv2d(glassnet.zeros(*x_shape), glassnet.zeros(*w_shape), **options)
    return str(info.value)


def test_error_wrong_channel_count():
    assert _conv_error((2, 3, 28, 28), (6, 1, 5, 5)) == (
        "conv2d: input has 3 channels but weight expects 1 (weight shape (6, 1, 5, 5))"
    )


def test_error_input_smaller_than_kernel():
    message = _conv_error((1, 1, 4, 4), (2, 1, 3, 3), dilation=2)
    assert "input of spatial size (4, 4)" in message and "kernel (3, 3)" in message and "spanning (5, 5)" in message


def test_error_groups_must_divide_channels():
    assert "groups=4 must divide the weight's out_channels 6" in _conv_error((1, 4, 5, 5), (6, 1, 3, 3), groups=4)
    assert "per group × groups=2" in _conv_error((1, 3, 5, 5), (4, 1, 3, 3), groups=2)


def test_error_weight_not_4d():
    assert "weight must be 4-D (out_channels, in_channels/groups, kH, kW), but got shape (6, 5, 5)" in _conv_error(
        (1, 1, 8, 8), (6, 5, 5)
    )


def test_error_input_not_3d_or_4d():
    assert "expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, but got shape (8, 8)" in _conv_error(
        (8, 8), (1, 1, 3, 3)
    )


@pytest.mark.parametrize(
    "options, expected",
    [
        ({"stride": 0}, "stride must be positive, but got (0, 0)"),
        ({"stride": (1, 2, 3)}, "stride must be an int or a pair of ints"),
        ({"padding": -1}, "padding must be non-negative, but got (-1, -1)"),
        ({"padding": "full"}, "padding='full' is not supported"),
        ({"padding": "same", "stride": 2}, "padding='same' is not supported for strided convolutions"),
        ({"dilation": (1, 0)}, "dilation must be positive, but got (1, 0)"),
        ({"padding": 1.5}, "padding must be an int or a pair of ints"),
    ],
)
def test_error_bad_stride_padding_dilation(options, expected):
    assert expected in _conv_error((1, 1, 8, 8), (1, 1, 3, 3), **options)


def test_error_bias_shape_and_dtype():
    x, w = glassnet.zeros(1, 1, 5, 5), glassnet.zeros(2, 1, 3, 3)
    with pytest.raises(RuntimeError, match=r"bias has shape \(3,\) but the weight has 2 output channels"):
        conv2d(x, w, glassnet.zeros(3))
    with pytest.raises(RuntimeError, match="must have one floating dtype, but got float64, float32"):
        conv2d(x.double(), w)


# ----------------------------------------------------------------- nn.Conv2d


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((1, 6, 5), {"padding": 2}),
        ((4, 6, (3, 5)), {"padding": "same", "dilation": 2, "groups": 2, "bias": False}),
        ((4, 6, (3, 5)), {"padding": "valid"}),
        ((3, 8, 3), {"stride": 2, "padding": (1, 0)}),
    ],
)
def test_module_repr_and_state_dict_match_torch(args, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = Conv2d(*args, **kwargs), torch.nn.Conv2d(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }


def test_module_forward_and_backward_match_torch_with_copied_weights():
    torch = pytest.importorskip("torch")
    ours = Conv2d(4, 6, 3, stride=2, padding=1, groups=2)
    theirs = torch.nn.Conv2d(4, 6, 3, stride=2, padding=1, groups=2)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(ours.weight.array))
        theirs.bias.copy_(torch.from_numpy(ours.bias.array))
    x = np.random.default_rng(3).standard_normal((2, 4, 9, 9)).astype(np.float32)
    out = ours(glassnet.tensor(x))
    expected = theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out.array, expected.detach().numpy(), rtol=1e-5, atol=1e-5)
    out.sum().backward()
    expected.sum().backward()
    np.testing.assert_allclose(ours.weight.grad.array, theirs.weight.grad.numpy(), rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(ours.bias.grad.array, theirs.bias.grad.numpy(), rtol=1e-5, atol=1e-4)


def test_module_init_follows_pytorch_bounds():
    glassnet.manual_seed(0)
    conv = Conv2d(6, 16, 5)
    bound = 1 / math.sqrt(6 * 5 * 5)  # kaiming_uniform_(a=√5) and the bias: U(±1/√fan_in)
    for p in (conv.weight, conv.bias):
        assert p.dtype == glassnet.float32 and np.abs(p.array).max() <= bound
        assert np.abs(p.array).max() > 0.9 * bound
    assert conv.weight.array.std() == pytest.approx(bound / math.sqrt(3), rel=0.1)
    assert Conv2d(1, 2, 3, dtype=glassnet.float64).weight.dtype == glassnet.float64


def test_module_constructor_errors():
    with pytest.raises(ValueError, match=r"in_channels must be divisible by groups \(in_channels=4, groups=3\)"):
        Conv2d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        Conv2d(4, 6, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding_mode='reflect' is not supported"):
        Conv2d(4, 6, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="invalid padding string 'full'"):
        Conv2d(4, 6, 3, padding="full")


def test_module_in_a_sequential_lenet_stem():
    model = nn.Sequential(Conv2d(1, 6, 5, padding=2), nn.ReLU())
    assert model(glassnet.randn(2, 1, 28, 28)).shape == (2, 6, 28, 28)


@pytest.mark.parametrize("groups, size", [(1, 8), (3, 8), (1, 224)], ids=["small", "groups", "banded-large-images"])
def test_an_empty_batch_gives_empty_outputs_and_gradients_like_torch(groups, size):
    torch = pytest.importorskip("torch")
    conv = glassnet.nn.Conv2d(3, 6, 3, padding=1, groups=groups)
    x = glassnet.zeros(0, 3, size, size, requires_grad=True)
    out = glassnet.nn.functional.max_pool2d(conv(x), 2)
    out.sum().backward()
    tconv = torch.nn.Conv2d(3, 6, 3, padding=1, groups=groups)
    tx = torch.zeros(0, 3, size, size, requires_grad=True)
    tout = torch.nn.functional.max_pool2d(tconv(tx), 2)
    tout.sum().backward()
    assert out.shape == tuple(tout.shape) and x.grad.shape == tuple(tx.grad.shape)
    np.testing.assert_array_equal(conv.weight.grad.array, tconv.weight.grad.numpy())
    np.testing.assert_array_equal(conv.bias.grad.array, tconv.bias.grad.numpy())


def test_rebuilt_columns_come_from_the_input_as_it_was_in_forward(monkeypatch):
    """Backward rebuilds large columns from a copy of the input, so changing the input in place can't corrupt dW."""
    from glassnet.ops import conv as conv_ops

    monkeypatch.setattr(conv_ops, "KEEP_COLUMNS_BYTES", 0)  # every conv rebuilds its columns
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal((2, 3, 9, 9)), rng.standard_normal((4, 3, 3, 3))
    array = x.copy()
    wt = glassnet.tensor(w, requires_grad=True)
    out = conv2d(glassnet.from_numpy(array), wt)  # shares array's memory
    array += 1.0  # changed behind autograd's back: no version counter sees a change made to the NumPy array
    grad = rng.standard_normal(out.shape)
    out.backward(glassnet.tensor(grad))
    _, expected_dw, _ = ref.conv2d_backward(x, w, grad, (1, 1), ((0, 0), (0, 0)), (1, 1), 1)
    np.testing.assert_allclose(wt.grad.array, expected_dw, rtol=1e-10, atol=1e-10)
