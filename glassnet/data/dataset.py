"""Datasets: anything with ``len(ds)`` and ``ds[i]``, as in ``torch.utils.data``."""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from glassnet.random import Generator, numpy_generator
from glassnet.tensor import Tensor

from ._interop import to_numpy, to_tensor
from .collate import default_collate


class Dataset:
    """Base class for map-style datasets: ``len(ds)`` samples, sample ``i`` is ``ds[i]``.

    Subclasses implement ``__getitem__`` and ``__len__``.  A sample is usually a
    tuple such as ``(image, label)``; ``DataLoader`` stacks samples into batches.

    Unlike PyTorch, a dataset may also override ``get_batch(indices)`` to build a
    whole batch at once.  ``DataLoader`` calls it (when no ``collate_fn`` is given),
    so a dataset backed by big arrays can gather a batch with one NumPy fancy-index
    instead of a Python loop over samples.  The default below is that loop.
    """

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} must implement __getitem__(index) to return sample number `index`"
        )

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__() to return the number of samples")

    def get_batch(self, indices: np.ndarray) -> Any:
        """The samples at ``indices`` (a 1-D int array), collated into a batch.

        Must return exactly what ``default_collate([self[i] for i in indices])``
        would; overriding it is only ever about speed.
        """
        return default_collate([self[int(i)] for i in indices])

    def __add__(self, other: Dataset) -> ConcatDataset:
        """``a + b`` is ``ConcatDataset([a, b])``, as in PyTorch."""
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset read as a stream: subclasses define ``__iter__``, yielding one sample at a time.

    For data that comes in order (lines of a file, samples generated on the fly)
    rather than by index.  ``DataLoader`` groups the samples into batches as they
    come; ``shuffle``, ``sampler`` and ``batch_sampler`` don't apply (the stream
    decides its order), and ``len(loader)`` needs the dataset to define ``__len__``.

    Example:
        >>> from glassnet.data import DataLoader, IterableDataset
        >>> class Squares(IterableDataset):
        ...     def __iter__(self):
        ...         return ((float(i), float(i * i)) for i in range(100))
        >>> x, y = next(iter(DataLoader(Squares(), batch_size=10)))
        >>> y[:4].tolist()
        [0.0, 1.0, 4.0, 9.0]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__() to yield its samples")


class TensorDataset(Dataset):
    """Samples are slices along the first dimension of the given tensors.

    ``TensorDataset(x, y)[i]`` is ``(x[i], y[i])``.  Batches are gathered with one
    fancy-index per tensor, so iterating a ``DataLoader`` over it is fast.

    Args:
        *tensors: glassnet Tensors (or NumPy arrays) with the same first dimension.

    Shape:
        - Input: ``(N, *)`` for every tensor; the trailing shapes may differ.
        - Sample ``i``: a tuple with one ``(*)`` slice per tensor.

    Example:
        >>> import glassnet
        >>> from glassnet.data import TensorDataset
        >>> ds = TensorDataset(glassnet.randn(100, 3), glassnet.zeros(100))
        >>> x, y = ds[0]
        >>> x.shape, y.shape
        (glassnet.Size([3]), glassnet.Size([]))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor, got none")
        sizes = [t.shape[0] if len(t.shape) else None for t in tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(
                "TensorDataset: all tensors must have the same size in the first "
                f"dimension (the sample axis), got sizes {sizes} from shapes {shapes}"
            )
        self.tensors = tensors
        self._arrays = [to_numpy(t) for t in tensors]

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def get_batch(self, indices: np.ndarray) -> list[Tensor]:
        """One fancy-index per tensor; returns a list of Tensors with ``len(indices)`` rows."""
        return [to_tensor(a[indices]) for a in self._arrays]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, in that order: ``Subset(ds, idx)[i]`` is ``ds[idx[i]]``.

    Args:
        dataset: any dataset (``len`` and indexing).
        indices (sequence of int): positions in ``dataset``; a list, a range, an
            int array or Tensor. Repeats are allowed.

    Shape:
        - ``len(subset) == len(indices)``; samples are the dataset's own.

    ``get_batch`` (used by ``DataLoader``) hands the mapped positions to the
    dataset's own ``get_batch``, so a ``Subset`` of ``MNIST`` or of a
    ``TensorDataset`` keeps their one-fancy-index batches.

    Example:
        >>> import glassnet
        >>> from glassnet.data import Subset, TensorDataset
        >>> train_set = TensorDataset(glassnet.arange(5000))
        >>> first_thousand = Subset(train_set, range(1000))
        >>> len(first_thousand), first_thousand[999]
        (1000, (tensor(999),))
    """

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    @property
    def indices(self) -> Sequence[int]:
        """The positions in ``dataset`` that this subset holds, as given (settable)."""
        return self._indices

    @indices.setter
    def indices(self, indices: Sequence[int]) -> None:
        self._indices = indices
        self._positions = np.asarray(to_numpy(indices), dtype=np.int64).reshape(-1)

    def __getitem__(self, idx: int | list[int]) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]  # type: ignore[index]  # a dataset that takes lists
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)

    def get_batch(self, indices: np.ndarray) -> Any:
        """The dataset's samples at ``indices[indices]``, batched by the dataset's ``get_batch`` if it has one."""
        positions = self._positions[indices]
        if hasattr(self.dataset, "get_batch"):
            return self.dataset.get_batch(positions)
        return default_collate([self.dataset[int(i)] for i in positions])


