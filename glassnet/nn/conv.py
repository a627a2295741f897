"""``Conv2d``: a bank of learned k×k filters slid over the image (see ``glassnet.ops.conv`` for the math)."""

from .. import creation
from ..ops.conv import conv2d, pair
from . import init
from .module import Module
from .parameter import Parameter


class Conv2d(Module):
    """2-D convolution layer, as ``torch.nn.Conv2d``: ``out[n, o] = bias[o] + Σ_c weight[o, c] ⋆ input[n, c]``.

    ``padding`` is an int, a pair (height, width), ``'valid'`` (no padding) or
    ``'same'`` (the output keeps the input's size; stride must be 1; for an even
    kernel the extra row/column of zeros goes at the bottom/right, as in PyTorch).
    Initialised exactly as in PyTorch: ``kaiming_uniform_(weight, a=√5)``, which is
    U(±1/√fan_in) with ``fan_in = in_channels/groups · kH · kW``, and the bias
    from the same distribution.

    Unlike PyTorch, only ``padding_mode='zeros'`` is supported.

    Shape:
        input: (N, in_channels, H, W) or (in_channels, H, W).
        output: (N, out_channels, oH, oW) with
        ``oH = floor((H + 2·padding − dilation·(kH − 1) − 1) / stride) + 1``
        (``glassnet.ops.conv.conv_output_size``), likewise oW.

    Attributes:
        weight: Parameter of shape (out_channels, in_channels/groups, kH, kW).
        bias: Parameter of shape (out_channels,), or None when ``bias=False``.

    Example: LeNet's first layer keeps 28×28 images at 28×28::

        conv = nn.Conv2d(1, 6, kernel_size=5, padding=2)
        conv(glassnet.randn(64, 1, 28, 28)).shape  # (64, 6, 28, 28)
    """

    def __init__(
        self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
        padding_mode="zeros", dtype=None,
    ):
        super().__init__()
        if not isinstance(groups, int) or groups <= 0:
            raise ValueError(f"Conv2d: groups must be a positive integer, but got {groups!r}")
        for name, channels in (("in_channels", in_channels), ("out_channels", out_channels)):
            if channels % groups:
                raise ValueError(f"Conv2d: {name} must be divisible by groups ({name}={channels}, groups={groups})")
        if padding_mode != "zeros":
            raise ValueError(
                f"Conv2d: padding_mode={padding_mode!r} is not supported; unlike PyTorch, glassnet only pads with "
                "'zeros'"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = pair(stride, "stride", "Conv2d")
        self.dilation = pair(dilation, "dilation", "Conv2d")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Conv2d: invalid padding string {padding!r}, should be one of ['valid', 'same']")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2d: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = pair(padding, "padding", "Conv2d")
        self.padding_mode = padding_mode
        self.weight = Parameter(creation.empty(out_channels, in_channels // groups, *self.kernel_size, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Draw new weights and biases from PyTorch's default distributions."""
        init.default_layer_init_(self.weight, self.bias)

    def forward(self, input):
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s
