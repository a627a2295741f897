"""Convolution layers: banks of learned filters slid over sequences (``Conv1d``) and images (``Conv2d``),
and their transposes, which upsample (``ConvTranspose1d``, ``ConvTranspose2d``).

See ``glassnet.ops.conv`` and ``glassnet.ops.conv_transpose`` for the math.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import creation
from .._typing import DTypeLike, IntOrTuple
from ..ops.conv import conv1d, conv2d, ntuple
from ..ops.conv_transpose import conv_transpose1d, conv_transpose2d
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter


class _ConvNd(Module):
    """What every convolution layer shares (PyTorch's ``_ConvNd``): arguments, parameters, init and repr.

    Subclasses set ``dims`` (spatial axes) and ``transposed``.  The weight is
    (out_channels, in_channels/groups, *kernel_size), or (in_channels,
    out_channels/groups, *kernel_size) when transposed; both are initialised as
    in PyTorch: ``kaiming_uniform_(weight, a=√5)``, which is U(±1/√fan_in) with
    fan_in = ``weight.shape[1] · ∏kernel_size``, and the bias from the same
    distribution.

    Unlike PyTorch, only ``padding_mode='zeros'`` is supported.
    """

    dims = 2
    transposed = False
    padding: str | tuple[int, ...]  # "same" or "valid", or one width per spatial dimension

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrTuple,
        stride: IntOrTuple,
        padding: IntOrTuple | str,
        dilation: IntOrTuple,
        groups: int,
        bias: bool,
        padding_mode: str,
        dtype: DTypeLike | None,
        output_padding: IntOrTuple = 0,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"{name}: groups must be a positive integer, but got {groups!r}")
        for what, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % groups:
                raise ValueError(f"{name}: {what} must be divisible by groups ({what}={channels}, groups={groups})")
        if padding_mode != "zeros":
            why = (
                "as in PyTorch, transposed convolutions only pad with 'zeros'"
                if self.transposed
                else "unlike PyTorch, glassnet only pads with 'zeros'; hint: pad the input with "
                "nn.functional.pad(x, widths, mode=...) and use padding=0"
            )
            raise ValueError(f"{name}: padding_mode={padding_mode!r} is not supported; {why}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = ntuple(kernel_size, "kernel_size", name, self.dims)
        self.stride = ntuple(stride, "stride", name, self.dims)
        self.dilation = ntuple(dilation, "dilation", name, self.dims)
        self.output_padding = ntuple(output_padding, "output_padding", name, self.dims)
        if isinstance(padding, str) and not self.transposed:
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: invalid padding string {padding!r}, should be one of ['valid', 'same']")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{name}: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = ntuple(padding, "padding", name, self.dims)
        self.padding_mode = padding_mode
        in_weight, out_weight = (in_channels, out_channels) if self.transposed else (out_channels, in_channels)
        self.weight = Parameter(creation.empty(in_weight, out_weight // groups, *self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights and biases from PyTorch's default distributions."""
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self.dims:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv1d(_ConvNd):
    """1-D convolution layer, as ``torch.nn.Conv1d``: ``out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c]``.

    Filters of ``kernel_size`` taps slide along sequences (audio, text
    embeddings, time series); it runs as ``Conv2d`` on images one pixel high.
    ``padding`` is an int, ``'valid'`` or ``'same'``.  Initialised as in PyTorch: U(±1/√fan_in)
    with ``fan_in = in_channels/groups · kernel_size``, weight and bias; unlike PyTorch, only
    ``padding_mode='zeros'`` is supported.

    Shape:
        - Input: ``(N, in_channels, L)`` or ``(in_channels, L)``.
        - Output: ``(N, out_channels, oL)`` with ``oL = floor((L + 2·padding − dilation·(k − 1) − 1) / stride) + 1``.

    Attributes:
        weight: Parameter of shape (out_channels, in_channels/groups, kernel_size).
        bias: Parameter of shape (out_channels,), or None when ``bias=False``.
    """

    dims = 1

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrTuple,
        stride: IntOrTuple = 1,
        padding: IntOrTuple | str = 0,
        dilation: IntOrTuple = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, dtype
        )

    def forward(self, input: Tensor) -> Tensor:
        """The convolution of ``input`` with ``weight``, plus ``bias``."""
        return conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution layer, as ``torch.nn.Conv2d``: ``out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c]``.

    ``padding`` is an int, a pair (height, width), ``'valid'`` (no padding) or
    ``'same'`` (the output keeps the input's size; stride must be 1; for an even
    kernel the extra row/column of zeros goes at the bottom/right, as in PyTorch).
    Initialised exactly as in PyTorch: ``kaiming_uniform_(weight, a=√5)``, which
    is U(±1/√fan_in) with ``fan_in = in_channels/groups · kH · kW``, and the bias
    from the same distribution.

    Unlike PyTorch, only ``padding_mode='zeros'`` is supported.

    Shape:
        - Input: ``(N, in_channels, H, W)`` or ``(in_channels, H, W)``.
        - Output: ``(N, out_channels, oH, oW)`` with
          ``oH = floor((H + 2·padding − dilation·(kH − 1) − 1) / stride) + 1``
          (``glassnet.ops.conv.conv_output_size``), likewise oW.

    Attributes:
        weight: Parameter of shape (out_channels, in_channels/groups, kH, kW).
        bias: Parameter of shape (out_channels,), or None when ``bias=False``.

    Example:
        LeNet's first layer keeps 28×28 images at 28×28:

        >>> import glassnet
        >>> conv = glassnet.nn.Conv2d(1, 6, kernel_size=5, padding=2)
        >>> conv
        Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
        >>> conv(glassnet.randn(64, 1, 28, 28)).shape
        glassnet.Size([64, 6, 28, 28])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrTuple,
        stride: IntOrTuple = 1,
        padding: IntOrTuple | str = 0,
        dilation: IntOrTuple = 1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(
            in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, dtype
        )

    def forward(self, input: Tensor) -> Tensor:
        """The convolution of ``input`` with ``weight``, plus ``bias``."""
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class _ConvTransposeNd(_ConvNd):
    """What transposed convolution layers share: ``output_padding``, and ``forward``'s ``output_size``."""

    transposed = True
    padding: tuple[int, ...]  # no "same" or "valid" for transposed convolutions

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrTuple,
        stride: IntOrTuple = 1,
        padding: IntOrTuple = 0,
        output_padding: IntOrTuple = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: IntOrTuple = 1,
        padding_mode: str = "zeros",
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            dtype,
            output_padding,
        )

    def _output_padding(self, input: Tensor, output_size: Sequence[int] | None) -> tuple[int, ...]:
        """The ``output_padding`` that gives ``output_size`` (spatial, or with the leading axes), as in PyTorch."""
        if output_size is None:
            return self.output_padding
        name, dims = type(self).__name__, self.dims
        leading = input.ndim - dims
        output_size = tuple(output_size)
        if len(output_size) == leading + dims:
            output_size = output_size[leading:]
        if len(output_size) != dims:
            raise ValueError(
                f"{name}: for {input.ndim}D input, output_size must have {dims} or {leading + dims} elements "
                f"(got {len(output_size)})"
            )
        smallest = tuple(
            (n - 1) * s - 2 * p + d * (k - 1) + 1
            for n, s, p, d, k in zip(input.shape[leading:], self.stride, self.padding, self.dilation, self.kernel_size)
        )
        largest = tuple(m + s - 1 for m, s in zip(smallest, self.stride))
        if any(not m <= size <= big for size, m, big in zip(output_size, smallest, largest)):
            raise ValueError(
                f"{name}: requested an output size of {output_size}, but valid sizes range from {smallest} to "
                f"{largest} (for an input of spatial size {tuple(input.shape[leading:])}); hint: a stride of s "
                "leaves s sizes to choose from"
            )
        return tuple(size - m for size, m in zip(output_size, smallest))


