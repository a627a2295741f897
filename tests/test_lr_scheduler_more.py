"""glassnet.optim.lr_scheduler: the rest of torch's schedulers, learning rates (and momenta) equal to torch's.

Every schedule is built the same way in both libraries, by a function of the
scheduler module and the optimizer, and its sequence compared exactly (==):
glassnet does the same float arithmetic as PyTorch, in the same order.
"""

import math
import warnings

import numpy as np
import pytest

import glassnet
from glassnet import optim
from glassnet.optim import lr_scheduler
from test_lr_scheduler import LRS, glassnet_optimizer, lr_sequence

EPOCHS = 40

# (id, build(S, opt) -> scheduler): S is glassnet.optim.lr_scheduler or torch.optim.lr_scheduler.
SCHEDULES = [
    ("MultiplicativeLR", lambda S, o: S.MultiplicativeLR(o, lr_lambda=lambda e: 0.9 if e % 2 else 0.97)),
    ("MultiplicativeLR-per-group", lambda S, o: S.MultiplicativeLR(o, lr_lambda=[lambda e: 0.95, lambda e: 0.8])),
    ("ConstantLR", lambda S, o: S.ConstantLR(o)),
    ("ConstantLR-factor", lambda S, o: S.ConstantLR(o, factor=0.25, total_iters=12)),
    ("LinearLR", lambda S, o: S.LinearLR(o)),
    ("LinearLR-decay", lambda S, o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=30)),
    ("PolynomialLR", lambda S, o: S.PolynomialLR(o)),
    ("PolynomialLR-power", lambda S, o: S.PolynomialLR(o, total_iters=25, power=2.5)),
    ("CosineAnnealingWarmRestarts", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=7)),
    ("CosineAnnealingWarmRestarts-mult", lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=1e-3)),
    (
        "SequentialLR-warmup-cosine",
        lambda S, o: S.SequentialLR(
            o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=20)], milestones=[5]
        ),
    ),
    (
        "SequentialLR-three",
        lambda S, o: S.SequentialLR(
            o,
            [
                S.ConstantLR(o, factor=0.5, total_iters=10),
                S.ExponentialLR(o, gamma=0.9),
                S.StepLR(o, step_size=4, gamma=0.5),
            ],
            milestones=[3, 15],
        ),
    ),
    (
        "SequentialLR-lambda-multistep",
        lambda S, o: S.SequentialLR(
            o,
            [
                S.LambdaLR(o, lambda e: (e + 1) / 8),
                S.MultiStepLR(o, milestones=[5, 12], gamma=0.3),
                S.PolynomialLR(o, total_iters=10),
            ],
            milestones=[8, 25],
        ),
    ),
    (
        "ChainedScheduler",
        lambda S, o: S.ChainedScheduler([S.ConstantLR(o, factor=0.1, total_iters=3), S.ExponentialLR(o, gamma=0.9)]),
    ),
    (
        "ChainedScheduler-cosine-step",
        lambda S, o: S.ChainedScheduler(
            [S.CosineAnnealingLR(o, T_max=9), S.StepLR(o, step_size=5, gamma=0.5)], optimizer=o
        ),
    ),
    (
        "ChainedScheduler-in-SequentialLR",
        lambda S, o: S.SequentialLR(  # (PyTorch can only start it first)
            o,
            [
                S.ChainedScheduler([S.ExponentialLR(o, gamma=0.95), S.StepLR(o, step_size=6)]),
                S.LinearLR(o, total_iters=4),
            ],
            milestones=[9],
        ),
    ),
]


def torch_optimizer(torch, name="SGD"):
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    kwargs = dict(momentum=0.9) if name == "SGD" else {}
    return getattr(torch.optim, name)([{"params": [a], "lr": LRS[0]}, {"params": [b], "lr": LRS[1]}], **kwargs)


def glassnet_adam():
    a, b = glassnet.zeros(2, requires_grad=True), glassnet.zeros(3, requires_grad=True)
    return optim.Adam([{"params": [a], "lr": LRS[0]}, {"params": [b], "lr": LRS[1]}])


