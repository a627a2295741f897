"""conv1d, conv_transpose1d/2d and their layers: against PyTorch 2.13, gradcheck, the adjoint identity, errors.

Tolerances: float64 to 1e-10 (``helpers.TOLERANCES``), float32 to 1e-5 on
inputs in [-1, 1).  gradcheck and the adjoint identity need no PyTorch.
"""

import math

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.ops.conv import conv1d, conv2d
from glassnet.ops.conv_transpose import conv_transpose1d, conv_transpose2d
from helpers import compare_with_torch

# (input shape, weight shape, options) for conv1d
CONV1D_CASES = [
    pytest.param((2, 3, 11), (4, 3, 3), {}, id="basic"),
    pytest.param((2, 3, 11), (4, 3, 3), {"stride": 2, "padding": 1}, id="stride-padding"),
    pytest.param((2, 4, 11), (6, 2, 2), {"groups": 2, "dilation": 3}, id="groups-dilation"),
    pytest.param((2, 4, 10), (4, 4, 4), {"padding": "same"}, id="same-even-kernel"),
    pytest.param((3, 11), (4, 3, 3), {"padding": (2,), "stride": (3,)}, id="unbatched-tuples"),
]

# (input shape, weight shape (in, out/groups, kH, kW), options) for conv_transpose2d
TRANSPOSE_CASES = [
    pytest.param((2, 3, 5, 4), (3, 4, 3, 3), {}, id="basic"),
    pytest.param((2, 3, 5, 4), (3, 4, 3, 2), {"stride": 2, "padding": 1, "output_padding": 1}, id="stride-2"),
    pytest.param((2, 4, 5, 4), (4, 3, 3, 3), {"groups": 2, "dilation": 2, "stride": (2, 3)}, id="groups-dilation"),
    pytest.param((2, 4, 5, 4), (4, 1, 3, 3), {"groups": 4, "padding": (1, 0)}, id="depthwise"),
    pytest.param((1, 2, 4, 4), (2, 3, 4, 4), {"stride": 2, "padding": 1}, id="dcgan-4x4-stride-2"),
    pytest.param((2, 2, 3, 3), (2, 2, 2, 2), {"dilation": 3, "output_padding": 2}, id="output-padding-below-dilation"),
    pytest.param((3, 5, 4), (3, 2, 3, 3), {"stride": 3, "output_padding": (2, 1)}, id="unbatched"),
]


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")  # torch's note about its own copy
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x_shape, w_shape, options", CONV1D_CASES)
def test_conv1d_matches_torch(x_shape, w_shape, options, dtype, bias):
    torch = pytest.importorskip("torch")
    shapes = [x_shape, w_shape] + ([(w_shape[0],)] if bias else [])
    compare_with_torch(
        shapes,
        lambda *t: torch.nn.functional.conv1d(*t, **options),
        lambda *t: conv1d(*t, **options),
        dtype=dtype,
        low=-1.0,
        high=1.0,
    )


