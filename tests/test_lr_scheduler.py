"""glassnet.optim.lr_scheduler: learning-rate sequences equal to torch's (exactly: the same float arithmetic)."""

import math

import numpy as np
import pytest

import glassnet
from glassnet import optim
from glassnet.optim import lr_scheduler

EPOCHS = 30
LRS = (0.1, 0.03)  # two param groups

# (scheduler, keyword arguments): the same call works in glassnet and torch.
SCHEDULES = [
    ("StepLR", dict(step_size=7)),
    ("StepLR", dict(step_size=4, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[3, 10, 10, 25], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10)),  # 30 epochs: down, up and down again
    ("CosineAnnealingLR", dict(T_max=7, eta_min=0.01)),
    ("LambdaLR", dict(lr_lambda=lambda epoch: 0.95**epoch)),
    ("LambdaLR", dict(lr_lambda=[lambda epoch: 1 / (epoch + 1), lambda epoch: epoch % 3])),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items() if k != 'lr_lambda')}" for name, kwargs in SCHEDULES]


def glassnet_optimizer():
    a, b = glassnet.zeros(2, requires_grad=True), glassnet.zeros(3, requires_grad=True)
    return optim.SGD([{"params": [a], "lr": LRS[0]}, {"params": [b], "lr": LRS[1]}], momentum=0.9)


def lr_sequence(optimizer, scheduler, epochs):
    """The learning rates in use at each epoch, checking get_last_lr() against the groups."""
    sequence = []
    for _ in range(epochs):
        lrs = [group["lr"] for group in optimizer.param_groups]
        assert scheduler.get_last_lr() == lrs
        sequence.append(lrs)
        optimizer.step()
        scheduler.step()
    return sequence


@pytest.mark.parametrize("name, kwargs", SCHEDULES, ids=IDS)
def test_lr_sequence_equals_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    opt = glassnet_optimizer()
    ours = lr_sequence(opt, getattr(lr_scheduler, name)(opt, **kwargs), EPOCHS)
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)
    their_opt = torch.optim.SGD([{"params": [a], "lr": LRS[0]}, {"params": [b], "lr": LRS[1]}], momentum=0.9)
    theirs = lr_sequence(their_opt, getattr(torch.optim.lr_scheduler, name)(their_opt, **kwargs), EPOCHS)
    assert ours == theirs
    assert len({tuple(lrs) for lrs in ours}) > 2, "the schedule should change the learning rate"


def test_cosine_annealing_follows_the_closed_form():
    opt = glassnet_optimizer()
    T_max, eta_min = 10, 0.01
    sequence = lr_sequence(opt, lr_scheduler.CosineAnnealingLR(opt, T_max=T_max, eta_min=eta_min), EPOCHS)
    for t, lrs in enumerate(sequence):
        for base_lr, lr in zip(LRS, lrs):
            expected = eta_min + (base_lr - eta_min) * (1 + math.cos(math.pi * t / T_max)) / 2
            assert lr == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    "name, kwargs", [SCHEDULES[1], SCHEDULES[2], SCHEDULES[5], SCHEDULES[6]], ids=[IDS[1], IDS[2], IDS[5], IDS[6]]
)
def test_resuming_from_state_dicts_continues_the_schedule(name, kwargs):
    opt = glassnet_optimizer()
    uninterrupted = lr_sequence(opt, getattr(lr_scheduler, name)(opt, **kwargs), EPOCHS)

    opt = glassnet_optimizer()
    sched = getattr(lr_scheduler, name)(opt, **kwargs)
    first = lr_sequence(opt, sched, 12)
    saved_opt, saved_sched = opt.state_dict(), sched.state_dict()
    assert "optimizer" not in saved_sched and "lr_lambdas" not in saved_sched
    assert saved_sched["last_epoch"] == 12 and saved_opt["param_groups"][0]["initial_lr"] == LRS[0]

    new_opt = glassnet_optimizer()
    new_sched = getattr(lr_scheduler, name)(new_opt, **kwargs)
    new_sched.load_state_dict(saved_sched)
    new_opt.load_state_dict(saved_opt)
    assert first + lr_sequence(new_opt, new_sched, EPOCHS - 12) == uninterrupted


def test_resuming_with_last_epoch_needs_initial_lr():
    opt = glassnet_optimizer()
    with pytest.raises(KeyError, match=r"initial_lr.*param_groups\[0\].*hint: load the optimizer's state_dict"):
        lr_scheduler.StepLR(opt, step_size=3, last_epoch=5)
    lr_scheduler.StepLR(opt, step_size=3)
    assert [g["initial_lr"] for g in opt.param_groups] == list(LRS)
    resumed = lr_scheduler.StepLR(opt, step_size=3, last_epoch=5)  # now initial_lr is known
    assert resumed.last_epoch == 6 and resumed.base_lrs == list(LRS)


def test_bad_arguments():
    with pytest.raises(TypeError, match="SGD_like is not an Optimizer"):
        lr_scheduler.StepLR(type("SGD_like", (), {"param_groups": []})(), step_size=3)
    with pytest.raises(ValueError, match="Expected 2 lr_lambdas, but got 1"):
        lr_scheduler.LambdaLR(glassnet_optimizer(), lr_lambda=[lambda e: 1.0])


def test_scheduled_lr_is_used_by_the_optimizer():
    x = glassnet.tensor([1.0], requires_grad=True)
    opt = optim.SGD([x], lr=1.0)
    sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    for _ in range(3):
        opt.zero_grad()
        x.sum().backward()  # gradient 1: each step moves x by the current lr
        opt.step()
        sched.step()
    np.testing.assert_allclose(x.array, [1.0 - (1.0 + 0.5 + 0.25)])
