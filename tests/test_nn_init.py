"""glassnet.nn.init: PyTorch's formulas (gains, fans, bounds, stds) and the distributions they produce.

Statistical checks use enough samples that a wrong formula is far outside the
tolerance: for n draws the sample std of a std-σ distribution is within
about σ·3/√(2n) with overwhelming probability, and we allow 2 %.
"""

import math

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.nn import init


def empty(*shape, dtype=np.float32):
    return glassnet.zeros(*shape, dtype=dtype)


def test_calculate_gain_matches_torch():
    torch = pytest.importorskip("torch")
    for name, param in [
        ("linear", None),
        ("conv2d", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("leaky_relu", math.sqrt(5)),
        ("leaky_relu", 0),
        ("selu", None),
    ]:
        assert init.calculate_gain(name, param) == pytest.approx(torch.nn.init.calculate_gain(name, param), rel=1e-15)
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")
    with pytest.raises(ValueError, match="negative_slope True not a valid number"):
        init.calculate_gain("leaky_relu", True)


def test_fan_in_and_fan_out_match_torch():
    torch = pytest.importorskip("torch")
    for shape in [(5, 3), (8, 4, 3, 3), (2, 6, 5)]:
        assert init._calculate_fan_in_and_fan_out(empty(*shape)) == torch.nn.init._calculate_fan_in_and_fan_out(
            torch.empty(shape)
        )
    assert init._calculate_fan_in_and_fan_out(empty(6, 1, 5, 5)) == (25, 150)
    with pytest.raises(ValueError, match=r"fewer than 2 dimensions \(shape \(4,\)\)"):
        init._calculate_fan_in_and_fan_out(empty(4))
    with pytest.raises(ValueError, match="Mode fan_avg not supported"):
        init.kaiming_uniform_(empty(3, 3), mode="fan_avg")


def test_linear_default_init_is_pytorchs():
    glassnet.manual_seed(0)
    layer = nn.Linear(100, 50)
    bound = 1 / math.sqrt(100)  # kaiming_uniform_(a=√5) = U(±1/√fan_in)
    for p in (layer.weight, layer.bias):
        assert np.all(np.abs(p.array) <= bound)
    assert layer.weight.array.std() == pytest.approx(1 / math.sqrt(3 * 100), rel=0.03)  # std of U(±b) is b/√3
    assert np.abs(layer.weight.array).max() > 0.98 * bound  # the whole range is used
    assert np.abs(layer.bias.array).max() > 0.5 * bound and layer.bias.array.std() > 0.03
    before = layer.weight.array.copy()
    layer.reset_parameters()
    assert not np.array_equal(before, layer.weight.array)


def test_linear_init_is_reproducible_with_manual_seed():
    glassnet.manual_seed(7)
    first = nn.Linear(4, 3).weight.array.copy()
    glassnet.manual_seed(7)
    assert np.array_equal(first, nn.Linear(4, 3).weight.array)


SCHEMES = [
    # (init call, expected std, uniform bound or None for normal)
    pytest.param(
        lambda t: init.xavier_uniform_(t), math.sqrt(2 / (400 + 300)), math.sqrt(6 / (400 + 300)), id="xavier_uniform"
    ),
    pytest.param(
        lambda t: init.xavier_uniform_(t, gain=2.0),
        2 * math.sqrt(2 / 700),
        2 * math.sqrt(6 / 700),
        id="xavier_uniform-gain",
    ),
    pytest.param(lambda t: init.xavier_normal_(t), math.sqrt(2 / 700), None, id="xavier_normal"),
    pytest.param(
        lambda t: init.kaiming_uniform_(t, nonlinearity="relu"),
        math.sqrt(2 / 400),
        math.sqrt(6 / 400),
        id="kaiming_uniform",
    ),
    pytest.param(
        lambda t: init.kaiming_uniform_(t, a=math.sqrt(5)),
        1 / math.sqrt(3 * 400),
        1 / math.sqrt(400),
        id="kaiming_uniform-a",
    ),
    pytest.param(
        lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
        math.sqrt(2 / 300),
        None,
        id="kaiming_normal-fan_out",
    ),
    pytest.param(
        lambda t: init.kaiming_normal_(t), math.sqrt(2 / (1 + 0.01**2) / 400), None, id="kaiming_normal-leaky"
    ),
    pytest.param(lambda t: init.uniform_(t, -0.5, 0.5), 1 / math.sqrt(12), 0.5, id="uniform"),
    pytest.param(lambda t: init.normal_(t, 0.0, 0.02), 0.02, None, id="normal"),
]


@pytest.mark.parametrize("fill, std, bound", SCHEMES)
def test_init_distributions(fill, std, bound):
    glassnet.manual_seed(0)
    weight = nn.Parameter(empty(300, 400))  # fan_in 400, fan_out 300; a Parameter: init needs no no_grad()
    assert fill(weight) is weight and weight.requires_grad and weight.grad_fn is None
    values = weight.array
    assert values.dtype == np.float32
    assert abs(values.mean()) < 0.02 * std  # 7 standard errors of the mean of 120,000 draws
    assert values.std() == pytest.approx(std, rel=0.02)
    if bound is not None:
        assert np.abs(values).max() <= bound and np.abs(values).max() > 0.99 * bound


def test_normal_mean_and_generator_argument():
    a, b = empty(1000), empty(1000)
    init.normal_(a, mean=3.0, std=0.1, generator=glassnet.Generator(5))
    init.normal_(b, mean=3.0, std=0.1, generator=glassnet.Generator(5))
    assert np.array_equal(a.array, b.array) and a.array.mean() == pytest.approx(3.0, abs=0.02)
    init.uniform_(b, 2.0, 3.0)
    assert b.array.min() >= 2.0 and b.array.max() < 3.0


def test_constant_ones_zeros():
    t = nn.Parameter(empty(2, 3, dtype=np.float64))
    assert np.all(init.constant_(t, 0.25).array == 0.25) and t.dtype == np.float64
    assert np.all(init.ones_(t).array == 1)
    assert not init.zeros_(t).array.any()


def test_zero_element_tensors_warn_and_stay_empty():
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        t = init.kaiming_uniform_(empty(0, 3))
    assert t.shape == (0, 3)