@pytest.mark.parametrize("bias", [True, False], ids=["bias", "no-bias"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("x_shape, w_shape, options", TRANSPOSE_CASES)
def test_conv_transpose2d_matches_torch(x_shape, w_shape, options, dtype, bias):
    torch = pytest.importorskip("torch")
    shapes = [x_shape, w_shape] + ([(w_shape[1] * options.get("groups", 1),)] if bias else [])
    compare_with_torch(
        shapes,
        lambda *t: torch.nn.functional.conv_transpose2d(*t, **options),
        lambda *t: conv_transpose2d(*t, **options),
        dtype=dtype,
        low=-1.0,
        high=1.0,
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "x_shape, w_shape, options",
    [((2, 4, 7), (4, 3, 3), {"stride": 2, "groups": 2, "output_padding": 1}), ((3, 6), (3, 2, 4), {"padding": 1})],
)
def test_conv_transpose1d_matches_torch(x_shape, w_shape, options, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [x_shape, w_shape, (w_shape[1] * options.get("groups", 1),)],
        lambda *t: torch.nn.functional.conv_transpose1d(*t, **options),
        lambda *t: conv_transpose1d(*t, **options),
        dtype=dtype,
        low=-1.0,
        high=1.0,
    )


@pytest.mark.parametrize("options", [{"stride": 2, "padding": 1}, {"dilation": 2, "groups": 2}])
def test_conv1d_is_conv2d_on_one_row(options):
    rng = np.random.default_rng(0)
    x, w, b = (
        rng.standard_normal((2, 4, 9)),
        rng.standard_normal((2, 4 // options.get("groups", 1), 3)),
        rng.standard_normal(2),
    )
    out = conv1d(glassnet.tensor(x), glassnet.tensor(w), glassnet.tensor(b), **options)
    image = conv2d(
        glassnet.tensor(x[:, :, None]),
        glassnet.tensor(w[:, :, None]),
        glassnet.tensor(b),
        **{k: v if k == "groups" else (0 if k == "padding" else 1, v) for k, v in options.items()},
    )
    np.testing.assert_array_equal(out.array, image.array[:, :, 0])


@pytest.mark.parametrize(
    "x_shape, w_shape, options",
    [
        ((2, 4, 3, 4), (4, 3, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
        ((2, 4, 3, 4), (4, 1, 2, 3), {"groups": 2, "dilation": (2, 1)}),
    ],
)
def test_conv_transpose2d_is_the_adjoint_of_conv2d(x_shape, w_shape, options):
    """<conv_transpose2d(x, w), y> = <x, conv2d(y, w)>: the defining identity, in float64, without PyTorch."""
    rng = np.random.default_rng(1)
    x, w = glassnet.tensor(rng.standard_normal(x_shape)), glassnet.tensor(rng.standard_normal(w_shape))
    out = conv_transpose2d(x, w, **options)
    y = glassnet.tensor(rng.standard_normal(out.shape))
    conv_options = {k: v for k, v in options.items() if k != "output_padding"}
    back = conv2d(y, w, **conv_options)
    assert back.shape == x.shape
    assert float((out * y).sum().item()) == pytest.approx(float((x * back).sum().item()), rel=1e-12)


@pytest.mark.parametrize(
    "fn, shapes",
    [
        (lambda x, w, b: conv1d(x, w, b, stride=2, padding=1, dilation=2), [(2, 2, 9), (3, 2, 3), (3,)]),
        (
            lambda x, w, b: conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
            [(2, 2, 3, 3), (2, 3, 3, 3), (3,)],
        ),
        (lambda x, w, b: conv_transpose2d(x, w, b, groups=2, dilation=2), [(1, 4, 3, 3), (4, 1, 2, 2), (2,)]),
        (lambda x, w, b: conv_transpose1d(x, w, b, stride=3, output_padding=2), [(2, 2, 4), (2, 3, 3), (3,)]),
    ],
    ids=["conv1d", "transpose2d", "transpose2d-groups", "transpose1d"],
)
def test_gradcheck(fn, shapes):
    rng = np.random.default_rng(2)
    tensors = [glassnet.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(fn, tensors)


def test_transposed_backward_skips_unneeded_gradients_and_keeps_float32():
    x = glassnet.randn(2, 3, 4, 4)  # data: no gradient
    w = glassnet.randn(3, 2, 3, 3, requires_grad=True)
    out = conv_transpose2d(x, w, stride=2)
    out.sum().backward()
    assert out.dtype == glassnet.float32 and w.grad.dtype == glassnet.float32 and x.grad is None
    assert out.shape == (2, 2, 9, 9)


def test_an_empty_batch_works_like_torch():
    torch = pytest.importorskip("torch")
    x = glassnet.zeros(0, 3, 4, 4, requires_grad=True)
    w = glassnet.randn(3, 2, 3, 3, requires_grad=True)
    out = conv_transpose2d(x, w, stride=2)
    out.sum().backward()
    expected = torch.nn.functional.conv_transpose2d(torch.zeros(0, 3, 4, 4), torch.zeros(3, 2, 3, 3), stride=2)
    assert out.shape == tuple(expected.shape) and x.grad.shape == (0, 3, 4, 4)
    np.testing.assert_array_equal(w.grad.array, 0)


def test_large_images_take_the_banded_path_in_backward(monkeypatch):
    """Backward's columns come in bands of rows when one image has many; the result must not change."""
    from glassnet.ops import conv as conv_ops

    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 12, 10)), rng.standard_normal((3, 2, 3, 3))
    grads = []
    for part_bytes in (conv_ops.parallel.PART_BYTES, 256):  # 256 bytes: every image is "large"
        monkeypatch.setattr(conv_ops.parallel, "PART_BYTES", part_bytes)
        monkeypatch.setattr(conv_ops, "BAND_BYTES", 256)
        xt, wt = glassnet.tensor(x, requires_grad=True), glassnet.tensor(w, requires_grad=True)
        conv_transpose2d(xt, wt, stride=2, padding=1).backward(glassnet.tensor(np.ones((2, 2, 23, 19))))
        grads.append((xt.grad.array, wt.grad.array))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-12)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-12)


# ----------------------------------------------------------------- errors


def _error(fn, *shapes, **options):
    with pytest.raises((RuntimeError, TypeError)) as info:
        fn(*[glassnet.zeros(*s) for s in shapes], **options)
    return str(info.value)


def test_conv1d_errors_name_the_op_shapes_and_a_hint():
    assert (
        _error(conv1d, (2, 3, 9), (4, 2, 3))
        == "conv1d: input has 3 channels but weight expects 2 (weight shape (4, 2, 3))"
    )
    assert "conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input, but got shape (1, 2, 3, 9)" in _error(
        conv1d, (1, 2, 3, 9), (4, 2, 3)
    )
    assert "conv1d: weight must be 3-D (out_channels, in_channels/groups, kW), but got shape (4, 2, 3, 3)" in _error(
        conv1d, (2, 2, 9), (4, 2, 3, 3)
    )
    message = _error(conv1d, (2, 2, 4), (4, 2, 3), dilation=2)
    assert "conv1d: input of spatial size (4,)" in message and "spanning (5,)" in message and "hint:" in message
    assert "conv1d: stride must be an int or a tuple of 1 int, but got (1, 2)" in _error(
        conv1d, (2, 2, 9), (4, 2, 3), stride=(1, 2)
    )
    assert "conv1d: padding='same' is not supported for strided convolutions" in _error(
        conv1d, (2, 2, 9), (4, 2, 3), padding="same", stride=2
    )


def test_conv_transpose2d_errors_name_the_op_shapes_and_a_hint():
    message = _error(conv_transpose2d, (2, 3, 5, 5), (4, 3, 3, 3))
    assert message.startswith("conv_transpose2d: input has 3 channels but weight expects 4 (weight shape (4, 3, 3, 3))")
    assert "hint: a transposed convolution's weight is (in_channels, out_channels/groups, kH, kW)" in message
    assert "groups=3 must divide the weight's in_channels 4" in _error(
        conv_transpose2d, (2, 4, 5, 5), (4, 1, 3, 3), groups=3
    )
    assert "output_padding (2, 2) must be smaller than either stride (2, 2) or dilation (1, 1)" in _error(
        conv_transpose2d, (1, 1, 3, 3), (1, 1, 3, 3), stride=2, output_padding=2
    )
    message = _error(conv_transpose2d, (1, 1, 2, 2), (1, 1, 2, 2), padding=2)
    assert "conv_transpose2d: an input of spatial size (2, 2)" in message and "output of size (-1, -1)" in message
    assert "padding must be an int or a pair of ints" in _error(
        conv_transpose2d, (1, 1, 3, 3), (1, 1, 3, 3), padding="same"
    )
    assert "bias has shape (3,) but the weight has 2 output channels" in _error(
        conv_transpose2d, (1, 1, 3, 3), (1, 2, 3, 3), (3,)
    )
    assert "conv_transpose1d: expected a 2-D (C, L) or 3-D (N, C, L) input" in _error(conv_transpose1d, (5,), (1, 1, 3))


# ----------------------------------------------------------------- layers

LAYERS = [
    ("Conv1d", (4, 6, 3), {}),
    ("Conv1d", (4, 6, 3), {"padding": "same", "dilation": 2, "groups": 2, "bias": False}),
    ("Conv1d", (4, 6, 3), {"stride": 2, "padding": "valid"}),
    ("ConvTranspose2d", (4, 6, 3), {}),
    (
        "ConvTranspose2d",
        (4, 6, (3, 2)),
        {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2, "bias": False, "dilation": (1, 2)},
    ),
    ("ConvTranspose1d", (4, 6, 3), {"stride": 3, "output_padding": 1}),
]


@pytest.mark.parametrize("name, args, kwargs", LAYERS)
def test_layer_repr_and_state_dict_match_torch(name, args, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    assert repr(ours) == repr(theirs)
    assert {k: tuple(v.shape) for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()
    }
    for attribute in ("kernel_size", "stride", "padding", "dilation", "output_padding", "groups", "transposed"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute


@pytest.mark.parametrize(
    "name, args, kwargs, input_shape",
    [
        ("Conv1d", (4, 6, 3), {"stride": 2, "groups": 2}, (2, 4, 9)),
        ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}, (2, 4, 5, 4)),
        ("ConvTranspose1d", (4, 6, 3), {"stride": 2}, (4, 5)),
    ],
)
def test_layer_forward_and_backward_match_torch_with_copied_weights(name, args, kwargs, input_shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    theirs.load_state_dict({k: torch.from_numpy(v.array.copy()) for k, v in ours.state_dict().items()})
    x = np.random.default_rng(4).standard_normal(input_shape).astype(np.float32)
    out, expected = ours(glassnet.tensor(x)), theirs(torch.from_numpy(x))
    np.testing.assert_allclose(out.array, expected.detach().numpy(), rtol=1e-5, atol=1e-5)
    out.sum().backward()
    expected.sum().backward()
    for (key, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.array, q.grad.numpy(), rtol=1e-5, atol=1e-4, err_msg=key)


@pytest.mark.parametrize("output_size", [(10, 8), (2, 4, 10, 7), (9, 8)])
def test_conv_transpose2d_output_size_picks_output_padding_like_torch(output_size):
    torch = pytest.importorskip("torch")
    ours, theirs = (
        nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1),
        torch.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1),
    )
    assert ours(glassnet.zeros(2, 4, 5, 4), output_size=output_size).shape == tuple(
        theirs(torch.zeros(2, 4, 5, 4), output_size=output_size).shape
    )


def test_conv_transpose2d_output_size_errors():
    layer = nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    with pytest.raises(
        ValueError,
        match=r"requested an output size of \(12, 8\), but valid sizes range from \(9, 7\) "
        r"to \(10, 8\)",
    ):
        layer(glassnet.zeros(2, 4, 5, 4), output_size=(12, 8))
    with pytest.raises(ValueError, match="output_size must have 2 or 4 elements"):
        layer(glassnet.zeros(2, 4, 5, 4), output_size=(12,))


@pytest.mark.parametrize(
    "make, fan_in",
    [(lambda: nn.Conv1d(6, 16, 5), 6 * 5), (lambda: nn.ConvTranspose2d(6, 16, 3, groups=2), 8 * 3 * 3)],
    ids=["Conv1d", "ConvTranspose2d"],
)
def test_layer_init_follows_pytorch_bounds(make, fan_in):
    """PyTorch: kaiming_uniform_(a=√5) and the bias: U(±1/√fan_in), fan_in from weight.shape[1:] (out/groups · k for transposed)."""
    glassnet.manual_seed(0)
    layer = make()
    bound = 1 / math.sqrt(fan_in)
    for p in (layer.weight, layer.bias):
        assert p.dtype == glassnet.float32 and np.abs(p.array).max() <= bound
    assert np.abs(layer.weight.array).max() > 0.9 * bound  # hundreds of draws reach near the bound
    assert layer.weight.array.std() == pytest.approx(bound / math.sqrt(3), rel=0.15)


def test_layer_constructor_errors():
    with pytest.raises(ValueError, match=r"ConvTranspose2d: out_channels must be divisible by groups \(out_channels=5"):
        nn.ConvTranspose2d(4, 5, 3, groups=2)
    with pytest.raises(ValueError, match="ConvTranspose2d: padding_mode='reflect' is not supported; as in PyTorch"):
        nn.ConvTranspose2d(4, 6, 3, padding_mode="reflect")
    with pytest.raises(ValueError, match="Conv1d: padding_mode='circular' is not supported; unlike PyTorch"):
        nn.Conv1d(4, 6, 3, padding_mode="circular")
    with pytest.raises(ValueError, match="Conv1d: invalid padding string 'full'"):
        nn.Conv1d(4, 6, 3, padding="full")
    with pytest.raises(TypeError, match=r"Conv1d: kernel_size must be an int or a tuple of 1 int, but got \(3, 3\)"):
        nn.Conv1d(4, 6, (3, 3))


def test_unet_style_decoder_step_runs_and_trains():
    """Down with a stride-2 Conv2d, up with a ConvTranspose2d: the shapes round-trip and the loss falls."""
    glassnet.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, stride=2, padding=1), nn.ReLU(), nn.ConvTranspose2d(4, 1, 2, stride=2))
    x = glassnet.randn(4, 1, 8, 8)
    losses = []
    for _ in range(30):
        loss = ((model(x) - x) ** 2).mean()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.1 * p.grad
        losses.append(loss.item())
    assert model(x).shape == x.shape and losses[-1] < 0.7 * losses[0]


