"""Containers: ``Sequential`` (a pipeline) and ``ModuleList`` (a registered list).

Both keep their modules in ``_modules`` under the names ``"0"``, ``"1"``, ...
(a ``Sequential`` built from an ``OrderedDict`` keeps the given names), which
is where state_dict keys such as ``"0.weight"`` come from.
"""

import operator
from collections import OrderedDict

from .module import Module, _addindent


class _ModuleSequence(Module):
    """List behaviour shared by ``Sequential`` and ``ModuleList``: indexing, slicing, len, iteration, append."""

    def _key(self, index):
        """The ``_modules`` key of the module at position ``index`` (negative counts from the end)."""
        size = len(self._modules)
        index = operator.index(index)
        if not -size <= index < size:
            raise IndexError(f"index {index} is out of range for {self._get_name()} of length {size}")
        return list(self._modules)[index]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._from_items(list(self._modules.items())[index])
        return self._modules[self._key(index)]

    def __setitem__(self, index, module):
        setattr(self, self._key(index), module)

    def __delitem__(self, index):
        keys = list(self._modules)[index] if isinstance(index, slice) else [self._key(index)]
        for key in keys:
            del self._modules[key]
        self.__dict__["_modules"] = {str(i): module for i, module in enumerate(self._modules.values())}

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def append(self, module):
        """Add ``module`` at the end; returns self."""
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Append every module of the iterable ``modules``; returns self."""
        for module in modules:
            self.append(module)
        return self

    def insert(self, index, module):
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

    Example::

        >>> Sequential(Linear(2, 8), Tanh(), Linear(8, 1))
        Sequential(
          (0): Linear(in_features=2, out_features=8, bias=True)
          (1): Tanh()
          (2): Linear(in_features=8, out_features=1, bias=True)
        )
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, module in args[0].items():
                self.add_module(name, module)
        else:
            for index, module in enumerate(args):
                self.add_module(str(index), module)

    def _from_items(self, items):
        return type(self)(OrderedDict(items))

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input


class ModuleList(_ModuleSequence):
    """A Python list of modules whose parameters the parent module can see.

    A plain list attribute hides its modules from ``parameters()`` and
    ``state_dict()``; a ``ModuleList`` registers them (keys ``"0"``, ``"1"``, ...).
    It has no ``forward``: iterate over it in the parent's ``forward``.
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _from_items(self, items):
        return type(self)(module for _, module in items)

    def __repr__(self):
        """Like PyTorch's: runs of identical modules are shown once, e.g. ``(0-2): 3 x Linear(...)``."""
        reprs = [repr(module) for module in self]
        if not reprs:
            return self._get_name() + "()"
        runs = []  # [first index, last index, repr]
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
