"""``glassnet.Size``: a tensor's shape, PyTorch's ``torch.Size``.

A tuple of ints (``x.shape == (2, 3)``, ``x.shape[0]``, unpacking all work)
that prints as PyTorch prints it: ``glassnet.Size([2, 3])``.
"""

import math


class Size(tuple):
    """The sizes of a tensor's dimensions: a tuple that prints as ``glassnet.Size([2, 3])``."""

    __slots__ = ()

    def __new__(cls, sizes=()):
        return super().__new__(cls, [int(s) for s in sizes])

    def numel(self):
        """The number of elements of a tensor of this shape (1 for ``Size([])``)."""
        return math.prod(self)

    def __getitem__(self, index):
        item = super().__getitem__(index)
        return Size(item) if isinstance(index, slice) else item

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __repr__(self):
        return f"glassnet.Size({list(self)})"