@pytest.mark.filterwarnings("ignore:Detected call of `lr_scheduler.step\\(\\)` before")  # torch's, for a chain
@pytest.mark.parametrize("name, build", SCHEDULES, ids=[name for name, _ in SCHEDULES])
def test_lr_sequence_equals_torch(name, build):
    torch = pytest.importorskip("torch")
    opt = glassnet_optimizer()
    ours = lr_sequence(opt, build(lr_scheduler, opt), EPOCHS)
    their_opt = torch_optimizer(torch)
    theirs = lr_sequence(their_opt, build(torch.optim.lr_scheduler, their_opt), EPOCHS)
    assert ours == theirs
    assert len({tuple(lrs) for lrs in ours}) > 1, "the schedule should change the learning rate"


@pytest.mark.parametrize("name, build", SCHEDULES, ids=[name for name, _ in SCHEDULES])
def test_state_dict_round_trip_continues_the_schedule(name, build):
    opt = glassnet_optimizer()
    uninterrupted = lr_sequence(opt, build(lr_scheduler, opt), EPOCHS)

    opt = glassnet_optimizer()
    sched = build(lr_scheduler, opt)
    first = lr_sequence(opt, sched, 17)
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    assert "optimizer" not in saved_sched and "lr_lambdas" not in saved_sched
    new_opt = glassnet_optimizer()
    new_sched = build(lr_scheduler, new_opt)
    new_sched.load_state_dict(saved_sched)
    new_opt.load_state_dict(saved_opt)
    assert first + lr_sequence(new_opt, new_sched, EPOCHS - 17) == uninterrupted


# --------------------------------------------------------------- OneCycleLR
ONE_CYCLE = [
    dict(max_lr=1.0, total_steps=40),
    dict(max_lr=[0.5, 2.0], epochs=4, steps_per_epoch=10, anneal_strategy="linear"),
    dict(max_lr=1.0, total_steps=40, pct_start=0.25, three_phase=True),
    dict(
        max_lr=0.3,
        total_steps=41,
        three_phase=True,
        anneal_strategy="linear",
        div_factor=10.0,
        final_div_factor=100.0,
        base_momentum=[0.8, 0.7],
        max_momentum=0.99,
    ),
    dict(max_lr=1.0, total_steps=40, cycle_momentum=False),
]


def one_cycle_trace(optimizer, scheduler, steps, momentum_key):
    """(lrs, momenta) in use at every step; momenta are SGD's momentum or Adam's β₁."""
    trace = []
    for _ in range(steps):
        groups = optimizer.param_groups
        momenta = [g["betas"][0] if momentum_key == "betas" else g["momentum"] for g in groups]
        trace.append(([g["lr"] for g in groups], momenta))
        assert scheduler.get_last_lr() == trace[-1][0]
        optimizer.step()
        scheduler.step()
    return trace


@pytest.mark.parametrize("optimizer_name", ["SGD", "Adam"])
@pytest.mark.parametrize("kwargs", ONE_CYCLE, ids=[str(i) for i in range(len(ONE_CYCLE))])
def test_one_cycle_lr_and_momentum_equal_torch(kwargs, optimizer_name):
    torch = pytest.importorskip("torch")
    key = "betas" if optimizer_name == "Adam" else "momentum"
    steps = kwargs.get("total_steps") or kwargs["epochs"] * kwargs["steps_per_epoch"]
    opt = glassnet_adam() if optimizer_name == "Adam" else glassnet_optimizer()
    ours = one_cycle_trace(opt, lr_scheduler.OneCycleLR(opt, **kwargs), steps, key)
    their_opt = torch_optimizer(torch, optimizer_name)
    theirs = one_cycle_trace(their_opt, torch.optim.lr_scheduler.OneCycleLR(their_opt, **kwargs), steps, key)
    assert ours == theirs
    lrs = [lrs[0] for lrs, _ in ours]
    max_lr = kwargs["max_lr"][0] if isinstance(kwargs["max_lr"], list) else kwargs["max_lr"]
    assert 0.95 * max_lr < max(lrs) <= max_lr and lrs[-1] < lrs[0] / 5
    momenta = {m[0] for _, m in ours}
    assert (len(momenta) > 3) == kwargs.get("cycle_momentum", True)


def test_one_cycle_raises_after_its_last_step():
    opt = glassnet_optimizer()
    sched = lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
    for _ in range(3):
        sched.step()
    with pytest.raises(ValueError, match="Tried to step 4 times. The specified number of total steps is 3"):
        sched.step()


