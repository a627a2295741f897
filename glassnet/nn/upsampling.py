"""``Upsample``: resize images and sequences by a factor or to a size (see ``glassnet.ops.interpolate``)."""

from __future__ import annotations

from ..ops.interpolate import interpolate
from ..tensor import Tensor
from .module import Module


class Upsample(Module):
    """Resize the spatial axes, as ``torch.nn.Upsample``: ``F.interpolate`` with fixed arguments.

    Give ``size`` (the output's spatial size) or ``scale_factor`` (output size
    = floor(input size · scale_factor)).  ``mode`` is 'nearest' (default),
    'nearest-exact', 'linear' (3-D input), 'bilinear' (4-D input) or 'area';
    ``align_corners`` (linear modes) lines up the corner pixels instead of the
    pixel centres.  No parameters.

    Shape:
        - Input: ``(N, C, L)`` or ``(N, C, H, W)``.
        - Output: ``(N, C, oL)`` or ``(N, C, oH, oW)``.

    Example:
        Double an image's size, as in a U-Net decoder:

        >>> import glassnet
        >>> up = glassnet.nn.Upsample(scale_factor=2, mode="bilinear")
        >>> up(glassnet.randn(1, 3, 8, 8)).shape
        glassnet.Size([1, 3, 16, 16])
    """

    scale_factor: float | tuple[float, ...] | None

    def __init__(
        self,
        size: int | tuple[int, ...] | None = None,
        scale_factor: float | tuple[float, ...] | None = None,
        mode: str = "nearest",
        align_corners: bool | None = None,
        recompute_scale_factor: bool | None = None,
    ) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(factor) for factor in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        """``F.interpolate(input, size, scale_factor, mode, align_corners)``."""
        return interpolate(
            input,
            self.size,
            self.scale_factor,
            self.mode,
            self.align_corners,
            recompute_scale_factor=self.recompute_scale_factor,
        )

    def extra_repr(self) -> str:
        info = f"scale_factor={self.scale_factor!r}" if self.scale_factor is not None else f"size={self.size!r}"
        return info + f", mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """``Upsample`` with ``mode='nearest'``, as ``torch.nn.UpsamplingNearest2d``.

    Shape:
        - Input: ``(N, C, H, W)``.
        - Output: ``(N, C, oH, oW)``.
    """

    def __init__(
        self, size: int | tuple[int, ...] | None = None, scale_factor: float | tuple[float, ...] | None = None
    ) -> None:
        super().__init__(size, scale_factor, mode="nearest")


class UpsamplingBilinear2d(Upsample):
    """``Upsample`` with ``mode='bilinear'`` and ``align_corners=True``, as ``torch.nn.UpsamplingBilinear2d``.

    Shape:
        - Input: ``(N, C, H, W)``.
        - Output: ``(N, C, oH, oW)``.
    """

    def __init__(
        self, size: int | tuple[int, ...] | None = None, scale_factor: float | tuple[float, ...] | None = None
    ) -> None:
        super().__init__(size, scale_factor, mode="bilinear", align_corners=True)
