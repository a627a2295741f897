"""Tensor printing: ``repr`` character for character as PyTorch 2.13's, ``set_printoptions``, f-strings.

Every case builds the same values (from NumPy) in glassnet and in torch and compares
``repr(glassnet_tensor)`` with torch's, ``torch.`` read as ``glassnet.``.  Hand-picked cases
pin each rule of the format; seeded random cases (shapes 0-d to 4-d, every dtype, magnitudes
from 1e-9 to 1e11, nan/inf/-0.0, sizes around the summary threshold, random print options)
look for the combinations nobody thought of.
"""

import re

import numpy as np
import pytest

import glassnet

torch = pytest.importorskip("torch")

LIBS = (glassnet, torch)


@pytest.fixture(autouse=True)
def default_print_options():
    yield
    for lib in LIBS:
        lib.set_printoptions(profile="default")


def torch_repr(t):
    return repr(t).replace("torch.", "glassnet.")


def both(array, dtype=None, requires_grad=False):
    """The same values as a glassnet tensor and a torch tensor."""
    array = np.asarray(array) if dtype is None else np.asarray(array, dtype=dtype)
    return (glassnet.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad))


def assert_same_repr(ours, theirs):
    assert repr(ours) == torch_repr(theirs), f"\nglassnet:\n{ours!r}\ntorch:\n{torch_repr(theirs)}"


nan, inf = float("nan"), float("inf")
f16, f32, f64 = np.float16, np.float32, np.float64

HAND_PICKED = {
    # whole numbers, decimals, scientific notation
    "int scalar": (7, np.int64),
    "negative int scalar": (-12, np.int64),
    "float scalar": (2.5, f32),
    "whole float scalar": (3.0, f32),
    "zero scalar": (0.0, f32),
    "negative zero scalar": (-0.0, f32),
    "nan scalar": (nan, f32),
    "inf scalar": (-inf, f64),
    "bool scalar": (True, np.bool_),
    "whole floats": ([1.0, 2.0, -3.0], f32),
    "decimals": ([0.1, 2.5, -3.25], f32),
    "one decimal among whole": ([1.0, 2.0, 2.5], f32),
    "ratio just above 1000": ([1.0, 1000.5], f32),
    "ratio exactly 1000": ([1.0, 1000.0], f32),
    "ratio 1000 with decimals": ([0.5, 500.0], f32),
    "above 1e8": ([1.5e8, 2.0e8], f32),
    "exactly 1e8": ([1e8], f64),
    "whole above 1e8": ([1e10, 1.0], f32),
    "below 1e-4": ([5e-5, 6e-5], f32),
    "exactly 1e-4": ([1e-4, 2e-4], f64),
    "three digit exponents": ([1e-200, 1e200], f64),
    "rounding to a wider text": ([9.99996, 1.0], f64),
    "rounds to zero text": ([0.00004, 0.5], f64),
    "float32 0.1 shown as double": ([0.1, 0.2, 0.3], f32),
    "huge whole sci": ([1e20, -3e20], f64),
    # nan, inf, zeros
    "nan with decimals": ([nan, 1.5, -2.25], f32),
    "nan with whole": ([nan, 1.0, 100.0], f32),
    "inf with whole": ([inf, -inf, 2.0], f32),
    "inf with sci": ([inf, 1e-6, 3.0], f64),
    "only nan and inf": ([nan, inf, -inf], f32),
    "all zeros": ([0.0, 0.0], f32),
    "zeros and nan": ([0.0, nan], f64),
    "negative zero and one": ([-0.0, 1.0], f32),
    "negative zero and decimal": ([-0.0, 1.5], f32),
    "negative zero and sci": ([-0.0, 1e-6], f32),
    "negative zero only": ([-0.0, 0.0], f64),
    # integers and bools
    "ints": ([1, -20, 300], np.int64),
    "int8 extremes": ([-128, 127, 0], np.int8),
    "uint8": ([0, 255, 7], np.uint8),
    "int16": ([-32768, 5], np.int16),
    "int32": ([1, 2], np.int32),
    "int64 extremes": ([-(2**63), 2**63 - 1], np.int64),
    "bools": ([True, False], np.bool_),
    "all true": ([True, True], np.bool_),
    "all false": ([False, False, False], np.bool_),
    "bool matrix": ([[True, False], [False, False]], np.bool_),
    # float16 and float64
    "float16": ([0.1, 0.2, 65504.0], f16),
    "float16 subnormal": ([6e-8, 1.0], f16),
    "float16 whole": ([1.0, 2.0], f16),
    "float64": ([0.1, 2.5], f64),
    "float64 whole": ([1.0, 2.0], f64),
    # shapes and line breaks
    "column": ([[1.5], [2.5], [3.5]], f32),
    "3-d": (np.arange(24).reshape(2, 3, 4) / 7, f32),
    "4-d": (np.arange(48).reshape(2, 2, 3, 4) - 20, np.int64),
    "4-d floats": (np.arange(36).reshape(3, 1, 3, 4) / 3 - 5, f64),
    "wraps at 80 columns": (np.arange(30) / 3, f32),
    "wraps in rows": (np.arange(60).reshape(3, 20) * 1.5, f32),
    "wide ints wrap": (np.arange(100) * 1234567, np.int64),
    "one long row": (np.linspace(-1, 1, 17)[None, :], f32),
    # summaries around the threshold (1000 elements)
    "1000 not summarised": (np.arange(1000) / 10, f32),
    "1001 summarised": (np.arange(1001) / 10, f32),
    "2 x 500": (np.arange(1000).reshape(2, 500), np.int64),
    "2 x 501": (np.arange(1002).reshape(2, 501), np.int64),
    "1001 x 1": (np.arange(1001).reshape(1001, 1) * 0.5, f32),
    "1 x 1001": (np.arange(1001).reshape(1, 1001) * 0.5, f32),
    "summarised 3-d": (np.arange(4000).reshape(10, 20, 20) / 3, f32),
    "summarised 4-d": (np.arange(7 * 8 * 9 * 10).reshape(7, 8, 9, 10) - 2000, np.int64),
    "hidden values set no width": (np.r_[1.5, np.full(1000, 1e12), 2.5], f64),
    "hidden nan": (np.r_[1.0, 2.0, 3.0, np.full(1000, 0.123), 4.0, 5.0, 6.0], f32),
    "summarised bools": (np.arange(2000) % 3 == 0, np.bool_),
}


