"""Loss modules: each stores its options and calls the function of the same name in ``functional``.

All take ``reduction`` = 'mean' (default), 'sum' or 'none' (one loss per
element or prediction), keyword-only (``HuberLoss``, whose PyTorch signature
starts with it, also positionally); the deprecated ``size_average`` and
``reduce`` arguments of PyTorch are not accepted.  Class weights are buffers,
so they appear in ``state_dict()`` under PyTorch's keys (``weight``,
``pos_weight``).  The math and shapes are documented in ``functional``.
"""

from __future__ import annotations

from ..tensor import Tensor
from . import functional as F
from .module import Module


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error: ``mean((input − target)²)``; input and target must have the same shape.

    The gradient with respect to ``input`` is ``2·(input − target)/n`` for the mean over n elements.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.

    Example:
        >>> import glassnet
        >>> glassnet.nn.MSELoss()(glassnet.tensor([1.0, 2.0]), glassnet.tensor([0.0, 0.0]))
        tensor(2.5000)
    """

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.mse_loss(input, target, reduction=reduction)``."""
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error: ``mean(|input − target|)``; input and target must have the same shape.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.l1_loss(input, target, reduction=reduction)``."""
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Huber loss: squared error where |input - target| < delta, absolute error (times delta) beyond.

    Per element, with d = input − target: ``d²/2`` where ``|d| < delta``, else ``delta·(|d| − delta/2)``.
    As in PyTorch, ``reduction`` and ``delta`` may be passed positionally.  See ``functional.huber_loss``.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.huber_loss(input, target, reduction=reduction, delta=delta)``."""
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss: the Huber loss with delta = ``beta``, divided by ``beta``. See ``functional.smooth_l1_loss``.

    Per element, with d = input − target: ``d²/(2·beta)`` where ``|d| < beta``, else ``|d| − beta/2``.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, *, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.smooth_l1_loss(input, target, reduction=reduction, beta=beta)``."""
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class KLDivLoss(_Loss):
    """KL divergence of a target distribution from log-probabilities; use ``reduction='batchmean'``.

    Per element ``target·(log target − input)`` (``input`` holds log-probabilities; with
    ``log_target=True`` so does ``target``).  See ``functional.kl_div``; the default 'mean' warns, as in PyTorch.

    Shape:
        - Input: ``(N, *)``, log-probabilities.
        - Target: ``(N, *)``, the input's shape.
        - Output: a scalar, or ``(N, *)`` with ``reduction='none'``.
    """

    def __init__(self, *, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.kl_div(input, target, reduction=reduction, log_target=log_target)``."""
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax + negative log-likelihood of raw class scores (logits), fused and stable.

    ``target`` holds class indices (N,) or class probabilities (N, C);
    ``weight`` (C,) rescales classes, targets equal to ``ignore_index`` are
    skipped, ``label_smoothing`` mixes in the uniform distribution.
    See ``functional.cross_entropy``.

    For scores x and target class y: ``loss = −log softmax(x)[y] = log Σⱼ exp(xⱼ) − x_y``, whose
    gradient with respect to x is ``softmax(x) − onehot(y)``; the mean is weighted by ``weight[y]``.

    Shape:
        - Input: ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``, raw scores.
        - Target: class indices ``(N,)``, ``()`` or ``(N, d1, ...)`` (int64), or class probabilities of the
          input's shape.
        - Output: a scalar, or the target's shape (indices) with ``reduction='none'``.

    Example:
        >>> import glassnet
        >>> logits = glassnet.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
        >>> glassnet.nn.CrossEntropyLoss()(logits, glassnet.tensor([0, 2]))
        tensor(0.1672)
    """

    def __init__(
        self,
        weight: Tensor | None = None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.cross_entropy(input, target, weight, ignore_index=..., reduction=..., label_smoothing=...)``."""
        return F.cross_entropy(
            input,
            target,
            self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (pair with ``LogSoftmax``). See ``functional.nll_loss``.

    For log-probabilities x and target class y: ``loss = −x[y]``, weighted by ``weight[y]``.

    Shape:
        - Input: ``(N, C)``, ``(C,)`` or ``(N, C, d1, ...)``, log-probabilities.
        - Target: ``(N,)``, ``()`` or ``(N, d1, ...)``, class indices (int64).
        - Output: a scalar, or the target's shape with ``reduction='none'``.
    """

    def __init__(self, weight: Tensor | None = None, *, ignore_index: int = -100, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.nll_loss(input, target, weight, ignore_index=ignore_index, reduction=reduction)``."""
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1] (logs clamped to >= -100, as in PyTorch).

    Per element, for a probability x and a target t: ``−w·(t·log x + (1 − t)·log(1 − x))``.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(self, weight: Tensor | None = None, *, reduction: str = "mean") -> None:
        super().__init__(weight, reduction)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.binary_cross_entropy(input, target, weight, reduction=reduction)``."""
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy of raw scores in one stable op; ``pos_weight`` weights positives.

    Per element, for a score x and a target t: ``−w·(pos_weight·t·log σ(x) + (1 − t)·log(1 − σ(x)))``;
    the gradient with respect to x is ``σ(x) − t`` (without weights).

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """

    def __init__(
        self, weight: Tensor | None = None, *, reduction: str = "mean", pos_weight: Tensor | None = None
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        """``F.binary_cross_entropy_with_logits(input, target, weight, reduction=..., pos_weight=...)``."""
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )
