"""Layers and losses as plain functions, with ``torch.nn.functional``'s names and arguments.

The modules in ``glassnet.nn`` hold parameters and options and call these::

    import glassnet.nn.functional as F
    logits = F.linear(x, weight, bias)
    loss = F.cross_entropy(logits, labels)

Every function checks its inputs and names itself, the shapes and a fix in
its error messages.  Differences from PyTorch, on purpose:

* Losses raise ``ValueError`` when input and target shapes differ where
  PyTorch warns and broadcasts (MSE of a (N, 1) prediction against a (N,)
  target would silently average an N x N matrix of differences).
* The options after ``weight`` (``reduction``, ``ignore_index``...) are
  keyword-only, and the deprecated ``size_average``/``reduce`` are gone.
* Class indices may be any integer dtype (PyTorch wants int64 or uint8).
"""

from __future__ import annotations

import warnings

import numpy as np

from .._typing import DTypeLike
from ..ops import activation
from ..ops import linear as linear_ops
from ..ops import loss as loss_ops
from ..ops.conv import conv1d, conv2d  # noqa: F401  (re-exported as F.conv2d)
from ..ops.conv_transpose import conv_transpose1d, conv_transpose2d  # noqa: F401
from ..ops.embedding import embedding  # noqa: F401
from ..ops.interpolate import interpolate  # noqa: F401
from ..ops.normalization import batch_norm, group_norm, layer_norm  # noqa: F401
from ..ops.padding import pad  # noqa: F401
from ..ops.pooling import (  # noqa: F401
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    min_pool2d,
)
from ..random import numpy_generator
from ..tensor import Tensor

