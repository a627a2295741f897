"""F.pad, F.interpolate, F.dropout2d and their layers: against PyTorch 2.13, gradcheck, properties, errors.

Tolerances: float64 to 1e-10, float32 to 1e-5 (``helpers.TOLERANCES``).
gradcheck and the dropout properties need no PyTorch.
"""

import warnings

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck
from glassnet.nn import functional as F
from helpers import compare_with_torch

PAD_CASES = [
    pytest.param((2, 3, 4, 5), (1, 2), "constant", None, id="constant-last-axis"),
    pytest.param((2, 3, 4, 5), (1, 2, 0, 3), "constant", 1.5, id="constant-value"),
    pytest.param((2, 3, 4, 5), (-1, 2, 1, -2, 1, 1, 0, 1), "constant", None, id="constant-4-axes-crop"),
    pytest.param((3,), (2, 1), "constant", -2.0, id="constant-1d"),
    pytest.param((2, 3, 4, 5), (1, 2, 3, 2), "reflect", None, id="reflect-2d"),
    pytest.param((3, 4, 5), (4, 2), "reflect", None, id="reflect-widest"),
    pytest.param((4, 5), (4, -2), "reflect", None, id="reflect-crop"),
    pytest.param((2, 3, 2, 4, 5), (1, 2, 3, 0, 1, 1), "reflect", None, id="reflect-3d"),
    pytest.param((2, 3, 4, 5), (1, 2, 3, 2), "replicate", None, id="replicate-2d"),
    pytest.param((3, 4, 5), (7, 0), "replicate", None, id="replicate-wide"),
    pytest.param((2, 3, 4, 5), (-1, 2, 3, -2), "replicate", None, id="replicate-crop"),
    pytest.param((2, 3, 4, 5), (1, 2, 3, 4), "circular", None, id="circular-2d"),
    pytest.param((3, 4, 5), (-3, 2), "circular", None, id="circular-crop"),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape, widths, mode, value", PAD_CASES)
def test_pad_matches_torch(shape, widths, mode, value, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(
        [shape],
        lambda x: torch.nn.functional.pad(x, widths, mode=mode, value=value),
        lambda x: F.pad(x, widths, mode=mode, value=value),
        dtype=dtype,
    )


def test_pad_integers_and_numpy_ints_like_torch():
    torch = pytest.importorskip("torch")
    x = np.arange(6).reshape(1, 2, 3)
    for mode, value in (("constant", 2.7), ("reflect", None), ("replicate", None)):
        expected = torch.nn.functional.pad(torch.tensor(x), (np.int64(1), 2), mode=mode, value=value).numpy()
        np.testing.assert_array_equal(
            F.pad(glassnet.tensor(x), (np.int64(1), 2), mode=mode, value=value).array, expected
        )


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_pad_gradcheck(mode):
    x = glassnet.tensor(np.random.default_rng(0).standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda x: F.pad(x, (2, 1, -1, 2) if mode != "circular" else (2, 1, 0, 2), mode=mode), (x,))


@pytest.mark.parametrize(
    "shape, widths, options, error, match",
    [
        ((2, 3), (1,), {}, RuntimeError, r"pad: padding length must be divisible by 2, but got 1 values \(1,\); hint"),
        (
            (2, 3),
            (1, 1, 1, 1, 1, 1),
            {},
            RuntimeError,
            r"padding length should be at most two times the input dimension",
        ),
        ((2, 3), (1.5, 1), {}, TypeError, r"pad: pad must be a tuple of ints, but got \(1.5, 1\)"),
        ((2, 3), (-2, -2), {}, RuntimeError, r"dimension 1 of size 3 .* with padding \(-2, -2\) would have size -1"),
        ((2, 3), (1, 1), {"mode": "mirror"}, NotImplementedError, "unrecognised padding mode 'mirror'"),
        ((2, 3), (1, 1), {"mode": "reflect", "value": 1.0}, RuntimeError, "doesn't take a value argument"),
        (
            (1, 2, 3, 3),
            (1, 1),
            {"mode": "reflect"},
            NotImplementedError,
            r"mode 'reflect' with padding length 2 is not supported for a 4-D input \(shape \(1, 2, 3, 3\)\)",
        ),
        (
            (2, 3),
            (3, 0),
            {"mode": "reflect"},
            RuntimeError,
            r"padding \(3, 0\) in mode 'reflect' must be smaller than 3, the size of dimension 1 \(input shape \(2, 3\)\)",
        ),
        ((2, 3), (0, 4), {"mode": "circular"}, RuntimeError, r"must be at most 3"),
        (
            (2, 0),
            (1, 1),
            {"mode": "replicate"},
            RuntimeError,
            r"needs a non-empty dimension 1 \(input shape \(2, 0\)\)",
        ),
    ],
)
def test_pad_errors_name_the_op_shapes_and_a_hint(shape, widths, options, error, match):
    with pytest.raises(error, match=match):
        F.pad(glassnet.zeros(*shape), widths, **options)


PAD_LAYERS = [
    ("ZeroPad2d", (2,)),
    ("ZeroPad2d", ((1, 2, 0, 3),)),
    ("ConstantPad2d", ((1, 2), 3.5)),
    ("ConstantPad2d", (1, -1)),
    ("ZeroPad1d", (2,)),
    ("ConstantPad1d", ((0, 2), 1)),
    ("ReflectionPad2d", ((1, 2, 2, 0),)),
    ("ReflectionPad1d", (2,)),
    ("ReplicationPad2d", (3,)),
    ("ReplicationPad1d", ((1, 4),)),
    ("CircularPad2d", (1,)),
    ("CircularPad1d", ((2, 1),)),
]


@pytest.mark.parametrize("name, args", PAD_LAYERS)
def test_pad_layers_repr_and_output_match_torch(name, args):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs) and ours.padding == theirs.padding
    assert isinstance(ours, nn.ConstantPad2d) == isinstance(theirs, torch.nn.ConstantPad2d)
    compare_with_torch([(2, 3, 4, 5) if name.endswith("2d") else (2, 3, 5)], theirs, ours)


# ----------------------------------------------------------------- interpolate

INTERPOLATE_CASES = [
    pytest.param((2, 3, 5, 7), {"scale_factor": 2}, id="x2"),
    pytest.param((2, 3, 5, 7), {"size": (8, 11)}, id="size-up"),
    pytest.param((2, 3, 5, 7), {"size": (3, 4)}, id="size-down"),
    pytest.param((2, 3, 5, 7), {"scale_factor": (0.6, 2.3)}, id="scales-down-up"),
    pytest.param((2, 3, 5, 7), {"scale_factor": 1.7, "recompute_scale_factor": True}, id="recompute"),
    pytest.param((2, 3, 5, 7), {"scale_factor": 1.1}, id="one-axis-unchanged"),
    pytest.param((2, 3, 1, 7), {"size": (4, 1)}, id="from-and-to-one-pixel"),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "mode, align_corners",
    [("nearest", None), ("bilinear", False), ("bilinear", True), ("nearest-exact", None), ("area", None)],
)
@pytest.mark.parametrize("shape, options", INTERPOLATE_CASES)
def test_interpolate_4d_matches_torch(shape, options, mode, align_corners, dtype):
    torch = pytest.importorskip("torch")
    kwargs = dict(options, mode=mode, align_corners=align_corners)
    compare_with_torch(
        [shape],
        lambda x: torch.nn.functional.interpolate(x, **kwargs),
        lambda x: F.interpolate(x, **kwargs),
        dtype=dtype,
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "mode, align_corners",
    [("nearest", None), ("linear", False), ("linear", True), ("nearest-exact", None), ("area", None)],
)
@pytest.mark.parametrize("options", [{"scale_factor": 2}, {"size": 4}, {"scale_factor": 1.7}, {"size": 13}])
def test_interpolate_3d_matches_torch(options, mode, align_corners, dtype):
    torch = pytest.importorskip("torch")
    kwargs = dict(options, mode=mode, align_corners=align_corners)
    compare_with_torch(
        [(2, 3, 7)],
        lambda x: torch.nn.functional.interpolate(x, **kwargs),
        lambda x: F.interpolate(x, **kwargs),
        dtype=dtype,
    )


@pytest.mark.parametrize("dims", [1, 2])
def test_nearest_read_positions_match_torch_for_many_sizes_and_scales(dims):
    """The float32 rounding of o·scale decides ties, and PyTorch's 2-D nearest copies an unchanged size and
    doubles by repeating, whatever the scale factor; sweep sizes and scale factors, forward only."""
    torch = pytest.importorskip("torch")
    for dtype in (np.float32, np.float64):
        for size in range(1, 13):
            shape = (1, 1, size) if dims == 1 else (1, 1, 2, size)
            x = np.arange(np.prod(shape), dtype=dtype).reshape(shape)
            for out in range(1, 30):
                for mode in ("nearest", "nearest-exact"):
                    rounded = round(out / size, 2)
                    for kwargs in ({"size": out}, {"scale_factor": out / size}, {"scale_factor": rounded})[
                        : 2 + (size * rounded >= 1)
                    ]:
                        if dims == 2:
                            kwargs = {k: (2, v) if k == "size" else (1.0, v) for k, v in kwargs.items()}
                        expected = torch.nn.functional.interpolate(torch.tensor(x), mode=mode, **kwargs).numpy()
                        got = F.interpolate(glassnet.tensor(x), mode=mode, **kwargs).array
                        np.testing.assert_array_equal(got, expected, err_msg=f"{mode} {size} -> {kwargs} {dtype}")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scale_factor": 2, "mode": "nearest"},
        {"size": (4, 3), "mode": "bilinear"},
        {"scale_factor": 1.5, "mode": "bilinear", "align_corners": True},
    ],
)
def test_interpolate_gradcheck(kwargs):
    x = glassnet.tensor(np.random.default_rng(1).standard_normal((1, 2, 3, 5)), requires_grad=True)
    assert gradcheck(lambda x: F.interpolate(x, **kwargs), (x,))


