"""``Module``: the base class of every layer and model.

A module keeps three registries, filled automatically when attributes are set
in ``__init__``::

    class Net(Module):
        def __init__(self):
            super().__init__()
            self.fc = Linear(2, 8)                  # -> _modules["fc"]
            self.scale = Parameter(glassnet.ones(8))  # -> _parameters["scale"]
            self.register_buffer("steps", glassnet.zeros(1))  # -> _buffers["steps"]

        def forward(self, x):
            return self.fc(x) * self.scale

Everything else walks these registries recursively: ``parameters()`` and
``named_parameters()`` (dotted names such as ``"fc.weight"``), ``state_dict()``
(PyTorch's exact keys), ``train()``/``eval()``, ``zero_grad()``, ``apply()``
and the ``repr``, which prints the tree exactly as PyTorch does.  Calling
``net(x)`` runs ``net.forward(x)``.

**Hooks** are functions run around a module's forward and backward passes, as
in PyTorch; each ``register_*_hook`` returns a handle whose ``remove()``
unregisters it::

    handle = net.fc.register_forward_hook(lambda module, args, output: print(output.shape))
    net(x)             # prints the shape of fc's output
    handle.remove()

Forward pre-hooks may replace the inputs, forward hooks the output, backward
pre-hooks the gradients w.r.t. the outputs and full backward hooks those
w.r.t. the inputs (see ``hooks.py`` for how the backward ones work).  A
module without hooks costs one Python call more than its ``forward``.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import numpy as np

from .._typing import DeviceLike, DTypeLike
from ..devices import check_device
from ..devices import device as device_type
from ..tensor import Tensor
from .hooks import BackwardHook, RemovableHandle
from .parameter import Parameter


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict(..., strict=False)`` returns: the keys that did not match."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


_HOOK_DICTS = (
    "_forward_pre_hooks",
    "_forward_pre_hooks_with_kwargs",
    "_forward_hooks",
    "_forward_hooks_with_kwargs",
    "_forward_hooks_always_called",
    "_backward_pre_hooks",
    "_backward_hooks",
)


def _addindent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``spaces`` (blank lines stay empty), as PyTorch's repr does."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    first = lines.pop(0)
    return first + "\n" + "\n".join(" " * spaces + line if line.strip() else "" for line in lines)


M = TypeVar("M", bound="Module")  # methods that return self give back the caller's own class


class Module:
    """Base class for all neural-network modules; subclasses define ``__init__`` and ``forward``.

    Attributes:
        training: True in training mode (the default), False after ``eval()``.
            Layers such as ``Dropout`` behave differently in the two modes.

    Example:
        >>> import glassnet
        >>> from glassnet import nn
        >>> class Net(nn.Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.fc = nn.Linear(2, 1)
        ...     def forward(self, x):
        ...         return self.fc(x).tanh()
        >>> net = Net()
        >>> net
        Net(
          (fc): Linear(in_features=2, out_features=1, bias=True)
        )
        >>> [name for name, _ in net.named_parameters()]
        ['fc.weight', 'fc.bias']
        >>> net(glassnet.zeros(5, 2)).shape
        glassnet.Size([5, 1])
    """

    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent_buffers_set: set[str]
    _modules: dict[str, Module | None]

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", {})
        for hooks in _HOOK_DICTS:  # OrderedDicts, as PyTorch's: handles keep weak references to them
            object.__setattr__(self, hooks, OrderedDict())

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation of the module, which every subclass defines.

        Call the module (``net(x)``) rather than ``forward``, so that its hooks run.
        """
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function; '
            "hint: define forward(self, ...) in your subclass"
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._forward_pre_hooks or self._forward_hooks or self._backward_hooks or self._backward_pre_hooks:
            return self._call_with_hooks(args, kwargs)
        return self.forward(*args, **kwargs)

    # ----------------------------------------------------------------- hooks
    def register_forward_pre_hook(
        self, hook: Callable[..., Any], *, prepend: bool = False, with_kwargs: bool = False
    ) -> RemovableHandle:
        """Run ``hook(module, args)`` before each ``forward``; it may return new args (a tuple, or one value).

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs)`` and
        returns None or ``(new_args, new_kwargs)``.  ``prepend=True`` runs it
        before the hooks already registered.  Returns a handle with ``remove()``.
        """
        handle = RemovableHandle(self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs)
        self._forward_pre_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_pre_hooks_with_kwargs[handle.id] = True
        if prepend:
            self._forward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_forward_hook(
        self,
        hook: Callable[..., Any],
        *,
        prepend: bool = False,
        with_kwargs: bool = False,
        always_call: bool = False,
    ) -> RemovableHandle:
        """Run ``hook(module, args, output)`` after each ``forward``; a return value other than None replaces the output.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs, output)``.
        With ``always_call=True`` it runs even when ``forward`` raises (with
        ``output`` None), before the error propagates.  Returns a handle with ``remove()``.
        """
        handle = RemovableHandle(
            self._forward_hooks, extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called]
        )
        self._forward_hooks[handle.id] = hook
        if with_kwargs:
            self._forward_hooks_with_kwargs[handle.id] = True
        if always_call:
            self._forward_hooks_always_called[handle.id] = True
        if prepend:
            self._forward_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Run ``hook(module, grad_output)`` when the gradients w.r.t. the module's outputs are known.

        ``grad_output`` has one entry per output (None for non-tensors and
        outputs that got no gradient); the hook may return a replacement tuple,
        which the module's backward then uses.  Returns a handle with ``remove()``.
        """
        handle = RemovableHandle(self._backward_pre_hooks)
        self._backward_pre_hooks[handle.id] = hook
        if prepend:
            self._backward_pre_hooks.move_to_end(handle.id, last=False)
        return handle

    def register_full_backward_hook(self, hook: Callable[..., Any], prepend: bool = False) -> RemovableHandle:
        """Run ``hook(module, grad_input, grad_output)`` when the gradients w.r.t. the module's inputs are known.

        ``grad_input`` has one entry per positional input (None for
        non-tensors; zeros for tensors that got no gradient) and
        ``grad_output`` one per output.  The hook may return a replacement
        ``grad_input`` tuple, which flows on to the inputs.  If no input
        requires grad, the hook runs when the output gradients are known, with
        ``grad_input`` all None (PyTorch warns then, and so does glassnet).
        For this the module's forward receives views of its tensor inputs and
        the caller views of its outputs.  Returns a handle with ``remove()``.
        """
        handle = RemovableHandle(self._backward_hooks)
        self._backward_hooks[handle.id] = hook
        if prepend:
            self._backward_hooks.move_to_end(handle.id, last=False)
        return handle

    def _call_with_hooks(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """``__call__`` of a module with hooks: PyTorch's order, pre-hooks, forward, forward hooks, backward gates."""
        result = None
        always_called_done = set()
        try:
            for hook_id, hook in self._forward_pre_hooks.items():
                if hook_id in self._forward_pre_hooks_with_kwargs:
                    new = hook(self, args, kwargs)
                    if new is not None:
                        if not (isinstance(new, tuple) and len(new) == 2):
                            raise RuntimeError(
                                f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {new}."
                            )
                        args, kwargs = new
                else:
                    new = hook(self, args)
                    if new is not None:
                        args = new if isinstance(new, tuple) else (new,)
            backward_hook = None
            if self._backward_hooks or self._backward_pre_hooks:
                backward_hook = BackwardHook(
                    self, list(self._backward_hooks.values()), list(self._backward_pre_hooks.values())
                )
                args = backward_hook.setup_input_hook(args)
            result = self.forward(*args, **kwargs)
            for hook_id, hook in self._forward_hooks.items():
                if hook_id in self._forward_hooks_always_called:
                    always_called_done.add(hook_id)
                result = self._run_forward_hook(hook_id, hook, args, kwargs, result)
            if backward_hook is not None:
                if not isinstance(result, (Tensor, tuple)):
                    warnings.warn(
                        "For backward hooks to be called, module output should be a Tensor or a tuple of Tensors "
                        f"but received {type(result)}",
                        stacklevel=2,
                    )
                result = backward_hook.setup_output_hook(result)
            return result
        except Exception:
            for hook_id, hook in self._forward_hooks.items():
                if hook_id in self._forward_hooks_always_called and hook_id not in always_called_done:
                    try:
                        result = self._run_forward_hook(hook_id, hook, args, kwargs, result)
                    except Exception as error:
                        warnings.warn(
                            "module forward hook with ``always_call=True`` raised an exception that was silenced as "
                            f"another error was raised in forward: {error}",
                            stacklevel=2,
                        )
            raise

    def _run_forward_hook(
        self, hook_id: int, hook: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], result: Any
    ) -> Any:
        if hook_id in self._forward_hooks_with_kwargs:
            new = hook(self, args, kwargs, result)
        else:
            new = hook(self, args, result)
        return result if new is None else new

    # --------------------------------------------------------- registration
    def _check_name(self, name: str, kind: str, registry: Mapping[str, Any]) -> None:
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')
        if hasattr(self, name) and name not in registry:
            raise KeyError(f"attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add ``param`` (a ``Parameter`` or None) under ``name``; None keeps the name but no tensor."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                "cannot assign parameter before Module.__init__() call; hint: call super().__init__() first"
            )
        self._check_name(name, "parameter", self._parameters)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' "
                "(glassnet.nn.Parameter or None required); hint: wrap it as nn.Parameter(tensor)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be created "
                f"explicitly. To express '{name}' as a function of another Tensor, compute the value in "
                "the forward() method."
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a tensor that is state but not learned (e.g. running statistics).

        Persistent buffers are saved in ``state_dict``; None keeps the name but no tensor.
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError(
                "cannot assign buffer before Module.__init__() call; hint: call super().__init__() first"
            )
        self._check_name(name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (glassnet Tensor or None required)"
            )
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add the child ``module`` (or None) under ``name``."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if "_modules" not in self.__dict__:
            raise AttributeError(
                "cannot assign module before Module.__init__() call; hint: call super().__init__() first"
            )
        self._check_name(name, "module", self._modules)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name: str, value: Any) -> None:
        params = self.__dict__.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError(
                    "cannot assign parameters before Module.__init__() call; hint: call super().__init__() first"
                )
            self._forget(name, keep=params)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' (glassnet.nn.Parameter or None "
                    f"expected); hint: wrap it as nn.Parameter(...), or change the values in place under "
                    f"no_grad(): self.{name}.data[...] = ..."
                )
            params[name] = None
        elif isinstance(value, Module):
            if "_modules" not in self.__dict__:
                raise AttributeError(
                    "cannot assign module before Module.__init__() call; hint: call super().__init__() first"
                )
            self._forget(name, keep=self._modules)
            self._modules[name] = value
        elif name in self.__dict__.get("_modules", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' "
                    "(glassnet.nn.Module or None expected)"
                )
            self._modules[name] = None
        elif name in self.__dict__.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' (glassnet Tensor or None expected)"
                )
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name: str, keep: dict[str, Any]) -> None:
        """Remove ``name`` from the instance dict and the registries other than ``keep`` (where it keeps its place)."""
        self.__dict__.pop(name, None)
        for registry in (self._parameters, self._buffers, self._modules):
            if registry is not keep:
                registry.pop(name, None)
        self._non_persistent_buffers_set.discard(name)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails, i.e. for registered parameters, buffers and modules.
        attributes = self.__dict__
        for registry in ("_parameters", "_buffers", "_modules"):
            items = attributes.get(registry)
            if items is not None and name in items:
                return items[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __dir__(self) -> list[str]:
        """Attribute names including the registered ones, so tab completion finds ``model.fc``."""
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def __delattr__(self, name: str) -> None:
        if name in self._parameters:
            del self._parameters[name]
        elif name in self._buffers:
            del self._buffers[name]
            self._non_persistent_buffers_set.discard(name)
        elif name in self._modules:
            del self._modules[name]
        else:
            object.__delattr__(self, name)

    # ------------------------------------------------------------- walking
    def named_modules(
        self, memo: set[Module] | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """``(dotted name, module)`` for this module and every descendant, depth first, each module once."""
        if memo is None:
            memo = set()
        if self in memo:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is not None:
                yield from module.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and all its descendants, each once, depth first."""
        for _, module in self.named_modules():
            yield module

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for the direct children, each module once."""
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct child modules, each once."""
        for _, module in self.named_children():
            yield module

    def get_submodule(self, target: str) -> Module:
        """The descendant named by the dotted path ``target`` (``"features.0"``); ``""`` is self."""
        if target == "":
            return self
        module = self
        for item in target.split("."):
            if not hasattr(module, item):
                raise AttributeError(module._get_name() + " has no attribute `" + item + "`")
            module = getattr(module, item)
            if not isinstance(module, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")
        return module

    def get_parameter(self, target: str) -> Parameter:
        """The parameter named by the dotted path ``target`` (``"features.0.weight"``)."""
        return self._get_member(target, Parameter, "nn.Parameter")

    def get_buffer(self, target: str) -> Tensor:
        """The buffer named by the dotted path ``target`` (``"bn.running_mean"``)."""
        return self._get_member(target, None, "buffer")

    def _get_member(self, target: str, kind: type | None, kind_name: str) -> Any:
        module_path, _, name = target.rpartition(".")
        module = self.get_submodule(module_path)
        if not hasattr(module, name):
            raise AttributeError(module._get_name() + " has no attribute `" + name + "`")
        member = getattr(module, name)
        if (kind is not None and not isinstance(member, kind)) or (kind is None and name not in module._buffers):
            raise AttributeError("`" + name + "` is not " + ("a " if kind is None else "an ") + kind_name)
        return member

    def _named_members(
        self, registry: str, prefix: str, recurse: bool, remove_duplicate: bool
    ) -> Iterator[tuple[str, Any]]:
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, tensor in module.__dict__[registry].items():
                if tensor is None or id(tensor) in seen:
                    continue
                if remove_duplicate:
                    seen.add(id(tensor))
                yield module_prefix + ("." if module_prefix else "") + name, tensor

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(dotted name, parameter)`` pairs, e.g. ``("0.weight", ...)``; a shared parameter appears once."""
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The learnable parameters of this module and (with ``recurse``) all its descendants."""
        for _, param in self.named_parameters(recurse=recurse):
            yield param

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """``(dotted name, buffer)`` pairs, e.g. ``("0.running_mean", ...)``: the non-learned state tensors."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers (running statistics and other non-learned state) of this module and its descendants."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    # --------------------------------------------------------------- state
    def state_dict(
        self, destination: dict[str, Any] | None = None, prefix: str = "", keep_vars: bool = False
    ) -> dict[str, Any]:
        """An ``OrderedDict`` of dotted name -> tensor: own parameters, then persistent buffers, then each child's.

        The tensors are detached but share memory with the module (as in
        PyTorch); ``keep_vars=True`` returns the parameters themselves.
        """
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination, prefix + name + ".", keep_vars)
        return destination

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True) -> _IncompatibleKeys:
        """Copy values from ``state_dict`` (name -> Tensor, NumPy array or anything ``np.asarray`` accepts).

        Values are copied into the existing tensors (cast to their dtype), so
        optimizers holding the parameters keep working.  A shape mismatch is
        always an error; missing and unexpected keys are errors when ``strict``
        and are returned as ``(missing_keys, unexpected_keys)`` otherwise.
        Nothing is copied if there is any error.
        """
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors, copies = [], []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            value = value.array if isinstance(value, Tensor) else np.asarray(value)
            if value.shape != target.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {tuple(value.shape)} from checkpoint, "
                    f"the shape in current model is {tuple(target.shape)}."
                )
            else:
                copies.append((target, value))
        if strict:
            if unexpected:
                errors.insert(
                    0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected))
                )
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError(
                f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                + "\n\t".join(errors)
                + "\n\thint: the checkpoint was made for a different architecture; compare "
                "model.state_dict().keys() and shapes with the checkpoint's (strict=False loads the matching keys)"
            )
        for target, value in copies:
            target.array[...] = value
        return _IncompatibleKeys(missing, unexpected)

    # --------------------------------------------------------------- modes
    def train(self: M, mode: bool = True) -> M:
        """Set training mode (``mode=True``) or evaluation mode on this module and all descendants; returns self."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: training mode is expected to be boolean, got {mode!r}")
        self.training = mode
        for module in self.children():
            module.train(mode)
        return self

    def eval(self: M) -> M:
        """``train(False)``: evaluation mode (e.g. Dropout becomes the identity); returns self."""
        return self.train(False)

    def requires_grad_(self: M, requires_grad: bool = True) -> M:
        """Turn gradient tracking of every parameter on or off (e.g. to freeze layers); returns self."""
        for param in self.parameters():
            param.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (the default) or to zeros."""
        for param in self.parameters():
            if param.grad is not None:
                if set_to_none:
                    param.grad = None
                else:
                    param.grad.array[...] = 0

    def apply(self: M, fn: Callable[[Module], None]) -> M:
        """Call ``fn(module)`` on every descendant (children first) and then on self; returns self."""
        for module in self.children():
            module.apply(fn)
        fn(self)
        return self

    def to(self: M, *args: Any, dtype: DTypeLike | None = None, device: DeviceLike | None = None) -> M:
        """Convert floating parameters and buffers to ``dtype`` in place (``to(dtype)``, ``to("cpu")``); returns self.

        The Parameter objects are kept (their ``.data`` is replaced), so
        optimizers holding them stay valid.  Only the "cpu" device exists.
        """
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, device_type)) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            else:
                dtype = arg
        check_device(device, "to")
        if dtype is not None:
            dtype = np.dtype(dtype)
            for tensor in [*self.parameters(), *self.buffers()]:
                if tensor.is_floating_point():
                    tensor.array = tensor.array.astype(dtype, copy=False)
                    if tensor.grad is not None:
                        tensor.grad.array = tensor.grad.array.astype(dtype, copy=False)
        return self

    def cuda(self, device: DeviceLike | None = None) -> None:
        """Raises: glassnet runs on the CPU (use ``.to(device)`` with device chosen by ``glassnet.cuda.is_available()``)."""
        check_device(device if device is not None else "cuda", "cuda")

    def cpu(self: M) -> M:
        """``self``: parameters always live on the CPU."""
        return self

    def float(self: M) -> M:
        """Cast every floating-point parameter and buffer to float32, in place; returns ``self``."""
        return self.to(np.float32)

    def double(self: M) -> M:
        """Cast every floating-point parameter and buffer to float64, in place; returns ``self``."""
        return self.to(np.float64)

    # ------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside ``Name(...)`` besides the children; layers override it (e.g. ``in_features=2, ...``)."""
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2) for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"
