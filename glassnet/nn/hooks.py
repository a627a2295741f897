"""Module hooks' machinery: removable handles, and gradient gates for the full backward hooks.

``RemovableHandle`` (PyTorch's ``torch.utils.hooks.RemovableHandle``) is what
every ``register_*_hook`` returns; ``handle.remove()`` unregisters the hook.

**Backward hooks without changing the autograd engine.**  A full backward
hook wants the gradients with respect to *all* of a module's tensor inputs at
once (and those with respect to all its outputs), but glassnet's engine hands
each node the gradient of its one output.  A *gate* gathers them::

    x1, x2 ──> hub ──────────┐            forward: hub is an empty tensor
      │                      v                     computed from x1, x2;
      └─────────> tap1(x1, hub) ──> x1'            each tap returns a view
                  tap2(x2, hub) ──> x2'            of its x, and uses hub

The module computes with ``x1'`` and ``x2'``.  In the backward pass each tap
stores the gradient it receives and passes nothing on to its ``x``; the hub,
being an input of every tap, comes after all of them in the engine's
topological order, so when the hub's backward runs every gradient has
arrived.  It hands them all to the hook in one call and returns what the
hook returns as the gradients of ``x1, x2``.  Gates around the inputs (run
last, after the module's own ops) and around the outputs (run first) give
PyTorch's order: backward pre-hooks see the gradients w.r.t. the outputs
before the module's backward runs; full backward hooks see those w.r.t. the
inputs after it.  ``BackwardHook`` holds one call's gates, as PyTorch's does.
"""

from __future__ import annotations

import itertools
import sys
import warnings
import weakref
from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.grad_mode import is_grad_enabled
from ..tensor import Tensor


class RemovableHandle:
    """Removes a hook from the dict it was registered in (and from ``extra_dict``, a dict or list of dicts).

    Usable as a context manager: the hook is removed when the ``with`` block ends.
    """

    _ids = itertools.count()

    def __init__(
        self, hooks_dict: dict[int, Any], *, extra_dict: dict[int, Any] | list[dict[int, Any]] | None = None
    ) -> None:
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._ids)
        extra = [] if extra_dict is None else [extra_dict] if isinstance(extra_dict, dict) else extra_dict
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra)

    def remove(self) -> None:
        """Unregister the hook (once removed, a second call does nothing)."""
        for ref in (self.hooks_dict_ref, *self.extra_dict_ref):
            hooks = ref()
            if hooks is not None:
                hooks.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.remove()


class GradientHub(Function):
    """The gate's hub: an empty tensor made from the gated tensors; its backward calls the gate's callback."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, *arrays, gate=None):
        ctx.gate = gate
        return np.zeros(0, dtype=arrays[0].dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return tuple(None if g is None else g.array for g in ctx.gate.release())

    @staticmethod
    def backward_graph(ctx, grad_output):  # backward(create_graph=True): the gradients stay Tensors
        return ctx.gate.release()


class BackwardHookFunction(Function):
    """The gate's tap: a view of ``x`` whose gradient is stored in the gate instead of passed on to ``x``."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, x, hub, gate=None, slot=0):
        ctx.gate, ctx.slot, ctx.hub_gradient = gate, slot, np.zeros(0, dtype=hub.dtype)
        return x.view()

    @staticmethod
    def backward(ctx, grad_output):
        ctx.gate.gradients[ctx.slot] = Tensor._from_array(grad_output)
        return None, ctx.hub_gradient

    @staticmethod
    def backward_graph(ctx, grad_output):
        ctx.gate.gradients[ctx.slot] = grad_output
        return None, Tensor._from_array(ctx.hub_gradient)


class _Gate:
    """Gathers the gradients of ``tensors`` and passes them through ``callback(gradients) -> gradients`` at once.

    The gradients are Tensors, or None for a tensor that got none.
    """

    def __init__(self, tensors, callback):
        self.tensors, self.callback = tensors, callback
        self.gradients = [None] * len(tensors)
        hub = GradientHub.apply(*tensors, gate=self)
        self.views = [BackwardHookFunction.apply(t, hub, gate=self, slot=i) for i, t in enumerate(tensors)]

    def release(self):
        gradients, self.gradients = self.gradients, [None] * len(self.tensors)
        return tuple(self.callback(gradients))


