"""Switching graph recording off and on: ``no_grad`` and ``enable_grad``.

While gradient mode is off, ops compute their results but record nothing, so
no memory is held for a backward pass.  Use it for evaluation and for updating
parameters by hand::

    with glassnet.no_grad():
        w -= lr * w.grad

Both work as context managers and as decorators (``@no_grad()`` or ``@no_grad``), as in PyTorch.
"""

import contextlib


class _GradMode:
    enabled = True


def is_grad_enabled():
    """True while operations record the graph for backward."""
    return _GradMode.enabled


class _SetGradMode(contextlib.ContextDecorator):
    mode = True

    def __new__(cls, func=None):
        """``@no_grad`` without parentheses passes the function straight in: wrap it."""
        self = super().__new__(cls)
        return self if func is None else self(func)

    def __enter__(self):
        self._previous = _GradMode.enabled
        _GradMode.enabled = self.mode
        return self

    def __exit__(self, *exc):
        _GradMode.enabled = self._previous
        return False


class no_grad(_SetGradMode):
    """Context manager and decorator that turns graph recording off."""

    mode = False


class enable_grad(_SetGradMode):
    """Context manager and decorator that turns graph recording back on."""

    mode = True


class set_grad_enabled(_SetGradMode):
    """Turn graph recording on or off: at once when called, and back as it was after a ``with`` block.

    ``glassnet.set_grad_enabled(False)`` switches it off until switched on again;
    ``with glassnet.set_grad_enabled(is_training):`` does so only inside the block,
    the idiom of PyTorch training loops that share code between training and evaluation.
    """

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self._previous = _GradMode.enabled
        self.mode = _GradMode.enabled = bool(mode)

    def __enter__(self):
        return self  # already switched by __init__; __exit__ restores the previous mode


class inference_mode(_SetGradMode):
    """``no_grad`` for inference, under PyTorch's name: ``with glassnet.inference_mode():`` or ``@inference_mode()``.

    Unlike PyTorch, tensors made inside are ordinary tensors (PyTorch marks them as
    inference tensors that may never enter a graph later); ``inference_mode(False)``
    leaves recording as it is.
    """

    def __new__(cls, mode=True):
        self = super().__new__(cls)
        self.switch_off = True
        return self(mode) if callable(mode) else self  # @inference_mode without parentheses wraps at once

    def __init__(self, mode=True):
        self.switch_off = bool(mode)

    def __enter__(self):
        self._previous = _GradMode.enabled
        if self.switch_off:
            _GradMode.enabled = False
        return self