# ----------------------------------------------------------------- layers


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` as one fused op.

    Shape:
        - Input: ``(*, in_features)``.
        - Weight: ``(out_features, in_features)``; bias: ``(out_features,)``.
        - Output: ``(*, out_features)``.
    """
    x, w = input.array, weight.array  # the arrays: cheaper to ask than the Tensor properties
    if w.ndim != 2 or x.ndim == 0 or x.shape[-1] != w.shape[1]:
        raise RuntimeError(
            f"linear: input has {x.shape[-1] if x.ndim else 0} features (input shape {x.shape}) "
            f"but weight expects {w.shape[-1]} (weight shape {w.shape}); hint: the layer's "
            "in_features must equal the size of the input's last dimension (flatten images first)"
        )
    if x.dtype != w.dtype:
        raise RuntimeError(
            f"linear: input has dtype {x.dtype} but weight has dtype {w.dtype}; hint: convert the input "
            f"with .to(glassnet.{w.dtype}), or the model with .double() / .float()"
        )
    if bias is None:
        return linear_ops.Linear.apply(input, weight)
    return linear_ops.Linear.apply(input, weight, bias)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by 1/(1-p) (inverted dropout).

    The scaling keeps every element's expected value unchanged, so nothing
    needs rescaling at evaluation time, when (``training=False``) this is the
    identity.  The mask comes from glassnet's seeded generator.
    """
    _check_probability(p)
    return _dropout("dropout", input, p, training, input.shape, inplace)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each whole channel with probability ``p`` and scale the rest by 1/(1-p): one draw per (sample, channel).

    As PyTorch: the input is (N, C, H, W); a 3-D input is taken as (N, C, L), with PyTorch's warning.
    """
    _check_probability(p)
    if input.ndim not in (3, 4):
        warnings.warn(
            f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result in an error "
            "in a future release. To retain the behavior and silence this warning, please use dropout instead. Note "
            "that dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel "
            "dimension, and an optional batch dimension (i.e. 3D or 4D inputs).",
            stacklevel=2,
        )
    if input.ndim == 3:
        warnings.warn(
            "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
            "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change "
            "in a future release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To "
            "maintain the 1D channel-wise dropout behavior, please switch to using dropout1d instead.",
            stacklevel=2,
        )
    if input.ndim < 2:
        raise RuntimeError(
            f"dropout2d: expected an input with a channel dimension (N, C, H, W), but got shape {tuple(input.shape)}"
        )
    return _dropout("dropout2d", input, p, training, tuple(input.shape[:2]) + (1,) * (input.ndim - 2), inplace)


def _check_probability(p):
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _dropout(name, input, p, training, mask_shape, inplace):
    """Inverted dropout of ``input`` with a mask of ``mask_shape``, broadcast over the axes where it is 1.

    With ``inplace=True`` the input itself is multiplied by the mask and returned (``input.mul_(mask)``).
    """
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input.mul_(0.0) if inplace else input * 0.0
    if not input.is_floating_point():
        raise RuntimeError(f"{name}: input must be floating point, got dtype {input.dtype}; hint: input.float()")
    uniform = numpy_generator().random(mask_shape, dtype=np.float32 if input.dtype == np.float32 else np.float64)
    mask = Tensor._from_array((uniform >= p) * np.asarray(1.0 / (1.0 - p), dtype=input.dtype))
    return input.mul_(mask) if inplace else input * mask


def _in_place(input, op, name, **options):
    """``op.apply(input, **options)`` written into ``input`` itself, which is returned: ``inplace=True``.

    As PyTorch's ``relu_`` and the like: in a graph the change is recorded
    (glassnet/autograd/inplace.py), and an op that saved ``input`` for its
    backward raises at backward time.
    """
    return input._inplace(None, lambda current, _: op.apply(current, **options), name)


# ------------------------------------------------------------ activations


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x) elementwise; with ``inplace=True`` written into ``input``, which is returned."""
    if inplace:
        return _in_place(input, activation.ReLU, "relu_")
    return activation.ReLU.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x where x > 0, else negative_slope · x; with ``inplace=True`` written into ``input``, which is returned."""
    if inplace:
        return _in_place(input, activation.LeakyReLU, "leaky_relu_", negative_slope=negative_slope)
    return activation.LeakyReLU.apply(input, negative_slope=negative_slope)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + e^-x), computed without overflow."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """Elementwise tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ); its derivative is 1 − tanh²(x)."""
    return input.tanh()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x · Φ(x) with Φ the standard normal CDF; ``approximate='tanh'`` uses the tanh approximation of Φ."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"gelu: approximate argument must be either 'none' or 'tanh', got {approximate!r}")
    return activation.GELU.apply(input, approximate=approximate)


def _floating_input(name, input):
    if not input.is_floating_point():
        raise RuntimeError(f"{name}: input must be floating point, got dtype {input.dtype}; hint: input.float()")
    return input


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x where x > 0, else α(e^x - 1): smooth at 0 for α = 1, and negative outputs down to -α.

    With ``inplace=True`` the result is written into ``input``, which is returned.
    """
    if inplace:
        return _in_place(_floating_input("elu", input), activation.ELU, "elu_", alpha=float(alpha))
    return activation.ELU.apply(_floating_input("elu", input), alpha=float(alpha))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x · σ(x) (also called swish); with ``inplace=True`` written into ``input``, which is returned."""
    if inplace:
        return _in_place(_floating_input("silu", input), activation.SiLU, "silu_")
    return activation.SiLU.apply(_floating_input("silu", input))


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + e^(βx)) / β, a smooth ReLU; x itself where βx > ``threshold``."""
    return activation.Softplus.apply(_floating_input("softplus", input), beta=float(beta), threshold=float(threshold))


def logsigmoid(input: Tensor) -> Tensor:
    """log σ(x) = -softplus(-x), finite for any x (log(sigmoid(x)) gives -inf below about -100)."""
    return activation.LogSigmoid.apply(_floating_input("logsigmoid", input))


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """x clamped to [min_val, max_val]; the gradient is 1 strictly inside and 0 elsewhere (also at the ends).

    With ``inplace=True`` the result is written into ``input``, which is returned.
    """
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val cannot be greater than max_val, got min_val={min_val} > max_val={max_val}")
    if inplace:
        return _in_place(input, activation.Hardtanh, "hardtanh_", min_val=min_val, max_val=max_val)
    return activation.Hardtanh.apply(input, min_val=min_val, max_val=max_val)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6): ``hardtanh(input, 0, 6, inplace)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x where x > 0, else w·x, with learned slopes ``weight``: one (shared) or one per channel.

    Shape:
        - Input: ``(N, C, *)``, or any shape when ``weight`` has one element; a 1-d input has one channel.
        - Weight: ``(1,)``, ``()`` or ``(C,)``.
        - Output: the input's shape.
    """
    w = weight.array
    if w.ndim > 1:
        raise RuntimeError(f"prelu: expected `weight` to be a scalar or 1D tensor, but got: ndim = {w.ndim}")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if w.size != 1 and (input.ndim == 0 or w.size != channels):
        raise RuntimeError(
            f"prelu: mismatch of parameter numbers and input channel size. Found parameter numbers = {w.size} and "
            f"channel size = {channels} (input shape {tuple(input.shape)}); hint: PReLU(num_parameters) needs one "
            "slope per channel (dimension 1 of the input), or num_parameters=1"
        )
    if input.array.dtype != w.dtype:
        raise RuntimeError(
            f"prelu: input has dtype {input.dtype} but weight has dtype {weight.dtype}; hint: convert the input "
            f"with .to(weight.dtype), or the model with .double() / .float()"
        )
    return activation.PReLU.apply(input, weight)


def _implicit_dim(name, ndim):
    warnings.warn(
        f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, *, dtype: DTypeLike | None = None) -> Tensor:
    """e^x / Σ e^x along ``dim`` (rows of probabilities); ``dtype`` converts the input first."""
    if dtype is not None:
        input = input.to(dtype)
    return input.softmax(_implicit_dim("softmax", input.ndim) if dim is None else dim)


def log_softmax(input: Tensor, dim: int | None = None, *, dtype: DTypeLike | None = None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed stably as x - logsumexp(x)."""
    if dtype is not None:
        input = input.to(dtype)
    return input.log_softmax(_implicit_dim("log_softmax", input.ndim) if dim is None else dim)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices of shape ``(*)`` as int64 rows of shape ``(*, num_classes)`` with a 1 at each index.

    ``num_classes=-1`` uses the largest index + 1.
    """
    indices = tensor.array if isinstance(tensor, Tensor) else np.asarray(tensor)
    if indices.dtype.kind not in "iu":
        raise RuntimeError(
            f"one_hot: expected an integer tensor of class indices, got dtype {indices.dtype}; hint: .long()"
        )
    if num_classes == -1:
        if indices.size == 0:
            raise RuntimeError(
                "one_hot: can not infer the total number of classes from an empty tensor; hint: pass num_classes"
            )
        num_classes = int(indices.max()) + 1
    if indices.size and (indices.min() < 0 or indices.max() >= num_classes):
        bad = indices.min() if indices.min() < 0 else indices.max()
        raise RuntimeError(
            f"one_hot: class values must be in [0, {num_classes}), got {bad} (shape {indices.shape}); "
            "hint: labels must start at 0, and num_classes must exceed the largest label"
        )
    return Tensor._from_array((indices[..., None] == np.arange(num_classes)).astype(np.int64))


# ----------------------------------------------------------------- losses


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _check_reduction(name, reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{name}: {reduction!r} is not a valid value for reduction; hint: use 'mean', 'sum' or 'none'")


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def _constant(name, what, value, dtype, shape=None):
    """``value`` (weight, pos_weight) as an array of ``dtype``; with ``shape``: checked to broadcast to it."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise RuntimeError(
                f"{name}: {what} is not differentiable (as in PyTorch) but requires grad; hint: pass {what}.detach()"
            )
        value = value.array
    value = np.asarray(value, dtype=dtype)
    if shape is None:
        return value
    try:
        fits = np.broadcast_shapes(value.shape, shape) == tuple(shape)
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{name}: {what} of shape {value.shape} does not broadcast to the input shape {tuple(shape)}; "
            f"hint: give one {what} per class (last dimension) or one per element"
        )
    return value


def _check_same_shape(name, input, target):
    if input.shape != target.shape:
        raise ValueError(
            f"{name}: target shape {tuple(target.shape)} differs from input shape {tuple(input.shape)}; unlike "
            "PyTorch (which warns and broadcasts, silently giving a wrong loss), glassnet requires equal shapes; "
            "hint: reshape one of them, e.g. target.view(input.shape) or input.squeeze(-1)"
        )


def _check_floating(name, input, target):
    if not input.is_floating_point():
        raise RuntimeError(f"{name}: input must be floating point, got dtype {input.dtype}; hint: input.float()")
    if not target.is_floating_point():
        raise RuntimeError(
            f"{name}: target must be floating point like the input ({input.dtype}), got dtype {target.dtype} "
            "(glassnet does not convert it); hint: target.float()"
        )


def _regression_inputs(name, input, target, reduction, weight):
    target = _as_tensor(target)
    _check_reduction(name, reduction)
    _check_floating(name, input, target)
    _check_same_shape(name, input, target)
    return target, (
        None if weight is None else Tensor._from_array(_constant(name, "weight", weight, input.dtype, input.shape))
    )


def _weighted_reduce(errors, weight, reduction):
    """Reduce elementwise errors; with per-element weights the mean is Σ w·e / Σ w, as in PyTorch."""
    if weight is None:
        return _reduce(errors, reduction)
    errors = errors * weight
    if reduction == "mean":
        return errors.sum() / np.broadcast_to(weight.array, errors.shape).sum()
    return _reduce(errors, reduction)


def mse_loss(input: Tensor, target: Tensor, *, reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error: mean of (input - target)².

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """
    target, weight = _regression_inputs("mse_loss", input, target, reduction, weight)
    if weight is None:  # the common case, as one fused op
        return loss_ops.SquaredError.apply(input, target, reduction=reduction)
    diff = input - target
    return _weighted_reduce(diff * diff, weight, reduction)


def l1_loss(input: Tensor, target: Tensor, *, reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error: mean of |input - target| (gradient sign(input - target), 0 at equality).

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """
    target, weight = _regression_inputs("l1_loss", input, target, reduction, weight)
    return _weighted_reduce((input - target).abs(), weight, reduction)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight: Tensor | None = None
) -> Tensor:
    """Huber loss: (input - target)² / 2 where |input - target| < delta, else delta · (|input - target| - delta / 2).

    Quadratic near the target and linear far from it, so outliers pull with a
    force of at most ``delta``.  ``weight`` (the input's shape) multiplies each
    element's loss; 'mean' then divides by the number of elements, as in PyTorch.
    ``reduction`` may be passed positionally, as in PyTorch.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """
    name = "huber_loss"
    target, _ = _regression_inputs(name, input, target, reduction, None)
    if not delta > 0:
        raise RuntimeError(f"{name}: does not support non-positive values for delta, got delta={delta}")
    loss = loss_ops.Huber.apply(input, target, delta=float(delta))
    if weight is not None:
        weight = _constant(name, "weight", weight, input.dtype)
        if weight.shape != tuple(input.shape):
            raise ValueError(
                f"{name}: weights and input must have the same size, got weight shape {weight.shape} and input "
                f"shape {tuple(input.shape)} (PyTorch does not broadcast huber_loss's weight); hint: one weight per element"
            )
        loss = loss * Tensor._from_array(weight)
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, *, reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Smooth L1 loss: (input - target)² / (2 beta) where |input - target| < beta, else |input - target| - beta / 2.

    The Huber loss with delta = beta, divided by beta: its gradient is at most 1
    in size (the L1 loss's), for any beta.  ``beta=0`` gives the L1 loss.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """
    name = "smooth_l1_loss"
    target, _ = _regression_inputs(name, input, target, reduction, None)
    if beta < 0:
        raise RuntimeError(f"{name}: does not support negative values for beta, got beta={beta}")
    if beta == 0:
        return _reduce((input - target).abs(), reduction)
    return _reduce(loss_ops.Huber.apply(input, target, delta=float(beta)) / float(beta), reduction)


def kl_div(input: Tensor, target: Tensor, *, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """Kullback-Leibler divergence KL(target ‖ p) of log-probabilities ``input`` = log p, elementwise summed.

    ``loss = target · (log target - input)`` per element (0 where target is 0);
    with ``log_target=True`` the target is given as log-probabilities too.  Pass
    ``input`` as ``log_softmax(scores, dim)``.  ``reduction='batchmean'``
    divides the sum by the batch size, which is the KL divergence per sample;
    'mean' (the default, as in PyTorch) divides by the number of elements and
    warns, as PyTorch does.

    Shape:
        - Input: ``(N, *)``, log-probabilities.
        - Target: ``(N, *)``, the input's shape.
        - Output: a scalar, or ``(N, *)`` with ``reduction='none'``.
    """
    name = "kl_div"
    if reduction not in ("mean", "batchmean", "sum", "none"):
        raise ValueError(
            f"{name}: {reduction!r} is not a valid value for reduction; hint: use 'batchmean' (the KL divergence "
            "per sample), 'sum', 'mean' or 'none'"
        )
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    target = _as_tensor(target)
    _check_floating(name, input, target)
    _check_same_shape(name, input, target)
    loss = loss_ops.KLDivergence.apply(input, target, log_target=log_target)
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)


def _class_rows(name, input):
    """Scores of shape (C,), (N, C) or (N, C, d1, ...) as rows (M, C), one per prediction."""
    if input.ndim == 0:
        raise ValueError(f"{name}: input needs a class dimension, got a 0-d tensor; hint: shape (N, C) or (C,)")
    if input.ndim == 1:
        return input.reshape(1, -1)
    if input.ndim == 2:
        return input
    return input.permute(0, *range(2, input.ndim), 1).reshape(-1, input.shape[1])


def _batch_shape(input):
    """The shape of one loss per prediction: the input's shape without the class dimension."""
    return tuple(input.shape[:1] + input.shape[2:]) if input.ndim > 1 else ()


def _class_indices(name, input, target, ignore_index):
    """The integer ``target`` checked against ``input`` and flattened to one class index per row."""
    classes = input.shape[0 if input.ndim == 1 else 1]
    expected = _batch_shape(input)
    if target.array.dtype.kind not in "iu":
        extra = " or class probabilities of the input's shape" if name == "cross_entropy" else ""
        raise RuntimeError(
            f"{name}: expected class indices (an integer tensor of shape {expected}){extra} as target, got dtype "
            f"{target.dtype} with shape {tuple(target.shape)} for input shape {tuple(input.shape)}; hint: target.long()"
        )
    if target.shape != expected:
        hint = "target.squeeze(1)" if target.shape == expected + (1,) else "one class index per prediction"
        raise ValueError(
            f"{name}: expected target shape {expected} for input shape {tuple(input.shape)} (the input's shape "
            f"without its class dimension), got target shape {tuple(target.shape)}; hint: {hint}"
        )
    indices = target.array.reshape(-1)
    bad = (indices != ignore_index) & ((indices < 0) | (indices >= classes))
    if bad.any():
        raise IndexError(
            f"{name}: target contains class index {indices[bad][0]} but the input has {classes} classes "
            f"(valid: 0 to {classes - 1}, or ignore_index={ignore_index}); input shape {tuple(input.shape)}; "
            "hint: labels must start at 0 (labels 1..C need target - 1), or the last layer needs more outputs"
        )
    return indices


def _class_weight(name, weight, classes, dtype):
    if weight is None:
        return None
    weight = _constant(name, "weight", weight, dtype)
    if weight.shape != (classes,):
        raise ValueError(f"{name}: weight must have one entry per class ({classes}), got shape {weight.shape}")
    return weight


def _target_weights(indices, weight, ignore_index, dtype):
    """For each row: a safe class index (0 where ignored) and the weight of its target class (0 where ignored)."""
    keep = indices != ignore_index
    safe = np.where(keep, indices, 0)
    return safe, (weight[safe] * keep if weight is not None else keep.astype(dtype))


def cross_entropy(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of class scores (logits) against class indices or class probabilities.

    With class indices ``y`` and class weights ``w`` (all 1 by default)::

        loss_n = -w[y_n] · log softmax(x_n)[y_n]        ('mean' divides Σ loss_n by Σ w[y_n])

    Predictions whose target equals ``ignore_index`` count for nothing.
    ``label_smoothing`` ε mixes the one-hot target with the uniform
    distribution: (1-ε)·onehot + ε/C.  With probabilities ``t`` (same shape as
    the input) ``loss_n = -Σ_c w_c t_nc log softmax(x_n)_c`` and 'mean'
    divides by the number of predictions.  Fused into one stable op
    (``glassnet.ops.loss.CrossEntropy`` or ``SoftCrossEntropy``): logits of ±1000 are fine.

    Shape:
        - Input: ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``, raw scores.
        - Target: class indices of shape ``()``, ``(N,)`` or ``(N, d1, ...)``, or class
          probabilities of the input's shape.
        - Output: a scalar, or with ``reduction='none'`` ``()``, ``(N,)`` or ``(N, d1, ...)``.

    Example:
        >>> import glassnet
        >>> import glassnet.nn.functional as F
        >>> logits = glassnet.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]], requires_grad=True)
        >>> loss = F.cross_entropy(logits, glassnet.tensor([0, 2]))
        >>> loss
        tensor(0.1672, grad_fn=<CrossEntropyBackward0>)
        >>> loss.backward()
        >>> logits.grad  # (softmax(x) − onehot(y)) / N
        tensor([[-0.1065,  0.0533,  0.0533],
                [ 0.0226,  0.0226, -0.0453]])
    """
    name = "cross_entropy"
    _check_reduction(name, reduction)
    if not input.is_floating_point():
        raise RuntimeError(
            f"{name}: input (logits) must be floating point, got dtype {input.dtype}; hint: input.float()"
        )
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    target = _as_tensor(target)
    logits = _class_rows(name, input)
    rows, classes = logits.shape
    weight = _class_weight(name, weight, classes, input.dtype)
    if target.is_floating_point() and target.shape == input.shape:  # class probabilities
        if ignore_index >= 0:
            raise ValueError(f"{name}: ignore_index is not supported for class-probability targets (as in PyTorch)")
        q = _class_rows(name, target.to(input.dtype))
        if label_smoothing:
            q = q * (1 - label_smoothing) + label_smoothing / classes
        if weight is not None:
            q = q * Tensor._from_array(weight)
        loss = loss_ops.SoftCrossEntropy.apply(logits, q, reduction=reduction, total_weight=rows)
    else:  # class indices
        indices = _class_indices(name, input, target, ignore_index)
        safe, target_weight = _target_weights(indices, weight, ignore_index, input.dtype)
        total = target_weight.sum()
        if label_smoothing:  # q = (1-ε)·w_y·onehot(y) + ε/C·w for every kept row
            q = np.zeros((rows, classes), dtype=input.dtype)
            q[np.arange(rows), safe] = (1 - label_smoothing) * target_weight
            q += (label_smoothing / classes) * (indices != ignore_index)[:, None] * (1 if weight is None else weight)
            loss = loss_ops.SoftCrossEntropy.apply(
                logits, Tensor._from_array(q), reduction=reduction, total_weight=total
            )
        else:
            loss = loss_ops.CrossEntropy.apply(
                logits, target=safe, target_weight=target_weight, reduction=reduction, total_weight=total
            )
    return loss.reshape(_batch_shape(input)) if reduction == "none" else loss


def nll_loss(
    input: Tensor, target: Tensor, weight: Tensor | None = None, *, ignore_index: int = -100, reduction: str = "mean"
) -> Tensor:
    """Negative log-likelihood of log-probabilities (e.g. from ``log_softmax``) at the target classes.

    ``loss_n = -w[y_n] · input[n, y_n]``; 'mean' divides Σ loss_n by Σ w[y_n];
    targets equal to ``ignore_index`` count for nothing.  ``nll_loss(log_softmax(x, 1), y)``
    equals ``cross_entropy(x, y)``.

    Shape:
        - Input: ``(C,)``, ``(N, C)`` or ``(N, C, d1, ...)``, log-probabilities.
        - Target: ``()``, ``(N,)`` or ``(N, d1, ...)``, class indices.
        - Output: a scalar, or the target's shape with ``reduction='none'``.
    """
    name = "nll_loss"
    _check_reduction(name, reduction)
    if not input.is_floating_point():
        raise RuntimeError(f"{name}: input (log-probabilities) must be floating point, got dtype {input.dtype}")
    log_p = _class_rows(name, input)
    weight = _class_weight(name, weight, log_p.shape[1], input.dtype)
    safe, target_weight = _target_weights(
        _class_indices(name, input, _as_tensor(target), ignore_index), weight, ignore_index, input.dtype
    )
    losses = -log_p.gather(1, safe[:, None]).reshape(-1) * Tensor._from_array(target_weight)
    if reduction == "none":
        return losses.reshape(_batch_shape(input))
    return losses.sum() / target_weight.sum() if reduction == "mean" else losses.sum()


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, *, reduction: str = "mean"
) -> Tensor:
    """Binary cross-entropy of probabilities: -(t log x + (1 - t) log(1 - x)), logs clamped to >= -100.

    Prefer ``binary_cross_entropy_with_logits`` on raw scores: it is exact
    where sigmoid would round to 0 or 1.  ``weight`` rescales each element.

    Shape:
        - Input: ``(*)``, probabilities in [0, 1].
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """
    name = "binary_cross_entropy"
    target = _as_tensor(target)
    _check_reduction(name, reduction)
    _check_floating(name, input, target)
    _check_same_shape(name, input, target)
    if input.numel() and (input.array.min() < 0 or input.array.max() > 1):
        raise RuntimeError(
            f"{name}: all elements of input should be between 0 and 1, got values in "
            f"[{input.array.min():.4g}, {input.array.max():.4g}]; hint: apply sigmoid first, or use "
            "binary_cross_entropy_with_logits (BCEWithLogitsLoss) on the raw scores"
        )
    loss = loss_ops.BinaryCrossEntropy.apply(input, target.to(input.dtype))
    if weight is not None:
        loss = loss * Tensor._from_array(_constant(name, "weight", weight, input.dtype, input.shape))
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None = None,
    *,
    reduction: str = "mean",
    pos_weight: Tensor | None = None,
) -> Tensor:
    """Sigmoid + binary cross-entropy in one stable op: exact for logits of ±1000.

    ``pos_weight`` multiplies the loss of positive targets (one value per
    class, broadcasting over the last dimension); ``weight`` rescales each element.

    Shape:
        - Input: ``(*)``, any shape.
        - Target: ``(*)``, the input's shape.
        - Output: a scalar, or ``(*)`` with ``reduction='none'``.
    """
    name = "binary_cross_entropy_with_logits"
    target = _as_tensor(target)
    _check_reduction(name, reduction)
    _check_floating(name, input, target)
    _check_same_shape(name, input, target)
    if pos_weight is not None:
        pos_weight = _constant(name, "pos_weight", pos_weight, input.dtype, input.shape)
    loss = loss_ops.BinaryCrossEntropyWithLogits.apply(input, target.to(input.dtype), pos_weight=pos_weight)
    if weight is not None:
        loss = loss * Tensor._from_array(_constant(name, "weight", weight, input.dtype, input.shape))
    return _reduce(loss, reduction)