# -------------------------------------------- CosineAnnealingWarmRestarts(epoch)
@pytest.mark.parametrize("T_mult", [1, 2, 3])
def test_warm_restarts_with_fractional_epochs_equal_torch(T_mult):
    torch = pytest.importorskip("torch")
    epochs = [e + i / 4 for e in range(15) for i in range(4)] + [3.5, 0.25, 22.75, 7]  # per batch, then jumps

    def trace(S, opt):
        sched = S.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=T_mult, eta_min=0.01)
        sequence = []
        for epoch in epochs:
            sched.step(epoch)
            sequence.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        return sequence

    ours = trace(lr_scheduler, glassnet_optimizer())
    theirs = trace(torch.optim.lr_scheduler, torch_optimizer(torch))
    assert ours == theirs
    _, T_cur, T_i, _ = ours[4 * 2 + 1]  # epoch 2.25: just after the first restart
    assert T_cur == pytest.approx(0.25) and T_i == 2 * T_mult


def test_warm_restarts_follow_the_sgdr_formula():
    opt = glassnet_optimizer()
    sched = lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=4, T_mult=2, eta_min=0.001)
    starts = [0, 4, 12, 28]  # restarts after periods 4, 8, 16
    for t, lrs in enumerate(lr_sequence(opt, sched, 28)):
        start = max(s for s in starts if s <= t)
        period = 4 * 2 ** starts.index(start)
        expected = 0.001 + (LRS[0] - 0.001) * (1 + math.cos(math.pi * (t - start) / period)) / 2
        assert lrs[0] == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------ ReduceLROnPlateau
PLATEAU = [
    dict(),
    dict(patience=2),
    dict(mode="max", patience=1, factor=0.5),
    dict(patience=0, threshold=0.05, threshold_mode="abs", cooldown=3),
    dict(mode="max", patience=1, threshold=0.01, threshold_mode="abs", factor=0.3, min_lr=[0.01, 0.004]),
    dict(patience=1, factor=0.5, min_lr=0.02, eps=1e-3),
]


def metrics(mode):
    """A loss (or accuracy) that improves quickly, then slowly, then plateaus with noise."""
    rng = np.random.default_rng(3)
    loss = 1 / (1 + np.arange(EPOCHS)) ** 0.7 + 0.02 * rng.standard_normal(EPOCHS)
    loss[20:] = loss[20] + 0.01 * rng.standard_normal(EPOCHS - 20)
    return list(-loss if mode == "max" else loss)


@pytest.mark.parametrize("kwargs", PLATEAU, ids=[str(i) for i in range(len(PLATEAU))])
def test_reduce_on_plateau_equals_torch(kwargs):
    torch = pytest.importorskip("torch")

    def trace(S, opt, as_tensor):
        sched = S.ReduceLROnPlateau(opt, **kwargs)
        sequence = []
        for value in metrics(kwargs.get("mode", "min")):
            sched.step(as_tensor(value))
            sequence.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter, sched.best))
        return sequence

    ours = trace(lr_scheduler, glassnet_optimizer(), glassnet.tensor)  # a 0-d tensor, as a loss would be
    theirs = trace(torch.optim.lr_scheduler, torch_optimizer(torch), torch.tensor)
    assert ours == theirs
    assert len({tuple(lrs) for lrs, *_ in ours}) > 1, "the metrics should trigger a reduction"


def test_reduce_on_plateau_state_dict_round_trip():
    values = metrics("min")
    opt = glassnet_optimizer()
    sched = lr_scheduler.ReduceLROnPlateau(opt, patience=1, cooldown=1)
    for value in values[:25]:
        sched.step(value)
    saved = sched.state_dict()
    assert saved["num_bad_epochs"] == sched.num_bad_epochs and "optimizer" not in saved
    resumed = lr_scheduler.ReduceLROnPlateau(glassnet_optimizer())
    resumed.load_state_dict(saved)
    resumed.optimizer.load_state_dict(opt.state_dict())
    for value in values[25:]:
        sched.step(value)
        resumed.step(value)
        assert resumed.get_last_lr() == sched.get_last_lr()
        assert resumed.best == sched.best and resumed.patience == 1


# -------------------------------------------------------- step(epoch), closed forms
CLOSED_FORMS = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.3)),
    ("ConstantLR", dict(factor=0.2, total_iters=4)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=6)),
    ("ExponentialLR", dict(gamma=0.8)),
    ("PolynomialLR", dict(total_iters=8, power=2.0)),
    ("CosineAnnealingLR", dict(T_max=6, eta_min=0.001)),
    ("LambdaLR", dict(lr_lambda=lambda e: 1 / (1 + e))),
]


