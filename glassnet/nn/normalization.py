"""Normalisation layers: ``BatchNorm1d``, ``BatchNorm2d``, ``LayerNorm``, ``GroupNorm``.

Each standardises its input (zero mean, unit variance over some axes) and
applies a learned per-feature scale γ (``weight``, initially 1) and shift β
(``bias``, initially 0); the maths and the fused op are in
``glassnet.ops.normalization``.  Batch norm takes its statistics over the
batch, so it behaves differently in training (batch statistics, running
estimates updated) and evaluation (running estimates); layer and group norm
take them per sample and behave the same in both modes.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from .. import creation, dtypes
from .._typing import DTypeLike
from ..ops.normalization import batch_norm, group_norm, layer_norm
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter


def _affine_parameters(module: Module, shape: Sequence[int], affine: bool, bias: bool, dtype: DTypeLike | None) -> None:
    """Register ``weight`` (and ``bias`` if asked) of ``shape`` when ``affine``, else both as None."""
    if affine:
        module.weight = Parameter(creation.empty(*shape, dtype=dtype))
        if bias:
            module.bias = Parameter(creation.empty(*shape, dtype=dtype))
        else:
            module.register_parameter("bias", None)
    else:
        module.register_parameter("weight", None)
        module.register_parameter("bias", None)


def _reset_affine(module: Module) -> None:
    """γ = 1, β = 0: the layer starts as a pure standardisation."""
    if module.weight is not None:
        init.ones_(module.weight)
    if module.bias is not None:
        init.zeros_(module.bias)


class _BatchNorm(Module):
    """Batch normalisation of the channels (dim 1) of (N, C, *) inputs; see ``BatchNorm1d`` and ``BatchNorm2d``.

    In training mode, each channel is normalised by the mean and the biased
    variance of its N·L values in the batch (L positions per sample), and the
    running estimates are updated with momentum m::

        running_mean ← (1 − m)·running_mean + m·μ
        running_var  ← (1 − m)·running_var + m·σ²_unbiased

    ``momentum=None`` makes m = 1/num_batches_tracked: a cumulative average
    of all batches seen.  In evaluation mode (``eval()``) the running estimates
    normalise instead.  With ``track_running_stats=False`` there are no running
    estimates and batch statistics are used in both modes.

    Attributes:
        weight, bias: Parameters of shape (C,) (γ = 1 and β = 0 initially), or None.
        running_mean, running_var: buffers of shape (C,) (0 and 1 initially), or None.
        num_batches_tracked: int64 buffer of shape (), the number of training batches seen.
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: DTypeLike | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        _affine_parameters(self, (num_features,), affine, bias, dtype)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", creation.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", creation.tensor(0, dtype=dtypes.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches seen."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        """Reset the running estimates, and γ = 1, β = 0."""
        self.reset_running_stats()
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        """``γ·(input − μ)/√(σ² + ε) + β`` per channel, with batch or running statistics (see the class)."""
        self._check_input_dim(input)
        update = self.training and self.track_running_stats
        batch_statistics = self.training or self.running_mean is None
        momentum = 0.0 if self.momentum is None else self.momentum
        if update:
            batches = self.num_batches_tracked.item() + 1
            momentum = 1.0 / batches if self.momentum is None else momentum
        out = batch_norm(
            input,
            self.running_mean if not self.training or update else None,
            self.running_var if not self.training or update else None,
            self.weight,
            self.bias,
            batch_statistics,
            momentum,
            self.eps,
        )
        if update:  # after batch_norm's checks passed, so that a rejected batch counts for nothing
            self.num_batches_tracked.fill_(batches)
        return out

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs, one (μ, σ²) per channel.

    ``y = γ·(x − μ)/√(σ² + ε) + β``, with μ and σ² (biased) the mean and variance of the
    channel's N·L values in the batch during training, and the running estimates in
    evaluation mode.  Training updates them with momentum m:
    ``running_mean ← (1 − m)·running_mean + m·μ``, and likewise ``running_var`` with the unbiased σ²
    (``momentum=None``: a cumulative average).  ``track_running_stats=False`` keeps none and uses
    batch statistics in both modes.

    Shape:
        - Input: ``(N, C)`` or ``(N, C, L)``.
        - Output: the input's shape.

    Attributes:
        weight: Parameter of shape (C,), γ (1 initially), or None without ``affine``.
        bias: Parameter of shape (C,), β (0 initially), or None.
        running_mean: buffer of shape (C,) (0 initially), or None.
        running_var: buffer of shape (C,) (1 initially), or None.
        num_batches_tracked: int64 buffer of shape (), the number of training batches seen.

    Example:
        >>> import glassnet
        >>> bn = glassnet.nn.BatchNorm1d(3)
        >>> y = bn(glassnet.randn(8, 3) * 5 + 2)
        >>> bool(y.mean(0).abs().max() < 1e-5), bn.num_batches_tracked
        (True, tensor(1))
    """

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(
                f"BatchNorm1d: expected 2D or 3D input (got {input.ndim}D input of shape {tuple(input.shape)}); "
                "hint: BatchNorm1d takes (N, C) or (N, C, L); use BatchNorm2d for images (N, C, H, W)"
            )


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images (N, C, H, W), one (μ, σ²) per channel over N·H·W values.

    ``y = γ·(x − μ)/√(σ² + ε) + β``; the statistics, running estimates and
    modes are those of ``BatchNorm1d``.

    Shape:
        - Input: ``(N, C, H, W)``.
        - Output: the input's shape.

    Attributes:
        weight: Parameter of shape (C,), γ (1 initially), or None without ``affine``.
        bias: Parameter of shape (C,), β (0 initially), or None.
        running_mean: buffer of shape (C,) (0 initially), or None.
        running_var: buffer of shape (C,) (1 initially), or None.
        num_batches_tracked: int64 buffer of shape (), the number of training batches seen.
    """

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 4:
            raise ValueError(
                f"BatchNorm2d: expected 4D input (got {input.ndim}D input of shape {tuple(input.shape)}); "
                "hint: BatchNorm2d takes images (N, C, H, W); use BatchNorm1d for (N, C) or (N, C, L), "
                "and input.unsqueeze(0) for a single image"
            )


class LayerNorm(Module):
    """Normalise each sample over its last dimensions ``normalized_shape`` (one (μ, σ²) per sample).

    ``y = γ·(x − μ)/√(σ² + ε) + β`` with γ and β of shape ``normalized_shape``
    (one per element, when ``elementwise_affine``).

    Shape:
        - Input: ``(*, *normalized_shape)``.
        - Output: the input's shape.

    Attributes:
        weight: Parameter of shape ``normalized_shape``, γ (1 initially), or None.
        bias: Parameter of shape ``normalized_shape``, β (0 initially), or None.
    """

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, (int, numbers.Integral)):
            normalized_shape = (int(normalized_shape),)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        _affine_parameters(self, self.normalized_shape, elementwise_affine, bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """γ = 1, β = 0."""
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        """``γ·(input − μ)/√(σ² + ε) + β`` with μ, σ² over the last ``len(normalized_shape)`` axes of each sample."""
        return layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
            f"bias={self.bias is not None}"
        )


class GroupNorm(Module):
    """Split the C channels into ``num_groups`` groups and normalise each group of each sample.

    One (μ, σ²) per sample and group, over the group's C/G channels and all
    positions; γ and β are per channel.  ``GroupNorm(1, C)`` normalises each
    sample as a whole, ``GroupNorm(C, C)`` each channel of each sample (instance norm).

    Shape:
        - Input: ``(N, C, *)``.
        - Output: the input's shape.

    Attributes:
        weight: Parameter of shape (C,), γ (1 initially), or None without ``affine``.
        bias: Parameter of shape (C,), β (0 initially), or None.
    """

    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        dtype: DTypeLike | None = None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"GroupNorm: num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        _affine_parameters(self, (num_channels,), affine, bias, dtype)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """γ = 1, β = 0."""
        _reset_affine(self)

    def forward(self, input: Tensor) -> Tensor:
        """``γ·(input − μ)/√(σ² + ε) + β`` with μ, σ² per sample and group of channels."""
        return group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, "
            f"bias={self.bias is not None}"
        )
