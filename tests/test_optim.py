"""glassnet.optim: SGD, Adam, AdamW against torch.optim on a small MLP; param groups, zero_grad, errors, state dicts.

Tolerances: parameters after several steps agree with torch to 1e-10 in float64
and 1e-5 in float32.
"""

import re

import numpy as np
import pytest

import glassnet
from glassnet import optim

STEPS = 6
TOL = {np.float64: 1e-10, np.float32: 1e-5}

# (optimizer, keyword arguments): the same call works in glassnet and torch.
CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, betas=(0.5, 0.6), eps=1e-3, weight_decay=0.1, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items())}" for name, kwargs in CONFIGS]


def initial_weights(dtype, seed=0):
    rng = np.random.default_rng(seed)
    shapes = {"W1": (5, 3), "b1": (5,), "W2": (2, 5), "b2": (2,)}
    return {name: rng.standard_normal(shape).astype(dtype) for name, shape in shapes.items()}


def batch(step, dtype):
    """A different batch at every step, so the gradients (and AMSGrad's maximum) change."""
    rng = np.random.default_rng(100 + step)
    return rng.standard_normal((8, 3)).astype(dtype), rng.standard_normal((8, 2)).astype(dtype)


def mlp_loss(w, x, y):
    """Mean squared error of a 2-layer tanh MLP; works on glassnet and torch tensors alike."""
    return (((x @ w["W1"].T + w["b1"]).tanh() @ w["W2"].T + w["b2"] - y) ** 2).mean()


def train_glassnet(make_opt, weights, steps, start=0):
    params = {k: glassnet.tensor(v.copy(), requires_grad=True) for k, v in weights.items()}
    opt = make_opt(list(params.values()))
    run_glassnet(opt, params, steps, start)
    return params, opt


def run_glassnet(opt, params, steps, start=0):
    dtype = params["W1"].dtype
    for step in range(start, start + steps):
        x, y = (glassnet.from_numpy(a) for a in batch(step, dtype))
        opt.zero_grad()
        mlp_loss(params, x, y).backward()
        opt.step()


def train_torch(torch, make_opt, weights, steps):
    params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
    opt = make_opt(list(params.values()))
    for step in range(steps):
        x, y = (torch.from_numpy(a) for a in batch(step, weights["W1"].dtype))
        opt.zero_grad()
        mlp_loss(params, x, y).backward()
        opt.step()
    return params, opt


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=IDS)
def test_matches_torch_on_an_mlp(name, kwargs, dtype):
    torch = pytest.importorskip("torch")
    weights = initial_weights(dtype)
    ours, our_opt = train_glassnet(lambda p: getattr(optim, name)(p, **kwargs), weights, STEPS)
    theirs, their_opt = train_torch(torch, lambda p: getattr(torch.optim, name)(p, **kwargs), weights, STEPS)
    for key in weights:
        assert ours[key].dtype == dtype
        np.testing.assert_allclose(ours[key].array, theirs[key].detach().numpy(), rtol=0, atol=TOL[dtype], err_msg=key)
        assert np.abs(ours[key].array - weights[key]).max() > 1e-3, "the optimizer should have moved " + key
    # the state has torch's names and values
    our_state, their_state = our_opt.state_dict()["state"], their_opt.state_dict()["state"]
    assert our_state.keys() == their_state.keys()
    for index in our_state:
        assert our_state[index].keys() == their_state[index].keys()
        for key, value in our_state[index].items():
            np.testing.assert_allclose(value, their_state[index][key].numpy(), rtol=1e-5, atol=TOL[dtype], err_msg=key)


def test_amsgrad_and_nesterov_change_the_trajectory():
    """The MLP test can tell these options apart (otherwise it would prove nothing about them)."""
    weights = initial_weights(np.float64)

    def final(make_opt):
        return train_glassnet(make_opt, weights, STEPS)[0]["W1"].data

    adam = final(lambda p: optim.Adam(p, lr=0.05, betas=(0.5, 0.6), eps=1e-3))
    ams = final(lambda p: optim.Adam(p, lr=0.05, betas=(0.5, 0.6), eps=1e-3, amsgrad=True))
    assert np.abs(adam - ams).max() > 1e-4
    momentum = final(lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
    nesterov = final(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True))
    assert np.abs(momentum - nesterov).max() > 1e-4


