"""Samplers: the order in which ``DataLoader`` visits a dataset, as in ``torch.utils.data``.

A sampler is an iterable of dataset indices (ints); ``BatchSampler`` groups
them into lists, one list per batch.  ``DataLoader(dataset, shuffle=True)``
uses ``RandomSampler`` and ``shuffle=False`` ``SequentialSampler``; pass your own
with ``sampler=`` (one index at a time) or ``batch_sampler=`` (whole batches)::

    weights = 1.0 / class_counts[labels]          # draw rare classes more often
    loader = DataLoader(ds, batch_size=64, sampler=WeightedRandomSampler(weights, len(ds)))

Randomness comes from the sampler's ``generator`` or glassnet's default one
(``glassnet.manual_seed``), drawn when an epoch's iteration starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Sized
from typing import Any

import numpy as np

from glassnet.random import Generator, numpy_generator
from glassnet.tensor import Tensor

from ._interop import to_numpy


class Sampler:
    """Base class: subclasses define ``__iter__`` (the indices) and usually ``__len__``."""

    def __init__(self, data_source: Sized | None = None) -> None:
        pass

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__() to yield dataset indices")


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1``, in order."""

    def __init__(self, data_source: Sized) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """The indices of ``data_source`` in a random order.

    Args:
        data_source: the dataset.
        replacement (bool): draw each index independently (repeats possible)
            instead of taking a permutation. Default: False.
        num_samples (int, optional): how many indices per epoch. Default:
            ``len(data_source)``. Without replacement and above that, several
            permutations follow one another, the last one cut short.
        generator (glassnet.random.Generator, optional): where the order comes from.
    """

    def __init__(
        self,
        data_source: Sized,
        replacement: bool = False,
        num_samples: int | None = None,
        generator: Generator | None = None,
    ) -> None:
        if not isinstance(replacement, bool):
            raise TypeError(
                f"RandomSampler: replacement should be a boolean value, but got replacement={replacement!r}"
            )
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if isinstance(self.num_samples, bool) or not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                f"RandomSampler: num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples!r}; hint: an empty dataset can't be shuffled"
            )

    @property
    def num_samples(self) -> int:
        """The number of indices drawn per epoch: ``num_samples`` if given, else the dataset's length."""
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n, rng = len(self.data_source), numpy_generator(self.generator)
        if self.replacement:
            order = rng.integers(0, n, size=self.num_samples)
        else:
            full, rest = divmod(self.num_samples, n)
            parts = [rng.permutation(n) for _ in range(full)] + ([rng.permutation(n)[:rest]] if rest else [])
            order = np.concatenate(parts)  # one permutation per epoch of the usual kind: resumable runs rely on it
        return iter(order.tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given ``indices`` in a random order (a new one every epoch), without repeats.

    Args:
        indices (sequence of int): the dataset indices to visit.
        generator (glassnet.random.Generator, optional): where the order comes from.

    Example: a train/validation split of one dataset::

        train_loader = DataLoader(ds, batch_size=64, sampler=SubsetRandomSampler(range(0, 50000)))
        val_loader = DataLoader(ds, batch_size=64, sampler=SubsetRandomSampler(range(50000, 60000)))
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        order = numpy_generator(self.generator).permutation(len(self.indices))
        return (self.indices[i] for i in order.tolist())

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``.

    Args:
        weights (sequence of float): one non-negative weight per dataset index
            (they need not sum to 1).
        num_samples (int): how many indices per epoch.
        replacement (bool): draw with replacement (default), else each index at
            most once (then ``num_samples`` can't exceed the number of non-zero weights).
        generator (glassnet.random.Generator, optional): where the draws come from.
    """

    def __init__(
        self,
        weights: Sequence[float] | np.ndarray | Tensor,
        num_samples: int,
        replacement: bool = True,
        generator: Generator | None = None,
    ) -> None:
        if isinstance(num_samples, bool) or not isinstance(num_samples, int) or num_samples <= 0:
            raise ValueError(
                f"WeightedRandomSampler: num_samples should be a positive integer value, "
                f"but got num_samples={num_samples!r}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(
                f"WeightedRandomSampler: replacement should be a boolean value, but got replacement={replacement!r}"
            )
        weights = np.asarray(to_numpy(weights), dtype=np.float64)
        if weights.ndim != 1:
            raise ValueError(
                f"WeightedRandomSampler: weights should be a 1-d sequence, but given weights have shape {weights.shape}"
            )
        if (weights < 0).any() or not np.isfinite(weights).all() or weights.sum() == 0:
            raise ValueError("WeightedRandomSampler: weights must be finite, non-negative and not all zero")
        if not replacement and num_samples > np.count_nonzero(weights):
            raise RuntimeError(
                f"WeightedRandomSampler: cannot draw {num_samples} samples without replacement "
                f"from {np.count_nonzero(weights)} non-zero weights; hint: replacement=True"
            )
        self.weights = weights
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self) -> Iterator[int]:
        order = numpy_generator(self.generator).choice(
            len(self.weights), size=self.num_samples, replace=self.replacement, p=self.weights / self.weights.sum()
        )
        return iter(order.tolist())

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    """Groups the indices of ``sampler`` into lists of ``batch_size``.

    Args:
        sampler (iterable of int): e.g. a ``SequentialSampler`` or ``RandomSampler``.
        batch_size (int): indices per batch.
        drop_last (bool): drop the last list when it is shorter than ``batch_size``.

    Example::

        >>> list(BatchSampler(SequentialSampler(range(10)), batch_size=3, drop_last=False))
        [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    """

    def __init__(self, sampler: Sampler | Iterable[int], batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"BatchSampler: batch_size should be a positive integer value, but got batch_size={batch_size!r}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(f"BatchSampler: drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self) -> Iterator[list[int]]:
        return self._batches(iter(self.sampler))  # the sampler starts (and draws its order) now

    def _batches(self, indices: Iterator[int]) -> Iterator[list[int]]:
        batch = []
        for index in indices:
            batch.append(index)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        full, rest = divmod(len(self.sampler), self.batch_size)  # type: ignore[arg-type]  # a sampler with a length
        return full if self.drop_last or rest == 0 else full + 1
