"""``Tensor``: a NumPy array that remembers how it was computed.

A tensor holds its values in ``.array`` (a NumPy array) and, if it was computed
by ops from tensors that require a gradient, the op that made it (``grad_fn``).
``loss.backward()`` walks those records back and fills ``.grad`` of every leaf
tensor created with ``requires_grad=True`` (see ``glassnet/autograd/engine.py``).

Methods follow PyTorch's names, arguments and broadcasting.  Unlike PyTorch:

* ``view`` is ``reshape``: it never fails on non-contiguous tensors.
* The graph nodes that record ``x[i] = v``, ``zero_``, ``fill_``, ``copy_``
  and in-place changes of a view are all named ``SetItemBackward0`` (PyTorch:
  ``CopySlices``, ``IndexPutBackward0``, ``ZeroBackward0``...).

In-place methods (``x.add_(y)``, ``x += y``, ``x[i] = v``, ``x.zero_()``,
``relu(x, inplace=True)``...) change ``x`` itself, and the views that share its
memory, as in PyTorch; where ``x`` or the operand is part of a graph the change
is recorded, so that backward stays correct (``glassnet/autograd/inplace.py``).
On leaves that require grad, and views of them, they raise unless under
``no_grad()``.  Changing a tensor in place after an op saved it for backward is
caught at backward time, as in PyTorch, when it goes through glassnet (``x += 1``,
``x[i] = …``, ``zero_()``, an optimizer step, or the same via ``detach()`` or a
view such as ``x[:2]``, which counts changes together with its base); writing
into the NumPy array ``.array`` directly is not seen.
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeAlias

import numpy as np

from . import dtypes, printing
from ._typing import DeviceLike, DTypeLike, Number, ShapeLike, TensorLike
from .autograd import engine, inplace
from .autograd.function import Function
from .devices import CPU, check_device
from .devices import device as _device  # the class: in Tensor, ``device`` is the property
from .ops import (
    activation,
    arithmetic,
    indexing,
    matmul,
    pointwise,
    reduction,
    reorder,
    rounding,
    scan,
    selection,
    softmax,
    sorting,
)
from .ops import diagonal as diagonal_ops
from .ops import norm as norm_ops
from .ops import shape as shape_ops
from .random import Generator
from .size import Size

# Tensor has methods named int, float, bool and type (PyTorch's casts), which hide the built-in names in
# the class body; its hints name the built-in types by these aliases instead.
_int: TypeAlias = int
_float: TypeAlias = float
_bool: TypeAlias = bool

values_indices = {name: namedtuple(name, ["values", "indices"]) for name in ("max", "min", "sort", "topk")}
_NOT_PICKLED = ("_uses", "_view_of", "_views", "__weakref__")  # see Tensor.__getstate__

# PyTorch's legacy type names, for ``Tensor.type()``: ``x.type()`` is "glassnet.FloatTensor" for float32.
TYPE_NAMES = {
    np.dtype(name): kind + "Tensor"
    for name, kind in [
        ("float16", "Half"),
        ("float32", "Float"),
        ("float64", "Double"),
        ("int8", "Char"),
        ("int16", "Short"),
        ("int32", "Int"),
        ("int64", "Long"),
        ("uint8", "Byte"),
        ("bool", "Bool"),
    ]
}


def as_array(data: TensorLike, dtype: DTypeLike | None = None) -> np.ndarray:
    """``data`` (a Tensor, array, number or nested list) as an ndarray with PyTorch's default dtypes."""
    if isinstance(data, Tensor):
        data = data.array
    if dtype is not None:
        return np.asarray(data, dtype=dtypes.to_dtype(dtype).dtype)
    if isinstance(data, (np.ndarray, np.generic)):
        return np.asarray(data)
    if isinstance(data, (list, tuple)) and any(isinstance(x, Tensor) for x in _flat(data)):
        data = [as_array(x) for x in data]
    array = np.asarray(data)
    if array.dtype.kind == "f":
        return array.astype(dtypes.get_default_dtype(), copy=False)
    if array.dtype.kind in "iu":
        return array.astype(np.int64, copy=False)
    if array.dtype.kind == "b":
        return array
    raise TypeError(f"tensor: cannot make a tensor from {type(data).__name__} with dtype {array.dtype}")


def _flat(items):
    for x in items:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


class Cast(Function):
    """Change the dtype; the gradient is cast back to the input's dtype."""

    saved_inputs = ()

    @staticmethod
    def forward(ctx, a, dtype=None):
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output.astype(ctx.dtype),)

    @staticmethod
    def backward_graph(ctx, grad_output):
        return (grad_output.to(ctx.dtype),)


class Clone(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output,)

    backward_graph = backward


