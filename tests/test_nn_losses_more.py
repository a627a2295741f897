"""SmoothL1Loss, HuberLoss and KLDivLoss and their functional forms against PyTorch 2.13.

Loss values and the gradients of input and target (PyTorch differentiates
both) in float32 and float64 through ``helpers.compare_with_torch``, at
random points and at the switch points |input - target| = beta / delta;
``gradcheck`` without torch; 'batchmean' and the 'mean' warning of
``kl_div``; module options, reprs and state_dict; error messages.
"""

import warnings

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

DTYPES = [np.float32, np.float64]


def normal(*shape, seed=0, scale=2.0):
    return lambda dtype: np.random.default_rng(seed).normal(0, scale, shape).astype(dtype)


def log_probabilities(*shape, seed=1):
    def make(dtype):
        z = np.random.default_rng(seed).normal(0, 1, shape)
        return (z - np.log(np.exp(z).sum(axis=-1, keepdims=True))).astype(dtype)

    return make


def probabilities(*shape, seed=2):
    return lambda dtype: np.exp(log_probabilities(*shape, seed=seed)(dtype))


def with_zeros(make):
    """``make``'s probabilities with some exact zeros (their terms are 0, as t log t -> 0)."""

    def zeroed(dtype):
        values = make(dtype)
        values.reshape(-1)[::4] = 0
        return values

    return zeroed


def case(id, inputs, loss):
    return pytest.param(inputs, loss, id=id)