class BackwardHook:
    """One module call's backward hooks: gates around its tensor inputs and outputs.

    ``user_pre_hooks`` (``hook(module, grad_output)``) run when the gradients
    w.r.t. the outputs are known and may return replacements;
    ``user_hooks`` (``hook(module, grad_input, grad_output)``) run when those
    w.r.t. the inputs are known and may return replacements for them.  Both
    receive tuples with one entry per positional input / output, None for
    non-tensors (and, in ``grad_output``, for outputs that got no gradient).
    Inputs that do not require grad, or got no gradient, get zeros in
    ``grad_input``, as in PyTorch.
    """

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module, self.user_hooks, self.user_pre_hooks = module, user_hooks, user_pre_hooks
        self.grad_outputs = None
        self.n_inputs = self.n_outputs = -1
        self.input_tensors_index = self.output_tensors_index = None

    def _gate(self, values, callback):
        """``values`` with their tensors that require grad replaced by gated views; the indices of all tensors."""
        tensors = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        gated = [i for i in tensors if values[i].requires_grad]
        if not gated or not is_grad_enabled():
            return values, None, []
        gate = _Gate([values[i] for i in gated], callback)
        values = list(values)
        for i, view in zip(gated, gate.views):
            values[i] = view
        return tuple(values), tensors, gated

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        self.inputs = args
        args, self.input_tensors_index, self.input_gated = self._gate(args, self._input_gradients)
        return args

    def setup_output_hook(self, result):
        outputs = result if isinstance(result, tuple) else (result,)
        self.n_outputs = len(outputs)
        self.outputs = outputs
        outputs, self.output_tensors_index, self.output_gated = self._gate(outputs, self._output_gradients)
        return outputs if isinstance(result, tuple) else outputs[0]

    def _output_gradients(self, gradients):
        grad_outputs = [None] * self.n_outputs
        for i, g in zip(self.output_gated, gradients):
            grad_outputs[i] = g
        self.grad_outputs = tuple(grad_outputs)
        for hook in self.user_pre_hooks:
            replaced = hook(self.module, self.grad_outputs)
            if replaced is not None:
                self.grad_outputs = _checked(hook, "backward pre hook", "grad_output", replaced, self.outputs)
        local_grad_outputs = self.grad_outputs
        if self.input_tensors_index is None:  # no input requires grad: the hooks run now, with grad_input all None
            warnings.warn(
                "Full backward hook is firing when gradients are computed with respect to module outputs since no "
                "inputs require gradients.",
                stacklevel=_caller_outside_glassnet(),
            )
            grad_inputs = (None,) * self.n_inputs
            for hook in self.user_hooks:
                result = hook(self.module, grad_inputs, self.grad_outputs)
                if result is not None and not (isinstance(result, tuple) and all(g is None for g in result)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should always return None or "
                        "None for all gradients."
                    )
            self.grad_outputs = None
        return [local_grad_outputs[i] for i in self.output_gated]

    def _input_gradients(self, gradients):
        if self.grad_outputs is None:  # the gradient reached the inputs without passing through the outputs
            return gradients
        grad_inputs = [None] * self.n_inputs
        for i in self.input_tensors_index:  # zeros where no gradient arrived, as PyTorch materializes them
            grad_inputs[i] = Tensor._from_array(np.zeros_like(self.inputs[i].array))
        for i, g in zip(self.input_gated, gradients):
            if g is not None:
                grad_inputs[i] = g
        grad_inputs = tuple(grad_inputs)
        for hook in self.user_hooks:
            replaced = hook(self.module, grad_inputs, self.grad_outputs)
            if replaced is not None:
                grad_inputs = _checked(hook, "backward hook", "grad_input", replaced, self.inputs)
        self.grad_outputs = None
        return [grad_inputs[i] for i in self.input_gated]


def _caller_outside_glassnet():
    """The ``stacklevel`` that points a warning raised inside ``backward`` at the user's line that called it."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("glassnet."):
        frame, level = frame.f_back, level + 1
    return level


def _checked(hook, kind, what, replaced, values):
    """A hook's replacement gradients, checked against the module's inputs or outputs ``values``.

    One per value, and each gradient (or None) of its tensor's shape and dtype.
    """
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(replaced, (tuple, list)):
        raise RuntimeError(
            f"{kind} '{name}' returned a {type(replaced).__name__}; hint: return None or a tuple with one "
            f"gradient (or None) per entry of {what}, e.g. ({what}[0] * 2,)"
        )
    if len(replaced) != len(values):
        raise RuntimeError(
            f"{kind[0].upper() + kind[1:]} returned an invalid number of {what}, got {len(replaced)}, "
            f"but expected {len(values)}"
        )
    for i, (new, old) in enumerate(zip(replaced, values)):
        if new is None or not isinstance(old, Tensor):
            continue
        if not isinstance(new, Tensor):
            raise RuntimeError(
                f"{kind} '{name}' returned a {type(new).__name__} as {what}[{i}]; expected a Tensor or None"
            )
        if new.shape != old.shape:
            raise RuntimeError(
                f"{kind} '{name}' has changed the size of value: {what}[{i}] has shape {tuple(new.shape)} but must "
                f"have shape {tuple(old.shape)}"
            )
        if new.array.dtype != old.array.dtype:
            raise RuntimeError(
                f"{kind} '{name}' has changed the type of value: {what}[{i}] has dtype {new.dtype} but must have "
                f"dtype {old.dtype}"
            )
    return tuple(replaced)