@pytest.mark.parametrize(
    "layers, input_shape",
    [
        (
            [
                nn.Conv2d(3, 8, 3, stride=2, padding=1),
                nn.Dropout2d(),
                nn.ReflectionPad2d((1, 2, 0, 1)),
                nn.ConvTranspose2d(8, 4, 4, stride=2, padding=1, output_padding=1, groups=2),
                nn.ZeroPad2d(1),
                nn.Upsample(scale_factor=1.5, mode="bilinear"),
                nn.AdaptiveMaxPool2d((None, 3)),
                nn.UpsamplingNearest2d(size=(5, 4)),
            ],
            (2, 3, 9, 10),
        ),
        (
            [
                nn.Conv1d(3, 6, 5, padding="same"),
                nn.MaxPool1d(3, stride=2, ceil_mode=True),
                nn.ConstantPad1d((2, -1), 1.0),
                nn.ConvTranspose1d(6, 2, 3, stride=3),
                nn.Upsample(size=7, mode="linear"),
                nn.CircularPad1d(2),
            ],
            (2, 3, 11),
        ),
    ],
    ids=["2d", "1d"],
)
def test_summary_shapes_and_mult_adds_match_a_forward_pass(layers, input_shape):
    model = nn.Sequential(*layers)
    table = glassnet.summary(model, input_shape)
    x = glassnet.randn(*input_shape)
    for row, layer in zip(table.rows, layers):
        assert row.input_shape == tuple(x.shape), row.layer
        x = layer(x)
        assert row.output_shape == tuple(x.shape), row.layer
    transposed = table.rows[3]  # each input pixel times (out/groups) channels times the kernel
    assert transposed.macs == math.prod(transposed.input_shape) * (
        layers[3].out_channels // layers[3].groups
    ) * math.prod(layers[3].kernel_size)