def test_interpolate_to_the_same_size_is_a_copy():
    x = glassnet.randn(1, 2, 3, 4)
    out = F.interpolate(x, size=(3, 4), mode="bilinear")
    np.testing.assert_array_equal(out.array, x.array)
    assert not np.shares_memory(out.array, x.array)


@pytest.mark.parametrize(
    "shape, kwargs, error, match",
    [
        ((1, 1, 4, 4), {"size": 2, "scale_factor": 2}, ValueError, "only one of size or scale_factor"),
        ((1, 1, 4, 4), {}, ValueError, "either size or scale_factor should be defined"),
        (
            (1, 1, 4, 4),
            {"size": 3, "align_corners": True},
            ValueError,
            r"align_corners option can only be set with the interpolating modes",
        ),
        (
            (1, 1, 4, 4),
            {"size": (3,)},
            ValueError,
            r"same number of spatial dimensions, but got input with spatial "
            r"dimensions of \[4, 4\] and output size of \(3,\)",
        ),
        ((1, 1, 4, 4), {"size": (3, 2.5)}, TypeError, "expected size to be an int or a tuple of ints"),
        (
            (1, 1, 4, 4),
            {"size": (0, 3)},
            RuntimeError,
            r"sizes should be greater than 0, but got input \(4, 4\) and "
            r"output \(0, 3\)",
        ),
        (
            (1, 1, 4),
            {"size": 3, "mode": "bilinear"},
            NotImplementedError,
            r"mode 'bilinear' needs a 4-D \(N, C, H, W\) input, but got shape \(1, 1, 4\)",
        ),
        ((1, 4), {"size": 3}, NotImplementedError, r"mode 'nearest' needs a 3-D .* or 4-D .* input"),
        ((1, 1, 4, 4), {"size": 3, "mode": "bicubic"}, NotImplementedError, "glassnet has no bicubic"),
        ((1, 1, 4, 4), {"size": 3, "mode": "bilinear", "antialias": True}, NotImplementedError, "antialias"),
        ((1, 1, 4, 4), {"size": 3, "recompute_scale_factor": True}, ValueError, "not meaningful with an explicit size"),
    ],
)
def test_interpolate_errors(shape, kwargs, error, match):
    with pytest.raises(error, match=match):
        F.interpolate(glassnet.zeros(*shape), **kwargs)


