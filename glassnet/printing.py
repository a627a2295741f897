"""Printing tensors exactly as PyTorch does: ``tensor([1.0000, 2.5000], requires_grad=True)``.

Learners compare what they print with PyTorch tutorials, so ``repr(tensor)``
follows PyTorch's rules character for character:

* **One format for all elements.**  The elements of a tensor share one style,
  chosen from its nonzero finite values, and one width, the widest of them
  (shorter ones are padded on the left, so columns line up):

  - integer and bool tensors print each value as Python does (``3``, ``True``);
  - floats whose values are all whole numbers print with no decimals and a
    dot (``1.``, ``-3.``), unless scientific notation is chosen;
  - scientific notation (``1.0000e-05``) is chosen when the largest magnitude is
    more than 1000 times the smallest, or above 1e8, or the smallest is below
    1e-4 (``set_printoptions(sci_mode=...)`` forces it on or off);
  - other floats print with ``precision`` decimals (4 by default).

  ``nan``, ``inf``, zero and ``-0.`` do not take part in the choice.
* **Lines of at most ``linewidth`` (80) characters.**  A row holds as many
  elements as fit in ``linewidth`` minus the indentation (each element takes its
  width plus ``", "``); the rest wraps onto lines indented under the first
  element.  Nested brackets are indented one more space per level, and rows of
  a matrix are separated by one line break, matrices of a 3-d tensor by two...
* **Summaries.**  A tensor of more than ``threshold`` (1000) elements shows only
  the first and last ``edgeitems`` (3) entries along every dimension, with ``...``
  in between; the widths are then chosen from the shown elements only.
* **Suffixes**, in this order: ``size=(2, 0)`` for an empty tensor that is not
  1-d, ``dtype=glassnet.float64`` when the dtype is not the default for its kind
  (the default float type, int64 or bool; an empty tensor names any dtype but the
  default float type), then ``grad_fn=<MulBackward0>`` or ``requires_grad=True``.
  A suffix that does not fit on the last line goes on a new line, indented
  under the first bracket.  Unlike a literal port, the fit is measured with
  PyTorch's spelling of the dtype (``torch.float64``, 3 characters shorter), so
  that lines break exactly where the tutorials' do.

Example:
    >>> import glassnet
    >>> glassnet.tensor([1.0, 2.5, -3.0])
    tensor([ 1.0000,  2.5000, -3.0000])
    >>> glassnet.tensor([1e-5, 1.0])
    tensor([1.0000e-05, 1.0000e+00])
    >>> glassnet.arange(2000)
    tensor([   0,    1,    2,  ..., 1997, 1998, 1999])
"""

import dataclasses
import math

import numpy as np

from . import dtypes


@dataclasses.dataclass
class PrintOptions:
    """The settings ``set_printoptions`` changes (PyTorch's defaults)."""

    precision: int = 4  # decimals of a float
    threshold: float = 1000  # more elements than this are summarised
    edgeitems: int = 3  # entries shown at each end of a summarised dimension
    linewidth: int = 80  # characters per line
    sci_mode: object = None  # True/False forces scientific notation on/off; None chooses


OPTIONS = PrintOptions()