class Tensor:
    """A multi-dimensional array with automatic differentiation.

    Create tensors with ``glassnet.tensor(data, dtype=None, requires_grad=False)``
    and the other creation functions.  ``Tensor(data)`` does the same without
    copying an array it is given; unlike PyTorch's legacy ``torch.Tensor(data)``,
    it keeps integer data int64 instead of making it float32.

    Example:
        >>> import glassnet
        >>> x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> loss = (x**2).sum()
        >>> loss
        tensor(14., grad_fn=<SumBackward0>)
        >>> loss.backward()
        >>> x.grad
        tensor([2., 4., 6.])
    """

    # _version: a one-element list counting in-place changes of ``data``, shared with
    # ``detach()``-ed tensors and views (autograd/function.py); backward compares it with
    # the count its ops recorded.
    # _hooks: None, or the gradient hooks of register_hook by handle id (run by the backward engine).
    # For in-place changes in a graph (autograd/inplace.py): _uses, None or weak references to the
    # contexts of the ops that used this tensor while it had a ``grad_fn``; _view_of, None or how this
    # tensor was made as a view of another one; _views, None or weak references to its views.
    __slots__ = (
        "array",
        "_requires_grad",
        "grad",
        "_ctx",
        "_retains_grad",
        "_version",
        "_hooks",
        "_uses",
        "_view_of",
        "_views",
        "__weakref__",
    )
    __array_priority__ = 1000  # NumPy arrays defer to Tensor in ``array + tensor``
    array: np.ndarray
    grad: Tensor | None
    _requires_grad: _bool
    _ctx: Any  # the op's context (autograd/function.py), None for leaves
    _retains_grad: _bool
    _version: list[_int]
    _hooks: dict[_int, Callable[[Tensor], Tensor | None]] | None

    def __init__(self, data: TensorLike, dtype: DTypeLike | None = None, requires_grad: _bool = False) -> None:
        self.array = as_array(data, dtype)
        self.grad = None
        self._ctx = None
        self._retains_grad = False
        self._version = [0]
        self._requires_grad = False
        self._hooks = self._uses = self._view_of = self._views = None
        if requires_grad:
            self.requires_grad_(True)

    @classmethod
    def _from_array(cls, array):
        """Wrap an ndarray without copying or checking (for ops)."""
        t = object.__new__(cls)
        t.array = array if isinstance(array, np.ndarray) else np.asarray(array)
        t.grad = None
        t._ctx = None
        t._retains_grad = False
        t._version = [0]
        t._requires_grad = False
        t._hooks = t._uses = t._view_of = t._views = None
        return t

    # ----------------------------------------------------------------- facts
    @property
    def data(self) -> Tensor:
        """The values as a detached Tensor sharing this tensor's memory, as in PyTorch.

        ``p.data -= lr * p.grad`` and ``p.data.zero_()`` change ``p`` in place
        without being recorded in the graph and, as in PyTorch, unseen by the
        in-place change checks of backward (``detach()`` is the checked way).  The NumPy array itself is ``p.array``.
        Assigning ``p.data = other`` replaces the values (and possibly the shape
        and dtype) of ``p``, keeping ``p`` the same object.
        """
        return Tensor._from_array(self.array)

    @data.setter
    def data(self, value: Tensor) -> None:
        self.array = as_array(value)

    @property
    def shape(self) -> Size:
        """The sizes of the dimensions, a ``glassnet.Size`` (a tuple)."""
        return Size(self.array.shape)

    @property
    def dtype(self) -> dtypes.dtype:
        """The element type, e.g. ``glassnet.float32`` (``self.array.dtype`` is NumPy's)."""
        return dtypes.from_numpy(self.array.dtype)

    @property
    def ndim(self) -> _int:
        """The number of dimensions (0 for a scalar)."""
        return self.array.ndim

    def dim(self) -> _int:
        """The number of dimensions, as ``ndim``."""
        return self.array.ndim

    def size(self, dim: _int | None = None) -> Any:  # a Size, or an int with dim
        """The shape (a ``glassnet.Size``), or the length of axis ``dim``."""
        return Size(self.array.shape) if dim is None else self.array.shape[dim]

    def numel(self) -> _int:
        """The number of elements: the product of the shape."""
        return self.array.size

    def __len__(self) -> _int:
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    @property
    def is_leaf(self) -> _bool:
        """True for tensors not computed by a recorded op (created by the user, or not requiring grad)."""
        return self._ctx is None

    @property
    def grad_fn(self) -> Any:
        """The op that computed this tensor (None for leaves)."""
        return self._ctx

    @property
    def device(self) -> _device:
        """Always ``device(type='cpu')``: glassnet computes with NumPy on the CPU."""
        return CPU

    is_cuda = False

    def is_floating_point(self) -> _bool:
        """True for float16, float32 and float64 tensors."""
        return self.array.dtype.kind == "f"  # dtypes.is_floating, 10× faster: this runs for most ops

    # ------------------------------------------------------------ conversion
    def item(self) -> Number:
        """The value of a one-element tensor as a Python number.

        Example:
            >>> import glassnet
            >>> glassnet.tensor([[2.5]]).item()
            2.5
        """
        if self.array.size != 1:
            raise RuntimeError(f"item: a Tensor with {self.array.size} elements cannot be converted to a Python number")
        return self.array.item()

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (sharing memory). Fails on tensors that require grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a Tensor that requires grad; hint: use tensor.detach().numpy()"
            )
        return self.array

    def tolist(self) -> Any:
        """The values as (nested) Python lists of numbers; a 0-d tensor gives a number."""
        return self.array.tolist()

    def __array__(self, dtype: Any = None, copy: _bool | None = None) -> np.ndarray:
        return self.array if dtype is None else self.array.astype(dtype)

    def __float__(self) -> _float:
        return float(self.item())

    def __int__(self) -> _int:
        return int(self.item())

    def __bool__(self) -> _bool:
        if self.array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self.array.size} elements is ambiguous; hint: use .any() or .all()"
            )
        return bool(self.array.item())

    def __index__(self) -> _int:
        if self.is_floating_point() or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.array.item())

    __hash__ = object.__hash__

    def __getstate__(self):
        """For pickle and copy: the slots, less the links to other tensors and ops kept for in-place changes."""
        return {name: getattr(self, name) for name in Tensor.__slots__ if name not in _NOT_PICKLED}

    def __setstate__(self, state):
        self._uses = self._view_of = self._views = None
        for name, value in state.items():
            setattr(self, name, value)

    def detach(self) -> Tensor:
        """A new leaf sharing the same data (and its in-place change count), cut from the graph."""
        t = Tensor._from_array(self.array)
        t._version = self._version
        return t

    def clone(self) -> Tensor:
        """A copy of the data that stays in the graph."""
        return Clone.apply(self)

    def to(
        self,
        *args: Any,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        non_blocking: _bool = False,
        copy: _bool = False,
        memory_format: Any = None,
    ) -> Tensor:
        """This tensor with another dtype: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other)``.

        Returns ``self`` when nothing changes (unless ``copy=True``), as in PyTorch; a
        dtype change is recorded in the graph.  glassnet runs on the CPU: "cpu" is
        accepted, any other device raises.
        """
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, (str, type(CPU))) or (isinstance(arg, int) and not isinstance(arg, bool)):
                device = arg
            else:
                dtype = arg
        check_device(device, "to")
        if dtype is None or dtypes.to_dtype(dtype) == self.array.dtype:
            return self.clone() if copy else self
        return Cast.apply(self, dtype=dtypes.to_dtype(dtype).dtype)

    def cuda(self, device: DeviceLike | None = None, non_blocking: _bool = False) -> None:
        """Raises: glassnet runs on the CPU (write ``.to(device)`` with device chosen by ``glassnet.cuda.is_available()``)."""
        check_device(device if device is not None else "cuda", "cuda")

    def float(self) -> Tensor:
        """``self.to(glassnet.float32)``."""
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        """``self.to(glassnet.float64)``."""
        return self.to(dtypes.float64)

    def long(self) -> Tensor:
        """``self.to(glassnet.int64)``."""
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        """``self.to(glassnet.int32)``."""
        return self.to(dtypes.int32)

    def bool(self) -> Tensor:
        """``self.to(glassnet.bool)``: True where nonzero."""
        return self.to(dtypes.bool)

    def cpu(self) -> Tensor:
        """``self``: tensors are always on the CPU."""
        return self

    def half(self) -> Tensor:
        """``self.to(glassnet.float16)``."""
        return self.to(dtypes.float16)

    def contiguous(self) -> Tensor:
        """``self``: unlike PyTorch, glassnet has no strided views to make contiguous."""
        return self

    # -------------------------------------------------------------- autograd
    @property
    def requires_grad(self) -> _bool:
        """True if gradients are computed for this tensor (a leaf created so, or a result of such tensors)."""
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, requires_grad: _bool) -> None:
        """As in PyTorch: only leaves can be switched, and only floating point tensors can require grad."""
        if not self.is_leaf:
            raise RuntimeError(
                "requires_grad: you can only change requires_grad flags of leaf variables; hint: to use a "
                "computed tensor without its gradient, take var_no_grad = var.detach()"
            )
        self.requires_grad_(requires_grad)

    def requires_grad_(self, requires_grad: _bool = True) -> Tensor:
        """Set ``requires_grad`` in place and return ``self``; only for floating-point leaves.

        Example:
            >>> import glassnet
            >>> w = glassnet.zeros(3).requires_grad_()
            >>> w.requires_grad, w.is_leaf
            (True, True)
        """
        if requires_grad and not self.is_floating_point():
            raise RuntimeError(
                f"requires_grad_: only floating point tensors can require gradients, this one is {self.dtype}; "
                "hint: create it with dtype=glassnet.float32"
            )
        if not requires_grad and not self.is_leaf:
            raise RuntimeError("requires_grad_: you can only change requires_grad flags of leaf tensors")
        self._requires_grad = bool(requires_grad)
        return self

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Any:
        """Call ``hook(grad)`` whenever backward computes this tensor's gradient; returns a handle with ``remove()``.

        ``grad`` is the tensor's whole gradient (summed over all its uses).  The
        hook may return a new gradient (of the same shape), which then takes its
        place: it is what a leaf's ``.grad`` receives and what a non-leaf passes
        on to the tensors it was computed from.  Returning None keeps it.
        """
        if not self._requires_grad:
            raise RuntimeError(
                "register_hook: cannot register a hook on a tensor that doesn't require gradient; "
                "hint: create it with requires_grad=True, or compute it from tensors that require grad"
            )
        from .nn.hooks import RemovableHandle  # nn imports this module: imported on first use

        if self._hooks is None:
            self._hooks = OrderedDict()  # the handle keeps a weak reference to it, as PyTorch's does
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = hook
        return handle

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: can't retain_grad on a Tensor that has requires_grad=False")
        if not self.is_leaf:
            self._retains_grad = True

    @property
    def retains_grad(self) -> _bool:
        """True if ``retain_grad()`` was called on this non-leaf tensor."""
        return self._retains_grad

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: _bool | None = None,
        create_graph: _bool = False,
        inputs: Tensor | Sequence[Tensor] | None = None,
    ) -> None:
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        ``gradient`` is needed when ``self`` is not a single number: it is dL/d(self).
        The graph is freed afterwards unless ``retain_graph=True`` (the default
        is ``create_graph``).  ``create_graph=True`` records the backward pass in
        the graph, so that the gradients can be differentiated again.  With
        ``inputs`` (tensors), only they accumulate a gradient.  See
        ``glassnet.autograd.backward``.
        """
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    # ------------------------------------------------------------- printing
    def __repr__(self) -> str:
        """PyTorch's format, character for character (see ``glassnet/printing.py``)."""
        return printing.tensor_repr(self)

    def __format__(self, format_spec: str) -> str:
        """A 0-d tensor formats its value, as in PyTorch: ``f"{loss:.2f}"`` gives ``0.25``, ``f"{loss}"`` ``0.25``.

        Other tensors (and, as in PyTorch, 0-d Parameters) format as ``str``, and only with an empty spec.
        """
        if self.ndim == 0 and type(self) is Tensor:
            return self.item().__format__(format_spec)
        if format_spec:
            raise TypeError(
                f"unsupported format string passed to {type(self).__name__}.__format__: only a 0-dim tensor "
                f"takes a format spec (this one has shape {tuple(self.shape)}); hint: format .item() or .tolist()"
            )
        return str(self)

    # ------------------------------------------------------------ arithmetic
    def _operands(self, other, op):
        """``self`` and ``other`` as two tensors of the promoted dtype (PyTorch's rules)."""
        if isinstance(other, Tensor):
            dtype = self.dtype
            if other.dtype != dtype:
                dtype = dtypes.result_type(dtype, other.dtype, self.ndim > 0, other.ndim > 0)
        elif isinstance(other, (bool, int, float, np.number, np.bool_)):
            kind = np.asarray(other).dtype.kind
            if kind == "f" and not self.is_floating_point():
                dtype = dtypes.get_default_dtype()
            elif kind in "iu" and self.dtype == dtypes.bool:
                dtype = dtypes.int64
            else:
                dtype = self.dtype
            other = Tensor._from_array(np.asarray(other, dtype=dtype))
        elif isinstance(other, (np.ndarray, list, tuple)):
            other = Tensor(other)
            dtype = dtypes.result_type(self.dtype, other.dtype, self.ndim > 0, other.ndim > 0)
        else:
            raise TypeError(f"{op}: unsupported operand type {type(other).__name__} with a Tensor")
        a = self if self.dtype == dtype else self.to(dtype)
        b = other if other.dtype == dtype else other.to(dtype)
        if a.shape != b.shape:
            try:
                np.broadcast_shapes(a.shape, b.shape)
            except ValueError:
                raise RuntimeError(
                    f"{op}: shapes {tuple(a.shape)} and {tuple(b.shape)} cannot be broadcast together; "
                    "hint: sizes must match or be 1, aligned from the right"
                ) from None
        return a, b

    def __add__(self, other: TensorLike) -> Tensor:
        return arithmetic.Add.apply(*self._operands(other, "add"))

    def __radd__(self, other: TensorLike) -> Tensor:
        a, b = self._operands(other, "add")
        return arithmetic.Add.apply(b, a)

    def __sub__(self, other: TensorLike) -> Tensor:
        return arithmetic.Sub.apply(*self._operands(other, "sub"))

    def __rsub__(self, other: TensorLike) -> Tensor:
        a, b = self._operands(other, "sub")
        return arithmetic.Sub.apply(b, a)

    def __mul__(self, other: TensorLike) -> Tensor:
        return arithmetic.Mul.apply(*self._operands(other, "mul"))

    def __rmul__(self, other: TensorLike) -> Tensor:
        a, b = self._operands(other, "mul")
        return arithmetic.Mul.apply(b, a)

    def __truediv__(self, other: TensorLike) -> Tensor:
        a, b = self._true_division_operands(other)
        return arithmetic.Div.apply(a, b)

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        a, b = self._true_division_operands(other)
        return arithmetic.Div.apply(b, a)

    def _true_division_operands(self, other):
        a, b = self._operands(other, "div")
        if not a.is_floating_point():  # int / int is a float division, as in PyTorch
            a, b = a.to(dtypes.get_default_dtype()), b.to(dtypes.get_default_dtype())
        return a, b

    def __pow__(self, exponent: TensorLike) -> Tensor:
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            if not self.is_floating_point() and isinstance(exponent, float):
                return self.float() ** exponent
            return arithmetic.PowScalar.apply(self, exponent=exponent)
        return arithmetic.Pow.apply(*self._operands(exponent, "pow"))

    def __rpow__(self, base: TensorLike) -> Tensor:
        a, b = self._operands(base, "pow")
        return arithmetic.Pow.apply(b, a)

    def add(self, other: TensorLike, *, alpha: Number = 1) -> Tensor:
        """``self + alpha * other``."""
        return self + _scaled(other, alpha)

    def sub(self, other: TensorLike, *, alpha: Number = 1) -> Tensor:
        """``self - alpha * other``."""
        return self - _scaled(other, alpha)

    def mul(self, other: TensorLike) -> Tensor:
        """``self * other``, elementwise with broadcasting."""
        return self * other

    def div(self, other: TensorLike, *, rounding_mode: str | None = None) -> Tensor:
        """``self / other``; ``rounding_mode="floor"`` rounds the quotient down, ``"trunc"`` towards zero.

        The rounded forms keep integer dtypes and have gradient 0, as in PyTorch.
        """
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError(
                f"div: expected rounding_mode to be one of None, 'trunc' or 'floor', but found {rounding_mode!r}"
            )
        a, b = self._integer_division_operands(other, "div")
        return (rounding.FloorDivide if rounding_mode == "floor" else rounding.TruncDivide).apply(a, b)

    true_divide = divide = div
    multiply = mul
    subtract = sub

    def floor_divide(self, other: TensorLike) -> Tensor:
        """``self // other``, rounded down; unlike PyTorch's (which has no backward), its gradient is 0."""
        return rounding.FloorDivide.apply(*self._integer_division_operands(other, "floor_divide"))

    __floordiv__ = floor_divide

    def __rfloordiv__(self, other: TensorLike) -> Tensor:
        b, a = self._integer_division_operands(other, "floor_divide")
        return rounding.FloorDivide.apply(a, b)

    def remainder(self, other: TensorLike) -> Tensor:
        """``self - other * floor(self / other)``: the sign of ``other``, as Python's ``%``."""
        return rounding.Remainder.apply(*self._integer_division_operands(other, "remainder"), mode="floor")

    __mod__ = remainder

    def __rmod__(self, other: TensorLike) -> Tensor:
        b, a = self._integer_division_operands(other, "remainder")
        return rounding.Remainder.apply(a, b, mode="floor")

    def fmod(self, other: TensorLike) -> Tensor:
        """``self - other * trunc(self / other)``: the sign of ``self``, as C's ``fmod``."""
        return rounding.Remainder.apply(*self._integer_division_operands(other, "fmod"), mode="trunc")

    def _integer_division_operands(self, other, op):
        """The two operands of a rounded division; an integer division by zero raises, as in PyTorch."""
        a, b = self._operands(other, op)
        if not a.is_floating_point() and not b.array.all():
            raise RuntimeError(
                f"{op}: integer division by zero (shapes {tuple(a.shape)} and {tuple(b.shape)}); "
                "hint: convert to float first for inf/nan results, or mask the zeros"
            )
        return a, b

    def pow(self, exponent: TensorLike) -> Tensor:
        """``self ** exponent``: d/dx xⁿ = n·xⁿ⁻¹, and d/dn xⁿ = xⁿ·ln x for a tensor exponent."""
        return self**exponent

    def __neg__(self) -> Tensor:
        """Elementwise −x (``-self``)."""
        return arithmetic.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __matmul__(self, other: TensorLike) -> Tensor:
        return self.matmul(other)

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return Tensor(other).matmul(self)

    def matmul(self, other: TensorLike) -> Tensor:
        """Matrix product with NumPy/PyTorch rules for vectors and batches."""
        other = other if isinstance(other, Tensor) else Tensor(other)
        if self.ndim == 0 or other.ndim == 0:
            raise RuntimeError(
                f"matmul: both arguments need at least 1 dimension, got shapes {tuple(self.shape)} and {tuple(other.shape)}"
            )
        k_self = self.shape[-1]
        k_other = other.shape[0] if other.ndim == 1 else other.shape[-2]
        if k_self != k_other:
            raise RuntimeError(
                f"matmul: shapes {tuple(self.shape)} and {tuple(other.shape)} cannot be multiplied "
                f"({k_self} != {k_other}); hint: the last dim of the first must equal the "
                f"{'only' if other.ndim == 1 else 'second-to-last'} dim of the second"
            )
        try:
            np.broadcast_shapes(self.shape[:-2], other.shape[:-2])
        except ValueError:
            raise RuntimeError(
                f"matmul: batch dimensions of {tuple(self.shape)} and {tuple(other.shape)} cannot be broadcast"
            ) from None
        if self.dtype != other.dtype:
            raise RuntimeError(
                f"matmul: expected both tensors to have the same dtype, but got {self.dtype} and {other.dtype} "
                f"(shapes {tuple(self.shape)} and {tuple(other.shape)}); hint: convert one with .to(dtype), "
                "as PyTorch does not promote in matmul either"
            )
        return matmul.MatMul.apply(self, other)

    mm = matmul

    def bmm(self, mat2: Tensor) -> Tensor:
        """Batched matrix product of two 3-d tensors with the same batch size (no broadcasting).

        Shape:
            self: (b, n, m).  mat2: (b, m, p).  Returns: (b, n, p).
        """
        if self.ndim != 3 or mat2.ndim != 3 or self.shape[0] != mat2.shape[0]:
            raise RuntimeError(
                f"bmm: expected two 3-d tensors with the same batch size, got shapes {tuple(self.shape)} and "
                f"{tuple(mat2.shape)}; hint: use matmul to broadcast batch dimensions"
            )
        return self.matmul(mat2)

    def baddbmm(self, batch1: Tensor, batch2: Tensor, *, beta: Number = 1, alpha: Number = 1) -> Tensor:
        """``beta * self + alpha * bmm(batch1, batch2)``; with ``beta=0`` ``self`` is ignored (nan and inf too)."""
        return self._scaled_add(batch1.bmm(batch2), beta, alpha, "baddbmm")

    def addmm(self, mat1: Tensor, mat2: Tensor, *, beta: Number = 1, alpha: Number = 1) -> Tensor:
        """``beta * self + alpha * (mat1 @ mat2)`` for 2-d ``mat1`` and ``mat2``."""
        if mat1.ndim != 2 or mat2.ndim != 2:
            raise RuntimeError(
                f"addmm: expected 2-d matrices, got shapes {tuple(mat1.shape)} and {tuple(mat2.shape)}; "
                "hint: use baddbmm for batches"
            )
        return self._scaled_add(mat1.matmul(mat2), beta, alpha, "addmm")

    def _scaled_add(self, product, beta, alpha, op):
        if not _broadcasts_to(self.shape, product.shape):
            raise RuntimeError(
                f"{op}: input of shape {tuple(self.shape)} does not broadcast to the product's shape "
                f"{tuple(product.shape)}; hint: the input must be broadcastable to the result"
            )
        out = product * alpha if alpha != 1 else product
        if beta == 0:
            return out
        return out + (self * beta if beta != 1 else self)

    def dot(self, other: Tensor) -> Tensor:
        """Inner product of two 1-d tensors of the same length and dtype."""
        if self.ndim != 1 or other.ndim != 1 or self.shape != other.shape or self.dtype != other.dtype:
            raise RuntimeError(
                f"dot: expected two 1-d tensors of the same length and dtype, got {tuple(self.shape)} {self.dtype} "
                f"and {tuple(other.shape)} {other.dtype}; hint: flatten first, or use matmul"
            )
        return self.matmul(other)

    inner = dot

    def outer(self, vec2: Tensor) -> Tensor:
        """``out[i, j] = self[i] * vec2[j]`` for two 1-d tensors."""
        if self.ndim != 1 or vec2.ndim != 1:
            raise RuntimeError(
                f"outer: expected two 1-d tensors, got shapes {tuple(self.shape)} and {tuple(vec2.shape)}; "
                "hint: flatten them first"
            )
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    # In-place forms: they change the tensor itself (and its views); in a graph the change is recorded
    # as PyTorch does, see autograd/inplace.py.
    def _inplace(self, other, op, name):
        if inplace.records(self, other):
            return inplace.change(self, lambda current: op(current, other), name)
        result = op(self, other).array  # records nothing: no input requires grad, or grad mode is off
        if not np.can_cast(result.dtype, self.dtype, "same_kind"):
            raise RuntimeError(
                f"{name}: result type {result.dtype} can't be cast to the desired output type {self.dtype}; "
                f"hint: convert first, e.g. x = x.to({result.dtype})"
            )
        self.array[...] = result
        self._version[0] += 1
        return self

    def __iadd__(self, other: TensorLike) -> Tensor:
        return self._inplace(other, Tensor.__add__, "add_")

    def __isub__(self, other: TensorLike) -> Tensor:
        return self._inplace(other, Tensor.__sub__, "sub_")

    def __imul__(self, other: TensorLike) -> Tensor:
        return self._inplace(other, Tensor.__mul__, "mul_")

    def __itruediv__(self, other: TensorLike) -> Tensor:
        return self._inplace(other, Tensor.__truediv__, "div_")

    def add_(self, other: Tensor | Number, alpha: Number = 1) -> Tensor:
        """In place: ``self += alpha * other``; returns ``self``."""
        return self._inplace(other * alpha if alpha != 1 else other, Tensor.__add__, "add_")

    def sub_(self, other: Tensor | Number, alpha: Number = 1) -> Tensor:
        """In place: ``self -= alpha * other``; returns ``self``."""
        return self._inplace(other * alpha if alpha != 1 else other, Tensor.__sub__, "sub_")

    def mul_(self, other: TensorLike) -> Tensor:
        """In place: ``self *= other``; returns ``self``."""
        return self._inplace(other, Tensor.__mul__, "mul_")

    def div_(self, other: TensorLike) -> Tensor:
        """In place: ``self /= other``; returns ``self``."""
        return self._inplace(other, Tensor.__truediv__, "div_")

    def clamp_(self, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
        """In place: ``clamp(min, max)``; returns ``self``."""
        return self._inplace(None, lambda t, _: t.clamp(min, max), "clamp_")

    def exp_(self) -> Tensor:
        """In place: ``exp()``; returns ``self``."""
        return self._inplace(None, lambda t, _: t.exp(), "exp_")

    def sqrt_(self) -> Tensor:
        """In place: ``sqrt()``; returns ``self``."""
        return self._inplace(None, lambda t, _: t.sqrt(), "sqrt_")

    def masked_fill_(self, mask: TensorLike, value: TensorLike) -> Tensor:
        """In place: ``masked_fill(mask, value)``; returns ``self``."""
        return self._inplace(value, lambda t, v: t.masked_fill(mask, v), "masked_fill_")

    def scatter_(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor | Number | None = None,
        value: Number | None = None,
        *,
        reduce: str | None = None,
    ) -> Tensor:
        """In place: ``scatter(dim, index, src or value, reduce=reduce)``; returns ``self``."""
        source = src if src is not None else value
        return self._inplace(source, lambda t, s: t.scatter(dim, index, s, reduce=reduce), "scatter_")

    def scatter_add_(self, dim: _int, index: Tensor, src: Tensor) -> Tensor:
        """In place: ``scatter_add(dim, index, src)``; returns ``self``."""
        return self._inplace(src, lambda t, s: t.scatter_add(dim, index, s), "scatter_add_")

    def _fill_from(self, values, name):
        return self._set(Ellipsis, values, name)

    def _set(self, index, value, name):
        """``self[index] = value`` (a Tensor, array or number, broadcast), in place; returns ``self``."""
        if inplace.records(self, value):
            if not isinstance(value, Tensor):
                value = Tensor._from_array(as_array(value, self.array.dtype))
            elif value.array.dtype != self.array.dtype:
                value = value.to(self.array.dtype)
            return inplace.change(self, lambda current: shape_ops.SetItem.apply(current, value, index=index), name)
        self.array[index] = value.array if isinstance(value, Tensor) else value
        self._version[0] += 1
        return self

    def zero_(self) -> Tensor:
        """Fill with zeros in place; returns ``self``."""
        return self._fill_from(0, "zero_")

    def fill_(self, value: TensorLike) -> Tensor:
        """Fill with ``value`` (cast to this tensor's dtype) in place; returns ``self``."""
        return self._fill_from(as_array(value, self.array.dtype), "fill_")  # 0.1 in float64 is not float32's 0.1

    def copy_(self, src: TensorLike) -> Tensor:
        """Copy ``src``'s values (broadcast to this shape) into this tensor in place; returns ``self``."""
        return self._fill_from(src if isinstance(src, Tensor) else as_array(src), "copy_")

    def uniform_(self, a: _float = 0.0, b: _float = 1.0, generator: Generator | None = None) -> Tensor:
        """Fill in place with draws from U(a, b); returns ``self``."""
        from .random import numpy_generator

        return self._fill_from(numpy_generator(generator).uniform(a, b, self.shape), "uniform_")

    def normal_(self, mean: _float = 0.0, std: _float = 1.0, generator: Generator | None = None) -> Tensor:
        """Fill in place with draws from N(mean, std²); returns ``self``."""
        from .random import numpy_generator

        return self._fill_from(numpy_generator(generator).normal(mean, std, self.shape), "normal_")

    def __setitem__(self, index, value):
        self._set(_index(index), value, "__setitem__")

    # ------------------------------------------------------ elementwise maths
    def exp(self) -> Tensor:
        """Elementwise eˣ; its derivative is eˣ."""
        return pointwise.Exp.apply(self._floating())

    def log(self) -> Tensor:
        """Elementwise natural logarithm ln x; its derivative is 1/x."""
        return pointwise.Log.apply(self._floating())

    def sqrt(self) -> Tensor:
        """Elementwise √x; its derivative is 1/(2√x)."""
        return pointwise.Sqrt.apply(self._floating())

    def abs(self) -> Tensor:
        """Elementwise |x|; its derivative is sign(x) (0 at 0, as in PyTorch)."""
        return pointwise.Abs.apply(self)

    def sin(self) -> Tensor:
        """Elementwise sin x; its derivative is cos x."""
        return pointwise.Sin.apply(self._floating())

    def cos(self) -> Tensor:
        """Elementwise cos x; its derivative is −sin x."""
        return pointwise.Cos.apply(self._floating())

    def log1p(self) -> Tensor:
        """``log(1 + x)``, precise for tiny ``x``."""
        return pointwise.Log1p.apply(self._floating())

    def expm1(self) -> Tensor:
        """``exp(x) - 1``, precise for tiny ``x``."""
        return pointwise.Expm1.apply(self._floating())

    def rsqrt(self) -> Tensor:
        """``1 / sqrt(x)``."""
        return pointwise.Rsqrt.apply(self._floating())

    def square(self) -> Tensor:
        """Elementwise x²."""
        return self**2

    def sign(self) -> Tensor:
        """-1, 0 or 1 (a bool is its own sign); gradient 0, as in PyTorch."""
        return self.clone() if self.array.dtype == np.bool_ else rounding.Sign.apply(self)

    def floor(self) -> Tensor:
        """Round down to a whole number; gradient 0, as in PyTorch."""
        return self._rounded(rounding.Floor)

    def ceil(self) -> Tensor:
        """Round up to a whole number; gradient 0, as in PyTorch."""
        return self._rounded(rounding.Ceil)

    def trunc(self) -> Tensor:
        """Round towards zero; gradient 0, as in PyTorch."""
        return self._rounded(rounding.Trunc)

    def round(self, *, decimals: _int = 0) -> Tensor:
        """Round half to even (``2.5 -> 2``), to ``decimals`` places; gradient 0, as in PyTorch."""
        return self._rounded(rounding.Round, decimals=decimals)

    def _rounded(self, op, **options):
        return op.apply(self, **options) if self.is_floating_point() else self.clone()  # integers are already whole

    def clamp(self, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
        """Limit every element to [min, max]: ``min(max(x, min), max)``; either bound may be None or a tensor.

        The gradient is 1 inside the bounds and 0 where an element was clipped.

        Example:
            >>> import glassnet
            >>> glassnet.tensor([-2.0, 0.5, 3.0]).clamp(0, 1)
            tensor([0.0000, 0.5000, 1.0000])
        """
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):  # tensor bounds: elementwise max/min
            t = self if min is None else self.maximum(min)
            return t if max is None else t.minimum(max)
        t = self._floating() if isinstance(min, float) or isinstance(max, float) else self
        return pointwise.Clamp.apply(t, min=min, max=max)

    clip = clamp

    def clamp_min(self, min: TensorLike) -> Tensor:
        """``clamp(min=min)``."""
        return self.clamp(min=min)

    def clamp_max(self, max: TensorLike) -> Tensor:
        """``clamp(max=max)``."""
        return self.clamp(max=max)

    def maximum(self, other: TensorLike) -> Tensor:
        """Elementwise larger of ``self`` and ``other`` (a tie splits the gradient equally, as in PyTorch)."""
        return selection.Maximum.apply(*self._operands(other, "maximum"))

    def minimum(self, other: TensorLike) -> Tensor:
        """Elementwise smaller of ``self`` and ``other`` (a tie splits the gradient equally, as in PyTorch)."""
        return selection.Minimum.apply(*self._operands(other, "minimum"))

    def relu(self) -> Tensor:
        """Elementwise max(0, x)."""
        return activation.ReLU.apply(self)

    def sigmoid(self) -> Tensor:
        """Elementwise σ(x) = 1 / (1 + e⁻ˣ); its derivative is σ(x)(1 − σ(x))."""
        return activation.Sigmoid.apply(self._floating())

    def tanh(self) -> Tensor:
        """Elementwise tanh x; its derivative is 1 − tanh² x."""
        return activation.Tanh.apply(self._floating())

    def softmax(self, dim: _int) -> Tensor:
        """``exp(x) / exp(x).sum(dim)``, computed stably; see ``glassnet.nn.functional.softmax``."""
        return softmax.Softmax.apply(self._floating(), dim=dim)

    def log_softmax(self, dim: _int) -> Tensor:
        """``x − logsumexp(x, dim)``: the log of ``softmax``, computed stably."""
        return softmax.LogSoftmax.apply(self._floating(), dim=dim)

    def logsumexp(self, dim: _int | tuple[_int, ...], keepdim: _bool = False) -> Tensor:
        """``log(Σ exp(x))`` over ``dim``, computed stably as ``m + log(Σ exp(x − m))`` with m the maximum."""
        return softmax.LogSumExp.apply(self._floating(), dim=dim, keepdim=keepdim)

    def _floating(self):
        return self if self.is_floating_point() else self.to(dtypes.get_default_dtype())

    # ------------------------------------------------------------ reductions
    def sum(
        self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False, *, dtype: DTypeLike | None = None
    ) -> Tensor:
        """Sum over ``dim`` (an int, a tuple, or None for all); bool and integer sums are int64."""
        t = self.to(dtype) if dtype is not None else self.long() if not self.is_floating_point() else self
        return reduction.Sum.apply(t, dim=dim, keepdim=keepdim)

    def mean(
        self, dim: _int | tuple[_int, ...] | None = None, keepdim: _bool = False, *, dtype: DTypeLike | None = None
    ) -> Tensor:
        """Average over ``dim`` (an int, a tuple, or None for all); only for floating types, as in PyTorch.

        Example:
            >>> import glassnet
            >>> x = glassnet.tensor([[1.0, 2.0], [3.0, 4.0]])
            >>> x.mean(), x.mean(dim=0), x.mean(dim=1, keepdim=True).shape
            (tensor(2.5000), tensor([2., 3.]), glassnet.Size([2, 1]))
        """
        t = self.to(dtype) if dtype is not None else self
        if not t.is_floating_point():
            raise RuntimeError(
                f"mean(): could not infer output dtype; input dtype must be floating point, got {t.dtype}; "
                "hint: call .float() first"
            )
        return t.sum(dim, keepdim) / _count(t.shape, dim)

    def var(
        self,
        dim: _int | tuple[_int, ...] | None = None,
        unbiased: _bool | None = None,
        keepdim: _bool = False,
        *,
        correction: _int | None = None,
    ) -> Tensor:
        """Variance Σ(x - mean)² / (N - correction) over ``dim``; ``correction=1`` (unbiased) by default.

        ``unbiased=False`` is the older spelling of ``correction=0``; ``x.var(False)`` works too.
        """
        return reduction.Var.apply(self._floating(), **_var_options(dim, unbiased, keepdim, correction))

    def std(
        self,
        dim: _int | tuple[_int, ...] | None = None,
        unbiased: _bool | None = None,
        keepdim: _bool = False,
        *,
        correction: _int | None = None,
    ) -> Tensor:
        """Standard deviation √var; see ``var``. Its gradient is 0 where std = 0, as in PyTorch."""
        return reduction.Std.apply(self._floating(), **_var_options(dim, unbiased, keepdim, correction))

    def max(self, dim: _int | None = None, keepdim: _bool = False) -> Any:  # a Tensor, or (values, indices) with dim
        """Largest element; with ``dim``, a ``(values, indices)`` pair; with a tensor, ``maximum``."""
        return self._extreme(dim, keepdim, largest=True)

    def min(self, dim: _int | None = None, keepdim: _bool = False) -> Any:  # a Tensor, or (values, indices) with dim
        """Smallest element; with ``dim``, a ``(values, indices)`` pair; with a tensor, ``minimum``."""
        return self._extreme(dim, keepdim, largest=False)

    def _extreme(self, dim, keepdim, largest):
        if isinstance(dim, Tensor):
            return self.maximum(dim) if largest else self.minimum(dim)
        if dim is None:
            return reduction.Extreme.apply(self, largest=largest)
        axis = _axis(dim, self.ndim)
        arg = np.argmax if largest else np.argmin
        indices = np.expand_dims(arg(self.array, axis=axis), axis) if self.ndim else np.zeros((), np.int64)
        values = reduction.PickAlongDim.apply(self, index=indices, dim=axis) if self.ndim else self.clone()
        if not keepdim and self.ndim:
            values, indices = values.squeeze(axis), np.squeeze(indices, axis)
        result = values_indices["max" if largest else "min"]
        return result(values, Tensor._from_array(indices.astype(np.int64)))

    def argmax(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        """The index of the largest element (of the flattened tensor when ``dim`` is None), int64."""
        return self._argextreme(np.argmax, dim, keepdim)

    def argmin(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        """The index of the smallest element (of the flattened tensor when ``dim`` is None), int64."""
        return self._argextreme(np.argmin, dim, keepdim)

    def _argextreme(self, arg, dim, keepdim):
        if dim is None:
            out = np.asarray(arg(self.array))
            return Tensor._from_array(out.reshape((1,) * self.ndim) if keepdim else out)
        return Tensor._from_array(np.asarray(arg(self.array, axis=dim, keepdims=keepdim)))

    def all(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        """True where every element along ``dim`` (an int, a tuple, or None for all) is nonzero."""
        axes = None if dim is None else reduction.reduction_dims(dim, self.ndim)
        return Tensor._from_array(np.asarray(self.array.all(axis=axes, keepdims=keepdim)))

    def any(self, dim: _int | None = None, keepdim: _bool = False) -> Tensor:
        """True where some element along ``dim`` (an int, a tuple, or None for all) is nonzero."""
        axes = None if dim is None else reduction.reduction_dims(dim, self.ndim)
        return Tensor._from_array(np.asarray(self.array.any(axis=axes, keepdims=keepdim)))

    def cumsum(self, dim: _int, *, dtype: DTypeLike | None = None) -> Tensor:
        """Running sum along ``dim``: ``out[i] = x[0] + … + x[i]``; bool and integer sums are int64."""
        return self._scan(scan.CumSum, dim, dtype)

    def cumprod(self, dim: _int, *, dtype: DTypeLike | None = None) -> Tensor:
        """Running product along ``dim``: ``out[i] = x[0] · … · x[i]``; bool and integer products are int64."""
        return self._scan(scan.CumProd, dim, dtype)

    def _scan(self, op, dim, dtype):
        t = self.to(dtype) if dtype is not None else self if self.is_floating_point() else self.long()
        if t.ndim == 0:
            return op.apply(t.reshape(1), dim=_axis(dim, 0)).reshape(())
        return op.apply(t, dim=_axis(dim, t.ndim))

    def norm(
        self,
        p: _float | str = "fro",
        dim: _int | tuple[_int, ...] | None = None,
        keepdim: _bool = False,
        dtype: DTypeLike | None = None,
    ) -> Tensor:
        """The vector ``p``-norm ``(Σ |x|^p)^(1/p)`` over ``dim`` (all elements by default).

        ``p`` is a number (2, 1, ``inf``, ``-inf``, 0, or any other), or ``"fro"``
        (the 2-norm of all the elements over ``dim``). Unlike PyTorch, the nuclear norm ``"nuc"`` is not available.
        """
        t = self.to(dtype) if dtype is not None else self
        if not t.is_floating_point():
            raise RuntimeError(
                f"norm: expected a floating point tensor, got {t.dtype} (shape {tuple(t.shape)}); "
                "hint: call .float() first, or pass dtype=glassnet.float32"
            )
        if p == "fro":
            p = 2
        if isinstance(p, str):
            raise RuntimeError(
                f"norm: p={p!r} is not supported; hint: use a number, float('inf') or 'fro' "
                "(unlike PyTorch, glassnet has no nuclear norm)"
            )
        dims = dim if dim is None else reduction.normalize_dims(dim, t.ndim)
        return norm_ops.Norm.apply(t, p=float(p), dim=dims, keepdim=keepdim)

    # ------------------------------------------------------------ comparisons (no gradient)
    def _compare(self, other, ufunc):
        other = other.array if isinstance(other, Tensor) else other
        return Tensor._from_array(np.asarray(ufunc(self.array, other)))

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]  # element-wise, as PyTorch
        """Elementwise ``self == other``, a bool tensor (also ``eq``); not differentiable."""
        return self._compare(other, np.equal)

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]  # element-wise, as PyTorch
        """Elementwise ``self != other``, a bool tensor (also ``ne``)."""
        return self._compare(other, np.not_equal)

    def __lt__(self, other: TensorLike) -> Tensor:
        """Elementwise ``self < other``, a bool tensor (also ``lt``)."""
        return self._compare(other, np.less)

    def __le__(self, other: TensorLike) -> Tensor:
        """Elementwise ``self <= other``, a bool tensor (also ``le``)."""
        return self._compare(other, np.less_equal)

    def __gt__(self, other: TensorLike) -> Tensor:
        """Elementwise ``self > other``, a bool tensor (also ``gt``)."""
        return self._compare(other, np.greater)

    def __ge__(self, other: TensorLike) -> Tensor:
        """Elementwise ``self >= other``, a bool tensor (also ``ge``)."""
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self) -> Tensor:
        return Tensor._from_array(~self.array)

    def __and__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_and)

    def __or__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_or)

    def __xor__(self, other: TensorLike) -> Tensor:
        return self._compare(other, np.bitwise_xor)

    def logical_and(self, other: TensorLike) -> Tensor:
        """Elementwise: True where both are nonzero."""
        return self._compare(other, np.logical_and)

    def logical_or(self, other: TensorLike) -> Tensor:
        """Elementwise: True where either is nonzero."""
        return self._compare(other, np.logical_or)

    def logical_xor(self, other: TensorLike) -> Tensor:
        """Elementwise: True where exactly one is nonzero."""
        return self._compare(other, np.logical_xor)

    def logical_not(self) -> Tensor:
        """Elementwise: True where the element is zero."""
        return Tensor._from_array(np.logical_not(self.array))

    def isnan(self) -> Tensor:
        """Elementwise: True where the element is NaN."""
        return Tensor._from_array(np.isnan(self.array))

    def isinf(self) -> Tensor:
        """Elementwise: True where the element is +∞ or −∞."""
        return Tensor._from_array(np.isinf(self.array))

    def isfinite(self) -> Tensor:
        """Elementwise: True where the element is neither infinite nor NaN."""
        return Tensor._from_array(np.isfinite(self.array))

    def equal(self, other: Tensor) -> _bool:
        """True if ``other`` has the same shape and the same values (a Python bool)."""
        return self.shape == other.shape and bool(np.array_equal(self.array, other.array))

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape: _int | ShapeLike) -> Tensor:
        """The same elements in row-major order with a new shape; one size may be -1 (inferred).

        ``view`` is the same method: unlike PyTorch's, it never fails on a non-contiguous tensor.

        Example:
            >>> import glassnet
            >>> glassnet.arange(6).reshape(2, -1)
            tensor([[0, 1, 2],
                    [3, 4, 5]])
        """
        shape = _shape_args(shape)
        target = _resolve_shape(shape, self.array.size)
        if target is None:
            raise RuntimeError(
                f"reshape: shape {list(shape)} is invalid for input of size {self.array.size} (shape {tuple(self.shape)})"
            )
        return self if target == self.shape else shape_ops.Reshape.apply(self, shape=target)

    view = reshape

    def view_as(self, other: Tensor) -> Tensor:
        """``self.reshape(other.shape)``."""
        return self.reshape(other.shape)

    reshape_as = view_as

    def permute(self, *dims: _int | ShapeLike) -> Tensor:
        """Reorder the axes: axis ``i`` of the result is axis ``dims[i]`` of ``self``."""
        dims = _shape_args(dims)
        axes = tuple(_axis(d, self.ndim) for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise RuntimeError(f"permute: dims {list(dims)} are not a permutation of {self.ndim} dimensions")
        return shape_ops.Permute.apply(self, dims=axes)

    def transpose(self, dim0: _int, dim1: _int) -> Tensor:
        """Swap axes ``dim0`` and ``dim1`` (negative dims count from the end)."""
        a, b = _axis(dim0, self.ndim), _axis(dim1, self.ndim)
        dims = list(range(self.ndim))
        if a != b:
            dims[a], dims[b] = b, a
        return shape_ops.Permute.apply(self, dims=tuple(dims))

    @property
    def T(self) -> Tensor:
        """All axes reversed (the transpose, for a matrix)."""
        return shape_ops.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def t(self) -> Tensor:
        """The transpose of a matrix (a tensor of at most 2 dimensions)."""
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but got {self.ndim}")
        return self.T

    def flatten(self, start_dim: _int = 0, end_dim: _int = -1) -> Tensor:
        """Merge the axes ``start_dim`` to ``end_dim`` (inclusive) into one."""
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        if start > end:
            raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = int(np.prod(self.shape[start : end + 1]))
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1 :])

    def squeeze(self, dim: _int | tuple[_int, ...] | None = None) -> Tensor:
        """Remove axes of size 1: all of them, or those among ``dim`` (an int or a tuple)."""
        if dim is None:
            return self.reshape(tuple(s for s in self.shape if s != 1))
        axes = reduction.normalize_dims(dim, self.ndim)
        return self.reshape(tuple(s for i, s in enumerate(self.shape) if not (i in axes and s == 1)))

    def unsqueeze(self, dim: _int) -> Tensor:
        """Insert an axis of size 1 at position ``dim``: shape (3,) becomes (1, 3) at 0, (3, 1) at -1."""
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise IndexError(
                f"unsqueeze: dim {dim} out of range for a tensor of {self.ndim} dimensions "
                f"(expected [{-self.ndim - 1}, {self.ndim}])"
            )
        dim = dim % (self.ndim + 1)
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def expand(self, *sizes: _int | ShapeLike) -> Tensor:
        """Broadcast to ``sizes`` without copying: size-1 axes repeat, -1 keeps an axis, new axes go in front."""
        sizes = _shape_args(sizes)
        offset = len(sizes) - self.ndim
        if offset < 0:
            raise RuntimeError(f"expand: the number of sizes {len(sizes)} is less than the number of dims {self.ndim}")
        if -1 in sizes[:offset]:
            raise RuntimeError(
                f"expand: the size -1 isn't allowed in a leading, new dimension; target sizes {list(sizes)}, "
                f"tensor shape {tuple(self.shape)}; hint: -1 keeps an existing size, give new dims explicitly"
            )
        target = sizes[:offset] + tuple(old if s == -1 else s for old, s in zip(self.shape, sizes[offset:]))
        for i, s in enumerate(self.shape):
            if s != 1 and s != target[i + offset]:
                raise RuntimeError(
                    f"expand: the expanded size of the tensor ({target[i + offset]}) must match the existing "
                    f"size ({s}) at non-singleton dimension {i}; target sizes {list(sizes)}, tensor shape {tuple(self.shape)}"
                )
        return shape_ops.Expand.apply(self, shape=target)

    def expand_as(self, other: Tensor) -> Tensor:
        """``self.expand(other.shape)``."""
        return self.expand(other.shape)

    def __getitem__(self, index: Any) -> Tensor:
        return shape_ops.GetItem.apply(self, index=_index(index))

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def gather(self, dim: _int, index: TensorLike) -> Tensor:
        """Pick along ``dim``: for 2-d, ``out[i][j] = self[i][index[i][j]]`` when dim=1 (PyTorch's gather).

        Shape:
            index: same number of dims as ``self``, no larger than it except along ``dim``.
            Returns: the shape of ``index``.
        """
        index, axis = as_array(index), _axis(dim, self.ndim)
        index_sizes = [i for d, i in enumerate(index.shape) if d != axis]
        own_sizes = [s for d, s in enumerate(self.shape) if d != axis]
        if index.ndim != self.ndim or any(i > s for i, s in zip(index_sizes, own_sizes)):
            raise RuntimeError(
                f"gather: index of shape {index.shape} does not fit input of shape {tuple(self.shape)} at dim {dim}; "
                "hint: index needs as many dims as the input and no larger sizes except along dim"
            )
        source = self
        if index_sizes != own_sizes:  # np.take_along_axis wants equal sizes: take the part that index covers
            source = self[tuple(slice(None) if d == axis else slice(i) for d, i in enumerate(index.shape))]
        return reduction.PickAlongDim.apply(source, index=index, dim=axis)

    # --------------------------------------------------- pieces along one dim (views of self)
    @property
    def mT(self) -> Tensor:
        """The last two dimensions swapped (a batch of transposed matrices)."""
        if self.ndim < 2:
            raise RuntimeError(f"mT: expected a tensor with at least 2 dimensions, got shape {tuple(self.shape)}")
        return self.transpose(-2, -1)

    def _along(self, dim, op):
        """``dim`` as an axis of a tensor with at least one dimension."""
        if self.ndim == 0:
            raise RuntimeError(f"{op}: expected a tensor with at least 1 dimension, got a 0-d tensor")
        return _axis(dim, self.ndim)

    def _slice(self, axis, part):
        """``self[..., part, ...]`` with ``part`` (an int, slice or index array) at ``axis``."""
        return self[(slice(None),) * axis + (part,)]

    def select(self, dim: _int, index: _int) -> Tensor:
        """The slice at ``index`` along ``dim``, that dim removed: ``x.select(1, 2)`` is ``x[:, 2]``."""
        axis = self._along(dim, "select")
        n = self.shape[axis]
        if not -n <= index < n:
            raise IndexError(
                f"select: index {index} out of range for dimension {dim} of size {n} (shape {tuple(self.shape)})"
            )
        return self._slice(axis, index)

    def narrow(self, dim: _int, start: _int, length: _int) -> Tensor:
        """``length`` elements from ``start`` along ``dim`` (a view)."""
        axis = self._along(dim, "narrow")
        n = self.shape[axis]
        start = start + n if -n <= start < 0 else start
        if not 0 <= start <= n or length < 0 or start + length > n:
            raise RuntimeError(
                f"narrow: start {start} and length {length} do not fit dimension {dim} of size {n} "
                f"(shape {tuple(self.shape)}); hint: need 0 <= start and start + length <= {n}"
            )
        return self._slice(axis, slice(start, start + length))

    def unbind(self, dim: _int = 0) -> tuple[Tensor, ...]:
        """A tuple of the slices along ``dim``, that dim removed."""
        axis = self._along(dim, "unbind")
        return tuple(self._slice(axis, i) for i in range(self.shape[axis]))

    def split(self, split_size: _int | list[_int] | tuple[_int, ...], dim: _int = 0) -> tuple[Tensor, ...]:
        """Pieces along ``dim``: of ``split_size`` elements each (the last may be smaller), or of the sizes in a list."""
        axis = self._along(dim, "split")
        n = self.shape[axis]
        if isinstance(split_size, (list, tuple)):
            sizes = [int(s) for s in split_size]
            if any(s < 0 for s in sizes) or sum(sizes) != n:
                raise RuntimeError(
                    f"split: sizes {sizes} must be non-negative and add up to {n}, the size of dimension {dim} "
                    f"(shape {tuple(self.shape)}); hint: or pass one int for equal pieces"
                )
        else:
            if split_size < 0 or (split_size == 0 and n != 0):
                raise RuntimeError(
                    f"split: split_size must be positive (0 only for an empty dimension), got {split_size} "
                    f"for dimension {dim} of size {n}"
                )
            sizes = [split_size] * (n // split_size) + [n % split_size] if n else [0]
            sizes = [s for s in sizes if s] or [0]
        starts = np.cumsum([0] + sizes[:-1])
        return tuple(self._slice(axis, slice(int(a), int(a) + s)) for a, s in zip(starts, sizes))

    def chunk(self, chunks: _int, dim: _int = 0) -> tuple[Tensor, ...]:
        """Up to ``chunks`` pieces of ``ceil(n / chunks)`` elements along ``dim`` (fewer when they run out)."""
        if chunks <= 0:
            raise RuntimeError(f"chunk: expects chunks to be greater than 0, got {chunks}")
        n = self.shape[self._along(dim, "chunk")]
        return self.split([0] * chunks if n == 0 else -(-n // chunks), dim)

    def index_select(self, dim: _int, index: TensorLike) -> Tensor:
        """The entries at positions ``index`` (a 1-d integer tensor) along ``dim``; they may repeat."""
        index = as_array(index)
        axis = _axis(dim, self.ndim)
        n = self.shape[axis] if self.ndim else 1
        if index.ndim > 1 or index.dtype.kind not in "iu":
            raise RuntimeError(
                f"index_select: index must be a 1-d integer tensor, got shape {index.shape} and dtype {index.dtype}; "
                "hint: flatten it, or convert it with .long()"
            )
        if index.size and not (-n <= index.min() and index.max() < n):
            raise IndexError(
                f"index_select: index {index.max() if index.max() >= n else index.min()} is out of range for "
                f"dimension {dim} of size {n} (input shape {tuple(self.shape)})"
            )
        if self.ndim == 0:
            return self.reshape(1)[index.reshape(-1)].reshape(index.shape)
        return self._slice(axis, index.reshape(-1))

    # ------------------------------------------------ writing at positions (new tensors)
    def masked_fill(self, mask: TensorLike, value: TensorLike) -> Tensor:
        """``value`` where ``mask`` (bool, broadcast to ``self``) is true, ``self`` elsewhere, in ``self``'s dtype."""
        mask = as_array(mask)
        if mask.dtype != np.bool_:
            raise RuntimeError(
                f"masked_fill: expected a boolean mask, got dtype {mask.dtype}; hint: build one with a comparison, e.g. x > 0"
            )
        if isinstance(value, Tensor):
            if value.ndim != 0:
                raise RuntimeError(
                    f"masked_fill: value must be a number or a 0-d tensor, got shape {tuple(value.shape)}; "
                    "hint: use glassnet.where for tensor values"
                )
            value = value if value.array.dtype == self.array.dtype else value.to(self.array.dtype)
        else:
            value = Tensor._from_array(np.asarray(value, dtype=self.array.dtype))
        try:
            np.broadcast_shapes(mask.shape, self.shape)
        except ValueError:
            raise RuntimeError(
                f"masked_fill: mask of shape {mask.shape} does not broadcast with input of shape {tuple(self.shape)}; "
                "hint: sizes must match or be 1, aligned from the right"
            ) from None
        return selection.Where.apply(value, self, condition=mask)

    def scatter(
        self,
        dim: _int,
        index: Tensor,
        src: Tensor | Number | None = None,
        value: Number | None = None,
        *,
        reduce: str | None = None,
    ) -> Tensor:
        """A copy of ``self`` with ``src`` (a tensor, or a number ``value``) written at ``index`` along ``dim``.

        For 2-d and dim=1: ``out[i][index[i][j]] = src[i][j]``.  ``reduce="add"``
        adds instead (``scatter_add``); unlike PyTorch, ``reduce="multiply"`` is not available.

        Shape:
            index: as many dims as ``self``, each no larger than ``src``'s and, except along ``dim``, than ``self``'s.
        """
        if src is None:
            src = value
        if reduce not in (None, "add"):
            raise RuntimeError(
                f"scatter: reduce={reduce!r} is not supported in glassnet (unlike PyTorch); hint: use None or 'add'"
            )
        index, axis, src = self._scatter_operands(dim, index, src, "scatter")
        op = indexing.ScatterAdd if reduce == "add" else indexing.Scatter
        return op.apply(self, src, dim=axis, index=index)

    def scatter_add(self, dim: _int, index: Tensor, src: Tensor) -> Tensor:
        """A copy of ``self`` with ``src`` added at ``index`` along ``dim`` (repeated positions add up)."""
        index, axis, src = self._scatter_operands(dim, index, src, "scatter_add")
        return indexing.ScatterAdd.apply(self, src, dim=axis, index=index)

    def _scatter_operands(self, dim, index, src, op):
        """``index`` as an array, ``dim`` as an axis and ``src`` as a tensor, checked against ``self``.

        As in PyTorch, a 0-d index or src counts as 1-d with one element (``zeros(10).scatter_(0, tensor(3), value=1)``
        makes a one-hot vector), and a number ``src`` fills the shape of ``index``.
        """
        index, axis = as_array(index), _axis(dim, self.ndim)
        index = index.reshape(1) if index.ndim == 0 else index
        if isinstance(src, Tensor):
            src = src.reshape(1) if src.ndim == 0 else src
        else:
            src = Tensor._from_array(np.full(index.shape, src, dtype=self.array.dtype))
        source = src.shape
        if src.array.dtype != self.array.dtype:
            raise RuntimeError(
                f"{op}: expected src of dtype {self.dtype} like the input, got {src.dtype}; hint: convert with src.to(x.dtype)"
            )
        fits = index.ndim == self.ndim == len(source) and all(
            i <= s and (d == axis or i <= n) for d, (i, s, n) in enumerate(zip(index.shape, source, self.shape))
        )
        if index.dtype.kind not in "iu" or not fits:
            raise RuntimeError(
                f"{op}: index of shape {index.shape} and dtype {index.dtype} does not fit input of shape "
                f"{tuple(self.shape)} and src of shape {tuple(source)} at dim {dim}; hint: an integer index with as "
                "many dims as the input, no larger than src, and no larger than the input except along dim"
            )
        n = self.shape[axis] if self.ndim else 1
        if index.size and (index.min() < 0 or index.max() >= n):
            raise RuntimeError(
                f"{op}: index {index.min() if index.min() < 0 else index.max()} is out of bounds for dimension {dim} "
                f"with size {n}; hint: indices run from 0 to {n - 1}"
            )
        return index, axis, src

    # ------------------------------------------------------------- ordering
    def sort(self, dim: _int = -1, descending: _bool = False, *, stable: _bool = False) -> Any:  # (values, indices)
        """``(values, indices)`` sorted along ``dim``; ties keep their order (always stable); NaN is largest."""
        return self._ordered(dim, descending, None, "sort")

    def argsort(self, dim: _int = -1, descending: _bool = False, *, stable: _bool = False) -> Tensor:
        """The indices that sort ``self`` along ``dim`` (see ``sort``)."""
        if self.ndim == 0:
            return Tensor._from_array(np.zeros((), np.int64))
        return Tensor._from_array(sorting.argsort(self.array, _axis(dim, self.ndim), descending))

    def topk(self, k: _int, dim: _int = -1, largest: _bool = True, sorted: _bool = True) -> Any:  # (values, indices)
        """``(values, indices)`` of the ``k`` largest (or smallest) elements along ``dim``, largest first.

        Unlike PyTorch, ``sorted=False`` still returns them sorted (PyTorch leaves the order unspecified).
        """
        n = self.shape[_axis(dim, self.ndim)] if self.ndim else 1
        if not 0 <= k <= n:
            raise RuntimeError(
                f"topk: k={k} is out of range for dimension {dim} of size {n} (input shape {tuple(self.shape)}); "
                f"hint: k must be between 0 and {n}"
            )
        return self._ordered(dim, largest, k, "topk")

    def _ordered(self, dim, descending, k, op):
        if self.ndim == 0:
            values, indices = self.reshape(1)._ordered(0, descending, k, op)
            return values_indices[op](values.reshape(()), Tensor._from_array(indices.array.reshape(())))
        axis = _axis(dim, self.ndim)
        if k is None:
            order = sorting.argsort(self.array, axis, descending)
        else:
            order = sorting.top_indices(self.array, k, axis, descending)
        values = reduction.PickAlongDim.apply(self, index=order, dim=axis)
        return values_indices[op](values, Tensor._from_array(order))

    # ------------------------------------------------------------ rearranging
    def flip(self, *dims: _int | ShapeLike) -> Tensor:
        """The elements in reverse order along each of ``dims`` (a copy, as in PyTorch)."""
        dims = _shape_args(dims)
        return reorder.Flip.apply(self, dims=reduction.normalize_dims(dims, self.ndim))

    def roll(self, shifts: _int | ShapeLike, dims: _int | ShapeLike | None = None) -> Tensor:
        """Shift elements by ``shifts`` along ``dims``, wrapping around; without ``dims``, over the flattened tensor."""
        shifts = (shifts,) if isinstance(shifts, int) else tuple(shifts)
        if dims is not None:
            dims = (dims,) if isinstance(dims, int) else tuple(dims)
        if (dims is None and len(shifts) != 1) or (dims is not None and len(dims) != len(shifts)):
            raise RuntimeError(
                f"roll: shifts {shifts} and dims {dims} must have the same length; hint: one shift per dim, "
                "or a single shift without dims"
            )
        axes = None if dims is None else tuple(_axis(d, self.ndim) for d in dims)
        return reorder.Roll.apply(self, shifts=shifts, dims=axes)

    def tril(self, diagonal: _int = 0) -> Tensor:
        """The lower triangle of the last two dims (on and below diagonal ``diagonal``), zeros above."""
        return self._triangle(diagonal, "tril")

    def triu(self, diagonal: _int = 0) -> Tensor:
        """The upper triangle of the last two dims (on and above diagonal ``diagonal``), zeros below."""
        return self._triangle(diagonal, "triu")

    def _triangle(self, diagonal, op):
        if self.ndim < 2:
            raise RuntimeError(f"{op}: input tensor must have at least 2 dimensions, got shape {tuple(self.shape)}")
        rows, cols = self.shape[-2:]
        keep = (
            np.tri(rows, cols, diagonal, dtype=bool) if op == "tril" else ~np.tri(rows, cols, diagonal - 1, dtype=bool)
        )
        return selection.Where.apply(self, Tensor._from_array(np.zeros((), self.array.dtype)), condition=keep)

    def diag(self, diagonal: _int = 0) -> Tensor:
        """A 1-d tensor placed on diagonal ``diagonal`` of a square matrix, or the diagonal of a 2-d tensor."""
        if self.ndim not in (1, 2):
            raise RuntimeError(
                f"diag: expected a 1-d or 2-d tensor, got shape {tuple(self.shape)}; hint: use diagonal for batches"
            )
        return diagonal_ops.Diag.apply(self, diagonal=diagonal)

    def repeat(self, *sizes: _int | ShapeLike) -> Tensor:
        """The tensor tiled ``sizes[d]`` times along each dim (new leading dims for extra sizes).

        Shape:
            (s_1, ..., s_n) with sizes (r_0, ..., r_k, r_1', ..., r_n') -> (r_0, ..., r_k, r_1'·s_1, ..., r_n'·s_n).
        """
        sizes = _shape_args(sizes)
        if len(sizes) < self.ndim:
            raise RuntimeError(
                f"repeat: number of repeat dims ({len(sizes)}) can not be smaller than number of tensor dims "
                f"({self.ndim}); hint: give one count per dimension, e.g. x.repeat({', '.join(['1'] * self.ndim)})"
            )
        shape = (1,) * (len(sizes) - self.ndim) + tuple(self.shape)
        pairs = [n for s in shape for n in (1, s)]  # (1, s_1, 1, s_2, ...) -> expand the 1s to the counts
        counts = [n for r, s in zip(sizes, shape) for n in (r, s)]
        return self.reshape(pairs).expand(counts).reshape([r * s for r, s in zip(sizes, shape)])

    def tile(self, *dims: _int | ShapeLike) -> Tensor:
        """``repeat`` with ``dims`` padded with leading 1s to the number of dimensions."""
        dims = _shape_args(dims)
        return self.repeat((1,) * (self.ndim - len(dims)) + dims)

    def repeat_interleave(
        self, repeats: _int | TensorLike, dim: _int | None = None, *, output_size: _int | None = None
    ) -> Tensor:
        """Each element repeated ``repeats`` times (an int, or one count per element along ``dim``) in place.

        Without ``dim`` the tensor is flattened first.  ``output_size`` (a hint for
        PyTorch's GPU kernels) is accepted and not needed.
        """
        t, axis = (self.reshape(-1), 0) if dim is None else (self, _axis(dim, self.ndim))
        n = t.shape[axis] if t.ndim else 1
        counts = as_array(repeats)
        if counts.dtype.kind not in "iu" or counts.ndim > 1 or counts.size not in (1, n) or (counts < 0).any():
            raise RuntimeError(
                f"repeat_interleave: repeats must be a non-negative int or one count per element ({n}) along "
                f"dim {dim}, got {counts.tolist()}; hint: input shape {tuple(self.shape)}"
            )
        return t.index_select(axis, np.repeat(np.arange(n), counts.reshape(-1) if counts.size == n else counts.item()))

    # ------------------------------------------------------ types and new tensors
    def type(
        self, dtype: DTypeLike | None = None, non_blocking: _bool = False
    ) -> Any:  # the type name, or a Tensor with dtype
        """Without ``dtype``, the type name (``"glassnet.FloatTensor"``); with it, ``self.to(dtype)``.

        ``dtype`` may also be a type name, "glassnet.LongTensor" (or "torch.LongTensor").
        """
        if dtype is None:
            return "glassnet." + TYPE_NAMES[self.array.dtype]
        if isinstance(dtype, str):
            by_name = {name: numpy_dtype for numpy_dtype, name in TYPE_NAMES.items()}
            prefix, _, name = dtype.rpartition(".")
            if prefix not in ("glassnet", "torch") or name not in by_name:
                raise RuntimeError(
                    f"type: invalid type {dtype!r}; hint: use a dtype or a name such as 'glassnet.FloatTensor'"
                )
            dtype = by_name[name]
        return self.to(dtype)

    def type_as(self, other: Tensor) -> Tensor:
        """``self`` converted to ``other``'s dtype."""
        return self.to(other.array.dtype)

    def _new(self, fill, size, dtype, device, requires_grad, op):
        check_device(device, op)
        dtype = self.array.dtype if dtype is None else dtypes.to_dtype(dtype).dtype
        t = Tensor._from_array(fill(_shape_args(size), dtype))
        return t.requires_grad_(True) if requires_grad else t

    def new_zeros(
        self,
        *size: _int | ShapeLike,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        requires_grad: _bool = False,
    ) -> Tensor:
        """Zeros of shape ``size``, with this tensor's dtype unless ``dtype`` is given."""
        return self._new(np.zeros, size, dtype, device, requires_grad, "new_zeros")

    def new_ones(
        self,
        *size: _int | ShapeLike,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        requires_grad: _bool = False,
    ) -> Tensor:
        """Ones of shape ``size``, with this tensor's dtype unless ``dtype`` is given."""
        return self._new(np.ones, size, dtype, device, requires_grad, "new_ones")

    def new_empty(
        self,
        *size: _int | ShapeLike,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        requires_grad: _bool = False,
    ) -> Tensor:
        """An uninitialised tensor of shape ``size``, with this tensor's dtype unless ``dtype`` is given."""
        return self._new(np.empty, size, dtype, device, requires_grad, "new_empty")

    def new_full(
        self,
        size: ShapeLike,
        fill_value: Number,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        requires_grad: _bool = False,
    ) -> Tensor:
        """``fill_value`` in every element of a tensor of shape ``size``, with this tensor's dtype unless ``dtype`` is given."""
        return self._new(
            lambda shape, d: np.full(shape, fill_value, d), (size,), dtype, device, requires_grad, "new_full"
        )

    def new_tensor(
        self,
        data: TensorLike,
        *,
        dtype: DTypeLike | None = None,
        device: DeviceLike | None = None,
        requires_grad: _bool = False,
    ) -> Tensor:
        """A copy of ``data``, with this tensor's dtype unless ``dtype`` is given."""
        return self._new(
            lambda _, d: np.array(as_array(data, d), copy=True), (), dtype, device, requires_grad, "new_tensor"
        )


def _scaled(other, alpha):
    """``alpha * other`` for a tensor, array, nested list or number (a list is not repeated)."""
    if alpha == 1:
        return other
    return (Tensor(other) if isinstance(other, (list, tuple)) else other) * alpha


def _broadcasts_to(shape_, target):
    """True if ``shape_`` broadcasts to ``target`` itself (not to a larger shape)."""
    try:
        return np.broadcast_shapes(shape_, target) == tuple(target)
    except ValueError:
        return False


def _resolve_shape(shape_, size):
    """``shape_`` with a -1 replaced by the size it must have, or None if no shape fits."""
    if shape_.count(-1) > 1 or any(s < -1 for s in shape_):
        return None
    known = int(np.prod([s for s in shape_ if s != -1]))
    if -1 in shape_:
        if known == 0 or size % known:
            return None
        shape_ = tuple(size // known if s == -1 else s for s in shape_)
    return shape_ if int(np.prod(shape_)) == size else None


def _axis(dim, ndim):
    """``dim`` as a non-negative axis, checked to be in range (0 for a 0-d tensor)."""
    axes = reduction.normalize_dims(dim, ndim)
    return axes[0] if axes else 0


def _count(shape_, dim):
    return int(np.prod([shape_[d] for d in reduction.reduction_dims(dim, len(shape_))]))


def _var_options(dim, unbiased, keepdim, correction):
    """``var``/``std`` arguments in PyTorch's forms, as options for the ``Var``/``Std`` ops."""
    if isinstance(dim, bool):  # var(unbiased)
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    return {"dim": dim, "correction": correction, "keepdim": keepdim}


def _shape_args(args: tuple[Any, ...] | list[Any]) -> tuple[int, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))``."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    return tuple(int(a) for a in args)


def _index(index):
    """Tensors and lists inside an index become NumPy arrays."""
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if isinstance(index, Tensor):
        return index.array
    if isinstance(index, list):
        return np.asarray(index)
    return index