class ConcatDataset(Dataset):
    """Several datasets one after the other: the samples of ``datasets[0]``, then of ``datasets[1]``, ...

    Args:
        datasets (iterable of datasets): at least one.

    Attributes:
        cumulative_sizes (list of int): ``cumulative_sizes[k]`` is the number of
            samples in ``datasets[0..k]``; sample ``i`` lives in the first dataset
            whose cumulative size exceeds ``i``.

    ``a + b`` on two datasets builds ``ConcatDataset([a, b])``.
    """

    @staticmethod
    def cumsum(sequence: Iterable[Dataset]) -> list[int]:
        """The running totals of the datasets' lengths: ``[len(d0), len(d0) + len(d1), ...]``."""
        return list(itertools.accumulate(len(dataset) for dataset in sequence))

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        if any(isinstance(dataset, IterableDataset) for dataset in self.datasets):
            raise ValueError(
                "ConcatDataset does not support IterableDataset; hint: chain the streams "
                "in an IterableDataset of your own (itertools.chain)"
            )
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> Any:
        if idx < 0:
            if -idx > len(self):
                raise ValueError(
                    f"ConcatDataset: index {idx} is out of range for {len(self)} samples; "
                    "hint: the absolute value of an index should not exceed the dataset length"
                )
            idx = len(self) + idx
        dataset_idx = bisect.bisect_right(self.cumulative_sizes, idx)
        sample_idx = idx if dataset_idx == 0 else idx - self.cumulative_sizes[dataset_idx - 1]
        return self.datasets[dataset_idx][sample_idx]


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Generator | None = None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random ``Subset``s of the given lengths.

    Args:
        dataset: the dataset to split.
        lengths (sequence): the sizes of the parts, summing to ``len(dataset)``;
            or fractions summing to 1, e.g. ``[0.8, 0.2]``: each part gets
            ``floor(len(dataset) * fraction)`` samples and the samples left over
            go one each to the parts in turn, from the first (as in PyTorch).
        generator (glassnet.random.Generator, optional): where the random order
            comes from. Default: glassnet's default generator (``glassnet.manual_seed``).

    Returns:
        list of ``Subset``, one per length.

    Example:
        >>> import glassnet
        >>> from glassnet.data import TensorDataset, random_split
        >>> full_set = TensorDataset(glassnet.arange(1000))
        >>> train_set, val_set = random_split(full_set, [0.9, 0.1],
        ...                                   generator=glassnet.Generator().manual_seed(42))
        >>> len(train_set), len(val_set)
        (900, 100)
    """
    lengths = list(lengths)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        for i, fraction in enumerate(lengths):
            if not 0 <= fraction <= 1:
                raise ValueError(f"random_split: fraction at index {i} is {fraction}, not between 0 and 1")
        counts = [int(math.floor(len(dataset) * fraction)) for fraction in lengths]
        for i in range(len(dataset) - sum(counts)):
            counts[i % len(counts)] += 1
        for i, count in enumerate(counts):
            if count == 0:
                warnings.warn(
                    f"random_split: length of split at index {i} is 0; this might result in an empty dataset",
                    stacklevel=2,
                )
        lengths = counts
    if sum(lengths) != len(dataset):
        raise ValueError(
            f"random_split: the lengths {lengths} sum to {sum(lengths)}, but the dataset "
            f"has {len(dataset)} samples; hint: give lengths summing to {len(dataset)} "
            "or fractions summing to 1"
        )
    order = numpy_generator(generator).permutation(len(dataset)).tolist()
    ends = itertools.accumulate(lengths)
    return [Subset(dataset, order[end - length : end]) for end, length in zip(ends, lengths)]
