"""The ``glassnet.*`` functions that mirror ``torch.*`` (``glassnet.exp(x)``, ``glassnet.cat``…).

Most are the Tensor method of the same name; ``cat``, ``stack``, ``where`` and
``einsum`` take several tensors.  Some share a name with a Python built-in
(``all``, ``any``, ``max``, ``round``…), so code here reaches those through ``builtins``.
"""

from __future__ import annotations

import builtins
import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import dtypes
from ._typing import DeviceLike, DTypeLike, TensorLike
from .devices import check_device
from .ops import einsum as einsum_ops
from .ops import selection, shape
from .tensor import Tensor, _axis, as_array


def _tensor(x: TensorLike) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def _method(name: str) -> Callable[..., Any]:
    def function(input: TensorLike, *args: Any, out: Any = None, **kwargs: Any) -> Any:
        result = getattr(_tensor(input), name)(*args, **kwargs)
        return result if out is None else _write_out(result, out, name.strip("_"))

    function.__name__ = name
    method = getattr(Tensor, name)
    public = name.strip("_")
    spelled = public if hasattr(Tensor, public) else name  # x.eq(y), but x.__neg__() (Tensor has no neg)
    summary = (method.__doc__ or "").strip().split("\n\n")[0]  # the method's first paragraph
    function.__doc__ = (
        f"{summary}\n\n``glassnet.{public}(input, ...)`` is ``input.{spelled}(...)``; see ``Tensor.{spelled}``. "
        "With ``out=`` the result is written into that tensor (or tuple of tensors) and returned."
    )
    # help() and the API reference show the method's arguments, with ``input`` for ``self``, and ``out``.
    parameters = list(inspect.signature(method).parameters.values())
    out = inspect.Parameter("out", inspect.Parameter.KEYWORD_ONLY, default=None)
    at = len(parameters) - (parameters[-1].kind == inspect.Parameter.VAR_KEYWORD)
    parameters = [parameters[0].replace(name="input")] + parameters[1:at] + [out] + parameters[at:]
    function.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return function


def _write_out(result: Any, out: Any, op: str) -> Any:
    """Write ``result`` into ``out`` as PyTorch's ``out=`` does: resized if its shape differs, never recorded for autograd."""
    if isinstance(result, tuple):
        written = [_write_out(r, o, op) for r, o in zip(result, out)]
        return type(result)(*written)
    if result.requires_grad:
        raise RuntimeError(
            f"{op}(): functions with out=... arguments don't support automatic differentiation, but one of the "
            "arguments requires grad; hint: drop out= and assign the result, or compute under glassnet.no_grad()"
        )
    if not np.can_cast(result.array.dtype, out.array.dtype, "same_kind"):
        raise RuntimeError(
            f"{op}(): result type {result.dtype} can't be cast to the desired output type {out.dtype}; "
            "hint: give out= a tensor of the result's dtype"
        )
    if out.array.shape != result.array.shape:
        out.array = np.empty(result.array.shape, dtype=out.array.dtype)  # PyTorch resizes out, too
    out.array[...] = result.array
    out._version[0] += 1
    return out


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
add = _method("add")
sub = subtract = _method("sub")
mul = multiply = _method("mul")
div = divide = true_divide = _method("div")
floor_divide = _method("floor_divide")
remainder = _method("remainder")
fmod = _method("fmod")
neg = _method("__neg__")
pow = _method("pow")
square = _method("square")
sin = _method("sin")
cos = _method("cos")
log1p = _method("log1p")
expm1 = _method("expm1")
rsqrt = _method("rsqrt")
sign = _method("sign")
floor = _method("floor")
ceil = _method("ceil")
trunc = _method("trunc")
round = _method("round")
clamp_min = _method("clamp_min")
clamp_max = _method("clamp_max")
isnan = _method("isnan")
isinf = _method("isinf")
isfinite = _method("isfinite")
logical_and = _method("logical_and")
logical_or = _method("logical_or")
logical_xor = _method("logical_xor")
logical_not = _method("logical_not")
all = _method("all")
any = _method("any")
cumsum = _method("cumsum")
cumprod = _method("cumprod")
norm = _method("norm")
sort = _method("sort")
argsort = _method("argsort")
topk = _method("topk")
bmm = _method("bmm")
baddbmm = _method("baddbmm")
addmm = _method("addmm")
dot = inner = _method("dot")
outer = ger = _method("outer")
chunk = _method("chunk")
unbind = _method("unbind")
narrow = _method("narrow")
select = _method("select")
index_select = _method("index_select")
masked_fill = _method("masked_fill")
scatter = _method("scatter")
scatter_add = _method("scatter_add")
flip = _method("flip")
roll = _method("roll")
tril = _method("tril")
triu = _method("triu")
diag = _method("diag")
tile = _method("tile")
eq = _method("__eq__")
ne = _method("__ne__")
lt = _method("__lt__")
le = _method("__le__")
gt = _method("__gt__")
ge = _method("__ge__")


def _common(operands: Sequence[TensorLike], op: str) -> list[Tensor]:
    tensors = [_tensor(t) for t in operands]
    if not tensors:
        raise RuntimeError(f"{op}: expected a non-empty list of tensors")
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = dtypes.result_type(dtype, t.dtype)
    return [t if t.dtype == dtype else t.to(dtype) for t in tensors]


