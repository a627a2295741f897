"""The order of elements along an axis, for ``sort``, ``argsort`` and ``topk``.

Sorting is stable: equal elements keep their order, in both directions, so
the indices are deterministic (PyTorch's ``stable=False`` leaves ties in an
unspecified order; its CPU kernel gives the same result in practice).  NaN
counts as larger than every number, as in PyTorch: last when ascending, first
when descending.  ``topk`` partitions before it sorts.  The values themselves
are picked with ``PickAlongDim`` (``gather``), whose backward sends each
gradient back to the position its value came from.
"""

import numpy as np


def argsort(array, axis, descending=False):
    """Indices that sort ``array`` along ``axis`` (int64), stable in both directions.

    Descending order is the ascending order of the reversed array, reversed
    again and mapped back: that keeps equal elements in their original order.
    """
    if not descending:
        return np.argsort(array, axis=axis, kind="stable").astype(np.int64, copy=False)
    reversed_order = np.argsort(np.flip(array, axis), axis=axis, kind="stable")
    return (array.shape[axis] - 1 - np.flip(reversed_order, axis)).astype(np.int64, copy=False)


def top_indices(array, k, axis, largest=True):
    """Indices of the ``k`` largest (or smallest) entries along ``axis``, in sorted order.

    ``np.argpartition`` first moves the ``k`` wanted entries to one end in
    linear time; only those ``k`` are then sorted, so top-5 of 1000 classes
    does not sort all 1000.  Which of several tied entries at the cut is kept
    is unspecified, as in PyTorch.
    """
    n = array.shape[axis]
    if k == n:
        return argsort(array, axis, largest)
    if k == 0:
        return np.zeros(array.shape[:axis] + (0,) + array.shape[axis + 1 :], dtype=np.int64)
    part = np.argpartition(array, n - k if largest else k - 1, axis=axis)
    part = np.take(part, np.arange(n - k, n) if largest else np.arange(k), axis=axis)
    order = argsort(np.take_along_axis(array, part, axis=axis), axis, largest)
    return np.take_along_axis(part, order, axis=axis).astype(np.int64, copy=False)
