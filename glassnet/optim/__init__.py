"""Optimizers and learning-rate schedulers: ``glassnet.optim`` mirrors ``torch.optim``.

A training step::

    opt = glassnet.optim.SGD(params, lr=0.1, momentum=0.9)
    opt.zero_grad()          # clear the gradients of the last step
    loss = loss_fn(model(x), y)
    loss.backward()          # fill p.grad
    opt.step()               # update each parameter in place

``Optimizer`` (param groups, state, ``state_dict``) is in ``optimizer.py``;
each update rule is written out in the docstring of its module.
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer, flatten_state_dict, unflatten_state_dict
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "RMSprop",
    "flatten_state_dict",
    "lr_scheduler",
    "unflatten_state_dict",
]
