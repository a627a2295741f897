"""ELU, SiLU, Softplus, ReLU6, Hardtanh, LogSigmoid and PReLU, as modules and functions.

Forward and backward against PyTorch 2.13 in float32 and float64
(``helpers.compare_with_torch``), at random points, at the kinks (0, 6, ±1,
softplus's threshold) where the choice of one-sided derivative shows, and at
±1000; ``gradcheck`` (no torch) for every backward; reprs, PReLU's parameter
and state_dict, and the error messages.
"""

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

DTYPES = [np.float32, np.float64]

MODULES = [
    pytest.param(lambda n: n.ELU(), id="ELU"),
    pytest.param(lambda n: n.ELU(alpha=0.5), id="ELU-0.5"),
    pytest.param(lambda n: n.ELU(alpha=-0.3), id="ELU-negative-alpha"),
    pytest.param(lambda n: n.SiLU(), id="SiLU"),
    pytest.param(lambda n: n.Softplus(), id="Softplus"),
    pytest.param(lambda n: n.Softplus(beta=2, threshold=3), id="Softplus-beta2-threshold3"),
    pytest.param(lambda n: n.Softplus(beta=0.5, threshold=1.0), id="Softplus-beta0.5"),
    pytest.param(lambda n: n.ReLU6(), id="ReLU6"),
    pytest.param(lambda n: n.Hardtanh(), id="Hardtanh"),
    pytest.param(lambda n: n.Hardtanh(-2.0, 0.5), id="Hardtanh-(-2,0.5)"),
    pytest.param(lambda n: n.LogSigmoid(), id="LogSigmoid"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", MODULES)
def test_activation_modules_match_torch(make, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch([(4, 5, 3)], make(torch.nn), make(nn), dtype=dtype, low=-8, high=8)


@pytest.mark.parametrize("make", MODULES)
def test_activation_gradcheck(make):
    x = glassnet.tensor(np.random.default_rng(2).uniform(-7, 7, (3, 4)), requires_grad=True)
    assert gradcheck(make(nn), x)


FUNCTIONAL = [
    pytest.param(lambda F: lambda x: F.elu(x, 0.7), id="elu"),
    pytest.param(lambda F: lambda x: F.silu(x), id="silu"),
    pytest.param(lambda F: lambda x: F.softplus(x, beta=3, threshold=5), id="softplus"),
    pytest.param(lambda F: lambda x: F.relu6(x), id="relu6"),
    pytest.param(lambda F: lambda x: F.hardtanh(x, min_val=-0.5, max_val=2), id="hardtanh"),
    pytest.param(lambda F: lambda x: F.logsigmoid(x), id="logsigmoid"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", FUNCTIONAL)
def test_functional_activations_match_torch(make, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch([(3, 4)], make(torch.nn.functional), make(F), dtype=dtype, low=-8, high=8)


KINKS = np.array([-1000.0, -20.0, -6.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 6.0, 7.0, 10.0, 20.0, 1000.0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", FUNCTIONAL)
def test_values_and_one_sided_derivatives_at_kinks_and_extremes_match_torch(make, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(None, make(torch.nn.functional), make(F), values=[KINKS.astype(dtype)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_softplus_switches_to_the_identity_exactly_where_torch_does(dtype):
    torch = pytest.importorskip("torch")
    # βx just below, at and above the threshold (the identity branch starts strictly above it)
    x = np.array([9.9, 10.0, 10.1, -10.0], dtype=dtype)
    compare_with_torch(
        None, lambda t: torch.nn.functional.softplus(t, 2, 20), lambda t: F.softplus(t, 2, 20), values=[x]
    )


def test_activations_are_finite_at_extremes():
    x = glassnet.tensor([-1000.0, 1000.0], requires_grad=True)
    for f in [F.elu, F.silu, F.softplus, F.logsigmoid]:
        x.grad = None
        y = f(x)
        y.sum().backward()
        assert np.all(np.isfinite(y.array)) and np.all(np.isfinite(x.grad.array)), f.__name__


# ---------------------------------------------------------------------- PReLU
PRELU_CASES = [
    pytest.param(1, (4, 3), id="shared-2d"),
    pytest.param(3, (4, 3), id="per-channel-2d"),
    pytest.param(3, (2, 3, 4, 5), id="per-channel-4d"),
    pytest.param(1, (2, 3, 4, 5), id="shared-4d"),
    pytest.param(1, (5,), id="shared-1d"),
    pytest.param(1, (), id="shared-0d"),
    pytest.param(2, (3, 2, 6), id="per-channel-3d"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("num_parameters, shape", PRELU_CASES)
def test_prelu_module_matches_torch_including_the_weight_gradient(num_parameters, shape, dtype):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    weight = rng.uniform(-1, 1, num_parameters).astype(dtype)
    theirs = torch.nn.PReLU(num_parameters, dtype=getattr(torch, np.dtype(dtype).name))
    ours = nn.PReLU(num_parameters, dtype=dtype)
    with torch.no_grad():
        theirs.weight.copy_(torch.from_numpy(weight))
    ours.weight.data.copy_(glassnet.tensor(weight))
    x = rng.uniform(-2, 2, shape).astype(dtype)
    x.reshape(-1)[:2] = 0.0  # the kink: torch takes the slope side there
    ox, tx = glassnet.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, expected = ours(ox), theirs(tx)
    upstream = rng.uniform(-1, 1, shape).astype(dtype)
    out.backward(glassnet.tensor(upstream))
    expected.backward(torch.tensor(upstream))
    tolerance = dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(out.array, expected.detach().numpy(), **tolerance)
    np.testing.assert_allclose(ox.grad.array, tx.grad.numpy(), **tolerance)
    assert ours.weight.grad.dtype == dtype and ours.weight.grad.shape == (num_parameters,)
    np.testing.assert_allclose(ours.weight.grad.array, theirs.weight.grad.numpy(), **tolerance)


@pytest.mark.parametrize("weight_shape, shape", [((1,), (3, 4)), ((4,), (3, 4, 2)), ((), (2, 3))])
def test_prelu_gradcheck(weight_shape, shape):
    rng = np.random.default_rng(1)
    x = glassnet.tensor(rng.uniform(-2, 2, shape), requires_grad=True)
    w = glassnet.tensor(rng.uniform(-1, 1, weight_shape), requires_grad=True)
    assert gradcheck(F.prelu, (x, w))


def test_prelu_parameter_init_state_dict_and_dtype():
    torch = pytest.importorskip("torch")
    layer = nn.PReLU(3, init=0.1, dtype=glassnet.float64)
    assert layer.weight.dtype == glassnet.float64 and np.all(layer.weight.array == 0.1)
    assert list(layer.state_dict()) == list(torch.nn.PReLU(3).state_dict()) == ["weight"]
    assert np.all(nn.PReLU().weight.array == np.float32(0.25)) and nn.PReLU().weight.dtype == glassnet.float32
    layer.weight.data.fill_(5.0)
    layer.reset_parameters()
    assert np.all(layer.weight.array == 0.1)


def test_prelu_errors_name_the_sizes():
    with pytest.raises(RuntimeError, match=r"parameter numbers = 3 and channel size = 4 \(input shape \(2, 4\)\)"):
        nn.PReLU(3)(glassnet.ones(2, 4))
    with pytest.raises(RuntimeError, match="parameter numbers = 3 and channel size = 1"):
        nn.PReLU(3)(glassnet.ones(3))
    with pytest.raises(RuntimeError, match="channel size"):
        nn.PReLU(3)(glassnet.ones(()))
    with pytest.raises(RuntimeError, match="scalar or 1D tensor, but got: ndim = 2"):
        F.prelu(glassnet.ones(2, 4), glassnet.ones(2, 2))
    with pytest.raises(RuntimeError, match="input has dtype glassnet.float64 but weight has dtype glassnet.float32"):
        nn.PReLU()(glassnet.ones(2, dtype=glassnet.float64))


# ---------------------------------------------------------------- reprs, errors
REPRS = [
    lambda n: n.ELU(),
    lambda n: n.ELU(0.5, True),
    lambda n: n.ELU(alpha=2),
    lambda n: n.SiLU(),
    lambda n: n.SiLU(inplace=True),
    lambda n: n.Softplus(),
    lambda n: n.Softplus(2, 10),
    lambda n: n.Softplus(beta=0.5, threshold=15.0),
    lambda n: n.ReLU6(),
    lambda n: n.ReLU6(True),
    lambda n: n.Hardtanh(),
    lambda n: n.Hardtanh(-2, 3.0, True),
    lambda n: n.LogSigmoid(),
    lambda n: n.PReLU(),
    lambda n: n.PReLU(64),
]


@pytest.mark.parametrize("make", REPRS)
def test_repr_matches_torch(make):
    torch = pytest.importorskip("torch")
    assert repr(make(nn)) == repr(make(torch.nn))


def test_defaults_and_attributes_match_torch():
    torch = pytest.importorskip("torch")
    for name, attributes in [
        ("ELU", ["alpha", "inplace"]),
        ("SiLU", ["inplace"]),
        ("Softplus", ["beta", "threshold"]),
        ("ReLU6", ["min_val", "max_val", "inplace"]),
        ("Hardtanh", ["min_val", "max_val", "inplace"]),
        ("PReLU", ["num_parameters", "init"]),
    ]:
        ours, theirs = getattr(nn, name)(), getattr(torch.nn, name)()
        for attribute in attributes:
            assert getattr(ours, attribute) == getattr(theirs, attribute), (name, attribute)


def test_hardtanh_bounds_are_checked():
    with pytest.raises(
        ValueError, match=r"hardtanh: min_val cannot be greater than max_val, got min_val=2 > max_val=1"
    ):
        F.hardtanh(glassnet.ones(2), 2, 1)
    assert np.array_equal(F.hardtanh(glassnet.tensor([0.0, 3.0]), 1.0, 1.0).array, [1.0, 1.0])  # allowed, as in torch
    with pytest.raises(ValueError, match=r"max_val \(1.0\) must be greater than min_val \(2.0\)"):
        nn.Hardtanh(2.0, 1.0)


def test_integer_inputs():
    torch = pytest.importorskip("torch")
    ints = np.array([-3, 1, 7], dtype=np.int64)
    out = F.relu6(glassnet.tensor(ints))
    assert out.dtype == glassnet.int64
    assert np.array_equal(out.array, torch.nn.functional.relu6(torch.tensor(ints)).numpy())
    for f in [F.elu, F.silu, F.softplus, F.logsigmoid]:
        with pytest.raises(RuntimeError, match=f"{f.__name__}: input must be floating point, got dtype"):
            f(glassnet.tensor(ints))


def test_inplace_changes_the_input_and_returns_it_as_torch():
    torch = pytest.importorskip("torch")
    for name in ["ELU", "SiLU", "ReLU6", "Hardtanh"]:
        x, t = glassnet.tensor([-1.0, 7.0]), torch.tensor([-1.0, 7.0])
        assert getattr(nn, name)(inplace=True)(x) is x
        assert getattr(torch.nn, name)(inplace=True)(t) is t
        assert np.allclose(x.array, t.numpy())
