"""glassnet.optim: RMSprop, Adagrad (and SGD, Adam options) against torch.optim over many steps; state dicts.

Each configuration trains the small MLP of test_optim.py for STEPS steps with a
new batch at every step, in glassnet and in torch from the same weights, and
compares the parameters and the optimizer state.  Tolerances: 1e-10 in float64,
2e-5 in float32 (float32 rounding differences grow a little over 25 steps).
"""

import numpy as np
import pytest

from glassnet import optim
from test_optim import initial_weights, run_glassnet, train_glassnet, train_torch

STEPS = 25
TOL = {np.float64: 1e-10, np.float32: 2e-5}

# (optimizer, keyword arguments): the same call works in glassnet and torch.
CONFIGS = [
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.005, alpha=0.9)),
    ("RMSprop", dict(lr=0.005, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.8)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.002, alpha=0.7, eps=1e-3, weight_decay=0.05, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.05)),
    ("Adadelta", dict(lr=2.0, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.05, lr_decay=0.1)),
    ("Adagrad", dict(lr=0.05, initial_accumulator_value=0.5, eps=1e-3)),
    ("Adagrad", dict(lr=0.05, weight_decay=0.2, lr_decay=0.01, maximize=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.01, momentum=0.7, dampening=0.3, maximize=True)),  # ascent diverges: keep it short
    ("Adam", dict(lr=0.02, amsgrad=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.9), amsgrad=True, maximize=True)),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items()) or 'defaults'}" for name, kwargs in CONFIGS]


def assert_same_state(our_opt, their_opt, tol):
    ours, theirs = our_opt.state_dict(), their_opt.state_dict()
    assert ours["state"].keys() == theirs["state"].keys()
    for index in ours["state"]:
        assert ours["state"][index].keys() == theirs["state"][index].keys()
        for key, value in ours["state"][index].items():
            np.testing.assert_allclose(value, theirs["state"][index][key].numpy(), rtol=1e-5, atol=tol, err_msg=key)
    for our_group, their_group in zip(ours["param_groups"], theirs["param_groups"]):
        for key, value in our_group.items():
            assert their_group[key] == value, key


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=IDS)
def test_trajectory_matches_torch(name, kwargs, dtype):
    torch = pytest.importorskip("torch")
    weights = initial_weights(dtype)
    ours, our_opt = train_glassnet(lambda p: getattr(optim, name)(p, **kwargs), weights, STEPS)
    theirs, their_opt = train_torch(torch, lambda p: getattr(torch.optim, name)(p, **kwargs), weights, STEPS)
    for key in weights:
        assert ours[key].array.dtype == dtype
        np.testing.assert_allclose(ours[key].array, theirs[key].detach().numpy(), rtol=0, atol=TOL[dtype], err_msg=key)
        assert np.abs(ours[key].array - weights[key]).max() > 1e-2, "the optimizer should have moved " + key
    assert_same_state(our_opt, their_opt, TOL[dtype])


@pytest.mark.parametrize("kwargs", [dict(centered=True), dict(momentum=0.8), dict(alpha=0.9)], ids=str)
def test_rmsprop_options_change_the_trajectory(kwargs):
    """The trajectory test can tell each option apart from plain RMSprop (otherwise it would prove nothing)."""
    weights = initial_weights(np.float64)
    plain = train_glassnet(lambda p: optim.RMSprop(p, lr=0.005), weights, STEPS)[0]["W1"].array
    other = train_glassnet(lambda p: optim.RMSprop(p, lr=0.005, **kwargs), weights, STEPS)[0]["W1"].array
    assert np.abs(plain - other).max() > 1e-3


