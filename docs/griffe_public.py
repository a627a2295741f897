"""A griffe extension: the API reference shows glassnet's public API as Python sees it.

griffe (mkdocstrings' reader) reads the source without running it, and differs from Python here;
this extension corrects each from the imported objects, with the public names of
docs/check_docstrings.py, so the site and the docstring check cover the same objects:

* It hides the names a module imports unless ``__all__`` lists them, but ``glassnet/__init__.py``
  and ``glassnet/nn/__init__.py`` gather their public names by importing them: each public name is
  marked public.
* Where a package imports a function named like the submodule that holds it
  (``from .mlp import mlp``), griffe keeps the submodule under that name; Python has the function.
  The name is pointed at the function, unless the submodule has a page of its own
  (``glassnet.summary``, whose page renders ``glassnet.summary.summary`` and ``Summary``).
* glassnet's docstrings title their doctests ``Example:``, which griffe's Google-style parser
  reads as an admonition (a box of plain text), not as its ``Examples:`` section (code): the
  title is read as ``Examples:``.
* Methods inherited from a private base (``Conv2d.reset_parameters`` from ``_ConvNd``) would be
  on no page: they are listed with each public subclass.
* Functions made at import time (``exp = _method("exp")`` in functions.py) and aliases in classes
  (``Tensor.mm = matmul``, ``eq, ne = __eq__, __ne__``) are variables to griffe: each becomes a
  function with the signature and docstring Python reports (an alias's says whose alias it is).
"""

import importlib
import inspect
import os
import re
import sys

import griffe

sys.path.insert(0, os.path.dirname(__file__))
from check_docstrings import PUBLIC_MODULES, public_names  # noqa: E402

EXAMPLE_TITLE = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)


def examples_section(text):
    """``text`` with an ``Example:`` title line read as Google style's ``Examples:``."""
    return EXAMPLE_TITLE.sub(r"\1Examples:", text)


def resolve_aliases_through(obj, module_path):
    """Resolve now every alias in ``obj`` whose target lies in the module ``module_path``."""
    for member in list(obj.members.values()):
        if member.is_alias:
            if member.target_path.startswith(module_path + "."):
                member.resolve_target()
        elif member.is_module or member.is_class:
            resolve_aliases_through(member, module_path)


def runtime_function(name, func, parent, docstring=None):
    """A griffe function ``name`` in ``parent`` with ``func``'s signature and docstring."""
    parameters = []
    for p in inspect.signature(func).parameters.values():
        default = None if p.default is inspect.Parameter.empty else repr(p.default)
        parameters.append(griffe.Parameter(p.name, kind=griffe.ParameterKind(p.kind.description), default=default))
    old = parent.members.get(name)
    lineno = getattr(old, "lineno", None) or parent.lineno
    function = griffe.Function(
        name, parameters=griffe.Parameters(*parameters), parent=parent, lineno=lineno, endlineno=lineno
    )
    text = docstring if docstring is not None else inspect.getdoc(func)
    if text:
        text = examples_section(text)
        parser = parent.docstring.parser if parent.docstring else None
        options = parent.docstring.parser_options if parent.docstring else None
        function.docstring = griffe.Docstring(
            text, parent=function, parser=parser, parser_options=options, lineno=lineno, endlineno=lineno
        )
    if parent.is_class:
        function.labels.add("method")
    parent.set_member(name, function)
    return function


def runtime_class_members(cls, griffe_class):
    """Add the methods of ``cls`` that griffe sees as variables or not at all (aliases)."""
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if not inspect.isfunction(value):
            continue
        member = griffe_class.members.get(name)
        if member is not None and not member.is_attribute:
            continue
        target = value.__name__
        if target == name or target.startswith("_"):
            doc = None  # written for this name, or an alias of an operator (eq = __eq__): its own words
        else:
            doc = f"Alias of [`{target}`][{griffe_class.path}.{target}]."
        runtime_function(name, value, griffe_class, doc)


def private_base_members(cls, griffe_class, pkg):
    """Show on ``cls`` the public methods it inherits from private glassnet bases (``_ConvNd``, ``_BatchNorm``).

    Those bases have no page, so their methods (``reset_parameters``, ``append``, ...) are listed
    with each public subclass; public bases (``Module``) keep theirs on their own entry.
    """
    for base in cls.__mro__[1:]:
        if not base.__module__.startswith("glassnet") or not base.__name__.startswith("_"):
            continue
        griffe_base = pkg.get_member(f"{base.__module__}.{base.__qualname__}".split(".")[1:])
        for name, member in list(griffe_base.members.items()):
            if name.startswith("_") or name in griffe_class.members or member.is_attribute:
                continue
            griffe_class.set_member(name, griffe.Alias(name, member, parent=griffe_class, inherited=True))


class PublicNames(griffe.Extension):
    """Make griffe's view of glassnet's public API match Python's."""

    def on_instance(self, *, obj, **kwargs):
        if obj.docstring is not None:
            obj.docstring.value = examples_section(obj.docstring.value)

    def on_package(self, *, pkg, **kwargs):
        if pkg.name != "glassnet":
            return
        classes = []
        for module_name in PUBLIC_MODULES:
            module = importlib.import_module(module_name) and sys.modules[module_name]
            griffe_module = pkg.get_member(module_name.split(".")[1:]) if "." in module_name else pkg
            for name in public_names(module):
                value = getattr(module, name)
                member = griffe_module.members.get(name)
                if member is None:
                    if inspect.isfunction(value):  # cuda.manual_seed_all = manual_seed
                        member = runtime_function(name, value, griffe_module)
                    else:
                        continue
                shadowed = f"{module_name}.{name}"
                if (
                    not member.is_alias
                    and member.is_module
                    and not inspect.ismodule(value)
                    and shadowed not in PUBLIC_MODULES
                ):
                    resolve_aliases_through(pkg, shadowed)  # `from .tensor import Tensor` still finds Tensor
                    target = pkg.get_member(f"{value.__module__}.{value.__qualname__}".split(".")[1:])
                    member = griffe.Alias(name, target, parent=griffe_module)
                    griffe_module.members[name] = member
                member.public = True
                defined = member.final_target if member.is_alias else member
                if inspect.isfunction(value) and defined.is_attribute:
                    runtime_function(defined.name, value, defined.parent)
                if inspect.isclass(value) and defined.is_class:
                    classes.append((value, defined))
        for cls, griffe_class in classes:
            runtime_class_members(cls, griffe_class)
        for cls, griffe_class in classes:
            private_base_members(cls, griffe_class, pkg)
