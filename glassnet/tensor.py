"""``Tensor``: a NumPy array that remembers how it was computed.

A tensor holds its values in ``.array`` (a NumPy array) and, if it was computed
by ops from tensors that require a gradient, the op that made it (``grad_fn``).
``loss.backward()`` walks those records back and fills ``.grad`` of every leaf
tensor created with ``requires_grad=True`` (see ``glassnet/autograd/engine.py``).

Methods follow PyTorch's names, arguments and broadcasting.  Unlike PyTorch:

* ``view`` is ``reshape``: it never fails on non-contiguous tensors.
* In-place operators (``x += y``) where ``x`` or ``y`` is part of a graph
  rebind the name to a new tensor instead of mutating it; other references to
  the old tensor keep their values.  On leaves that require grad they raise, as in
  PyTorch, unless under ``no_grad()``.
* Changing a tensor in place after an op saved it for backward is caught, as
  in PyTorch, when it goes through glassnet (``x += 1``, ``x[i] = …``,
  ``zero_()``, an optimizer step, or the same via ``detach()`` or a view such
  as ``x[:2]``, which counts changes together with its base); writing into the
  NumPy array ``.array`` directly is not seen.
"""
from collections import namedtuple

import numpy as np

from . import dtypes
from .autograd import engine
from .autograd.function import Function
from .autograd.grad_mode import is_grad_enabled
from .ops import activation, arithmetic, matmul, pointwise, reduction, selection, softmax
from .ops import shape as shape_ops

values_indices = {name: namedtuple(name, ["values", "indices"]) for name in ("max", "min")}


def as_array(data, dtype=None):
    """``data`` (a Tensor, array, number or nested list) as an ndarray with PyTorch's default dtypes."""
    if isinstance(data, Tensor):
        data = data.array
    if dtype is not None:
        return np.asarray(data, dtype=np.dtype(dtype))
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


class Clone(Function):
    saved_inputs = ()

    @staticmethod
    def forward(ctx, a):
        return a.copy()

    @staticmethod
    def backward(ctx, grad_output):
        return (grad_output,)


