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