PROFILES = {
    "default": PrintOptions(),
    "short": PrintOptions(precision=2, edgeitems=2),
    "full": PrintOptions(threshold=math.inf),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """Change how tensors print, as ``torch.set_printoptions``.

    Args:
        precision: decimals of floats (default 4).
        threshold: a tensor with more elements is summarised with ``...`` (default 1000).
        edgeitems: entries shown at each end of a summarised dimension (default 3).
        linewidth: characters per line (default 80).
        profile: ``"default"``, ``"short"`` (precision 2, edgeitems 2) or ``"full"``
            (never summarise); the other arguments then override it.
        sci_mode: True or False forces scientific notation on or off; None (the
            default) lets each tensor choose.  As in PyTorch, every call sets it,
            so a call without ``sci_mode`` turns a forced choice off again.

    Unlike PyTorch, which ignores an unknown profile, an unknown profile raises.

    Example:
        >>> import glassnet
        >>> glassnet.set_printoptions(precision=2)
        >>> glassnet.tensor([1.12345])
        tensor([1.12])
        >>> glassnet.set_printoptions(threshold=5)
        >>> glassnet.arange(10)
        tensor([0, 1, 2,  ..., 7, 8, 9])
        >>> glassnet.set_printoptions(profile="default")
        >>> glassnet.tensor([1.12345])
        tensor([1.1235])
    """
    if profile is not None:
        if profile not in PROFILES:
            raise ValueError(f"set_printoptions: unknown profile {profile!r}; hint: use one of {list(PROFILES)}")
        chosen = PROFILES[profile]
        OPTIONS.precision, OPTIONS.threshold = chosen.precision, chosen.threshold
        OPTIONS.edgeitems, OPTIONS.linewidth = chosen.edgeitems, chosen.linewidth
    if precision is not None:
        OPTIONS.precision = precision
    if threshold is not None:
        OPTIONS.threshold = threshold
    if edgeitems is not None:
        OPTIONS.edgeitems = edgeitems
    if linewidth is not None:
        OPTIONS.linewidth = linewidth
    OPTIONS.sci_mode = sci_mode


class ElementFormat:
    """The one style and width in which every element of a tensor prints (PyTorch's ``_Formatter``).

    ``values`` are the elements that will be shown (all of them, or the edges
    of a summarised tensor).
    """

    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.whole = True  # floats with no fractional part print as "3."
        self.scientific = False
        self.width = 1
        if not self.floating:
            if values.size:  # the widest of Python's texts is the smallest's or the largest's
                self.width = max(len(str(values.min().item())), len(str(values.max().item())))
            return
        chosen_from = values[np.isfinite(values) & (values != 0)]
        if chosen_from.size == 0:
            return  # only zeros, nan and inf: whole-number style, width 1
        magnitudes = np.abs(chosen_from)
        largest, smallest = float(magnitudes.max()), float(magnitudes.min())
        self.whole = bool(np.all(chosen_from == np.ceil(chosen_from)))
        if OPTIONS.sci_mode is None:
            self.scientific = bool(largest / smallest > 1000 or largest > 1e8 or smallest < 1e-4)
        else:
            self.scientific = OPTIONS.sci_mode
        self.width = max(len(self.text(value)) for value in chosen_from.tolist())

    def text(self, value):
        """``value`` (a Python number) in this style, unpadded."""
        if not self.floating:
            return str(value)
        if self.scientific:
            return f"{value:.{OPTIONS.precision}e}"
        if self.whole:
            return f"{value:.0f}" + ("" if math.isinf(value) or math.isnan(value) else ".")
        return f"{value:.{OPTIONS.precision}f}"

    def __call__(self, value):
        """``value`` in this style, padded on the left to the common width."""
        return self.text(value).rjust(self.width)


def shown_elements(array):
    """The elements a summarised tensor shows: the first and last ``edgeitems`` along every long dimension."""
    edge = OPTIONS.edgeitems
    for axis, size in enumerate(array.shape):
        if size > 2 * edge:
            array = np.take(array, np.r_[0:edge, size - edge : size], axis=axis)
    return array


def vector_text(values, indent, summarize, element):
    """A 1-d array as ``[a, b, c,`` wrapped to the line width, continuation lines indented by ``indent + 1``."""
    edge = OPTIONS.edgeitems
    per_line = max(1, math.floor((OPTIONS.linewidth - indent) / (element.width + 2)))
    if summarize and not edge:
        items = ["..."]
    elif summarize and len(values) > 2 * edge:
        items = [element(v) for v in values[:edge].tolist()] + [" ..."] + [element(v) for v in values[-edge:].tolist()]
    else:
        items = [element(v) for v in values.tolist()]
    lines = [", ".join(items[start : start + per_line]) for start in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def nested_text(array, indent, summarize, element):
    """An array of any dimension as nested brackets; ``indent`` is the column of its opening bracket."""
    if array.ndim == 0:
        return element(array.item())
    if array.ndim == 1:
        return vector_text(array, indent, summarize, element)
    edge, size = OPTIONS.edgeitems, len(array)
    if summarize and size > 2 * edge:
        rows = [nested_text(array[i], indent + 1, summarize, element) for i in range(edge)]
        rows += ["..."]
        rows += [nested_text(array[i], indent + 1, summarize, element) for i in range(size - edge, size)]
    else:
        rows = [nested_text(row, indent + 1, summarize, element) for row in array]
    # sub-arrays of a k-d array are separated by k - 1 line breaks: rows by one, matrices by two...
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def add_suffixes(text, suffixes, indent):
    """``text, suffix1, suffix2)``, a suffix going onto a new line (indented by ``indent``) when it doesn't fit."""
    # As PyTorch does, the last line is counted 2 characters longer than it is, until a suffix wraps,
    # and a dtype is measured as PyTorch spells it ("torch.float64"), so that lines break where PyTorch's do.
    line_length = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        length = len(suffix.replace("glassnet.", "torch."))
        if line_length + length + 2 > OPTIONS.linewidth:
            text += ",\n" + " " * indent + suffix
            line_length = indent + length
        else:
            text += ", " + suffix
            line_length += length + 2
    return text + ")"


def tensor_repr(tensor):
    """``repr(tensor)``, character for character as PyTorch prints it (see the module docstring)."""
    prefix = "tensor("
    array, dtype = tensor.array, tensor.dtype
    suffixes = []
    if array.size == 0:
        body = "[]"
        if array.ndim != 1:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype != dtypes.get_default_dtype():  # no element shows whether it is an int or a bool
            suffixes.append(f"dtype={dtype}")
    else:
        summarize = array.size > OPTIONS.threshold
        element = ElementFormat(shown_elements(array) if summarize else array)
        body = nested_text(array, len(prefix), summarize, element)
        if not OPTIONS.edgeitems:
            suffixes.append(f"size={tuple(array.shape)}")
        if dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
            suffixes.append(f"dtype={dtype}")
    if tensor.grad_fn is not None:
        suffixes.append(f"grad_fn=<{tensor.grad_fn.name()}>")
    elif tensor.requires_grad:
        suffixes.append("requires_grad=True")
    return add_suffixes(prefix + body, suffixes, len(prefix))