class Tensor:
    """A multi-dimensional array with automatic differentiation.

    Create tensors with ``glassnet.tensor(data, dtype=None, requires_grad=False)``
    and the other creation functions.  ``Tensor(data)`` does the same without
    copying an array it is given; unlike PyTorch's legacy ``torch.Tensor(data)``,
    it keeps integer data int64 instead of making it float32.
    """

    # _version: a one-element list counting in-place changes of ``data``, shared with
    # ``detach()``-ed tensors and views (autograd/function.py); backward compares it with
    # the count its ops recorded.
    __slots__ = ("array", "requires_grad", "grad", "_ctx", "_retains_grad", "_version", "__weakref__")
    __array_priority__ = 1000  # NumPy arrays defer to Tensor in ``array + tensor``

    def __init__(self, data, dtype=None, requires_grad=False):
        self.array = as_array(data, dtype)
        self.grad = None
        self._ctx = None
        self._retains_grad = False
        self._version = [0]
        self.requires_grad = False
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
        t.requires_grad = False
        return t

    # ----------------------------------------------------------------- facts
    @property
    def data(self):
        """The values as a detached Tensor sharing this tensor's memory, as in PyTorch.

        ``p.data -= lr * p.grad`` and ``p.data.zero_()`` change ``p`` in place
        without being recorded in the graph and, as in PyTorch, unseen by the
        in-place change checks of backward (``detach()`` is the checked way).  The NumPy array itself is ``p.array``.
        Assigning ``p.data = other`` replaces the values (and possibly the shape
        and dtype) of ``p``, keeping ``p`` the same object.
        """
        return Tensor._from_array(self.array)

    @data.setter
    def data(self, value):
        self.array = as_array(value)

    @property
    def shape(self):
        return self.array.shape

    @property
    def dtype(self):
        return self.array.dtype

    @property
    def ndim(self):
        return self.array.ndim

    def dim(self):
        return self.array.ndim

    def size(self, dim=None):
        """The shape, or the length of axis ``dim``."""
        return self.array.shape if dim is None else self.array.shape[dim]

    def numel(self):
        return self.array.size

    def __len__(self):
        if self.array.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.array.shape[0]

    @property
    def is_leaf(self):
        """True for tensors not computed by a recorded op (created by the user, or not requiring grad)."""
        return self._ctx is None

    @property
    def grad_fn(self):
        """The op that computed this tensor (None for leaves)."""
        return self._ctx

    @property
    def device(self):
        return "cpu"

    def is_floating_point(self):
        return self.array.dtype.kind == "f"  # dtypes.is_floating, 10× faster: this runs for most ops

    # ------------------------------------------------------------ conversion
    def item(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"item: a Tensor with {self.array.size} elements cannot be converted to a Python number"
            )
        return self.array.item()

    def numpy(self):
        """The values as a NumPy array (sharing memory). Fails on tensors that require grad, as in PyTorch."""
        if self.requires_grad:
            raise RuntimeError(
                "numpy: can't call numpy() on a Tensor that requires grad; hint: use tensor.detach().numpy()"
            )
        return self.array

    def tolist(self):
        return self.array.tolist()

    def __array__(self, dtype=None, copy=None):
        return self.array if dtype is None else self.array.astype(dtype)

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self.array.size != 1:
            raise RuntimeError(
                f"Boolean value of Tensor with {self.array.size} elements is ambiguous; hint: use .any() or .all()"
            )
        return bool(self.array.item())

    def __index__(self):
        if self.is_floating_point() or self.array.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.array.item())

    __hash__ = object.__hash__

    def detach(self):
        """A new leaf sharing the same data (and its in-place change count), cut from the graph."""
        t = Tensor._from_array(self.array)
        t._version = self._version
        return t

    def clone(self):
        """A copy of the data that stays in the graph."""
        return Clone.apply(self)

    def to(self, *args, dtype=None, device=None):
        """Convert to a dtype: ``to(dtype)``, ``to(other_tensor)``, ``to("cpu", dtype)`` or ``to(dtype=...)``.

        glassnet runs on the CPU only: the device "cpu" is accepted and ignored.
        """
        for arg in args:
            if isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, str):
                device = arg
            else:
                dtype = arg
        if device is not None and str(device) != "cpu":
            raise RuntimeError(f"to: glassnet runs on the CPU only, got device {device!r}; hint: use 'cpu'")
        if dtype is None:
            return self
        dtype = np.dtype(dtype)
        return self if dtype == self.dtype else Cast.apply(self, dtype=dtype)

    def float(self):
        return self.to(dtypes.float32)

    def double(self):
        return self.to(dtypes.float64)

    def long(self):
        return self.to(dtypes.int64)

    def int(self):
        return self.to(dtypes.int32)

    def bool(self):
        return self.to(dtypes.bool)

    def cpu(self):
        return self

    def contiguous(self):
        return self

    # -------------------------------------------------------------- autograd
    def requires_grad_(self, requires_grad=True):
        if requires_grad and not self.is_floating_point():
            raise RuntimeError(
                f"requires_grad_: only floating point tensors can require gradients, this one is {self.dtype}; "
                "hint: create it with dtype=glassnet.float32"
            )
        if not requires_grad and not self.is_leaf:
            raise RuntimeError("requires_grad_: you can only change requires_grad flags of leaf tensors")
        self.requires_grad = requires_grad
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward (leaves always keep it)."""
        if not self.requires_grad:
            raise RuntimeError("retain_grad: can't retain_grad on a Tensor that has requires_grad=False")
        if not self.is_leaf:
            self._retains_grad = True

    @property
    def retains_grad(self):
        return self._retains_grad

    def backward(self, gradient=None, retain_graph=False):
        """Accumulate d(self)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

        ``gradient`` is needed when ``self`` is not a single number: it is dL/d(self).
        The graph is freed afterwards unless ``retain_graph=True``.
        """
        engine.backward(self, gradient, retain_graph)

    # ------------------------------------------------------------- printing
    def __repr__(self):
        """PyTorch's format: 4 decimals, or none for whole numbers (``tensor([1., 2.])``),
        scientific notation when the magnitudes span more than 1000× or reach 1e8."""
        data = self.array
        short = not self.is_floating_point()
        if not short:
            finite = np.abs(data[np.isfinite(data)])
            nonzero = finite[finite != 0]
            scientific = nonzero.size and (nonzero.max() >= 1e8 or nonzero.max() > 1000 * nonzero.min())
            short = not scientific and bool(np.all(np.mod(finite, 1) == 0))
        body = np.array2string(
            data, separator=", ", precision=4, prefix="tensor(", floatmode="unique" if short else "fixed"
        )
        extras = [f"size={self.shape}"] if data.size == 0 and data.shape != (0,) else []
        if self.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
            extras.append(f"dtype=glassnet.{self.dtype}")
        if self._ctx is not None:
            extras.append(f"grad_fn=<{self._ctx.name()}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([body] + extras) + ")"

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

    def __add__(self, other):
        return arithmetic.Add.apply(*self._operands(other, "add"))

    def __radd__(self, other):
        a, b = self._operands(other, "add")
        return arithmetic.Add.apply(b, a)

    def __sub__(self, other):
        return arithmetic.Sub.apply(*self._operands(other, "sub"))

    def __rsub__(self, other):
        a, b = self._operands(other, "sub")
        return arithmetic.Sub.apply(b, a)

    def __mul__(self, other):
        return arithmetic.Mul.apply(*self._operands(other, "mul"))

    def __rmul__(self, other):
        a, b = self._operands(other, "mul")
        return arithmetic.Mul.apply(b, a)

    def __truediv__(self, other):
        a, b = self._true_division_operands(other)
        return arithmetic.Div.apply(a, b)

    def __rtruediv__(self, other):
        a, b = self._true_division_operands(other)
        return arithmetic.Div.apply(b, a)

    def _true_division_operands(self, other):
        a, b = self._operands(other, "div")
        if not a.is_floating_point():  # int / int is a float division, as in PyTorch
            a, b = a.to(dtypes.get_default_dtype()), b.to(dtypes.get_default_dtype())
        return a, b

    def __pow__(self, exponent):
        if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
            if not self.is_floating_point() and isinstance(exponent, float):
                return self.float() ** exponent
            return arithmetic.PowScalar.apply(self, exponent=exponent)
        return arithmetic.Pow.apply(*self._operands(exponent, "pow"))

    def __rpow__(self, base):
        a, b = self._operands(base, "pow")
        return arithmetic.Pow.apply(b, a)

    def __neg__(self):
        return arithmetic.Neg.apply(self)

    def __pos__(self):
        return self

    def __matmul__(self, other):
        return self.matmul(other)

    def __rmatmul__(self, other):
        return Tensor(other).matmul(self)

    def matmul(self, other):
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

    # In-place forms.  Outside any graph they change the array itself.
    def _inplace(self, other, op, name):
        if is_grad_enabled() and (self.requires_grad or getattr(other, "requires_grad", False)):
            if self.requires_grad and self.is_leaf:
                raise RuntimeError(
                    f"{name}: a leaf Variable that requires grad is being used in an in-place operation; "
                    "hint: wrap parameter updates in `with glassnet.no_grad():`"
                )
            return op(self, other)  # in a graph: rebind to the out-of-place result (see module docstring)
        result = op(self, other).array  # records nothing: no input requires grad, or grad mode is off
        if not np.can_cast(result.dtype, self.dtype, "same_kind"):
            raise RuntimeError(
                f"{name}: result type {result.dtype} can't be cast to the desired output type {self.dtype}; "
                f"hint: convert first, e.g. x = x.to({result.dtype})"
            )
        self.array[...] = result
        self._version[0] += 1
        return self

    def __iadd__(self, other):
        return self._inplace(other, Tensor.__add__, "add_")

    def __isub__(self, other):
        return self._inplace(other, Tensor.__sub__, "sub_")

    def __imul__(self, other):
        return self._inplace(other, Tensor.__mul__, "mul_")

    def __itruediv__(self, other):
        return self._inplace(other, Tensor.__truediv__, "div_")

    def add_(self, other, alpha=1):
        return self._inplace(other * alpha if alpha != 1 else other, Tensor.__add__, "add_")

    def sub_(self, other, alpha=1):
        return self._inplace(other * alpha if alpha != 1 else other, Tensor.__sub__, "sub_")

    def mul_(self, other):
        return self._inplace(other, Tensor.__mul__, "mul_")

    def div_(self, other):
        return self._inplace(other, Tensor.__truediv__, "div_")

    def _fill_from(self, values, name):
        if is_grad_enabled() and self.requires_grad and self.is_leaf:
            raise RuntimeError(
                f"{name}: a leaf Variable that requires grad is being used in an in-place operation; "
                "hint: wrap it in `with glassnet.no_grad():`"
            )
        self.array[...] = values
        self._version[0] += 1
        return self

    def zero_(self):
        return self._fill_from(0, "zero_")

    def fill_(self, value):
        return self._fill_from(as_array(value), "fill_")

    def copy_(self, src):
        return self._fill_from(as_array(src), "copy_")

    def uniform_(self, a=0.0, b=1.0, generator=None):
        from .random import numpy_generator

        return self._fill_from(numpy_generator(generator).uniform(a, b, self.shape), "uniform_")

    def normal_(self, mean=0.0, std=1.0, generator=None):
        from .random import numpy_generator

        return self._fill_from(numpy_generator(generator).normal(mean, std, self.shape), "normal_")

    def __setitem__(self, index, value):
        if is_grad_enabled() and self.requires_grad:
            raise RuntimeError(
                "__setitem__: in-place assignment into a tensor that requires grad is not supported in glassnet "
                "(unlike PyTorch); hint: build the values with where() or cat(), or use no_grad()"
            )
        self.array[_index(index)] = as_array(value) if isinstance(value, Tensor) else value
        self._version[0] += 1

    # ------------------------------------------------------ elementwise maths
    def exp(self):
        return pointwise.Exp.apply(self._floating())

    def log(self):
        return pointwise.Log.apply(self._floating())

    def sqrt(self):
        return pointwise.Sqrt.apply(self._floating())

    def abs(self):
        return pointwise.Abs.apply(self)

    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
        if isinstance(min, Tensor) or isinstance(max, Tensor):  # tensor bounds: elementwise max/min
            t = self if min is None else self.maximum(min)
            return t if max is None else t.minimum(max)
        t = self._floating() if isinstance(min, float) or isinstance(max, float) else self
        return pointwise.Clamp.apply(t, min=min, max=max)

    clip = clamp

    def maximum(self, other):
        return selection.Maximum.apply(*self._operands(other, "maximum"))

    def minimum(self, other):
        return selection.Minimum.apply(*self._operands(other, "minimum"))

    def relu(self):
        return activation.ReLU.apply(self)

    def sigmoid(self):
        return activation.Sigmoid.apply(self._floating())

    def tanh(self):
        return activation.Tanh.apply(self._floating())

    def softmax(self, dim):
        return softmax.Softmax.apply(self._floating(), dim=dim)

    def log_softmax(self, dim):
        return softmax.LogSoftmax.apply(self._floating(), dim=dim)

    def logsumexp(self, dim, keepdim=False):
        return softmax.LogSumExp.apply(self._floating(), dim=dim, keepdim=keepdim)

    def _floating(self):
        return self if self.is_floating_point() else self.to(dtypes.get_default_dtype())

    # ------------------------------------------------------------ reductions
    def sum(self, dim=None, keepdim=False, *, dtype=None):
        """Sum over ``dim`` (an int, a tuple, or None for all); bool and integer sums are int64."""
        t = self.to(dtype) if dtype is not None else self.long() if not self.is_floating_point() else self
        return reduction.Sum.apply(t, dim=dim, keepdim=keepdim)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        t = self.to(dtype) if dtype is not None else self
        if not t.is_floating_point():
            raise RuntimeError(
                f"mean(): could not infer output dtype; input dtype must be floating point, got {t.dtype}; "
                "hint: call .float() first"
            )
        return t.sum(dim, keepdim) / _count(t.shape, dim)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Variance Σ(x - mean)² / (N - correction) over ``dim``; ``correction=1`` (unbiased) by default.

        ``unbiased=False`` is the older spelling of ``correction=0``; ``x.var(False)`` works too.
        """
        return reduction.Var.apply(self._floating(), **_var_options(dim, unbiased, keepdim, correction))

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """Standard deviation √var; see ``var``. Its gradient is 0 where std = 0, as in PyTorch."""
        return reduction.Std.apply(self._floating(), **_var_options(dim, unbiased, keepdim, correction))

    def max(self, dim=None, keepdim=False):
        """Largest element; with ``dim``, a ``(values, indices)`` pair; with a tensor, ``maximum``."""
        return self._extreme(dim, keepdim, largest=True)

    def min(self, dim=None, keepdim=False):
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

    def argmax(self, dim=None, keepdim=False):
        return self._argextreme(np.argmax, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return self._argextreme(np.argmin, dim, keepdim)

    def _argextreme(self, arg, dim, keepdim):
        if dim is None:
            out = np.asarray(arg(self.array))
            return Tensor._from_array(out.reshape((1,) * self.ndim) if keepdim else out)
        return Tensor._from_array(np.asarray(arg(self.array, axis=dim, keepdims=keepdim)))

    def all(self, dim=None):
        return Tensor._from_array(np.asarray(self.array.all(axis=dim)))

    def any(self, dim=None):
        return Tensor._from_array(np.asarray(self.array.any(axis=dim)))

    # ------------------------------------------------------------ comparisons (no gradient)
    def _compare(self, other, ufunc):
        other = other.array if isinstance(other, Tensor) else other
        return Tensor._from_array(np.asarray(ufunc(self.array, other)))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    eq, ne, lt, le, gt, ge = __eq__, __ne__, __lt__, __le__, __gt__, __ge__

    def __invert__(self):
        return Tensor._from_array(~self.array)

    def __and__(self, other):
        return self._compare(other, np.bitwise_and)

    def __or__(self, other):
        return self._compare(other, np.bitwise_or)

    def equal(self, other):
        return self.shape == other.shape and bool(np.array_equal(self.array, other.array))

    # ------------------------------------------------------------------ shape
    def reshape(self, *shape):
        shape = _shape_args(shape)
        target = _resolve_shape(shape, self.array.size)
        if target is None:
            raise RuntimeError(
                f"reshape: shape {list(shape)} is invalid for input of size {self.array.size} (shape {tuple(self.shape)})"
            )
        return self if target == self.shape else shape_ops.Reshape.apply(self, shape=target)

    view = reshape

    def view_as(self, other):
        return self.reshape(other.shape)

    reshape_as = view_as

    def permute(self, *dims):
        dims = _shape_args(dims)
        axes = tuple(_axis(d, self.ndim) for d in dims)
        if sorted(axes) != list(range(self.ndim)):
            raise RuntimeError(f"permute: dims {list(dims)} are not a permutation of {self.ndim} dimensions")
        return shape_ops.Permute.apply(self, dims=axes)

    def transpose(self, dim0, dim1):
        """Swap axes ``dim0`` and ``dim1`` (negative dims count from the end)."""
        a, b = _axis(dim0, self.ndim), _axis(dim1, self.ndim)
        dims = list(range(self.ndim))
        if a != b:
            dims[a], dims[b] = b, a
        return shape_ops.Permute.apply(self, dims=tuple(dims))

    @property
    def T(self):
        return shape_ops.Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def t(self):
        if self.ndim > 2:
            raise RuntimeError(f"t: expects a tensor with <= 2 dimensions, but got {self.ndim}")
        return self.T

    def flatten(self, start_dim=0, end_dim=-1):
        if self.ndim == 0:
            return self.reshape(1)
        start, end = start_dim % self.ndim, end_dim % self.ndim
        if start > end:
            raise RuntimeError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
        merged = int(np.prod(self.shape[start : end + 1]))
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1 :])

    def squeeze(self, dim=None):
        if dim is None:
            return self.reshape(tuple(s for s in self.shape if s != 1))
        axes = reduction.normalize_dims(dim, self.ndim)
        return self.reshape(tuple(s for i, s in enumerate(self.shape) if not (i in axes and s == 1)))

    def unsqueeze(self, dim):
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise IndexError(
                f"unsqueeze: dim {dim} out of range for a tensor of {self.ndim} dimensions "
                f"(expected [{-self.ndim - 1}, {self.ndim}])"
            )
        dim = dim % (self.ndim + 1)
        return self.reshape(self.shape[:dim] + (1,) + self.shape[dim:])

    def expand(self, *sizes):
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

    def expand_as(self, other):
        return self.expand(other.shape)

    def __getitem__(self, index):
        return shape_ops.GetItem.apply(self, index=_index(index))

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def gather(self, dim, index):
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


def _shape_args(args):
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
