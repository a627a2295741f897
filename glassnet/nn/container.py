"""Containers: ``Sequential`` (a pipeline), ``ModuleList``, ``ModuleDict``, ``ParameterList``, ``ParameterDict``.

A plain Python list or dict attribute hides what it holds from
``parameters()`` and ``state_dict()``; these containers register it.
``Sequential`` and ``ModuleList`` keep their modules in ``_modules`` under the
names ``"0"``, ``"1"``, ... (a ``Sequential`` built from an ``OrderedDict``
keeps the given names), which is where state_dict keys such as
``"0.weight"`` come from; ``ModuleDict`` uses its keys.  ``ParameterList``
and ``ParameterDict`` register each tensor as a parameter under its index or
key (keys ``"0"`` or ``"scale"``) and keep other values as plain attributes.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Callable, ItemsView, Iterable, Iterator, KeysView, Mapping, ValuesView
from typing import Any, NoReturn, TypeVar

from ..tensor import Tensor
from .module import Module, _addindent
from .parameter import Parameter

S = TypeVar("S", bound="_ModuleSequence")  # methods that return self give back the caller's own class
P = TypeVar("P", bound="ParameterList")


class _ModuleSequence(Module):
    """List behaviour shared by ``Sequential`` and ``ModuleList``: indexing, slicing, len, iteration, append."""

    _modules: dict[str, Module]  # type: ignore[assignment]  # a container holds no None

    def _key(self, index: int) -> str:
        """The ``_modules`` key of the module at position ``index`` (negative counts from the end)."""
        size = len(self._modules)
        index = operator.index(index)
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of range for {self._get_name()} of length {size}")
        return list(self._modules)[index]

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return self._from_items(list(self._modules.items())[index])
        return self._modules[self._key(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        setattr(self, self._key(index), module)

    def __delitem__(self, index: int | slice) -> None:
        keys = list(self._modules)[index] if isinstance(index, slice) else [self._key(index)]
        for key in keys:
            del self._modules[key]
        self.__dict__["_modules"] = {str(i): module for i, module in enumerate(self._modules.values())}

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def append(self: S, module: Module) -> S:
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self: S, modules: Iterable[Module]) -> S:
        """Append every module of the iterable ``modules``; returns self."""
        for module in modules:
            self.append(module)
        return self

    def pop(self, index: int) -> Module:
        """Remove the module at ``index`` (or the modules of a slice) and return it."""
        module = self[index]
        del self[index]
        return module

    def __add__(self: S, other: Iterable[Module]) -> S:
        """A new container of the same type holding the modules of ``self`` then those of ``other``."""
        combined = type(self)()
        return combined.extend(self).extend(other)

    def __iadd__(self: S, modules: Iterable[Module]) -> S:
        return self.extend(modules)

    def insert(self: S, index: int, module: Module) -> S:
        """Insert ``module`` before position ``index``, renumbering the ones after it."""
        if not isinstance(module, Module):
            raise TypeError(f"insert: {type(module).__name__} is not a Module subclass")
        size = len(self._modules)
        if not -size <= index <= size:
            raise IndexError(f"insert: index {index} is out of range for {self._get_name()} of length {size}")
        modules = list(self._modules.values())
        modules.insert(index, module)
        self.__dict__["_modules"] = {str(i): m for i, m in enumerate(modules)}
        return self


class Sequential(_ModuleSequence):
    """Modules applied one after another: ``Sequential(a, b, c)(x) == c(b(a(x)))``.

    Build it from modules (named ``"0"``, ``"1"``, ...) or from one
    ``OrderedDict`` of name -> module.  Index it like a list (``seq[-1]``);
    a slice is a new ``Sequential`` of the same module objects.

    Example:
        >>> import glassnet
        >>> from glassnet.nn import Linear, Sequential, Tanh
        >>> net = Sequential(Linear(2, 8), Tanh(), Linear(8, 1))
        >>> net(glassnet.zeros(5, 2)).shape
        glassnet.Size([5, 1])
        >>> net
        Sequential(
          (0): Linear(in_features=2, out_features=8, bias=True)
          (1): Tanh()
          (2): Linear(in_features=8, out_features=1, bias=True)
        )
    """

    def __init__(self, *args: Any) -> None:  # modules, or one OrderedDict of name -> module
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def _from_items(self, items: list[tuple[str, Module]]) -> Sequential:
        return type(self)(OrderedDict(items))

    def forward(self, input: Any) -> Any:
        """Each module applied in turn to the previous one's output, starting from ``input``."""
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A Python list of modules whose parameters the parent module can see.

    A plain list attribute hides its modules from ``parameters()`` and
    ``state_dict()``; a ``ModuleList`` registers them (keys ``"0"``, ``"1"``, ...).
    It has no ``forward``: iterate over it in the parent's ``forward``.
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _from_items(self, items: list[tuple[str, Module]]) -> ModuleList:
        return type(self)(module for _, module in items)

    def __repr__(self) -> str:
        """Like PyTorch's: runs of identical modules are shown once, e.g. ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(module) for module in self]
        if not reprs:
            return self._get_name() + "()"
        runs: list[list[Any]] = []  # [first index, last index, repr]
        for i, text in enumerate(reprs):
            if runs and runs[-1][2] == text:
                runs[-1][1] = i
            else:
                runs.append([i, i, text])
        lines = [
            _addindent(f"({first}): {text}" if first == last else f"({first}-{last}): {last - first + 1} x {text}", 2)
            for first, last, text in runs
        ]
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


def _pairs(name: str, items: Any, sort_plain_dicts: bool = False) -> list[tuple[Any, Any]]:
    """The ``(key, value)`` pairs of a mapping or of an iterable of pairs, as ``update`` takes them.

    ``ParameterDict`` sorts the keys of a mapping that is not an ``OrderedDict``
    or a ``ParameterDict``, as PyTorch does (``sort_plain_dicts``).
    """
    if not isinstance(items, Iterable):
        raise TypeError(
            f"{name}.update should be called with an iterable of key/value pairs, but got {type(items).__name__}"
        )
    if isinstance(items, (Mapping, ModuleDict, ParameterDict)):
        pairs = list(items.items())
        ordered = isinstance(items, (OrderedDict, ModuleDict, ParameterDict))
        return pairs if ordered or not sort_plain_dicts else sorted(pairs)
    pairs = []
    for j, pair in enumerate(items):
        if not hasattr(pair, "__iter__"):  # not iterable
            raise TypeError(f"{name} update sequence element #{j} should be Iterable; is{type(pair).__name__}")
        if len(pair) != 2:
            raise ValueError(f"{name} update sequence element #{j} has length {len(pair)}; 2 is required")
        pairs.append((pair[0], pair[1]))
    return pairs


class ModuleDict(Module):
    """A Python dict of modules whose parameters the parent module can see; keys keep their insertion order.

    Example:
        >>> from glassnet.nn import Linear, ModuleDict
        >>> heads = ModuleDict({"digit": Linear(8, 10), "parity": Linear(8, 2)})
        >>> list(heads.state_dict())
        ['digit.weight', 'digit.bias', 'parity.weight', 'parity.bias']

    It has no ``forward``: pick the module by key in the parent's ``forward``.
    """

    _modules: dict[str, Module]  # type: ignore[assignment]  # a container holds no None

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove the module under ``key`` and return it."""
        module = self[key]
        del self[key]
        return module

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order."""
        return self._modules.keys()

    def items(self) -> ItemsView[str, Module]:
        """The ``(key, module)`` pairs, in insertion order."""
        return self._modules.items()

    def values(self) -> ValuesView[Module]:
        """The modules, in insertion order."""
        return self._modules.values()

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add (or replace) the modules of a mapping, or of an iterable of ``(key, module)`` pairs."""
        for key, module in _pairs("ModuleDict", modules):
            self[key] = module


