"""Batch, layer and group normalisation as one fused op, ``Normalize``, and their functional forms.

All three standardise the input over some axes and then apply a learned
per-feature affine map::

    x̂ = (x − μ) / σ̂,   σ̂ = √(σ² + ε)        μ, σ²: mean and *biased* variance over the axes
    y = γ·x̂ + β

They differ only in the axes.  Viewing the input so that the axes are whole
dimensions, no copy needed:

============  ===========================  ===============  =======================  ==========
op            input viewed as              statistics over  one (μ, σ²) per          γ, β per
============  ===========================  ===============  =======================  ==========
batch_norm    (N, C, L), L = H·W·...       axes (0, 2)      channel                  channel
layer_norm    (M, D), D = ∏normalized      axis 1           sample (row)             element of a row
group_norm    (N, G, C/G, L)               axes (2, 3)      sample and group         channel
============  ===========================  ===============  =======================  ==========

**Backward.**  With ``g = dL/dy`` and ``ĝ = γ·g = dL/dx̂``, and means taken over
the statistics' axes (K elements each)::

    dL/dx = (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂)) / σ̂
    dL/dγ = Σ g·x̂,   dL/dβ = Σ g        (sums over the axes γ does not vary along)

The first line collects the three ways x reaches the loss: directly through
x̂ (1/σ̂), through μ (each x moves μ by 1/K) and through σ² (∂σ²/∂x = 2(x − μ)/K).
For batch norm, where γ is constant over the axes, it is the familiar
``dx = (1/K)·γ/σ̂·(K·g − Σg − x̂·Σ(g·x̂))``.  One node replaces the ten or so
that the same maths as Tensor code would record, and backward needs only x̂ and σ̂.

**Batch norm's running estimates.**  In training, batch norm normalises by the
statistics of the batch and updates, in place::

    running_mean ← (1 − m)·running_mean + m·μ
    running_var  ← (1 − m)·running_var + m·σ²·K/(K − 1)     (the *unbiased* variance)

with momentum m, as PyTorch does.  In evaluation it normalises by those
estimates instead: μ and σ² are then constants and ``dL/dx = ĝ/σ̂``.
"""

import math
import string

import numpy as np

from ..autograd.function import Function


class Normalize(Function):
    """``y = γ·(x − μ)/√(σ² + ε) + β`` over the ``axes`` of ``x`` viewed as ``view`` (see the module docstring).

    Inputs: ``x`` and then the weight γ and bias β that ``affine`` says are
    present.  ``param_view`` is the shape γ and β take to broadcast against the
    view.  ``stats=(mean, var)`` normalises by those fixed arrays instead of the
    batch's statistics; ``running=(running_mean, running_var, momentum)``
    updates those arrays in place with the batch's statistics.
    """

    fresh_gradients = True  # dx, dγ and dβ are new arrays

    @staticmethod
    def forward(ctx, x, *params, view, axes, param_view, affine=(True, True), eps=1e-5, stats=None, running=None):
        has_weight, has_bias = affine
        weight = params[0].reshape(param_view) if has_weight else None
        bias = params[-1].reshape(param_view) if has_bias else None
        v = x.reshape(view)
        count = math.prod(view[a] for a in axes)  # K: the elements behind each statistic
        ctx.param_axes = tuple(i for i, n in enumerate(param_view) if n == 1)  # the axes dγ and dβ sum over
        ctx.param_shape = params[0].shape if params else None
        ctx.x_shape, ctx.view, ctx.axes, ctx.affine, ctx.fixed_stats = x.shape, view, axes, affine, stats is not None
        ctx.count, ctx.weight = max(count, 1), weight  # an empty batch divides 0 by 1: no warning
        if stats is not None:  # fixed statistics: y = x·s + (β − μ·s) with s = γ/σ̂, two passes over x
            mean, var = (s.reshape(param_view) for s in stats)
            ctx.inv_std = inv_std = 1 / np.sqrt(var + eps)
            scale = inv_std * weight if has_weight else inv_std
            out = v * scale
            out += bias - mean * scale if has_bias else -mean * scale
            ctx.x_hat = (v - mean) * inv_std if has_weight and ctx.needs_input_grad[1] else None  # for dγ only
            return out.reshape(x.shape)
        mean = v.sum(axis=axes, keepdims=True) / ctx.count
        x_hat = v - mean
        var = sum_of_products(x_hat, x_hat, axes) / ctx.count
        if running is not None and count:
            running_mean, running_var, momentum = running
            running_mean *= 1 - momentum
            running_mean += momentum * mean.reshape(running_mean.shape)
            running_var *= 1 - momentum
            running_var += (momentum * count / (count - 1)) * var.reshape(running_var.shape)
        ctx.inv_std = inv_std = 1 / np.sqrt(var + eps)
        x_hat *= inv_std
        ctx.x_hat = x_hat
        out = x_hat * weight if has_weight else x_hat.copy()
        if has_bias:
            out += bias
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx, grad_output):
        needs, (has_weight, has_bias) = ctx.needs_input_grad, ctx.affine
        x_hat, inv_std, axes, param_axes = ctx.x_hat, ctx.inv_std, ctx.axes, ctx.param_axes
        g = grad_output.reshape(ctx.view)
        # Batch norm: γ is constant over each statistic's elements, so mean(ĝ) and mean(ĝ·x̂) are γ/K times
        # the sums Σg and Σ(g·x̂) that dβ and dγ need anyway: dx = s·(g − x̂·Σ(g·x̂)/K − Σg/K) with s = γ/σ̂.
        shared = needs[0] and not ctx.fixed_stats and param_axes == axes
        sum_g = g.sum(axis=param_axes, keepdims=True) if shared or (has_bias and needs[-1]) else None
        sum_gx = sum_of_products(g, x_hat, param_axes) if shared or (has_weight and needs[1]) else None
        dx = None
        if needs[0]:
            scale = inv_std * ctx.weight if has_weight else inv_std
            if ctx.fixed_stats:
                dx = g * scale
            elif shared:
                dx = g * scale
                dx -= x_hat * (scale * sum_gx / ctx.count)
                dx -= scale * sum_g / ctx.count
            else:  # layer and group norm: γ varies within a statistic's elements
                g_hat = g * ctx.weight if has_weight else g
                dx = x_hat * (sum_of_products(g_hat, x_hat, axes) / ctx.count)
                np.subtract(g_hat, dx, out=dx)
                dx -= g_hat.mean(axis=axes, keepdims=True)
                dx *= inv_std
            dx = dx.reshape(ctx.x_shape)
        grads = [dx]
        if has_weight:
            grads.append(sum_gx.reshape(ctx.param_shape) if needs[1] else None)
        if has_bias:
            grads.append(sum_g.reshape(ctx.param_shape) if needs[-1] else None)
        return tuple(grads)


