"""Automatic differentiation: ``backward`` and ``grad``, grad modes and ``gradcheck``.

glassnet's own ops subclass ``glassnet.autograd.function.Function`` and work on
NumPy arrays (see ``glassnet/ops/``).
"""
from .engine import backward, grad
from .function import Context
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck

__all__ = ["Context", "backward", "grad", "enable_grad", "gradcheck", "is_grad_enabled", "inference_mode", "no_grad", "set_grad_enabled"]
