"""The type aliases in glassnet's hints: what its public functions accept.

A hint such as ``def zeros(*size: int, dtype: DTypeLike | None = None)`` reads
"any dtype glassnet understands, or None".  These aliases name those sets once:

* ``DTypeLike``: ``glassnet.float32``, a NumPy dtype or scalar type (``np.float32``)
  or its name (``"float32"``).
* ``DeviceLike``: ``glassnet.device("cpu")`` or ``"cpu"`` (a number is read as a
  CUDA index, as PyTorch does, and refused: glassnet runs on the CPU).
* ``ShapeLike``: a sequence of ints, e.g. ``(2, 3)`` or a ``glassnet.Size``.
* ``IntOrTuple``: one int for every spatial dimension or one per dimension, as a layer's
  ``kernel_size=3`` or ``kernel_size=(3, 5)``.
* ``Number``: a Python bool, int or float.
* ``TensorLike``: what ``glassnet.tensor`` turns into a tensor: a tensor, a NumPy
  array, a number or (nested) lists of them.

Hints change nothing at run time; a type checker (mypy, pyright) reads them.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, Union

import numpy as np

from .devices import device
from .dtypes import dtype

if TYPE_CHECKING:  # tensor.py imports this module, so Tensor is named as a string below
    from .tensor import Tensor

Number: TypeAlias = bool | int | float
DTypeLike: TypeAlias = dtype | np.dtype | type | str
DeviceLike: TypeAlias = device | str | int
ShapeLike: TypeAlias = Sequence[int]
IntOrTuple: TypeAlias = int | tuple[int, ...]
TensorLike: TypeAlias = Union["Tensor", np.ndarray, Number, Sequence[Any]]