def sum_of_products(a, b, axes):
    """Σ a·b over ``axes``, kept as axes of size 1: one pass, without an array of products (``np.einsum``).

    Twice as fast as ``(a * b).sum(axis=axes, keepdims=True)`` on batch norm's
    (64, 16, 784) and layer norm's (3200, 256) arrays (measured).
    """
    letters = string.ascii_lowercase[: a.ndim]
    kept = "".join(letter for i, letter in enumerate(letters) if i not in axes)
    total = np.einsum(f"{letters},{letters}->{kept}", a, b)
    return total.reshape([1 if i in axes else n for i, n in enumerate(a.shape)])


# ------------------------------------------------------------ functional forms


def _check_params(name, input, what, tensors, expected_shape, hint):
    """Each of ``tensors`` (name -> Tensor or None) must have ``expected_shape`` and the input's dtype."""
    for label, t in tensors.items():
        if t is None:
            continue
        if tuple(t.shape) != tuple(expected_shape):
            raise RuntimeError(
                f"{name}: {label} should have shape {tuple(expected_shape)} ({what}), got shape {tuple(t.shape)} "
                f"for input shape {tuple(input.shape)}; hint: {hint}"
            )
        if t.array.dtype != input.array.dtype:
            raise RuntimeError(
                f"{name}: input has dtype {input.array.dtype} but {label} has dtype {t.array.dtype}; hint: convert "
                f"the input with .to(glassnet.{t.array.dtype}), or the model with .double() / .float()"
            )


def _check_floating(name, input):
    if not input.is_floating_point():
        raise RuntimeError(f"{name}: input must be floating point, got dtype {input.array.dtype}; hint: input.float()")


