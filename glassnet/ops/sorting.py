"""The order of elements along an axis, for ``sort``, ``argsort`` and ``topk``.

Sorting is stable: equal elements keep their order, in both directions, so the
indices are deterministic (PyTorch's ``stable=False`` leaves ties in an
unspecified order; its CPU kernel gives the same result as glassnet in practice).  NaN counts
as larger than every number, as in PyTorch: last when ascending, first when descending.
The values themselves are picked with ``PickAlongDim`` (``gather``), whose
backward sends each gradient back to the position its value came from.
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
