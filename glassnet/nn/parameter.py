"""``Parameter``: a tensor that a ``Module`` learns.

A ``Parameter`` is an ordinary ``Tensor`` with two differences: it requires a
gradient by default, and assigning it as an attribute of a ``Module``
(``self.weight = Parameter(...)``) registers it, so that ``parameters()``,
``state_dict()`` and the optimizers find it.
"""

from __future__ import annotations

import numpy as np

from ..dtypes import get_default_dtype
from ..tensor import Tensor


class Parameter(Tensor):
    """A tensor registered as a learnable parameter when set as a ``Module`` attribute.

    ``Parameter(data)`` shares memory with ``data`` (a Tensor or NumPy array) as
    ``torch.nn.Parameter`` does; ``Parameter()`` is an empty float tensor.
    Results of operations on parameters are plain Tensors.

    Example:
        >>> import glassnet
        >>> from glassnet.nn import Parameter
        >>> Parameter(glassnet.ones(2))
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """

    __slots__ = ()

    def __init__(self, data: Tensor | np.ndarray | None = None, requires_grad: bool = True) -> None:
        if data is None:
            data = np.empty(0, dtype=get_default_dtype())
        super().__init__(data, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