REGRESSION = [normal(4, 3), normal(4, 3, seed=5)]
CASES = [
    case("smooth_l1", REGRESSION, lambda F: F.smooth_l1_loss),
    case("smooth_l1-beta0.5-sum", REGRESSION, lambda F: lambda x, t: F.smooth_l1_loss(x, t, reduction="sum", beta=0.5)),
    case("smooth_l1-beta3-none", REGRESSION, lambda F: lambda x, t: F.smooth_l1_loss(x, t, reduction="none", beta=3)),
    case("smooth_l1-beta0-is-l1", REGRESSION, lambda F: lambda x, t: F.smooth_l1_loss(x, t, beta=0.0)),
    case("huber", REGRESSION, lambda F: F.huber_loss),
    case("huber-positional", REGRESSION, lambda F: lambda x, t: F.huber_loss(x, t, "sum", 0.5)),
    case("huber-delta3-none", REGRESSION, lambda F: lambda x, t: F.huber_loss(x, t, reduction="none", delta=3.0)),
    case("huber-0d", [normal(), normal(seed=3)], lambda F: F.huber_loss),
    case(
        "kl-batchmean",
        [log_probabilities(4, 5), probabilities(4, 5)],
        lambda F: lambda x, t: F.kl_div(x, t, reduction="batchmean"),
    ),
    case(
        "kl-sum-3d",
        [log_probabilities(2, 3, 4), probabilities(2, 3, 4)],
        lambda F: lambda x, t: F.kl_div(x, t, reduction="sum"),
    ),
    case(
        "kl-none",
        [log_probabilities(4, 5), probabilities(4, 5)],
        lambda F: lambda x, t: F.kl_div(x, t, reduction="none"),
    ),
    case(
        "kl-log-target",
        [log_probabilities(4, 5), log_probabilities(4, 5, seed=9)],
        lambda F: lambda x, t: F.kl_div(x, t, reduction="batchmean", log_target=True),
    ),
    case(
        "kl-log-target-none",
        [log_probabilities(3, 5), log_probabilities(3, 5, seed=9)],
        lambda F: lambda x, t: F.kl_div(x, t, reduction="none", log_target=True),
    ),
    case(
        "kl-batchmean-0d",
        [normal(), lambda dt: np.array(0.3, dt)],
        lambda F: lambda x, t: F.kl_div(x, t, reduction="batchmean"),
    ),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inputs, loss", CASES)
def test_loss_matches_torch(inputs, loss, dtype):
    torch = pytest.importorskip("torch")
    values = [make(dtype) for make in inputs]
    compare_with_torch(None, loss(torch.nn.functional), loss(F), values=values)


@pytest.mark.parametrize("inputs, loss", CASES)
def test_loss_gradcheck(inputs, loss):
    tensors = [glassnet.tensor(make(np.float64), requires_grad=True) for make in inputs]
    assert gradcheck(loss(F), tensors)


@pytest.mark.parametrize("dtype", DTYPES)
def test_kl_div_target_zeros_give_zero_terms_and_nan_target_gradients_like_torch(dtype):
    torch = pytest.importorskip("torch")
    values = [log_probabilities(4, 5)(dtype), with_zeros(probabilities(4, 5))(dtype)]
    out, _ = compare_with_torch(
        None,
        lambda x, t: torch.nn.functional.kl_div(x, t, reduction="none"),
        lambda x, t: F.kl_div(x, t, reduction="none"),
        values=values,
    )
    assert np.all(out[0].array.reshape(-1)[::4] == 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "loss",
    [
        lambda F: lambda x, t: F.smooth_l1_loss(x, t, reduction="none", beta=0.5),
        lambda F: lambda x, t: F.huber_loss(x, t, reduction="none", delta=0.5),
    ],
)
def test_values_and_gradients_at_the_switch_points_match_torch(loss, dtype):
    torch = pytest.importorskip("torch")
    x = np.array([-2.0, -0.5, -0.25, 0.0, 0.25, 0.5, 2.0], dtype=dtype)
    compare_with_torch(None, loss(torch.nn.functional), loss(F), values=[x, np.zeros_like(x)])


def test_huber_is_smooth_l1_times_delta():
    x, t = glassnet.randn(5, 4), glassnet.randn(5, 4)
    for delta in (0.3, 1.0, 2.5):
        np.testing.assert_allclose(
            F.huber_loss(x, t, delta=delta).item(), delta * F.smooth_l1_loss(x, t, beta=delta).item(), rtol=1e-6
        )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_huber_weight_matches_torch(reduction, dtype):
    torch = pytest.importorskip("torch")
    weight = np.random.default_rng(4).uniform(0, 2, (4, 3)).astype(dtype)
    compare_with_torch(
        None,
        lambda x, t: torch.nn.functional.huber_loss(x, t, reduction, 0.7, torch.tensor(weight)),
        lambda x, t: F.huber_loss(x, t, reduction, 0.7, glassnet.tensor(weight)),
        values=[m(dtype) for m in REGRESSION],
    )


def test_kl_div_mean_warns_like_torch_and_divides_by_the_number_of_elements():
    torch = pytest.importorskip("torch")
    x, t = log_probabilities(4, 5)(np.float64), probabilities(4, 5)(np.float64)
    with pytest.warns(UserWarning) as ours:
        loss = F.kl_div(glassnet.tensor(x), glassnet.tensor(t))
    with pytest.warns(UserWarning) as theirs:
        expected = torch.nn.functional.kl_div(torch.tensor(x), torch.tensor(t))
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert ours[0].filename == __file__  # points at the caller, as PyTorch's stacklevel=2 does
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-12)
    total = F.kl_div(glassnet.tensor(x), glassnet.tensor(t), reduction="sum").item()
    np.testing.assert_allclose(loss.item(), total / 20, rtol=1e-12)  # 4 x 5 elements
    np.testing.assert_allclose(
        F.kl_div(glassnet.tensor(x), glassnet.tensor(t), reduction="batchmean").item(), total / 4
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.kl_div(glassnet.tensor(x), glassnet.tensor(t), reduction="batchmean")
        nn.KLDivLoss(reduction="sum")(glassnet.tensor(x), glassnet.tensor(t))


# -------------------------------------------------------------------- modules
MODULES = [
    pytest.param(lambda n: n.SmoothL1Loss(), REGRESSION, id="SmoothL1Loss"),
    pytest.param(lambda n: n.SmoothL1Loss(reduction="none", beta=0.4), REGRESSION, id="SmoothL1Loss-options"),
    pytest.param(lambda n: n.HuberLoss(), REGRESSION, id="HuberLoss"),
    pytest.param(lambda n: n.HuberLoss("sum", 0.3), REGRESSION, id="HuberLoss-positional"),
    pytest.param(
        lambda n: n.KLDivLoss(reduction="batchmean"), [log_probabilities(4, 5), probabilities(4, 5)], id="KLDivLoss"
    ),
    pytest.param(
        lambda n: n.KLDivLoss(reduction="sum", log_target=True),
        [log_probabilities(4, 5), log_probabilities(4, 5, seed=3)],
        id="KLDivLoss-log-target",
    ),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make, inputs", MODULES)
def test_loss_modules_match_torch(make, inputs, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(None, make(torch.nn), make(nn), values=[m(dtype) for m in inputs])


def test_module_defaults_reprs_and_state_dict_match_torch():
    torch = pytest.importorskip("torch")
    for make in [
        lambda n: n.SmoothL1Loss(),
        lambda n: n.SmoothL1Loss(reduction="sum", beta=0.5),
        lambda n: n.HuberLoss(),
        lambda n: n.HuberLoss("none", 2.0),
        lambda n: n.KLDivLoss(),
        lambda n: n.KLDivLoss(reduction="batchmean", log_target=True),
    ]:
        ours, theirs = make(nn), make(torch.nn)
        assert repr(ours) == repr(theirs)
        assert list(ours.state_dict()) == list(theirs.state_dict()) == []
        for attribute in ["reduction", "beta", "delta", "log_target"]:
            assert getattr(ours, attribute, None) == getattr(theirs, attribute, None), attribute


def test_a_training_step_with_smooth_l1_moves_toward_the_target():
    layer = nn.Linear(3, 1)
    x, y = glassnet.randn(16, 3), glassnet.randn(16, 1)
    loss_fn = nn.SmoothL1Loss()
    before = loss_fn(layer(x), y).item()
    for _ in range(20):
        layer.zero_grad()
        loss = loss_fn(layer(x), y)
        loss.backward()
        with glassnet.no_grad():
            for p in layer.parameters():
                p -= 0.1 * p.grad
    assert loss_fn(layer(x), y).item() < before


# --------------------------------------------------------------------- errors
def test_errors_name_the_loss_and_the_problem():
    x, t = glassnet.randn(2, 3), glassnet.randn(2, 3)
    with pytest.raises(RuntimeError, match="smooth_l1_loss: does not support negative values for beta, got beta=-1"):
        F.smooth_l1_loss(x, t, beta=-1)
    for delta in (0.0, -1.0):
        with pytest.raises(RuntimeError, match="huber_loss: does not support non-positive values for delta"):
            F.huber_loss(x, t, delta=delta)
    with pytest.raises(ValueError, match="huber_loss: 'avg' is not a valid value for reduction"):
        F.huber_loss(x, t, "avg")
    with pytest.raises(ValueError, match="kl_div: 'avg' is not a valid value for reduction; hint: use 'batchmean'"):
        F.kl_div(x, t, reduction="avg")
    with pytest.raises(ValueError, match="smooth_l1_loss: 'batchmean' is not a valid value for reduction"):
        F.smooth_l1_loss(x, t, reduction="batchmean")
    with pytest.raises(
        ValueError, match=r"huber_loss: weights and input must have the same size, got weight shape \(3,\)"
    ):
        F.huber_loss(x, t, weight=glassnet.ones(3))
    for loss in (F.smooth_l1_loss, F.huber_loss, F.kl_div):
        with pytest.raises(
            ValueError, match=rf"{loss.__name__}: target shape \(2,\) differs from input shape \(2, 1\)"
        ):
            loss(glassnet.randn(2, 1), glassnet.randn(2), reduction="sum")
        with pytest.raises(RuntimeError, match=f"{loss.__name__}: target must be floating point"):
            loss(x, glassnet.ones(2, 3, dtype=glassnet.int64), reduction="sum")
    with pytest.raises(TypeError):
        nn.SmoothL1Loss(None, None, "sum")  # PyTorch's deprecated size_average and reduce: keyword-only here