def cat(tensors: Sequence[TensorLike], dim: int = 0) -> Tensor:
    """Join tensors along an existing axis ``dim``; all other sizes must match."""
    tensors = _common(tensors, "cat")
    first = tensors[0]
    if first.ndim == 0:
        raise RuntimeError("cat: zero-dimensional tensors cannot be concatenated; hint: use stack")
    axis = _axis(dim, first.ndim)
    for i, t in enumerate(tensors):
        if t.ndim != first.ndim or builtins.any(
            a != b for j, (a, b) in enumerate(zip(t.shape, first.shape)) if j != axis
        ):
            raise RuntimeError(
                f"cat: sizes of tensors must match except in dimension {dim}; tensor 0 has shape "
                f"{tuple(first.shape)} but tensor {i} has shape {tuple(t.shape)}"
            )
    return shape.Cat.apply(*tensors, dim=axis)


concat = concatenate = cat


def stack(tensors: Sequence[TensorLike], dim: int = 0) -> Tensor:
    """Join tensors of equal shape along a new axis ``dim``."""
    tensors = _common(tensors, "stack")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack: expects each tensor to be equal size, but got {tuple(tensors[0].shape)} at entry 0 "
                f"and {tuple(t.shape)} at entry {i}"
            )
    return shape.Stack.apply(*tensors, dim=_axis(dim, tensors[0].ndim + 1))


def where(condition: TensorLike, input: TensorLike, other: TensorLike) -> Tensor:
    """``input`` where ``condition`` is true, else ``other`` (all three broadcast)."""
    condition = as_array(condition).astype(bool)
    if isinstance(other, Tensor) and not isinstance(input, Tensor):
        b, a = other._operands(input, "where")
    else:
        a, b = _tensor(input)._operands(other, "where")
    return selection.Where.apply(a, b, condition=condition)


def numel(input: Tensor) -> int:
    """The number of elements of ``input``."""
    return input.numel()


def is_tensor(obj: object) -> bool:
    """True if ``obj`` is a glassnet ``Tensor`` (or a ``Parameter``)."""
    return isinstance(obj, Tensor)


def allclose(
    input: TensorLike, other: TensorLike, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """True if ``|input − other| ≤ atol + rtol·|other|`` everywhere (broadcast), as NumPy and PyTorch test it.

    Example:
        >>> import glassnet
        >>> glassnet.allclose(glassnet.tensor([1.0, 2.0]), glassnet.tensor([1.0, 2.0 + 1e-6]))
        True
    """
    return bool(np.allclose(as_array(input), as_array(other), rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input: TensorLike, other: TensorLike) -> bool:
    """True if both tensors have the same shape and the same elements (``Tensor.equal``).

    Example:
        >>> import glassnet
        >>> glassnet.equal(glassnet.tensor([1, 2]), glassnet.tensor([1, 2]))
        True
    """
    return _tensor(input).equal(_tensor(other))


def split(
    tensor: TensorLike, split_size_or_sections: int | list[int] | tuple[int, ...], dim: int = 0
) -> tuple[Tensor, ...]:
    """Pieces of ``tensor`` along ``dim``: of ``split_size_or_sections`` elements each, or of the sizes in a list."""
    return _tensor(tensor).split(split_size_or_sections, dim)


def repeat_interleave(
    input: TensorLike,
    repeats: int | TensorLike | None = None,
    dim: int | None = None,
    *,
    output_size: int | None = None,
) -> Tensor:
    """Each element repeated ``repeats`` times along ``dim`` (see ``Tensor.repeat_interleave``).

    With ``input`` alone, ``input`` holds the counts: ``repeat_interleave(tensor([2, 1]))`` is ``tensor([0, 0, 1])``.
    """
    if repeats is None:
        counts = _tensor(input)
        return Tensor(np.arange(counts.numel())).repeat_interleave(counts)
    return _tensor(input).repeat_interleave(repeats, dim, output_size=output_size)


def as_tensor(data: TensorLike, dtype: DTypeLike | None = None, device: DeviceLike | None = None) -> Tensor:
    """``data`` as a tensor, sharing memory with it when it already is a tensor or an array of that dtype."""
    check_device(device, "as_tensor")
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or dtypes.to_dtype(dtype) == data.dtype):
        return Tensor._from_array(data)
    return Tensor(data, dtype)


def einsum(equation: str, *operands: TensorLike | Sequence[TensorLike]) -> Tensor:
    """Sums of products of the operands named by subscripts: ``einsum("ij,jk->ik", a, b)`` is ``a @ b``.

    Letters shared by operands are multiplied, letters missing from the output
    are summed over; ``...`` stands for the remaining (broadcast) dimensions, and
    without ``->`` the output is the letters used once, in alphabetical order.
    The operands may also come as one list.  All must have the same dtype, as in PyTorch.
    Unlike PyTorch, the sublist form ``einsum(a, [0, 1], b, [1, 2])`` is not available.
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not isinstance(equation, str):
        raise TypeError(
            "einsum(): the first argument must be an equation such as 'ij,jk->ik'; hint: unlike PyTorch, "
            "glassnet has no sublist form"
        )
    tensors = [_tensor(t) for t in operands]
    if len({t.array.dtype for t in tensors}) > 1:
        raise RuntimeError(
            f"einsum(): operands have different dtypes {[str(t.dtype) for t in tensors]} (shapes "
            f"{[tuple(t.shape) for t in tensors]}); hint: convert them with .to(dtype), PyTorch does not promote here either"
        )
    inputs, output, sizes = einsum_ops.parse(equation, [t.array.shape for t in tensors])
    return einsum_ops.Einsum.apply(*tensors, inputs=tuple(inputs), output=output, sizes=sizes)