@pytest.mark.parametrize(
    "build, shape",
    [
        (lambda: nn.Conv1d(4, 6, 3, stride=2, padding="valid", groups=2), (2, 4, 9)),
        (
            lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2, dilation=(1, 2)),
            (2, 4, 5, 4),
        ),
        (lambda: nn.ConvTranspose1d(4, 3, 2, stride=2, bias=False), (2, 4, 5)),
        (lambda: nn.MaxPool1d(3, stride=2, padding=1, ceil_mode=True), (2, 4, 9)),
        (lambda: nn.AdaptiveMaxPool2d((3, None)), (2, 4, 5, 4)),
        (lambda: nn.Upsample(scale_factor=(1.5, 2), mode="bilinear", align_corners=True), (2, 4, 5, 4)),
        (lambda: nn.UpsamplingNearest2d(size=7), (2, 4, 5, 4)),
        (lambda: nn.ConstantPad2d((1, 0, 2, 1), -1.5), (2, 4, 5, 4)),
        (lambda: nn.ReflectionPad2d(2), (2, 4, 5, 4)),
        (lambda: nn.ReplicationPad1d((0, 3)), (2, 4, 5)),
        (lambda: nn.Dropout2d(0.2), (2, 4, 5, 4)),
    ],
    ids=[
        "conv1d",
        "transpose2d",
        "transpose1d",
        "maxpool1d",
        "adaptive-max",
        "upsample",
        "upsampling-nearest",
        "constant-pad",
        "reflection-pad",
        "replication-pad",
        "dropout2d",
    ],
)
def test_to_torch_and_back_keeps_arguments_weights_and_outputs(build, shape):
    torch = pytest.importorskip("torch")
    from glassnet.interop.torch_bridge import from_torch, to_torch

    glassnet.manual_seed(3)
    layer = build().eval()
    converted = to_torch(layer)
    back = from_torch(converted)
    assert type(back) is type(layer) and repr(back) == repr(layer) == repr(converted)
    x = np.random.default_rng(5).standard_normal(shape).astype(np.float32)
    expected = layer(glassnet.tensor(x)).array
    np.testing.assert_allclose(converted(torch.from_numpy(x)).detach().numpy(), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(back(glassnet.tensor(x)).array, expected)
