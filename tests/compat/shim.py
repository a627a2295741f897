"""Run a PyTorch program on glassnet by renaming its imports, and nothing else.

    python tests/compat/shim.py program.py [args...]

or, from Python, ``shim.install()`` before the program's first ``import torch``.

The shim is an import hook (a ``sys.meta_path`` finder): when the program imports
a module under one of the names on the left, it receives the glassnet module on the
right, the very same module object (so ``torch.nn is glassnet.nn``)::

    torch                    -> glassnet           (and torch.X -> glassnet.X for any X:
                                                    torch.nn, torch.nn.functional, torch.optim,
                                                    torch.optim.lr_scheduler, torch.autograd, ...)
    torch.utils.data         -> glassnet.data
    torchvision              -> glassnet.data      (torchvision.datasets, torchvision.transforms)

That is all it does.  It defines no function, class or attribute: a name that
glassnet lacks stays missing and the program stops there, with glassnet's own
``AttributeError`` or ``ImportError``.  A test that passes under the shim
therefore shows that glassnet itself has every name the program uses.
"""

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys

# Longest matching prefix wins: torch.utils.data.X -> glassnet.data.X before torch.X -> glassnet.X.
RENAMES = {
    "torch": "glassnet",
    "torch.utils.data": "glassnet.data",
    "torchvision": "glassnet.data",
}


def target_of(name):
    """The glassnet module name that the module ``name`` is renamed to, or None."""
    for alias in sorted(RENAMES, key=len, reverse=True):
        if name == alias or name.startswith(alias + "."):
            return RENAMES[alias] + name[len(alias) :]
    return None


class _Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``torch...`` names and loads them as the already importable glassnet module."""

    def find_spec(self, name, path=None, target=None):
        real = target_of(name)
        if real is None:
            return None
        if importlib.util.find_spec(real) is None:
            return None  # glassnet has no such module: the import fails as usual
        return importlib.util.spec_from_loader(name, self, origin=real)

    def create_module(self, spec):
        module = importlib.import_module(spec.origin)
        spec.loader_state = module.__spec__  # the import system is about to overwrite it with the alias's
        return module

    def exec_module(self, module):
        # The glassnet module has already run (imported under its own name): only give its spec back.
        module.__spec__ = module.__spec__.loader_state


def install():
    """Put the renaming finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, _Alias) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Alias())


def run(path, args=()):
    """Run the program at ``path`` as ``python path args...`` would, under the shim.

    ``sys.argv`` is ``[path, *args]`` and the program's folder comes first on
    ``sys.path``, so it imports its neighbours as usual.
    """
    install()
    sys.argv = [str(path), *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(str(path), run_name="__main__")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python tests/compat/shim.py program.py [args...]")
    sys.path.pop(0)  # this file's folder: the program's takes its place
    run(sys.argv[1], sys.argv[2:])
