"""Padding layers: ``ZeroPad``, ``ConstantPad``, ``ReflectionPad``, ``ReplicationPad`` and ``CircularPad``, 1d and 2d.

Each calls ``F.pad`` (``glassnet.ops.padding``) with its ``padding``, stored as
PyTorch stores it: an int becomes one width per side, ``(left, right)`` for 1d
and ``(left, right, top, bottom)`` for 2d; a tuple is kept as given.
"""

from __future__ import annotations

from .._typing import IntOrTuple
from ..ops.padding import pad
from ..tensor import Tensor
from .module import Module


def _widths(padding: IntOrTuple | list[int], n: int) -> tuple[int, ...]:
    """``padding`` as PyTorch's ``_ntuple(n)`` keeps it: a tuple as given, an int repeated ``n`` times."""
    return tuple(padding) if isinstance(padding, (tuple, list)) else (padding,) * n


class _PadNd(Module):
    """Pad by ``mode``; subclasses set ``mode`` and ``sides`` (2 for 1d, 4 for 2d)."""

    sides = 2
    mode: str

    def __init__(self, padding: IntOrTuple) -> None:
        super().__init__()
        self.padding = _widths(padding, self.sides)

    def forward(self, input: Tensor) -> Tensor:
        """``F.pad(input, padding, mode)``."""
        return pad(input, self.padding, self.mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    """Pad with ``value``."""

    def __init__(self, padding: IntOrTuple, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        """``F.pad(input, padding, "constant", value)``."""
        return pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last axis with ``value``, as ``torch.nn.ConstantPad1d``: ``padding`` is (left, right).

    Shape:
        - Input: ``(N, C, W)`` or ``(C, W)``.
        - Output: ``(…, W + left + right)``.
    """


class ConstantPad2d(_ConstantPadNd):
    """Pad the last two axes with ``value``, as ``torch.nn.ConstantPad2d``: ``padding`` is (left, right, top, bottom).

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(…, H + top + bottom, W + left + right)``.
    """

    sides = 4


class _ZeroPadNd:
    """Constant padding with zeros (mixed into ``ConstantPad1d``/``2d``, as PyTorch's ``ZeroPad1d``/``2d`` subclass them)."""

    padding: tuple[int, ...]

    def __init__(self, padding: IntOrTuple) -> None:
        super().__init__(padding, 0.0)  # type: ignore[call-arg]  # ConstantPadNd's, next in the MRO

    def extra_repr(self) -> str:
        return f"{self.padding}"


class ZeroPad1d(_ZeroPadNd, ConstantPad1d):
    """Pad the last axis with zeros, as ``torch.nn.ZeroPad1d``: ``padding`` is (left, right).

    Shape:
        - Input: ``(N, C, W)`` or ``(C, W)``.
        - Output: ``(…, W + left + right)``.
    """


class ZeroPad2d(_ZeroPadNd, ConstantPad2d):
    """Pad the last two axes with zeros, as ``torch.nn.ZeroPad2d``: ``padding`` is (left, right, top, bottom).

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(…, H + top + bottom, W + left + right)``.
    """


class ReflectionPad1d(_PadNd):
    """Pad the last axis with its mirror image (the edge itself not repeated), as ``torch.nn.ReflectionPad1d``.

    Shape:
        - Input: ``(N, C, W)`` or ``(C, W)``.
        - Output: ``(…, W + left + right)``.
    """

    mode = "reflect"


class ReflectionPad2d(_PadNd):
    """Pad the last two axes with their mirror image, as ``torch.nn.ReflectionPad2d``; widths < the input's size.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(…, H + top + bottom, W + left + right)``.
    """

    mode, sides = "reflect", 4


class ReplicationPad1d(_PadNd):
    """Pad the last axis by repeating its edge values, as ``torch.nn.ReplicationPad1d``.

    Shape:
        - Input: ``(N, C, W)`` or ``(C, W)``.
        - Output: ``(…, W + left + right)``.
    """

    mode = "replicate"


class ReplicationPad2d(_PadNd):
    """Pad the last two axes by repeating their edge values, as ``torch.nn.ReplicationPad2d``.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(…, H + top + bottom, W + left + right)``.
    """

    mode, sides = "replicate", 4


class CircularPad1d(_PadNd):
    """Pad the last axis with the values from its other end, as ``torch.nn.CircularPad1d``.

    Shape:
        - Input: ``(N, C, W)`` or ``(C, W)``.
        - Output: ``(…, W + left + right)``.
    """

    mode = "circular"


class CircularPad2d(_PadNd):
    """Pad the last two axes as a torus, as ``torch.nn.CircularPad2d``.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(…, H + top + bottom, W + left + right)``.
    """

    mode, sides = "circular", 4
