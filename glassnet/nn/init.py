"""Weight initialisation, with PyTorch's formulas and defaults.

Every function fills a tensor in place (without recording a graph) and returns
it.  Random ones draw from glassnet's seeded generator (``glassnet.manual_seed``)
unless a ``generator=`` is given.

The scaled schemes keep the variance of activations roughly constant from
layer to layer.  With ``fan_in`` = inputs per output unit and ``fan_out`` =
outputs per input unit (times the kernel size for convolutions):

| scheme          | std                                         | distribution             |
|-----------------|---------------------------------------------|--------------------------|
| xavier (Glorot) | gain · √(2 / (fan_in + fan_out))            | U(±√3·std) or N(0, std²) |
| kaiming (He)    | gain / √fan   (fan = fan_in by default)     | U(±√3·std) or N(0, std²) |

A uniform U(-b, b) has std b/√3, hence the bound √3·std.  ``nn.Linear`` uses
``kaiming_uniform_(w, a=√5)``: gain √(2/(1+5)) = √(1/3), so the bound is
√3 · √(1/3) / √fan_in = 1/√fan_in.
"""

from __future__ import annotations

import math
import warnings

from ..autograd.grad_mode import no_grad
from ..random import Generator
from ..tensor import Tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity: the factor by which it shrinks the std of its input.

    | nonlinearity                 | gain                                                              |
    |------------------------------|-------------------------------------------------------------------|
    | linear, ``conv*``, sigmoid   | 1                                                                 |
    | tanh                         | 5/3                                                               |
    | relu                         | √2                                                                |
    | leaky_relu                   | √(2 / (1 + negative_slope²)), slope ``param`` (default 0.01)      |
    | selu                         | 3/4                                                               |

    Example:
        >>> from glassnet.nn import init
        >>> init.calculate_gain("tanh"), init.calculate_gain("relu")
        (1.6666666666666667, 1.4142135623730951)
    """
    linear_fns = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            negative_slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, (int, float)):
            negative_slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + negative_slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(
        f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; "
        "hint: use one of linear, conv1d/2d/3d, sigmoid, tanh, relu, leaky_relu, selu"
    )


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape (out, in, *kernel): (in·k, out·k) with k = ∏kernel."""
    if tensor.dim() < 2:
        raise ValueError(
            f"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions "
            f"(shape {tuple(tensor.shape)}); hint: biases are initialised from their layer's weight fan_in"
        )
    receptive_field_size = math.prod(tensor.shape[2:])
    return tensor.shape[1] * receptive_field_size, tensor.shape[0] * receptive_field_size


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with samples from U(a, b)."""
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with samples from N(mean, std²)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with the number ``val``."""
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return constant_(tensor, 0.0)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain · √(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot normal: N(0, std²) with std = gain · √(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    return calculate_gain(nonlinearity, a) / math.sqrt(_calculate_correct_fan(tensor, mode))


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He uniform: U(-b, b) with b = √3 · gain / √fan; ``a`` is the leaky_relu slope used for the gain."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator | None = None,
) -> Tensor:
    """He normal: N(0, std²) with std = gain / √fan; ``a`` is the leaky_relu slope used for the gain."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def default_layer_init_(weight: Tensor, bias: Tensor | None = None) -> None:
    """PyTorch's default for ``Linear`` and ``Conv2d``: both drawn from U(-1/√fan_in, 1/√fan_in).

    The weight via ``kaiming_uniform_(a=√5)``, whose bound works out to
    √(6 / ((1 + 5)·fan_in)) = 1/√fan_in; the bias directly.  glassnet-only name
    (PyTorch repeats these lines in each layer's ``reset_parameters``).
    """
    kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = _calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        uniform_(bias, -bound, bound)