class ConvTranspose1d(_ConvTransposeNd):
    """1-D transposed convolution layer, as ``torch.nn.ConvTranspose1d``: ``ConvTranspose2d`` on one row.

    Shape:
        - Input: ``(N, in_channels, L)`` or ``(in_channels, L)``.
        - Output: ``(N, out_channels, oL)`` with
          ``oL = (L − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1``.

    Attributes:
        weight: Parameter of shape (in_channels, out_channels/groups, kernel_size).
        bias: Parameter of shape (out_channels,), or None when ``bias=False``.
    """

    dims = 1

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        """The transposed convolution of ``input``, plus ``bias``; ``output_size`` picks ``output_padding``."""
        return conv_transpose1d(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self._output_padding(input, output_size),
            self.groups,
            self.dilation,
        )


class ConvTranspose2d(_ConvTransposeNd):
    """2-D transposed convolution layer, as ``torch.nn.ConvTranspose2d``: the input gradient of ``Conv2d``.

    Each input pixel spreads over a kH×kW window of the output, weighted by the
    kernel; with stride s the windows are s pixels apart, so the layer upsamples
    by s (a learned upsampling, as in decoders and GANs).  ``padding`` crops
    the full output on each side, ``output_padding`` adds rows and columns at
    the bottom/right, and ``forward(input, output_size=...)`` picks
    ``output_padding`` to reach a given size.  Initialised as in PyTorch: U(±1/√fan_in) with
    ``fan_in = out_channels/groups · kH · kW`` (``weight.shape[1]`` times the kernel's size);
    ``padding_mode`` must be 'zeros', as in PyTorch.

    Shape:
        - Input: ``(N, in_channels, H, W)`` or ``(in_channels, H, W)``.
        - Output: ``(N, out_channels, oH, oW)`` with
          ``oH = (H − 1)·stride − 2·padding + dilation·(kH − 1) + output_padding + 1``, likewise oW.

    Attributes:
        weight: Parameter of shape (in_channels, out_channels/groups, kH, kW): in_channels first.
        bias: Parameter of shape (out_channels,), or None when ``bias=False``.

    Example:
        A decoder step doubling the image size:

        >>> import glassnet
        >>> up = glassnet.nn.ConvTranspose2d(16, 8, kernel_size=2, stride=2)
        >>> up(glassnet.randn(4, 16, 7, 7)).shape
        glassnet.Size([4, 8, 14, 14])
    """

    def forward(self, input: Tensor, output_size: Sequence[int] | None = None) -> Tensor:
        """The transposed convolution of ``input``, plus ``bias``; ``output_size`` picks ``output_padding``."""
        return conv_transpose2d(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self._output_padding(input, output_size),
            self.groups,
            self.dilation,
        )
