"""Fail when a public object of glassnet has no docstring; the API reference would show it bare.

Run it from the repository root (CI does, before ``mkdocs build --strict``)::

    python docs/check_docstrings.py

mkdocstrings renders whatever docstrings exist and cannot fail on a missing one, so
this script walks the same public API that ``docs/reference/`` documents:

* in each module of ``PUBLIC_MODULES``: every name in its ``__all__`` or, without one,
  every name not starting with ``_`` that is a function or class defined in glassnet
  (submodules are walked as modules of their own when listed);
* in each public class, and in each glassnet base class it inherits from (``_ConvNd``,
  ``LRScheduler``, ``Optimizer``, ``Module``, ...): every method, property, class method and
  static method whose name does not start with ``_``, defined in that class itself.
  That covers every public ``Tensor`` method and property and every ``nn.Module``
  subclass's ``forward`` and other methods; an ``extra_repr`` or ``get_lr`` may take its
  base class's docstring (``INHERITS_DOCSTRING``).

An alias (``Tensor.mm = matmul``) is the same function, so it shares its docstring.
Every layer and loss of ``glassnet.nn`` must also have a ``Shape:`` section. It prints what
is missing and exits 1, or says that nothing is and exits 0.
"""

import importlib
import inspect
import sys

# The modules whose pages docs/reference/ has: the Python API a user imports. A module maps to None
# when its public names follow the rule of ``public_names``, or to the list of them.
PUBLIC_MODULES = {
    "glassnet": None,
    "glassnet.autograd": None,
    "glassnet.nn": None,
    "glassnet.nn.functional": None,
    "glassnet.nn.init": None,
    "glassnet.optim": None,
    "glassnet.optim.lr_scheduler": None,
    "glassnet.data": None,
    "glassnet.data.transforms": None,
    "glassnet.data.datasets": None,
    "glassnet.models": None,
    "glassnet.accelerator": None,
    "glassnet.cuda": None,
    "glassnet.onnx": None,
    "glassnet.interop": None,
    "glassnet.playground": None,
    # Modules behind a top-level function (glassnet.summary, glassnet.save, ...): what a user meets.
    "glassnet.summary": ["summary", "Summary", "ShapeError"],
    "glassnet.explain": ["explain"],
    "glassnet.serialization": ["save", "load", "CheckpointError"],
    "glassnet.random": ["Generator", "manual_seed", "initial_seed"],
    "glassnet.runtime": ["get_num_threads", "set_num_threads"],
}


# Overrides that keep their base class's contract word for word take its docstring (the site shows it,
# through the griffe-inherited-docstrings extension): each layer's ``extra_repr`` and each scheduler's
# ``get_lr``. Every other method says what it does in its own class.
INHERITS_DOCSTRING = {"extra_repr", "get_lr"}


def inherited_docstring(cls, owner, name):
    """The docstring of ``name`` in the nearest class after ``owner`` in ``cls``'s MRO that documents it, or None."""
    mro = cls.__mro__
    for base in mro[mro.index(owner) + 1 :]:
        member = vars(base).get(name)
        if member is not None and getattr(member, "__doc__", None):
            return member.__doc__
    return None


def from_glassnet(value):
    """Whether ``value`` is a function or class written in glassnet, or an instance of one (``glassnet.float32``)."""
    if inspect.isfunction(value) or inspect.isclass(value):
        return value.__module__.startswith("glassnet")
    return type(value).__module__.startswith("glassnet") and not inspect.ismodule(value)


def public_names(module):
    """The names a user of ``module`` is meant to use.

    Those of ``PUBLIC_MODULES`` or ``__all__`` where given. Otherwise, in a package (``glassnet``,
    ``glassnet.nn``): every glassnet function, class or object it imports; in a module: the functions
    and classes it defines, and those it imports from ``glassnet.ops`` (``F.conv2d``).
    """
    if PUBLIC_MODULES.get(module.__name__) is not None:
        return list(PUBLIC_MODULES[module.__name__])
    if hasattr(module, "__all__"):
        return list(module.__all__)
    names = []
    for name, value in vars(module).items():
        if name.startswith("_") or not from_glassnet(value):
            continue
        home = getattr(value, "__module__", None)
        if hasattr(module, "__path__") or home == module.__name__ or (home or "").startswith("glassnet.ops."):
            names.append(name)
    return names


def public_objects(module_names=PUBLIC_MODULES):
    """The public functions, classes and other objects (not modules), each as the list of its dotted names."""
    paths = {}
    for module_name in module_names:
        module = importlib.import_module(module_name) and sys.modules[module_name]
        for name in public_names(module):
            value = getattr(module, name)
            if not inspect.ismodule(value):
                paths.setdefault(id(value), (value, []))[1].append(f"{module_name}.{name}")
    return [names for _, names in paths.values()]


def own_members(cls):
    """``(name, object)`` for the public methods and properties written in ``cls`` itself."""
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value) or isinstance(value, property):
            yield name, value


def missing_docstrings(module_names=PUBLIC_MODULES):
    """The dotted names of public objects without a docstring, in the order found."""
    missing, seen = [], set()

    def check(label, obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        doc = obj.__doc__ if not isinstance(obj, property) else (obj.__doc__ or (obj.fget and obj.fget.__doc__))
        if not (doc and doc.strip()):
            missing.append(label)

    classes = []
    for module_name in module_names:
        # `glassnet.summary` is the module's function on the package; the module itself is in sys.modules.
        module = importlib.import_module(module_name) and sys.modules[module_name]
        check(module_name, module)
        for name in public_names(module):
            value = getattr(module, name)
            if inspect.ismodule(value):
                continue
            if inspect.isfunction(value) or inspect.isclass(value):
                check(f"{module_name}.{name}", value)
            if inspect.isclass(value):
                classes.append(value)
    for cls in classes:
        for base in cls.__mro__:
            if not base.__module__.startswith("glassnet") or (base, "members") in seen:
                continue
            seen.add((base, "members"))
            for name, member in own_members(base):
                if name in INHERITS_DOCSTRING and inherited_docstring(cls, base, name):
                    continue
                check(f"{base.__module__}.{base.__qualname__}.{name}", member)
    return missing


# Modules of glassnet.nn that hold other modules rather than transform a tensor: no Shape section.
CONTAINERS = {"Module", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict"}


def layers_without_shape():
    """The layers and losses of ``glassnet.nn`` whose docstring has no ``Shape:`` section."""
    nn = importlib.import_module("glassnet.nn")
    missing = []
    for name in public_names(nn):
        value = getattr(nn, name)
        is_layer = inspect.isclass(value) and issubclass(value, nn.Module) and name not in CONTAINERS
        if is_layer and "Shape:" not in (value.__doc__ or ""):
            missing.append(f"glassnet.nn.{name}")
    return missing


def main():
    missing, shapeless = missing_docstrings(), layers_without_shape()
    if missing:
        print(f"{len(missing)} public objects have no docstring:")
        for label in missing:
            print(f"  {label}")
    if shapeless:
        print(f"{len(shapeless)} layers have no Shape: section in their docstring:")
        for label in shapeless:
            print(f"  {label}")
    if missing or shapeless:
        return 1
    print(
        f"check_docstrings: every public object in {len(PUBLIC_MODULES)} modules has a docstring, every layer a Shape: section"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
