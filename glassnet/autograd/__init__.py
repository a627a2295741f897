"""Automatic differentiation: custom ``Function``, ``backward`` and ``grad``, grad modes and ``gradcheck``.

``glassnet.autograd.Function`` is PyTorch's custom Function, on Tensors
(custom_function.py).  glassnet's own ops subclass another class,
``glassnet.autograd.function.Function``, and work on NumPy arrays (see ``glassnet/ops/``).
"""

from .custom_function import Function, FunctionCtx
from .engine import backward, grad
from .function import Context
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck

__all__ = [
    "Context",
    "Function",
    "FunctionCtx",
    "backward",
    "grad",
    "enable_grad",
    "gradcheck",
    "is_grad_enabled",
    "inference_mode",
    "no_grad",
    "set_grad_enabled",
]