@pytest.mark.parametrize("name, kwargs", CLOSED_FORMS, ids=[name for name, _ in CLOSED_FORMS])
def test_deprecated_step_with_epoch_uses_the_closed_form_as_torch(name, kwargs):
    torch = pytest.importorskip("torch")

    def trace(S, opt):
        sched = getattr(S, name)(opt, **kwargs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sequence = []
            for epoch in [1, 2, 3, 7, 4, 10, 0, 5, 12]:
                sched.step(epoch)
                sequence.append(sched.get_last_lr())
        assert any("epoch parameter in `scheduler.step()`" in str(w.message) for w in caught)
        return sequence

    ours = trace(lr_scheduler, glassnet_optimizer())
    theirs = trace(torch.optim.lr_scheduler, torch_optimizer(torch))
    assert ours == theirs


@pytest.mark.parametrize("name, kwargs", CLOSED_FORMS[:-1], ids=[name for name, _ in CLOSED_FORMS[:-1]])
def test_closed_form_agrees_with_the_chainable_form(name, kwargs):
    opt = glassnet_optimizer()
    sched = getattr(lr_scheduler, name)(opt, **kwargs)
    for epoch, lrs in enumerate(lr_sequence(opt, sched, 15)):
        sched.last_epoch = epoch
        np.testing.assert_allclose(sched._get_closed_form_lr(), lrs, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0"),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, mode="lowest"), ValueError, "mode lowest is unknown"),
        (
            lambda o: lr_scheduler.ReduceLROnPlateau(o, threshold_mode="pct"),
            ValueError,
            "threshold mode pct is unknown",
        ),
        (lambda o: lr_scheduler.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "Expected 2 min_lrs, but got 1"),
        (
            lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1),
            ValueError,
            r"You must define either total_steps OR \(epochs AND steps_per_epoch\)",
        ),
        (
            lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, pct_start=1),
            ValueError,
            "Expected float between 0 and 1 pct_start, but got 1",
        ),
        (
            lambda o: lr_scheduler.OneCycleLR(o, max_lr=0.1, total_steps=10, anneal_strategy="exp"),
            ValueError,
            "anneal_strategy must be one of 'cos' or 'linear', instead got exp",
        ),
        (
            lambda o: lr_scheduler.OneCycleLR(o, max_lr=[0.1], total_steps=10),
            ValueError,
            "Expected 2 max_lrs, but got 1",
        ),
        (
            lambda o: lr_scheduler.OneCycleLR(optim.Adagrad(o.param_groups[0]["params"]), max_lr=0.1, total_steps=9),
            ValueError,
            "optimizer must support momentum or beta1 with `cycle_momentum` option enabled; hint: Adagrad",
        ),
        (
            lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=0),
            ValueError,
            "Expected positive integer T_0, but got 0",
        ),
        (
            lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=1.5),
            ValueError,
            "Expected integer T_mult >= 1, but got 1.5",
        ),
        (
            lambda o: lr_scheduler.CosineAnnealingWarmRestarts(o, T_0=2).step(-1),
            ValueError,
            "Expected non-negative epoch, but got -1",
        ),
        (lambda o: lr_scheduler.LinearLR(o, start_factor=0), ValueError, "Starting multiplicative factor expected"),
        (lambda o: lr_scheduler.ConstantLR(o, factor=2), ValueError, "Constant multiplicative factor expected"),
        (
            lambda o: lr_scheduler.SequentialLR(o, [lr_scheduler.ConstantLR(o)], milestones=[3]),
            ValueError,
            "expects number of schedulers provided to be one more than the number of milestone points",
        ),
        (lambda o: lr_scheduler.SequentialLR(o, [], milestones=[]), ValueError, "expects at least one scheduler"),
        (
            lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ReduceLROnPlateau(o)]),
            ValueError,
            "ChainedScheduler does not support `ReduceLROnPlateau`",
        ),
        (
            lambda o: lr_scheduler.ChainedScheduler([lr_scheduler.ConstantLR(glassnet_optimizer())], optimizer=o),
            ValueError,
            "expects all schedulers to belong to the same optimizer",
        ),
        (lambda o: lr_scheduler.MultiplicativeLR(o, lr_lambda=0.9), TypeError, "lr_lambda should be a function"),
    ],
)
def test_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build(glassnet_optimizer())