@pytest.mark.parametrize(
    "name, kwargs, shape",
    [
        ("Upsample", {"scale_factor": 2}, (2, 3, 4, 5)),
        ("Upsample", {"size": (7, 3), "mode": "bilinear"}, (2, 3, 4, 5)),
        ("Upsample", {"scale_factor": (2, 1.5), "mode": "bilinear", "align_corners": True}, (2, 3, 4, 5)),
        ("Upsample", {"size": 9, "mode": "linear"}, (2, 3, 5)),
        ("UpsamplingNearest2d", {"scale_factor": 3}, (1, 2, 3, 3)),
        ("UpsamplingBilinear2d", {"size": (5, 6)}, (1, 2, 3, 3)),
    ],
)
def test_upsample_layers_repr_attributes_and_output_match_torch(name, kwargs, shape):
    torch = pytest.importorskip("torch")
    ours, theirs = getattr(nn, name)(**kwargs), getattr(torch.nn, name)(**kwargs)
    assert repr(ours) == repr(theirs)
    for attribute in ("size", "scale_factor", "mode", "align_corners", "recompute_scale_factor"):
        assert getattr(ours, attribute) == getattr(theirs, attribute), attribute
    assert ours.state_dict() == {} and list(ours.parameters()) == []
    compare_with_torch([shape], theirs, ours)


