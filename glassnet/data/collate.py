"""``default_collate``: turning a list of samples into one batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._interop import to_numpy, to_tensor


def default_collate(batch: Sequence[Any]) -> Any:
    """Stack a list of samples into a batch, the way ``torch.utils.data.default_collate`` does.

    The samples' structure is kept and their leaves are stacked along a new
    first axis:

    | each sample is                     | the batch is                                |
    |------------------------------------|---------------------------------------------|
    | a Tensor or ndarray of shape ``S`` | a Tensor of shape ``(N, *S)``, same dtype   |
    | a Python ``int``                   | an int64 Tensor of shape ``(N,)``           |
    | a Python ``float``                 | a float64 Tensor of shape ``(N,)``          |
    | a NumPy scalar or ``bool``         | a Tensor of shape ``(N,)``, its dtype       |
    | a ``str``                          | the samples unchanged                       |
    | a dict                             | a dict of batches, key by key               |
    | a tuple or list ``(x, y, ...)``    | a **list** ``[X, Y, ...]`` of batches       |

    So ``(image, label)`` samples become ``[images, labels]``; a list, not a
    tuple, exactly as in PyTorch.  ``x, y = batch`` works either way.

    Shape:
        - Input: ``N`` samples of the same structure and the same shapes.
        - Output: that structure, each leaf with a new leading axis of size ``N``.
    """
    first = batch[0]
    if isinstance(first, str):
        return batch
    if isinstance(first, Mapping):
        return {key: default_collate([sample[key] for sample in batch]) for key in first}
    if isinstance(first, Sequence):
        if any(len(sample) != len(first) for sample in batch):
            lengths = sorted({len(sample) for sample in batch})
            raise RuntimeError(
                f"default_collate: every sample must have the same number of "
                f"fields, got lengths {lengths}; check the dataset's __getitem__"
            )
        return [default_collate(field) for field in zip(*batch)]
    if isinstance(first, bool):  # before int: bool is a subclass of int
        return to_tensor(np.array(batch, dtype=np.bool_))
    if isinstance(first, int):
        return to_tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, float):
        return to_tensor(np.array(batch, dtype=np.float64))
    arrays = [to_numpy(sample) for sample in batch]
    shapes = {a.shape for a in arrays}
    if len(shapes) != 1:
        raise RuntimeError(
            f"default_collate: cannot stack samples of different shapes "
            f"{sorted(shapes)}; resize them in a transform (e.g. RandomCrop) "
            "or pass a collate_fn that pads them"
        )
    if arrays[0].dtype == object:
        raise TypeError(
            f"default_collate: samples must be Tensors, arrays, numbers, strings, "
            f"dicts or sequences, got {type(first).__name__}"
        )
    return to_tensor(np.stack(arrays))