def _parameter_lines(items: Iterable[tuple[Any, Any]], type_name: Callable[[Tensor], str]) -> str:
    """PyTorch's lines for ParameterList/ParameterDict: ``(key): Parameter containing: [<type> of size 2x3]``."""
    lines = []
    for key, value in items:
        if isinstance(value, Tensor):
            size = "x".join(str(s) for s in value.shape)
            what = "Parameter" if isinstance(value, Parameter) else "Tensor"
            lines.append(f"  ({key}): {what} containing: [{type_name(value)} of size {size}]")
        else:
            lines.append(f"  ({key}): Object of type: {type(value).__name__}")
    return "\n".join(lines)


def _as_parameter(value: Any) -> Any:
    """Tensors stored in a ParameterList/ParameterDict become Parameters (sharing memory), as in PyTorch."""
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


class ParameterList(Module):
    """A Python list of parameters that the parent module can see (state_dict keys ``"0"``, ``"1"``, ...).

    Tensors put into it become ``Parameter``s; other values are kept, unregistered.
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def _name(self, index: int) -> str:
        index = operator.index(index)
        if not -len(self) <= index < len(self):
            raise IndexError(f"index {index} is out of range for ParameterList of length {len(self)}")
        return str(index % len(self))

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return type(self)(self[i] for i in range(*index.indices(len(self))))
        return getattr(self, self._name(index))

    def __setitem__(self, index: int, value: Any) -> None:
        setattr(self, self._name(index), _as_parameter(value))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self: P, values: Iterable[Any]) -> P:
        return self.extend(values)

    def __dir__(self) -> list[str]:
        return [name for name in super().__dir__() if not name.isdigit()]

    def append(self: P, value: Any) -> P:
        """Add ``value`` at the end; returns self."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self: P, values: Iterable[Any]) -> P:
        """Append every element of the iterable ``values`` (a tensor is one element, not an iterable); returns self."""
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return _parameter_lines(enumerate(self), lambda t: str(t.dtype))

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """A Python dict of parameters that the parent module can see (state_dict keys are the dict's keys).

    Tensors put into it become ``Parameter``s; other values are kept, unregistered.
    As in PyTorch, a plain ``dict`` given to the constructor or ``update`` is
    added in sorted key order; an ``OrderedDict`` or a list of pairs keeps its order.
    """

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}  # the keys in order (a dict keeps insertion order)
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _check_key(key: str) -> str:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is "
                f"not a string (type is '{type(key).__name__}'); hint: use string keys"
            )
        return key

    def __getitem__(self, key: str) -> Any:
        return getattr(self, self._check_key(key))

    def __setitem__(self, key: str, value: Any) -> None:
        setattr(self, self._check_key(key), _as_parameter(value))
        self._keys[key] = None

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._check_key(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def copy(self) -> ParameterDict:
        """A new ``ParameterDict`` holding the same parameter objects (a shallow copy)."""
        return ParameterDict(OrderedDict((key, self[key]) for key in self._keys))

    def setdefault(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, after storing ``default`` there if the key was missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        """Remove every parameter."""
        for key in list(self._keys):
            del self[key]

    def pop(self, key: str) -> Any:
        """Remove the value under ``key`` and return it."""
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last added ``(key, value)`` pair."""
        if not self._keys:
            raise KeyError("popitem(): ParameterDict is empty")
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, or ``default`` if there is none."""
        return self[key] if key in self else default  # noqa: SIM401 (this is get)

    def fromkeys(self, keys: Iterable[str], default: Any = None) -> ParameterDict:
        """A new ``ParameterDict`` with each of ``keys`` mapped to ``default``."""
        return ParameterDict((key, default) for key in keys)

    def keys(self) -> KeysView[str]:
        """The keys, in insertion order."""
        return self._keys.keys()

    def items(self) -> Iterator[tuple[str, Any]]:
        """The ``(key, value)`` pairs, in insertion order."""
        return ((key, self[key]) for key in self._keys)

    def values(self) -> Iterator[Any]:
        """The values, in insertion order."""
        return (self[key] for key in self._keys)

    def update(self, parameters: ParameterDict | Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Add (or replace) the values of a mapping, or of an iterable of ``(key, value)`` pairs."""
        for key, value in _pairs("ParameterDict", parameters, sort_plain_dicts=True):
            self[key] = value

    def __or__(self, other: ParameterDict) -> ParameterDict:
        combined = self.copy()
        combined.update(other)
        return combined

    def __ror__(self, other: ParameterDict) -> ParameterDict:
        combined = other.copy()
        combined.update(self)
        return combined

    def __ior__(self, other: ParameterDict) -> ParameterDict:
        self.update(other)
        return self

    def extra_repr(self) -> str:
        return _parameter_lines(self.items(), lambda t: t.type())

    def __call__(self, input: Any) -> NoReturn:
        raise RuntimeError("ParameterDict should not be called.")
