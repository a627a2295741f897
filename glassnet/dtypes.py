"""Data types. glassnet's dtypes are NumPy's: ``glassnet.float32 is numpy.dtype('float32')``.

Like PyTorch, the default floating type is float32: ``tensor([1.5])`` is
float32, ``tensor([1, 2])`` is int64.  Unlike PyTorch, ``t.dtype`` prints as
``float32`` rather than ``torch.float32``; comparisons such as
``t.dtype == glassnet.float32`` work the same.
"""
import numpy as np

float16 = half = np.dtype("float16")
float32 = float = np.dtype("float32")
float64 = double = np.dtype("float64")
int32 = int = np.dtype("int32")
int64 = long = np.dtype("int64")
uint8 = np.dtype("uint8")
bool = np.dtype("bool")

_default = [float32]


def get_default_dtype():
    """The dtype of new floating tensors (float32 unless changed)."""
    return _default[0]


def set_default_dtype(dtype):
    """Make ``dtype`` (float32 or float64) the type of new floating tensors."""
    dtype = np.dtype(dtype)
    if dtype not in (float32, float64):
        raise TypeError(f"set_default_dtype: only float32 and float64 are supported, got {dtype}")
    _default[0] = dtype


def is_floating(dtype):
    """True for float16/32/64 (by the dtype's kind letter: fast, and called by most ops)."""
    return np.dtype(dtype).kind == "f"


def _category(dtype):
    """0 for bool, 1 for integers, 2 for floating types."""
    return 2 if is_floating(dtype) else 0 if dtype == bool else 1


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
    return np.promote_types(a, b)
