"""``Optimizer``: the base class that turns gradients into parameter updates.

An optimizer holds **parameter groups**: dicts with a ``"params"`` list and
the hyper-parameters (``lr``, ``momentum``, ...) used for those parameters.
Hyper-parameters a group does not set come from the optimizer's ``defaults``,
so different parts of a model can train with different learning rates::

    opt = SGD([{"params": body}, {"params": head, "lr": 0.1}], lr=0.01, momentum=0.9)

It also holds a per-parameter **state** dict (``optimizer.state[p]``), e.g. the
momentum buffer of SGD or Adam's moving averages, created on the first step.

Each ``step()`` visits every parameter whose ``.grad`` is not None and updates
``p.array`` (the NumPy array) in place; no graph is recorded.  Parameters
without a gradient are skipped, so ``zero_grad(set_to_none=True)`` (the
default) also means "do not touch parameters that got no gradient".

``state_dict()`` has PyTorch's layout, with parameters replaced by their
position (counting through all groups in order)::

    {"state": {0: {"momentum_buffer": ndarray}, 1: {...}, ...},
     "param_groups": [{"lr": 0.01, "momentum": 0.9, ..., "params": [0, 1]},
                      {"lr": 0.1, ..., "params": [2]}]}

Unlike PyTorch, the state values are NumPy arrays (step counters are 0-d
int64 arrays) and ``state_dict()`` returns *copies*, so a saved state does not
change when training continues.  ``load_state_dict`` accepts NumPy arrays,
glassnet Tensors, or anything ``np.asarray`` takes (including CPU torch
tensors); floating-point state is cast to its parameter's dtype.

For a safetensors checkpoint (tensors only, plus string metadata) use
``flatten_state_dict``: the state becomes arrays named
``"state.{index}.{name}"`` and the param groups a JSON string::

    import safetensors.numpy
    arrays, metadata = flatten_state_dict(opt.state_dict())
    safetensors.numpy.save_file(arrays, "opt.safetensors", metadata=metadata)
    ...
    with safetensors.safe_open("opt.safetensors", "np") as f:
        arrays = {name: f.get_tensor(name) for name in f.keys()}
        metadata = f.metadata()
    opt.load_state_dict(unflatten_state_dict(arrays, metadata))
"""

from __future__ import annotations

import copy
import json
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

import numpy as np

from ..autograd import enable_grad
from ..tensor import Tensor