def test_param_groups_with_different_learning_rates_match_torch():
    torch = pytest.importorskip("torch")
    weights = initial_weights(np.float64)

    def groups(p):
        return [{"params": p[:2]}, {"params": p[2:], "lr": 0.5, "momentum": 0.0}]

    ours, our_opt = train_glassnet(lambda p: optim.SGD(groups(p), lr=0.1, momentum=0.9), weights, STEPS)
    theirs, _ = train_torch(torch, lambda p: torch.optim.SGD(groups(p), lr=0.1, momentum=0.9), weights, STEPS)
    for key in weights:
        np.testing.assert_allclose(ours[key].array, theirs[key].detach().numpy(), rtol=0, atol=1e-10, err_msg=key)
    assert [g["lr"] for g in our_opt.param_groups] == [0.1, 0.5]
    assert [g["momentum"] for g in our_opt.param_groups] == [0.9, 0.0]
    assert set(our_opt.state_dict()["state"]) == {0, 1}  # only the momentum group keeps buffers


def test_add_param_group_fills_defaults():
    a = glassnet.randn(3, requires_grad=True)
    b = glassnet.randn(2, requires_grad=True)
    opt = optim.Adam([a], lr=0.01)
    opt.add_param_group({"params": b, "betas": (0.5, 0.9)})
    assert opt.param_groups[1]["params"] == [b]
    assert opt.param_groups[1]["lr"] == 0.01 and opt.param_groups[1]["betas"] == (0.5, 0.9)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})


def test_lecture_example_value_gradient_and_convergence():
    x = glassnet.tensor(-0.5, requires_grad=True)
    f = (-x).exp() + x**2
    f.backward()
    assert f.item() == pytest.approx(1.8987, abs=1e-4)
    assert x.grad.item() == pytest.approx(-2.64872, abs=1e-5)

    x = glassnet.tensor(0.0, requires_grad=True)
    opt = optim.SGD([x], lr=0.1)
    for _ in range(100):
        opt.zero_grad()
        ((-x).exp() + x**2).backward()
        opt.step()
    assert x.item() == pytest.approx(0.35173, abs=1e-4)  # the root of f'(x) = -exp(-x) + 2x


