"""Functions that make new tensors, with PyTorch's names and arguments.

Random ones draw from glassnet's single seeded generator (``glassnet.manual_seed``)
unless a ``generator=`` is given.  All take ``device=``: None or "cpu" (glassnet
runs on the CPU; any other device raises, see ``glassnet.devices``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import dtypes
from ._typing import DeviceLike, DTypeLike, Number, ShapeLike, TensorLike
from .devices import check_device
from .random import Generator, numpy_generator
from .tensor import Tensor, _shape_args, as_array


def tensor(
    data: TensorLike, dtype: DTypeLike | None = None, device: DeviceLike | None = None, requires_grad: bool = False
) -> Tensor:
    """A new tensor holding a copy of ``data`` (number, nested list, array or tensor).

    Python floats become float32 and ints int64, as in PyTorch.

    Example:
        >>> import glassnet
        >>> glassnet.tensor([[1, 2], [3, 4]])
        tensor([[1, 2],
                [3, 4]])
        >>> glassnet.tensor(0.5, requires_grad=True)
        tensor(0.5000, requires_grad=True)
    """
    check_device(device, "tensor")
    return Tensor(np.array(as_array(data, dtype), copy=True), requires_grad=requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with the NumPy ``array`` (no copy, dtype kept)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected an np.ndarray, got {type(array).__name__}")
    return Tensor._from_array(array)


def _new(array: np.ndarray, requires_grad: bool) -> Tensor:
    t = Tensor._from_array(array)
    return t.requires_grad_(True) if requires_grad else t


def _float_dtype(dtype: DTypeLike | None) -> np.dtype:
    return np.dtype(dtype) if dtype is not None else dtypes.get_default_dtype()


def zeros(
    *size: int | ShapeLike,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of shape ``size`` filled with 0 (float32 unless ``dtype`` is given).

    ``size`` is given as numbers or as one tuple: ``zeros(2, 3)`` or ``zeros((2, 3))``.

    Example:
        >>> import glassnet
        >>> glassnet.zeros(2, 3)
        tensor([[0., 0., 0.],
                [0., 0., 0.]])
    """
    check_device(device, "zeros")
    return _new(np.zeros(_shape_args(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(
    *size: int | ShapeLike,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of shape ``size`` filled with 1 (float32 unless ``dtype`` is given).

    Example:
        >>> import glassnet
        >>> glassnet.ones(3, dtype=glassnet.int64)
        tensor([1, 1, 1])
    """
    check_device(device, "ones")
    return _new(np.ones(_shape_args(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(
    *size: int | ShapeLike,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """An uninitialised tensor of shape ``size`` (float32 unless ``dtype`` is given): its values are whatever the memory held."""
    check_device(device, "empty")
    return _new(np.empty(_shape_args(size), dtype=_float_dtype(dtype)), requires_grad)


def full(
    size: ShapeLike,
    fill_value: Number,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """A tensor of shape ``size`` (a tuple) filled with ``fill_value``; the dtype is ``fill_value``'s unless given.

    Example:
        >>> import glassnet
        >>> glassnet.full((2, 2), 7.0)
        tensor([[7., 7.],
                [7., 7.]])
    """
    check_device(device, "full")
    if dtype is None:
        dtype = as_array(fill_value).dtype
    return _new(np.full(_shape_args((size,)), fill_value, dtype=np.dtype(dtype)), requires_grad)


def eye(
    n: int,
    m: int | None = None,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """The ``n`` × ``m`` identity matrix (``m = n`` by default): 1 on the diagonal, 0 elsewhere.

    Example:
        >>> import glassnet
        >>> glassnet.eye(2, 3)
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    check_device(device, "eye")
    return _new(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(
    *size: int | ShapeLike,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Uniform samples from [0, 1), drawn from ``generator`` or glassnet's seeded default one.

    Example:
        >>> import glassnet
        >>> x = glassnet.rand(2, 3)
        >>> x.shape, bool(((0 <= x) & (x < 1)).all())
        (glassnet.Size([2, 3]), True)
    """
    check_device(device, "rand")
    values = numpy_generator(generator).random(_shape_args(size), dtype=np.float64)
    return _new(values.astype(_float_dtype(dtype)), requires_grad)


def randn(
    *size: int | ShapeLike,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples from the standard normal distribution N(0, 1)."""
    check_device(device, "randn")
    values = numpy_generator(generator).standard_normal(_shape_args(size))
    return _new(values.astype(_float_dtype(dtype)), requires_grad)


def randint(
    low: int,
    high: int | ShapeLike | None = None,
    size: ShapeLike | None = None,
    generator: Generator | None = None,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
) -> Tensor:
    """Integers uniform in [low, high); ``randint(high, size)`` starts at 0, as in PyTorch."""
    check_device(device, "randint")
    if size is None:
        if not isinstance(high, (tuple, list)):
            raise TypeError("randint: size must be given as a tuple, e.g. randint(0, 10, (3,))")
        size, high, low = high, low, 0  # randint(high, size)
    if high is None:
        low, high = 0, low
    values = numpy_generator(generator).integers(low, high, _shape_args((size,)))
    return Tensor._from_array(values.astype(dtype or dtypes.int64))


def randperm(n: int, generator: Generator | None = None, device: DeviceLike | None = None) -> Tensor:
    """A random permutation of the integers 0 … n−1 (int64).

    Example:
        >>> import glassnet
        >>> glassnet.randperm(5).sort().values
        tensor([0, 1, 2, 3, 4])
    """
    check_device(device, "randperm")
    return Tensor._from_array(numpy_generator(generator).permutation(n).astype(np.int64))


def arange(
    start: Number,
    end: Number | None = None,
    step: Number = 1,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """Numbers from ``start`` up to (not including) ``end``; int64 when all arguments are ints.

    Example:
        >>> import glassnet
        >>> glassnet.arange(4), glassnet.arange(0, 1, 0.25)
        (tensor([0, 1, 2, 3]), tensor([0.0000, 0.2500, 0.5000, 0.7500]))
    """
    check_device(device, "arange")
    if end is None:
        start, end = 0, start
    if dtype is None:
        all_ints = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = dtypes.int64 if all_ints else dtypes.get_default_dtype()
    return _new(np.arange(start, end, step).astype(dtype), requires_grad)


def linspace(
    start: Number,
    end: Number,
    steps: int,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``steps`` evenly spaced numbers from ``start`` to ``end``, both included."""
    check_device(device, "linspace")
    return _new(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad)


def _like(maker: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def like(input: Tensor, dtype: DTypeLike | None = None, requires_grad: bool = False, **kwargs: object) -> Tensor:
        return maker(*input.shape, dtype=dtype or input.dtype, requires_grad=requires_grad, **kwargs)

    like.__name__ = maker.__name__ + "_like"
    like.__doc__ = f"``{maker.__name__}`` with the shape (and, by default, the dtype) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)
rand_like = _like(rand)
randn_like = _like(randn)


def full_like(
    input: Tensor,
    fill_value: Number,
    dtype: DTypeLike | None = None,
    device: DeviceLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    """``full`` with the shape (and, by default, the dtype) of ``input``."""
    return full(input.shape, fill_value, dtype=dtype or input.dtype, device=device, requires_grad=requires_grad)