@pytest.mark.parametrize("name", HAND_PICKED)
def test_hand_picked_repr_as_torch(name):
    values, dtype = HAND_PICKED[name]
    assert_same_repr(*both(values, dtype))


@pytest.mark.parametrize("shape", [(0,), (2, 0), (0, 3), (1, 0, 2), (0, 0, 0, 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.bool_])
def test_empty_tensors_show_size_and_dtype_as_torch(shape, dtype):
    assert_same_repr(*both(np.zeros(shape, dtype=dtype)))


def test_empty_tensor_requiring_grad():
    assert_same_repr(*both(np.zeros((2, 0), np.float64), requires_grad=True))


# ------------------------------------------------------------------------------------- suffixes


@pytest.mark.parametrize("length", range(1, 25))
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_suffixes_wrap_as_torch(length, dtype):
    """The last line's length runs through 80 columns, so dtype= and requires_grad= wrap at every point."""
    values = np.linspace(-3, 7, length) * 1.37
    assert_same_repr(*both(values, dtype, requires_grad=True))
    assert_same_repr(*both(values.reshape(1, length), dtype, requires_grad=True))


@pytest.mark.parametrize(
    "op", ["mul", "add", "sub", "div", "neg", "sum", "exp", "sigmoid", "tanh", "abs", "log_softmax"]
)
def test_grad_fn_suffix_as_torch(op):
    """The ops whose backward node glassnet names as PyTorch does are compared exactly."""
    calls = {
        "mul": lambda x: x * 2,
        "add": lambda x: x + 1,
        "sub": lambda x: x - 1,
        "div": lambda x: x / 3,
        "neg": lambda x: -x,
        "sum": lambda x: x.sum(),
        "exp": lambda x: x.exp(),
        "sigmoid": lambda x: x.sigmoid(),
        "tanh": lambda x: x.tanh(),
        "abs": lambda x: x.abs(),
        "log_softmax": lambda x: x.log_softmax(1),
    }
    for dtype in (np.float32, np.float64):
        ours, theirs = both(np.arange(24).reshape(4, 6) / 4 - 2.5, dtype, requires_grad=True)  # exact sums
        assert_same_repr(calls[op](ours), calls[op](theirs))


def test_grad_fn_named_differently_still_prints_in_place():
    """PyTorch names some nodes after its kernels (a Linear layer's is AddmmBackward0): only the name may differ."""

    def linear_output(lib):
        lib.manual_seed(0)
        x = lib.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
        weight = lib.tensor(np.linspace(0.5, -0.5, 20, dtype=np.float32).reshape(5, 4), requires_grad=True)
        return lib.nn.functional.linear(x, weight, lib.zeros(5))

    ours, theirs = linear_output(glassnet), linear_output(torch)
    rename = lambda text: re.sub(r"<\w+Backward\d+>", "<Backward>", text)  # noqa: E731
    assert rename(repr(ours)) == rename(torch_repr(theirs))
    assert re.search(r"grad_fn=<\w+Backward\d>\)$", repr(ours))


def test_requires_grad_suffix_on_scalars_and_ints_dtype_order():
    assert_same_repr(*both(2.5, np.float64, requires_grad=True))
    assert_same_repr(*both([1.0, 2.0], np.float16, requires_grad=True))


def test_default_dtype_decides_which_float_names_its_dtype():
    for lib in LIBS:
        lib.set_default_dtype(lib.float64)
    try:
        for dtype in (np.float32, np.float64):
            assert_same_repr(*both([1.5, 2.0], dtype))
            assert_same_repr(*both(np.zeros((0,), dtype)))
    finally:
        for lib in LIBS:
            lib.set_default_dtype(lib.float32)


# -------------------------------------------------------------------------------- print options

OPTIONS = {
    "precision 2": dict(precision=2),
    "precision 0": dict(precision=0),
    "precision 8": dict(precision=8),
    "threshold 5": dict(threshold=5),
    "threshold 0": dict(threshold=0),
    "edgeitems 1": dict(threshold=5, edgeitems=1),
    "edgeitems 0": dict(threshold=5, edgeitems=0),
    "edgeitems 0 not summarised": dict(edgeitems=0),
    "linewidth 30": dict(linewidth=30),
    "linewidth 5": dict(linewidth=5),
    "linewidth 200": dict(linewidth=200),
    "sci on": dict(sci_mode=True),
    "sci off": dict(sci_mode=False),
    "profile short": dict(profile="short"),
    "profile full": dict(profile="full"),
    "profile with override": dict(profile="short", precision=6, linewidth=60),
}
OPTION_TENSORS = {
    "decimals": (np.linspace(-1, 1, 40).reshape(5, 8), np.float32),
    "sci": ([1e-6, 1.5, 3e4], np.float64),
    "whole": ([1.0, 200.0, -3.0], np.float32),
    "huge whole": ([1e10, 1.0], np.float32),
    "ints": (np.arange(30) - 7, np.int64),
    "bools": (np.arange(12).reshape(3, 4) % 2 == 0, np.bool_),
    "scalar": (0.123456789, np.float64),
    "long": (np.arange(1200) / 7, np.float32),
    "3-d": (np.arange(60).reshape(3, 4, 5) / 9, np.float32),
}


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("name", OPTION_TENSORS)
def test_set_printoptions_as_torch(option, name):
    for lib in LIBS:
        lib.set_printoptions(**OPTIONS[option])
    values, dtype = OPTION_TENSORS[name]
    assert_same_repr(*both(values, dtype, requires_grad=np.dtype(dtype).kind == "f"))


def test_set_printoptions_resets_sci_mode_unless_given():
    """As in PyTorch, every call sets sci_mode: one without it lets each tensor choose again."""
    glassnet.set_printoptions(sci_mode=True)
    assert repr(glassnet.tensor([1.5])) == "tensor([1.5000e+00])"
    glassnet.set_printoptions(precision=3)
    assert repr(glassnet.tensor([1.5])) == "tensor([1.500])"


def test_unknown_profile_raises():
    with pytest.raises(ValueError, match=r"set_printoptions: unknown profile 'ful'; hint: use one of"):
        glassnet.set_printoptions(profile="ful")


# ---------------------------------------------------------------------------------- random cases


def random_values(rng):
    """Values of a random shape (0-d to 4-d, up to a few thousand elements), dtype and spread."""
    ndim = int(rng.integers(0, 5))
    sizes = [1, 2, 3, 4, 6, 7, 9, 15, 40, 130, 1001]
    shape = ()
    for _ in range(ndim):
        limit = max(1, 6000 // max(1, int(np.prod(shape))))
        shape += (int(rng.choice([s for s in sizes if s <= limit])),)
    dtype = rng.choice(["float32", "float32", "float64", "float16", "int64", "int32", "int8", "uint8", "bool"])
    if dtype == "bool":
        return rng.random(shape) < rng.random(), dtype
    if dtype[0] in "iu":
        info = np.iinfo(dtype)
        low, high = (info.min, info.max) if rng.random() < 0.3 else (max(info.min, -50), 50)
        return rng.integers(low, high, shape, dtype=dtype, endpoint=True), dtype
    kind = rng.choice(["normal", "whole", "spread", "uniform"])
    if kind == "normal":
        values = rng.standard_normal(shape) * 10.0 ** rng.uniform(-9, 11)
    elif kind == "whole":
        values = rng.integers(-(10 ** int(rng.integers(1, 10))), 10 ** int(rng.integers(1, 10)), shape).astype(float)
    elif kind == "spread":
        values = rng.standard_normal(shape) * 10.0 ** rng.uniform(-6, 6, shape)
    else:
        values = rng.uniform(-1, 1, shape) * 10.0 ** int(rng.integers(-2, 5))
    values = np.asarray(values)
    if rng.random() < 0.4 and values.size:  # sprinkle the special values
        specials = np.array([nan, inf, -inf, -0.0, 0.0])
        where = rng.random(shape) < 0.1
        values = np.where(where, rng.choice(specials, shape), values)
    if dtype == "float16":
        values = np.clip(values, -65504, 65504)
    return values.astype(dtype), dtype


@pytest.mark.parametrize("seed", range(150))
def test_random_tensors_repr_as_torch(seed):
    rng = np.random.default_rng(seed)
    values, dtype = random_values(rng)
    requires_grad = dtype.startswith("float") and rng.random() < 0.3
    ours, theirs = both(values, requires_grad=requires_grad)
    if requires_grad and rng.random() < 0.5:
        ours, theirs = ours * 1, theirs * 1  # grad_fn=<MulBackward0>
    assert_same_repr(ours, theirs)


@pytest.mark.parametrize("seed", range(80))
def test_random_tensors_under_random_print_options(seed):
    rng = np.random.default_rng(1000 + seed)
    options = dict(
        precision=int(rng.integers(0, 9)),
        linewidth=int(rng.integers(10, 160)),
        threshold=int(rng.choice([0, 5, 30, 1000, 100000])),
        edgeitems=int(rng.integers(0, 5)),
        sci_mode=rng.choice([None, True, False]),
    )
    for lib in LIBS:
        lib.set_printoptions(**options)
    values, dtype = random_values(rng)
    assert_same_repr(*both(values, requires_grad=dtype.startswith("float") and rng.random() < 0.5))


# ------------------------------------------------------------------------- str, Parameter, format


def test_str_is_repr_and_parameter_repr_as_torch():
    ours, theirs = both([[0.5, -1.0], [2.0, 3.25]], np.float32)
    assert str(ours) == repr(ours)
    for values in ([[0.5, -1.0], [2.0, 3.25]], 2.5, np.zeros((0, 3), np.float32)):
        p_ours, p_theirs = (
            glassnet.nn.Parameter(both(values, np.float32)[0]),
            torch.nn.Parameter(both(values, np.float32)[1]),
        )
        assert repr(p_ours) == torch_repr(p_theirs)
        assert str(p_ours) == torch_repr(p_theirs).replace("torch.", "glassnet.")
        assert repr(p_ours).startswith("Parameter containing:\ntensor(")


FORMATS = [
    (2.5, np.float32, ".2f"),
    (2.5, np.float32, ""),
    (0.1, np.float32, ""),
    (0.1, np.float64, ".3e"),
    (6, np.int64, ""),
    (6, np.int64, ">5"),
    (6, np.int64, "08.3f"),
    (True, np.bool_, ""),
    (-0.0, np.float32, "+.1f"),
    (nan, np.float32, ""),
]


@pytest.mark.parametrize("value, dtype, spec", FORMATS)
def test_format_of_a_0d_tensor_formats_its_value(value, dtype, spec):
    ours, theirs = both(value, dtype)
    assert format(ours, spec) == format(theirs, spec)
    ours, theirs = both(value, dtype, requires_grad=True) if np.dtype(dtype).kind == "f" else (ours, theirs)
    assert (
        f"{ours * 1 if ours.requires_grad else ours:{spec}}"
        == f"{theirs * 1 if theirs.requires_grad else theirs:{spec}}"
    )


def test_format_of_other_tensors():
    ours, theirs = both([1.5, 2.0], np.float32)
    assert f"{ours}" == torch_repr(theirs) and f"loss {ours}!" == f"loss {theirs}!".replace("torch.", "glassnet.")
    with pytest.raises(
        TypeError,
        match=r"Tensor.__format__: only a 0-dim tensor takes a format spec "
        r"\(this one has shape \(2,\)\); hint",
    ):
        f"{ours:.2f}"
    with pytest.raises(TypeError):
        f"{theirs:.2f}"
    p_ours, p_theirs = glassnet.nn.Parameter(glassnet.tensor(2.5)), torch.nn.Parameter(torch.tensor(2.5))
    assert f"{p_ours}" == f"{p_theirs}"  # as in PyTorch, a 0-d Parameter formats as its repr
    with pytest.raises(TypeError, match=r"Parameter.__format__"):
        f"{p_ours:.2f}"
    with pytest.raises(TypeError):
        f"{p_theirs:.2f}"