def _apply(input, weight, bias, **options):
    params = [p for p in (weight, bias) if p is not None]
    return Normalize.apply(input, *params, affine=(weight is not None, bias is not None), **options)


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05):
    """Normalise each channel of ``input`` (N, C, *) over the batch and positions: ``γ·(x − μ)/√(σ² + ε) + β``.

    ``training=True`` uses the batch's mean and biased variance and, if
    ``running_mean``/``running_var`` are given, updates them in place (see the
    module docstring); ``training=False`` normalises by ``running_mean`` and
    ``running_var``, which are then required.

    Shape:
        - Input: ``(N, C, *)``.
        - running_mean, running_var, weight, bias: ``(C,)``.
        - Output: the input's shape.
    """
    name = "batch_norm"
    _check_floating(name, input)
    if input.ndim < 2:
        raise RuntimeError(
            f"{name}: expected an input of shape (N, C, *), got shape {tuple(input.shape)}; "
            "hint: a single sample needs a batch dimension, input.unsqueeze(0)"
        )
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{name}: running_mean and running_var must either both be None or neither be None")
    if not training and running_mean is None:
        raise RuntimeError(
            f"{name}: running_mean must be defined in evaluation mode (training=False); "
            "hint: pass the running statistics, or training=True to use the batch's own"
        )
    shape = tuple(input.shape)
    channels = shape[1]
    _check_params(
        name,
        input,
        "one value per channel, C = input.shape[1]",
        {"running_mean": running_mean, "running_var": running_var, "weight": weight, "bias": bias},
        (channels,),
        "the layer's num_features must equal the number of channels (dim 1) of its input",
    )
    view = (shape[0], channels, math.prod(shape[2:]))
    if training and view[0] * view[2] == 1:
        raise ValueError(
            f"{name}: Expected more than 1 value per channel when training, got input size {shape}; hint: train "
            "with batches of at least 2 samples, or call model.eval() to normalise by the running statistics"
        )
    options = dict(view=view, axes=(0, 2), param_view=(1, channels, 1), eps=eps)
    if not training:
        return _apply(input, weight, bias, stats=(running_mean.array, running_var.array), **options)
    if running_mean is None:
        return _apply(input, weight, bias, **options)
    out = _apply(input, weight, bias, running=(running_mean.array, running_var.array, momentum), **options)
    running_mean._version[0] += 1
    running_var._version[0] += 1
    return out


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05):
    """Normalise each sample over its last dimensions ``normalized_shape``: ``γ·(x − μ)/√(σ² + ε) + β``.

    Statistics are per sample (per row of the last ``len(normalized_shape)``
    dimensions), so training and evaluation behave the same.

    Shape:
        - Input: ``(*, *normalized_shape)``.
        - Weight, bias: ``normalized_shape``.
        - Output: the input's shape.
    """
    name = "layer_norm"
    _check_floating(name, input)
    normalized_shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = tuple(input.shape)
    k = len(normalized_shape)
    if k == 0 or k > len(shape) or shape[-k:] != normalized_shape:
        raise RuntimeError(
            f"{name}: Given normalized_shape={list(normalized_shape)}, expected input with shape "
            f"[*, {', '.join(map(str, normalized_shape))}], but got input of size {shape}; hint: normalized_shape "
            "must equal the input's last dimensions, e.g. nn.LayerNorm(x.shape[-1])"
        )
    _check_params(
        name,
        input,
        "the normalized_shape",
        {"weight": weight, "bias": bias},
        normalized_shape,
        "weight and bias need the shape given as normalized_shape",
    )
    features = math.prod(normalized_shape)
    rows = math.prod(shape[:-k])
    return _apply(input, weight, bias, view=(rows, features), axes=(1,), param_view=(1, features), eps=eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05):
    """Split the channels of each sample into ``num_groups`` groups and normalise each group: ``γ·x̂ + β``.

    Statistics are per sample and group (over the group's channels and all
    positions), so training and evaluation behave the same; γ and β are per channel.

    Shape:
        - Input: ``(N, C, *)`` with C divisible by ``num_groups``.
        - Weight, bias: ``(C,)``.
        - Output: the input's shape.
    """
    name = "group_norm"
    _check_floating(name, input)
    shape = tuple(input.shape)
    if len(shape) < 2:
        raise RuntimeError(
            f"{name}: Expected at least 2 dimensions for input tensor but received {len(shape)} "
            f"(shape {shape}); hint: the input is (N, C, *), e.g. input.unsqueeze(0) for one sample"
        )
    channels = shape[1]
    if num_groups <= 0 or channels % num_groups:
        raise RuntimeError(
            f"{name}: Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{shape} and num_groups={num_groups}; hint: the layer's num_channels must equal input.shape[1]"
        )
    _check_params(
        name,
        input,
        "one value per channel, C = input.shape[1]",
        {"weight": weight, "bias": bias},
        (channels,),
        "the layer's num_channels must equal the number of channels (dim 1) of its input",
    )
    size = channels // num_groups
    view = (shape[0], num_groups, size, math.prod(shape[2:]))
    return _apply(input, weight, bias, view=view, axes=(2, 3), param_view=(1, num_groups, size, 1), eps=eps)