def test_adagrad_follows_its_formula_on_a_quadratic():
    """f(θ) = ½‖θ‖² has g = θ; one coordinate written out by hand: s ← s + g², θ ← θ - γₜ g / (√s + ε)."""
    import glassnet

    theta = glassnet.tensor([2.0, -1.0], dtype=glassnet.float64, requires_grad=True)
    opt = optim.Adagrad([theta], lr=0.5, lr_decay=0.25, initial_accumulator_value=1.0)
    expected, s = np.array([2.0, -1.0]), np.ones(2)
    for t in range(1, 6):
        opt.zero_grad()
        (0.5 * (theta * theta).sum()).backward()
        opt.step()
        g = expected
        s = s + g * g
        expected = expected - 0.5 / (1 + (t - 1) * 0.25) * g / (np.sqrt(s) + 1e-10)
    np.testing.assert_allclose(theta.array, expected, rtol=1e-14)


@pytest.mark.parametrize(
    "name, kwargs", [CONFIGS[4], CONFIGS[5], CONFIGS[8], CONFIGS[9]], ids=[IDS[4], IDS[5], IDS[8], IDS[9]]
)
def test_state_dict_round_trip_resumes_the_trajectory(name, kwargs):
    weights = initial_weights(np.float64)
    uninterrupted, _ = train_glassnet(lambda p: getattr(optim, name)(p, **kwargs), weights, STEPS)

    first, first_opt = train_glassnet(lambda p: getattr(optim, name)(p, **kwargs), weights, 10)
    arrays, metadata = optim.flatten_state_dict(first_opt.state_dict())  # as saved to safetensors
    params = {key: value.detach().requires_grad_(True) for key, value in first.items()}
    resumed = getattr(optim, name)(list(params.values()), **kwargs)
    resumed.load_state_dict(optim.unflatten_state_dict(arrays, metadata))
    run_glassnet(resumed, params, STEPS - 10, start=10)
    for key in weights:
        np.testing.assert_array_equal(params[key].array, uninterrupted[key].array, err_msg=key)


def test_adagrad_state_exists_before_the_first_step_as_in_torch():
    torch = pytest.importorskip("torch")
    weights = initial_weights(np.float32)
    ours, _ = train_glassnet(lambda p: optim.Adagrad(p, initial_accumulator_value=0.3), weights, 0)
    our_state = optim.Adagrad(list(ours.values()), initial_accumulator_value=0.3).state_dict()["state"]
    their_state = torch.optim.Adagrad(
        [torch.zeros(v.shape) for v in weights.values()], initial_accumulator_value=0.3
    ).state_dict()["state"]
    assert our_state.keys() == their_state.keys() == {0, 1, 2, 3}
    for index in our_state:
        assert int(our_state[index]["step"]) == 0
        np.testing.assert_array_equal(our_state[index]["sum"], their_state[index]["sum"].numpy())


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("RMSprop", dict(lr=-1), "Invalid learning rate: -1"),
        ("RMSprop", dict(alpha=-0.5), "Invalid alpha value: -0.5"),
        ("RMSprop", dict(momentum=-0.1), "Invalid momentum value: -0.1"),
        ("RMSprop", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
        ("RMSprop", dict(weight_decay=-2), "Invalid weight_decay value: -2"),
        ("Adagrad", dict(lr_decay=-0.1), "Invalid lr_decay value: -0.1"),
        ("Adagrad", dict(initial_accumulator_value=-1), "Invalid initial_accumulator_value value: -1"),
        ("Adagrad", dict(eps=-1), "Invalid epsilon value: -1"),
    ],
)
def test_bad_arguments_raise_torchs_errors(name, kwargs, message):
    import glassnet

    with pytest.raises(ValueError, match=f"^{message}$"):
        getattr(optim, name)([glassnet.zeros(2, requires_grad=True)], **kwargs)
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=f"^{message}$"):
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)


def test_defaults_are_torchs():
    import inspect

    torch = pytest.importorskip("torch")
    for name in ("RMSprop", "Adagrad", "SGD", "Adam"):
        ours = inspect.signature(getattr(optim, name)).parameters
        theirs = inspect.signature(getattr(torch.optim, name)).parameters
        for arg, parameter in ours.items():
            assert theirs[arg].default == parameter.default, (name, arg)