# ----------------------------------------------------------------- dropout2d


def test_dropout2d_zeros_whole_channels_and_scales_the_rest():
    glassnet.manual_seed(0)
    x = glassnet.ones(64, 32, 3, 4, requires_grad=True)
    out = F.dropout2d(x, p=0.25)
    channels = out.array.reshape(64, 32, 12)
    assert np.all(channels.min(axis=2) == channels.max(axis=2))  # every channel all kept or all dropped
    assert set(np.unique(channels)) <= {0.0, np.float32(1 / 0.75)}
    assert (channels[:, :, 0] == 0).mean() == pytest.approx(0.25, abs=0.04)
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.array, out.array)  # d(x·mask)/dx = mask
    assert out.dtype == glassnet.float32


def test_dropout2d_layer_is_identity_in_eval_reproducible_with_seed_and_has_torchs_repr():
    torch = pytest.importorskip("torch")
    layer = nn.Dropout2d(0.3)
    assert repr(layer) == repr(torch.nn.Dropout2d(0.3)) and isinstance(layer, nn.Dropout)
    x = glassnet.randn(4, 8, 5, 5)
    glassnet.manual_seed(1)
    first = layer(x)
    glassnet.manual_seed(1)
    np.testing.assert_array_equal(layer(x).array, first.array)
    layer.eval()
    assert layer(x) is x
    np.testing.assert_array_equal(F.dropout2d(x, 1.0).array, 0)
    assert F.dropout2d(x, 0.0) is x


def test_dropout2d_warns_like_torch_on_3d_and_other_inputs():
    torch = pytest.importorskip("torch")
    for shape in ((4, 8, 5), (4, 8)):
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            out = F.dropout2d(glassnet.ones(*shape), 0.5)
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            torch.nn.functional.dropout2d(torch.ones(*shape), 0.5)
        assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
        channels = out.array.reshape(shape[0], shape[1], -1)
        assert np.all(channels.min(axis=2) == channels.max(axis=2))


def test_dropout2d_errors():
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout2d(glassnet.ones(2, 3, 4, 4), 1.5)
    with pytest.raises(RuntimeError, match="dropout2d: input must be floating point"):
        F.dropout2d(glassnet.ones(2, 3, 4, 4, dtype=glassnet.int64), 0.5)
    with (
        pytest.raises(RuntimeError, match=r"dropout2d: expected an input with a channel dimension .* shape \(5,\)"),
        pytest.warns(UserWarning, match="Received a 1-D input to dropout2d"),
    ):
        F.dropout2d(glassnet.ones(5), 0.5)
