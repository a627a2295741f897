"""Data types: ``glassnet.float32`` and friends, PyTorch's ``torch.dtype``.

A ``dtype`` names the type of a tensor's elements.  It prints as PyTorch's do
(``glassnet.float32``), has PyTorch's attributes (``is_floating_point``,
``itemsize``…) and aliases (``glassnet.float is glassnet.float32``), and wraps
the NumPy dtype that stores the values: NumPy accepts a glassnet dtype
wherever it takes a dtype (``np.zeros(3, dtype=glassnet.float32)``), because
NumPy reads any object's ``.dtype`` attribute.  Unlike PyTorch, a glassnet
dtype also compares equal to the same NumPy dtype
(``glassnet.float32 == np.float32``), so arrays and tensors can be checked alike.

Like PyTorch, the default floating type is float32: ``tensor([1.5])`` is
float32, ``tensor([1, 2])`` is int64.
"""

import builtins

import numpy as np


class dtype:
    """The element type of a tensor (PyTorch's ``torch.dtype``); ``.dtype`` is NumPy's for the same type."""

    __slots__ = ("name", "dtype")

    def __init__(self, name):
        self.name = name
        self.dtype = np.dtype(name)

    @property
    def is_floating_point(self):
        """True for float16, float32 and float64."""
        return self.dtype.kind == "f"

    @property
    def is_complex(self):
        """True for complex types (glassnet has none of its own)."""
        return self.dtype.kind == "c"

    @property
    def is_signed(self):
        """True for types that hold negative numbers (the floating types and int8 to int64)."""
        return self.dtype.kind in "fic"

    @property
    def itemsize(self):
        """Bytes per element."""
        return self.dtype.itemsize

    def to_real(self):
        """The real type of the same precision: the dtype itself, as glassnet's types are all real."""
        return self

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        if isinstance(other, np.dtype) or (isinstance(other, type) and issubclass(other, np.generic)):
            return self.dtype == np.dtype(other)
        return NotImplemented

    def __hash__(self):
        return hash(self.dtype)  # as NumPy's, so that the two can share a dict key

    def __repr__(self):
        return f"glassnet.{self.name}"

    def __reduce__(self):  # pickled (e.g. by a DataLoader's worker) as the module-level singleton
        return (from_numpy, (self.dtype,))


float16 = half = dtype("float16")
float32 = float = dtype("float32")
float64 = double = dtype("float64")
int8 = dtype("int8")
int16 = short = dtype("int16")
int32 = int = dtype("int32")
int64 = long = dtype("int64")
uint8 = dtype("uint8")
bool = dtype("bool")

_BY_NUMPY = {d.dtype: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool)}


def from_numpy(numpy_dtype):
    """The glassnet dtype of a NumPy dtype (made on first use for types glassnet has no name for)."""
    found = _BY_NUMPY.get(numpy_dtype)
    if found is None:
        found = _BY_NUMPY[np.dtype(numpy_dtype)] = dtype(np.dtype(numpy_dtype).name)
    return found


def to_dtype(value):
    """``value`` (a glassnet dtype, NumPy dtype, Python type or name) as a glassnet dtype.

    Python's ``float`` means float64 and ``int`` int64 (as NumPy reads them, and as
    PyTorch's ``tensor.to(float)`` does).
    """
    if isinstance(value, dtype):
        return value
    try:
        return from_numpy(np.dtype(value))
    except TypeError:
        raise TypeError(f"dtype: {value!r} is not a data type; hint: use e.g. glassnet.float32") from None


class finfo:
    """Limits of a floating type, as ``torch.finfo``: ``bits``, ``eps``, ``max``, ``min``, ``tiny``, ``resolution``."""

    def __init__(self, type=None):
        info = np.finfo((type or get_default_dtype()).dtype if isinstance(type, dtype) or type is None else type)
        self.bits, self.dtype = info.bits, info.dtype.name
        self.eps, self.max, self.min = builtins.float(info.eps), builtins.float(info.max), builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.tiny)
        self.resolution = builtins.float(info.resolution)

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
            f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})"
        )


class iinfo:
    """Limits of an integer type, as ``torch.iinfo``: ``bits``, ``max``, ``min``."""

    def __init__(self, type):
        info = np.iinfo(type.dtype if isinstance(type, dtype) else type)
        self.bits, self.max, self.min, self.dtype = (
            info.bits,
            builtins.int(info.max),
            builtins.int(info.min),
            info.dtype.name,
        )

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


_default = [float32]


def get_default_dtype():
    """The dtype of new floating tensors (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d):
    """Make ``d`` (float32 or float64) the type of new floating tensors."""
    d = to_dtype(d)
    if d not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 and float64 are supported, got {d}")
    _default[0] = d


def is_floating(d):
    """True for float16/32/64 (by the dtype's kind letter: fast, and called by most ops)."""
    return np.dtype(d).kind == "f"


def _category(d):
    """0 for bool, 1 for integers, 2 for floating types."""
    return 2 if is_floating(d) else 0 if d == bool else 1


def result_type(a, b, a_has_dims=True, b_has_dims=True):
    """The dtype of ``a ∘ b`` for two tensors' dtypes, following PyTorch's promotion.

    Same category: the wider type.  Integer with floating: the floating type
    (unlike NumPy, int64 with float32 stays float32).  Booleans take the other type.
    As in PyTorch, a tensor with dimensions outranks a 0-d tensor: the 0-d one
    decides only if its category (bool < integer < floating) is higher, so
    ``ones(3) + tensor(1.0, dtype=float64)`` is float32.
    """
    if a == b:
        return a
    if a_has_dims != b_has_dims:
        with_dims, zero_dim = (a, b) if a_has_dims else (b, a)
        if _category(zero_dim) <= _category(with_dims):
            return with_dims
    if is_floating(a) != is_floating(b):
        return a if is_floating(a) else b
    return from_numpy(np.promote_types(np.dtype(a), np.dtype(b)))