def test_step_returns_the_closure_loss():
    x = glassnet.tensor([1.0, -2.0], requires_grad=True)
    opt = optim.SGD([x], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (x**2).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.item() == pytest.approx(5.0)
    np.testing.assert_allclose(x.array, [0.5, -1.0])  # x - 0.25 * 2x


# ------------------------------------------------------------------ zero_grad
def make_grads(params):
    (sum((p * p).sum() for p in params)).backward()


def test_zero_grad_set_to_none_skips_parameters_without_gradients():
    a = glassnet.tensor([1.0, 2.0], requires_grad=True)
    b = glassnet.tensor([3.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1, weight_decay=0.5)
    make_grads([a, b])
    opt.zero_grad()  # set_to_none=True is the default
    assert a.grad is None and b.grad is None
    (a * a).sum().backward()  # b gets no gradient
    opt.step()
    np.testing.assert_allclose(b.array, [3.0])  # untouched, even by weight decay
    np.testing.assert_allclose(a.array, [1.0, 2.0] - 0.1 * (2 * np.array([1.0, 2.0]) + 0.5 * np.array([1.0, 2.0])))
    assert 1 not in opt.state_dict()["state"]


def test_zero_grad_in_place_keeps_zero_gradients_that_still_step():
    a = glassnet.tensor([1.0, 2.0], requires_grad=True)
    b = glassnet.tensor([3.0], requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1, weight_decay=0.5)
    make_grads([a, b])
    grad_b = b.grad
    opt.zero_grad(set_to_none=False)
    assert b.grad is grad_b and np.all(b.grad.array == 0)
    opt.step()
    np.testing.assert_allclose(b.array, [3.0 - 0.1 * 0.5 * 3.0])  # a zero gradient still gets weight decay


# ------------------------------------------------------------ bad arguments
BAD_HYPERPARAMETERS = [
    ("SGD", dict(lr=-0.1), "Invalid learning rate: -0.1"),
    ("SGD", dict(momentum=-0.5), "Invalid momentum value: -0.5"),
    ("SGD", dict(weight_decay=-1.0), "Invalid weight_decay value: -1.0"),
    ("SGD", dict(lr=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero dampening"),
    ("SGD", dict(momentum=0.9, dampening=0.1, nesterov=True), "Nesterov momentum requires a momentum and zero"),
    ("Adam", dict(lr=-1.0), "Invalid learning rate: -1.0"),
    ("Adam", dict(eps=-1e-8), "Invalid epsilon value: -1e-08"),
    ("Adam", dict(betas=(1.0, 0.999)), "Invalid beta parameter at index 0: 1.0"),
    ("Adam", dict(betas=(0.9, -0.1)), "Invalid beta parameter at index 1: -0.1"),
    ("Adam", dict(weight_decay=-0.1), "Invalid weight_decay value: -0.1"),
    ("AdamW", dict(betas=(0.9, 1.5)), "Invalid beta parameter at index 1: 1.5"),
]


@pytest.mark.parametrize("name, kwargs, message", BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_raise_like_torch(name, kwargs, message):
    x = glassnet.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(optim, name)([x], **kwargs)
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(torch.optim, name)([torch.zeros(2, requires_grad=True)], **kwargs)


@pytest.mark.parametrize("momentum", [1.0, 1.5])
def test_momentum_of_one_or_more_is_rejected_unlike_torch(momentum):
    with pytest.raises(ValueError, match=rf"Invalid momentum value: {momentum}.*\[0, 1\).*unlike PyTorch"):
        optim.SGD([glassnet.zeros(2, requires_grad=True)], lr=0.1, momentum=momentum)


def test_bad_parameter_lists():
    x = glassnet.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="optimizer got an empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors, but one of the params is ndarray"):
        optim.SGD([x, np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError, match=r"should be an iterable of Tensors or dicts.*hint: wrap"):
        optim.Adam(x)
    with pytest.raises(TypeError, match="ordered collections"):
        optim.SGD([{"params": {x}}], lr=0.1)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([x * 2], lr=0.1)
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optim.SGD([{"params": [x]}, {"params": [x]}], lr=0.1)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([x, x], lr=0.1)


# ---------------------------------------------------------------- state dicts
@pytest.mark.parametrize("name, kwargs", [CONFIGS[1], CONFIGS[9], CONFIGS[12]], ids=[IDS[1], IDS[9], IDS[12]])
def test_resuming_from_a_state_dict_continues_exactly(name, kwargs):
    weights = initial_weights(np.float32)
    make_opt = lambda p: getattr(optim, name)(p, **kwargs)  # noqa: E731
    uninterrupted, _ = train_glassnet(make_opt, weights, 2 * 3)

    params, opt = train_glassnet(make_opt, weights, 3)
    saved = opt.state_dict()
    checkpoint = {k: v.array.copy() for k, v in params.items()}
    run_glassnet(opt, params, 1, start=3)  # training on must not change the saved state (it is a copy)
    resumed, new_opt = train_glassnet(make_opt, checkpoint, 0)
    new_opt.load_state_dict(saved)
    run_glassnet(new_opt, resumed, 3, start=3)
    for key in weights:
        np.testing.assert_array_equal(resumed[key].array, uninterrupted[key].array, err_msg=key)


def test_state_dict_layout_is_torchs():
    torch = pytest.importorskip("torch")
    weights = initial_weights(np.float64)

    def groups(p):
        return [{"params": p[:1], "lr": 0.01}, {"params": p[1:]}]

    _, ours = train_glassnet(lambda p: optim.Adam(groups(p), lr=0.05, amsgrad=True), weights, 2)
    _, theirs = train_torch(torch, lambda p: torch.optim.Adam(groups(p), lr=0.05, amsgrad=True), weights, 2)
    ours, theirs = ours.state_dict(), theirs.state_dict()
    assert ours.keys() == theirs.keys() == {"state", "param_groups"}
    for our_group, their_group in zip(ours["param_groups"], theirs["param_groups"], strict=True):
        assert {k: their_group[k] for k in our_group} == our_group  # theirs adds foreach, fused, ...
    assert ours["state"][0]["step"].dtype == np.int64 and int(ours["state"][0]["step"]) == 2


def test_loading_a_torch_state_dict_continues_torchs_run():
    torch = pytest.importorskip("torch")
    weights = initial_weights(np.float64)
    make = dict(lr=0.05, amsgrad=True, weight_decay=0.1)
    after3, their_opt = train_torch(torch, lambda p: torch.optim.AdamW(p, **make), weights, 3)
    after6, _ = train_torch(torch, lambda p: torch.optim.AdamW(p, **make), weights, 6)
    ours = {k: glassnet.tensor(v.detach().numpy().copy(), requires_grad=True) for k, v in after3.items()}
    opt = optim.AdamW(list(ours.values()), **make)
    opt.load_state_dict(their_opt.state_dict())  # torch tensors go through np.asarray
    run_glassnet(opt, ours, 3, start=3)
    for key in weights:
        np.testing.assert_allclose(ours[key].array, after6[key].detach().numpy(), rtol=0, atol=1e-10, err_msg=key)


def test_load_state_dict_checks_sizes_and_casts_to_the_parameter_dtype():
    a = glassnet.zeros(2, requires_grad=True)
    b = glassnet.zeros(3, requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    saved = {
        "state": {1: {"momentum_buffer": np.ones(3, dtype=np.float64)}},
        "param_groups": [{"lr": 0.5, "params": [0, 1]}],
    }  # hyper-parameters not saved take the defaults
    opt.load_state_dict(saved)
    assert opt.state[b]["momentum_buffer"].dtype == np.float32
    assert opt.param_groups[0] == dict(opt.defaults, lr=0.5, params=[a, b])
    assert opt.param_groups[0]["params"][1] is b
    with pytest.raises(ValueError, match="different number of parameter groups"):
        opt.load_state_dict({"state": {}, "param_groups": saved["param_groups"] * 2})
    with pytest.raises(ValueError, match="group 0 has 1 saved parameters but 2 in the optimizer"):
        opt.load_state_dict({"state": {}, "param_groups": [dict(saved["param_groups"][0], params=[0])]})


def test_adamw_stays_decoupled_when_loading_an_adam_state():
    a = glassnet.zeros(2, requires_grad=True)
    adam_state = optim.Adam([glassnet.zeros(2, requires_grad=True)], weight_decay=0.1).state_dict()
    opt = optim.AdamW([a])
    opt.load_state_dict(adam_state)
    assert opt.param_groups[0]["decoupled_weight_decay"] is True
    assert opt.param_groups[0]["weight_decay"] == 0.1


def test_named_parameters_are_kept_like_torch():
    w = glassnet.zeros(2, requires_grad=True)
    opt = optim.SGD([("layer.weight", w)], lr=0.1)
    assert opt.param_groups[0]["params"] == [w]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["layer.weight"]
    with pytest.raises(ValueError, match="with/without names"):
        opt.add_param_group({"params": [glassnet.zeros(1, requires_grad=True)]})


def test_flat_state_dict_round_trips_through_safetensors(tmp_path):
    pytest.importorskip("safetensors")
    import safetensors.numpy

    weights = dict(initial_weights(np.float32), scale=np.array(0.5, dtype=np.float32))  # a 0-d parameter too

    def loss(p, x, y):
        return mlp_loss(p, x, y) * p["scale"]

    def run(opt, params, steps, start):
        for step in range(start, start + steps):
            x, y = (glassnet.from_numpy(a) for a in batch(step, np.float32))
            opt.zero_grad()
            loss(params, x, y).backward()
            opt.step()

    def fresh():
        params = {k: glassnet.tensor(v.copy(), requires_grad=True) for k, v in weights.items()}
        return params, optim.Adam(list(params.values()), lr=0.05, betas=(0.5, 0.6), amsgrad=True)

    uninterrupted, opt = fresh()
    run(opt, uninterrupted, 5, 0)
    params, opt = fresh()
    run(opt, params, 2, 0)
    arrays, metadata = optim.flatten_state_dict(opt.state_dict())
    names = ("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    assert set(arrays) == {f"state.{i}.{name}" for i in range(5) for name in names}
    safetensors.numpy.save_file(arrays, tmp_path / "opt.safetensors", metadata=metadata)

    with safetensors.safe_open(tmp_path / "opt.safetensors", "np") as f:
        arrays = {name: f.get_tensor(name) for name in f.keys()}  # noqa: SIM118 (safe_open has keys(), no __iter__)
        metadata = f.metadata()
    checkpoint = {k: v.array.copy() for k, v in params.items()}
    params, new_opt = fresh()
    for k, v in params.items():
        v.array[...] = checkpoint[k]
    new_opt.load_state_dict(optim.unflatten_state_dict(arrays, metadata))
    assert new_opt.param_groups[0]["betas"] == [0.5, 0.6]  # JSON turns the tuple into a list
    run(new_opt, params, 3, 2)
    for key in weights:
        np.testing.assert_array_equal(params[key].array, uninterrupted[key].array, err_msg=key)
    with pytest.raises(ValueError, match="unexpected array name 'model.weight'"):
        optim.unflatten_state_dict({"model.weight": np.zeros(2)}, metadata)