# What an optimizer takes as ``params`` (PyTorch's name): tensors, (name, tensor) pairs, or parameter groups.
ParamsT: TypeAlias = Iterable[Tensor] | Iterable[tuple[str, Tensor]] | Iterable[dict[str, Any]]


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts
            (parameter groups, each with a ``"params"`` entry).
        defaults: hyper-parameters used by groups that do not set them.

    Subclasses implement ``_update(param, grad, state, group)`` for a single
    parameter; ``step`` calls it for every parameter that has a gradient.
    (Unlike PyTorch, where each optimizer writes its own ``step`` loop.)
    """

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                f"but got {_typename(params)}; hint: wrap a single tensor in a list: [x]"
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups: list[Any] = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines.extend(f"    {key}: {group[key]}" for key in sorted(group) if key != "params")
        return "\n".join(lines) + "\n)"

    # ---------------------------------------------------------------- groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (a dict with ``"params"`` and optional hyper-parameters).

        Useful when fine-tuning: unfreeze layers and add them as training goes on.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {_typename(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of "
                "tensors in sets will change between runs. Please use a list instead."
            )
        params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        if names:
            if len(names) != len(params):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            param_group["param_names"] = names
            params = [p[1] for p in params]
        param_group["params"] = params

        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {_typename(p)}")
            if not p.is_leaf:
                raise ValueError(
                    "can't optimize a non-leaf Tensor; hint: optimize the tensors you created with "
                    "requires_grad=True, not results computed from them"
                )
        for name, default in self.defaults.items():
            param_group.setdefault(name, default)

        if len(params) != len(set(params)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters", stacklevel=3)
        for group in self.param_groups:
            if ("param_names" in group) != ("param_names" in param_group):
                raise ValueError(
                    "all optimizer param groups should be with/without names. cannot add param group "
                    f"{'with' if 'param_names' in param_group else 'without'} names to the optimizer"
                )
            if not set(group["params"]).isdisjoint(params):
                raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------------ step
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters before the next ``backward``.

        ``set_to_none=True`` (default) sets ``p.grad = None``: the memory is freed
        and a parameter that gets no gradient in the next backward is skipped by
        ``step``.  ``set_to_none=False`` fills the existing ``.grad`` with zeros
        in place, so such a parameter is still updated (e.g. by weight decay or
        momentum) with a zero gradient.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad.array[...] = 0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient; return ``closure()`` if given.

        ``closure`` is a function that clears the gradients, recomputes the loss,
        calls ``backward`` and returns the loss (needed by optimizers that
        evaluate the loss several times; for SGD and Adam it is a convenience).
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self._update(p, p.grad.array, self.state[p], group)
                    p._version[0] += 1  # changed in place: a graph that saved p can't backpropagate any more
        return loss

    def _update(self, param: Tensor, grad: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Update ``param.array`` in place from ``grad`` (an ndarray); ``state`` is this parameter's dict."""
        raise NotImplementedError(f"{type(self).__name__} must implement _update(param, grad, state, group)")

    # ----------------------------------------------------------- save / load
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state and hyper-parameters, with parameters replaced by indices (see the module docs)."""
        index: dict[int, int] = {}  # id(parameter) -> its number in the saved state
        param_groups = []
        for group in self.param_groups:
            packed = copy.deepcopy({k: v for k, v in group.items() if k != "params"})
            for p in group["params"]:
                index.setdefault(id(p), len(index))
            packed["params"] = [index[id(p)] for p in group["params"]]
            param_groups.append(packed)
        state = {index[id(p)]: {name: np.copy(value) for name, value in s.items()} for p, s in self.state.items() if s}
        return {"state": state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a state saved by ``state_dict()`` into an optimizer over the same parameters, in the same order."""
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"loaded state dict has a different number of parameter groups ({len(saved_groups)}) "
                f"than the optimizer ({len(self.param_groups)})"
            )
        for i, (group, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(group["params"]) != len(saved["params"]):
                raise ValueError(
                    f"loaded state dict contains a parameter group that doesn't match the size of optimizer's "
                    f"group: group {i} has {len(saved['params'])} saved parameters but {len(group['params'])} "
                    "in the optimizer"
                )
        params = {
            saved_index: p
            for group, saved in zip(self.param_groups, saved_groups)
            for saved_index, p in zip(saved["params"], group["params"])
        }
        self.state = defaultdict(dict)
        for saved_index, saved_state in state_dict["state"].items():
            p = params[int(saved_index)]
            self.state[p] = {name: _state_array(name, value, p) for name, value in saved_state.items()}
        self.param_groups = [
            _restored_group(group, saved, self.defaults) for group, saved in zip(self.param_groups, saved_groups)
        ]


def _restored_group(group: dict[str, Any], saved: Mapping[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The saved hyper-parameters (copied, defaults for any the save predates) with this optimizer's parameters."""
    restored = dict(defaults)
    restored.update(copy.deepcopy({k: v for k, v in saved.items() if k != "params"}))
    restored["params"] = group["params"]
    if "param_names" in group and "param_names" not in restored:
        restored["param_names"] = group["param_names"]
    return restored


def _state_array(name: str, value: Any, param: Tensor) -> np.ndarray:
    """A private copy of one saved state value: float state in the parameter's dtype, ``step`` as int64."""
    value = np.asarray(value.array if isinstance(value, Tensor) else value)
    if name == "step":
        return value.astype(np.int64)
    return value.astype(param.dtype) if value.dtype.kind == "f" else value.copy()


def _typename(obj: object) -> str:
    cls = type(obj)
    return f"glassnet.{cls.__name__}" if isinstance(obj, Tensor) else cls.__name__


def flatten_state_dict(state_dict: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """Split an optimizer ``state_dict()`` into ``(arrays, metadata)`` for safetensors.

    ``arrays`` maps ``"state.{index}.{name}"`` to a contiguous ndarray; ``metadata``
    is ``{"param_groups": <JSON>}`` (JSON turns tuples such as ``betas`` into lists).
    """
    arrays = {
        f"state.{index}.{name}": np.asarray(value.array if isinstance(value, Tensor) else value, order="C")
        for index, per_param in state_dict["state"].items()
        for name, value in per_param.items()
    }
    return arrays, {"param_groups": json.dumps(state_dict["param_groups"])}


def unflatten_state_dict(arrays: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> dict[str, Any]:
    """Inverse of ``flatten_state_dict``: a state dict ready for ``load_state_dict``."""
    state: defaultdict[int, dict[str, np.ndarray]] = defaultdict(dict)
    for key, value in arrays.items():
        prefix, _, rest = key.partition(".")
        index, _, name = rest.partition(".")
        if prefix != "state" or not index.isdigit() or not name:
            raise ValueError(f"unflatten_state_dict: unexpected array name {key!r}; expected 'state.<index>.<name>'")
        state[int(index)][name] = value
    return {"state": dict(state), "param_groups": json.loads(metadata["param_groups"])}
