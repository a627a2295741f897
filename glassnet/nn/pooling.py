"""Pooling layers: ``MaxPool1d``, ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``, ``AdaptiveMaxPool2d`` and
``MinPool2d`` (see ``glassnet.ops.pooling``)."""

from __future__ import annotations

from typing import Any

from .._typing import IntOrTuple
from ..ops.pooling import adaptive_avg_pool2d, adaptive_max_pool2d, avg_pool2d, max_pool1d, max_pool2d, min_pool2d
from ..tensor import Tensor
from .module import Module


class _ExtremePool(Module):
    """The arguments and repr shared by ``MaxPool1d``, ``MaxPool2d`` and ``MinPool2d`` (PyTorch's ``_MaxPoolNd``)."""

    def __init__(
        self,
        kernel_size: IntOrTuple,
        stride: IntOrTuple | None = None,
        padding: IntOrTuple = 0,
        dilation: IntOrTuple = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def _pool_args(self) -> tuple[Any, ...]:
        return self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class MaxPool2d(_ExtremePool):
    """The largest value of each kH×kW window of each channel, as ``torch.nn.MaxPool2d``.

    ``stride`` defaults to ``kernel_size`` (windows side by side).  The gradient
    goes to each window's maximum; on ties to the first one in row-major order,
    as in PyTorch.  ``return_indices=True`` also returns the flat index
    ``row·W + col`` of each maximum.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C, oH, oW)`` with ``oH = floor((H + 2·padding − dilation·(kH − 1) − 1) / stride) + 1``
          (ceil instead of floor with ``ceil_mode=True``), likewise oW.

    Example:
        >>> import glassnet
        >>> pool = glassnet.nn.MaxPool2d(2)
        >>> pool(glassnet.arange(16.0).reshape(1, 1, 4, 4))
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """

    def forward(self, input: Tensor) -> Any:  # a Tensor, or (Tensor, indices) with return_indices
        """The maximum of each window (and its indices with ``return_indices``)."""
        return max_pool2d(input, *self._pool_args())


class MaxPool1d(_ExtremePool):
    """The largest value of each window of ``kernel_size`` steps along L, as ``torch.nn.MaxPool1d``.

    ``MaxPool2d`` on sequences: same arguments (ints), ties and indices (here
    the position along L).

    Shape:
        - Input: ``(N, C, L)`` or ``(C, L)``.
        - Output: ``(N, C, oL)`` with ``oL = floor((L + 2·padding − dilation·(kernel_size − 1) − 1) / stride) + 1``
          (ceil instead of floor with ``ceil_mode=True``).
    """

    def forward(self, input: Tensor) -> Any:  # a Tensor, or (Tensor, indices) with return_indices
        """The maximum of each window (and its indices with ``return_indices``)."""
        return max_pool1d(input, *self._pool_args())


class MinPool2d(_ExtremePool):
    """The smallest value of each window: ``MaxPool2d`` of ``−input``, negated.  Not in PyTorch.

    Same arguments, shapes and repr as ``MaxPool2d``; ties go to the first minimum.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C, oH, oW)``, sized as in ``MaxPool2d``.
    """

    def forward(self, input: Tensor) -> Any:  # a Tensor, or (Tensor, indices) with return_indices
        """The minimum of each window (and its indices with ``return_indices``)."""
        return min_pool2d(input, *self._pool_args())


class AvgPool2d(Module):
    """The mean of each kH×kW window of each channel, as ``torch.nn.AvgPool2d``.

    Padding counts as zeros; ``count_include_pad=False`` divides by the number
    of real pixels instead, ``divisor_override`` by a fixed number.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C, oH, oW)``, sized as in ``MaxPool2d`` (dilation 1).
    """

    def __init__(
        self,
        kernel_size: IntOrTuple,
        stride: IntOrTuple | None = None,
        padding: IntOrTuple = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        """The mean of each window."""
        return avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average pooling to a fixed output size, whatever the input size, as ``torch.nn.AdaptiveAvgPool2d``.

    ``output_size`` is an int or a pair; ``None`` in the pair keeps that input
    size.  ``AdaptiveAvgPool2d(1)`` is global average pooling.  Output cell i of an axis of
    input size H averages rows ``floor(i·H/oH)`` to ``ceil((i + 1)·H/oH) − 1``.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C, oH, oW)`` with ``(oH, oW) = output_size``.
    """

    def __init__(self, output_size: int | tuple[int | None, int | None]) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        """The mean of each adaptive window."""
        return adaptive_avg_pool2d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveMaxPool2d(Module):
    """Max pooling to a fixed output size, whatever the input size, as ``torch.nn.AdaptiveMaxPool2d``.

    The windows are ``AdaptiveAvgPool2d``'s; ``output_size`` is an int or a
    pair, ``None`` in the pair keeps that input size.  ``return_indices=True``
    also returns the flat index ``row·W + col`` of each maximum.

    Shape:
        - Input: ``(N, C, H, W)`` or ``(C, H, W)``.
        - Output: ``(N, C, oH, oW)`` with ``(oH, oW) = output_size``.
    """

    def __init__(self, output_size: int | tuple[int | None, int | None], return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def forward(self, input: Tensor) -> Any:  # a Tensor, or (Tensor, indices) with return_indices
        """The maximum of each adaptive window (and its indices with ``return_indices``)."""
        return adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
