"""How to install an optional part of glassnet, in one place for every error message.

glassnet's core needs NumPy alone.  Everything else is an *extra* declared in
``pyproject.toml`` (``train``, ``viz``, ``playground``, ``onnx``, ``torch``,
``cli`` for everything the command line needs, ``all``), and the message of a
missing one says how to get it, whether glassnet was installed from PyPI or a
wheel (``pip install 'glassnet[onnx]'``) or is used from a clone of the
repository (``pip install -e '.[onnx]'``, run in the clone).
"""


def install_hint(extra):
    """The pip commands that install the optional dependencies of ``extra``, for a ``hint:`` in an error.

    >>> install_hint("onnx")
    "pip install 'glassnet[onnx]' (or, from a clone, pip install -e '.[onnx]')"
    """
    return f"pip install 'glassnet[{extra}]' (or, from a clone, pip install -e '.[{extra}]')"
