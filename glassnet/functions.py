"""The ``glassnet.*`` functions that mirror ``torch.*`` (``glassnet.exp(x)``, ``glassnet.cat``…).

Most are the Tensor method of the same name; ``cat``, ``stack`` and ``where``
take several tensors.
"""
import numpy as np

from . import dtypes
from .ops import selection, shape
from .tensor import Tensor, _axis, as_array


def _tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def _method(name):
    def function(input, *args, **kwargs):
        return getattr(_tensor(input), name)(*args, **kwargs)

    function.__name__ = name
    function.__doc__ = f"``glassnet.{name}(input, ...)`` is ``input.{name}(...)``; see ``Tensor.{name}``."
    return function


exp = _method("exp")
log = _method("log")
sqrt = _method("sqrt")
abs = _method("abs")
clamp = _method("clamp")
clip = _method("clip")
maximum = _method("maximum")
minimum = _method("minimum")
relu = _method("relu")
sigmoid = _method("sigmoid")
tanh = _method("tanh")
softmax = _method("softmax")
log_softmax = _method("log_softmax")
logsumexp = _method("logsumexp")
sum = _method("sum")
mean = _method("mean")
var = _method("var")
std = _method("std")
max = _method("max")
min = _method("min")
argmax = _method("argmax")
argmin = _method("argmin")
matmul = _method("matmul")
mm = _method("mm")
reshape = _method("reshape")
permute = _method("permute")
transpose = _method("transpose")
flatten = _method("flatten")
squeeze = _method("squeeze")
unsqueeze = _method("unsqueeze")
gather = _method("gather")
add = _method("__add__")
sub = _method("__sub__")
mul = _method("__mul__")
div = _method("__truediv__")
neg = _method("__neg__")
pow = _method("__pow__")
eq = _method("__eq__")
ne = _method("__ne__")
lt = _method("__lt__")
le = _method("__le__")
gt = _method("__gt__")
ge = _method("__ge__")


def _common(tensors, op):
    tensors = [_tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError(f"{op}: expected a non-empty list of tensors")
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = dtypes.result_type(dtype, t.dtype)
    return [t if t.dtype == dtype else t.to(dtype) for t in tensors]


def cat(tensors, dim=0):
    """Join tensors along an existing axis ``dim``; all other sizes must match."""
    tensors = _common(tensors, "cat")
    first = tensors[0]
    if first.ndim == 0:
        raise RuntimeError("cat: zero-dimensional tensors cannot be concatenated; hint: use stack")
    axis = _axis(dim, first.ndim)
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or any(a != b for j, (a, b) in enumerate(zip(t.shape, first.shape)) if j != axis):
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {dim}; tensor 0 has shape "
                f"{tuple(first.shape)} but tensor {i} has shape {tuple(t.shape)}"
            )
    return shape.Cat.apply(*tensors, dim=axis)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join tensors of equal shape along a new axis ``dim``."""
    tensors = _common(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack: expects each tensor to be equal size, but got {tuple(tensors[0].shape)} at entry 0 "
                f"and {tuple(t.shape)} at entry {i}"
            )
    return shape.Stack.apply(*tensors, dim=_axis(dim, tensors[0].ndim + 1))


def where(condition, input, other):
    """``input`` where ``condition`` is true, else ``other`` (all three broadcast)."""
    condition = as_array(condition).astype(bool)
    if isinstance(other, Tensor) and not isinstance(input, Tensor):
        b, a = other._operands(input, "where")
    else:
        a, b = _tensor(input)._operands(other, "where")
    return selection.Where.apply(a, b, condition=condition)


def numel(input):
    return input.numel()


def is_tensor(obj):
    return isinstance(obj, Tensor)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.allclose(as_array(input), as_array(other), rtol=rtol, atol=atol, equal_nan=equal_nan))
