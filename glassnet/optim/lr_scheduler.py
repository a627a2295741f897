"""Learning-rate schedules: change each parameter group's ``lr`` as training goes on.

Call ``scheduler.step()`` once per epoch (or per iteration, if the schedule is
defined in iterations), *after* ``optimizer.step()``::

    opt = glassnet.optim.SGD(params, lr=0.1, momentum=0.9)
    sched = glassnet.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=100)
    for epoch in range(100):
        train_one_epoch(opt)
        sched.step()

Creating a scheduler records each group's starting ``lr`` as ``group["initial_lr"]``
(the ``base_lrs``) and sets ``last_epoch = 0``.  Each ``step()`` adds one to
``last_epoch`` and writes the new rates into ``group["lr"]``.

Like PyTorch, most schedules here are *chainable*: ``get_lr`` computes the new
rate from the group's current ``lr`` (e.g. StepLR multiplies it by ``gamma``),
so two schedulers on one optimizer compose.  The values agree with the closed
forms given in each class up to rounding.

Unlike PyTorch, ``step()`` takes no ``epoch`` argument (deprecated there) and
there is no warning when ``scheduler.step()`` runs before ``optimizer.step()``.

``state_dict()`` holds plain Python values: every attribute except the optimizer
(and, for ``LambdaLR``, the functions).
"""
import math
from collections import Counter

from .optimizer import Optimizer


class LRScheduler:
    """Base class of learning-rate schedulers; subclasses implement ``get_lr()``.

    Args:
        optimizer (Optimizer): the optimizer whose learning rates are scheduled.
        last_epoch (int): index of the last epoch; ``-1`` (default) starts a new
            schedule.  To resume, load the optimizer's state (which contains
            ``initial_lr``) and pass the last finished epoch.
    """

    _unsaved = ("optimizer",)  # attributes state_dict leaves out

    def __init__(self, optimizer, last_epoch=-1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(optimizer).__name__} is not an Optimizer")
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param 'initial_lr' is not specified in param_groups[{i}] when resuming scheduler with "
                        f"last_epoch >= 0; hint: load the optimizer's state_dict first, or use last_epoch=-1"
                    )
        self.optimizer = optimizer
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True  # the first step (from __init__) keeps the current lr where schedules are chainable
        self.step()
        self._is_initial = False

    def get_lr(self):
        """The learning rates for ``self.last_epoch``, one per parameter group."""
        raise NotImplementedError(f"{type(self).__name__} must implement get_lr()")

    def get_last_lr(self):
        """The learning rates set by the most recent ``step()``, one per parameter group."""
        return self._last_lr

    def step(self):
        """Advance one epoch and write the new learning rates into the optimizer's groups."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self):
        """The scheduler's attributes (``last_epoch``, ``base_lrs``, ...), without the optimizer."""
        return {key: value for key, value in self.__dict__.items() if key not in self._unsaved}

    def load_state_dict(self, state_dict):
        """Restore attributes saved by ``state_dict()``."""
        self.__dict__.update({key: value for key, value in state_dict.items() if key not in self._unsaved})

    def _current_lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]


class LambdaLR(LRScheduler):
    """Set each group's lr to ``initial_lr * lr_lambda(epoch)``.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        lr_lambda (function or list): a function of the epoch index giving a
            multiplicative factor, or a list with one function per group.
        last_epoch (int): index of the last epoch. Default: -1.

    Unlike PyTorch, ``state_dict()`` never stores the functions (PyTorch stores
    the attributes of callable objects); create the scheduler with the same
    functions before loading.
    """

    _unsaved = ("optimizer", "lr_lambdas")

    def __init__(self, optimizer, lr_lambda, last_epoch=-1):
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != len(optimizer.param_groups):
                raise ValueError(f"Expected {len(optimizer.param_groups)} lr_lambdas, but got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * len(optimizer.param_groups)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        return [base_lr * fn(self.last_epoch) for fn, base_lr in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    """Multiply each group's lr by ``gamma`` every ``step_size`` epochs.

    Closed form: ``lr = initial_lr * gamma ** (epoch // step_size)``.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        step_size (int): period of learning-rate decay, in epochs.
        gamma (float): multiplicative factor of the decay. Default: 0.1.
        last_epoch (int): index of the last epoch. Default: -1.
    """

    def __init__(self, optimizer, step_size, gamma=0.1, last_epoch=-1):
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class MultiStepLR(LRScheduler):
    """Multiply each group's lr by ``gamma`` at each epoch listed in ``milestones``.

    Closed form: ``lr = initial_lr * gamma ** (number of milestones <= epoch)``.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        milestones (list of int): epoch indices (a repeated one decays once per repetition).
        gamma (float): multiplicative factor of the decay. Default: 0.1.
        last_epoch (int): index of the last epoch. Default: -1.
    """

    def __init__(self, optimizer, milestones, gamma=0.1, last_epoch=-1):
        self.milestones = Counter(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch not in self.milestones:
            return self._current_lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._current_lrs()]


class ExponentialLR(LRScheduler):
    """Multiply each group's lr by ``gamma`` every epoch: ``lr = initial_lr * gamma ** epoch``.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        gamma (float): multiplicative factor of the decay.
        last_epoch (int): index of the last epoch. Default: -1.
    """

    def __init__(self, optimizer, gamma, last_epoch=-1):
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self._is_initial:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal each group's lr from ``initial_lr`` down to ``eta_min`` along half a cosine over ``T_max`` epochs.

    The target is the closed form of SGDR (Loshchilov & Hutter, 2017), without restarts::

        η_t = η_min + (η_max - η_min) (1 + cos(π t / T_max)) / 2        (η_max = initial_lr)

    Like PyTorch, it is computed recursively from the current lr, so it composes
    with other changes to ``lr``::

        η_t = η_min + (η_{t-1} - η_min) (1 + cos(π t / T_max)) / (1 + cos(π (t-1) / T_max))

    At ``t = T_max`` the lr reaches ``η_min``; after that it rises back along the
    cosine (period ``2 T_max``).  The recursion would divide by zero at
    ``t - 1 - T_max ≡ 0 (mod 2 T_max)``, where ``η_{t-1} = η_min``, so there the
    step adds ``(η_max - η_min) (1 - cos(π / T_max)) / 2`` instead.

    Args:
        optimizer (Optimizer): wrapped optimizer.
        T_max (int): number of epochs from ``initial_lr`` to ``eta_min``.
        eta_min (float): minimum learning rate. Default: 0.0.
        last_epoch (int): index of the last epoch. Default: -1.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0, last_epoch=-1):
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        t, T_max, eta_min = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if (t - 1 - T_max) % (2 * T_max) == 0:
            return [
                lr + (base_lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2
                for base_lr, lr in zip(self.base_lrs, self._current_lrs())
            ]
        return [
            (1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max)) * (lr - eta_min) + eta_min
            for lr in self._current_lrs()
        ]
