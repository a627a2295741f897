"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from glassnet.random import Generator

from .collate import default_collate
from .dataset import Dataset, IterableDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler


class DataLoader:
    """Iterates over ``dataset`` in batches of ``batch_size`` samples, like PyTorch's.

    Each epoch (each ``for batch in loader``) visits every sample once: in order,
    or, with ``shuffle=True``, in a fresh random order.

    Args:
        dataset: anything with ``len(dataset)`` and ``dataset[i]``, usually a ``Dataset``;
            or an ``IterableDataset``, whose samples are batched in the order they come.
        batch_size (int): samples per batch. Default: 1.
        shuffle (bool): draw a new random order every epoch. Default: False.
        sampler (iterable of int, optional): the indices to visit and their order,
            e.g. a ``SubsetRandomSampler`` or ``WeightedRandomSampler``; replaces
            ``shuffle``. Default: ``RandomSampler`` if ``shuffle`` else ``SequentialSampler``.
        batch_sampler (iterable of lists of int, optional): whole batches of indices;
            replaces ``batch_size``, ``shuffle``, ``sampler`` and ``drop_last``.
        num_workers (int): how many worker processes PyTorch would load batches in.
            Unlike PyTorch, glassnet builds every batch in this process, between
            training steps, whatever the number: the batches are the same, only
            not prepared in parallel. Default: 0.
        collate_fn (callable, optional): turns a list of samples into a batch.
            Default: ``default_collate``, which stacks them into Tensors.
        pin_memory (bool): accepted and ignored: pinned memory speeds up copies to
            a GPU, and glassnet runs on the CPU. ``True`` warns, as PyTorch does on
            a machine without an accelerator.
        drop_last (bool): skip the last batch when it has fewer than
            ``batch_size`` samples. Default: False.
        timeout: worker-process setting: checked as PyTorch checks it, and without effect (there are no worker processes).
        worker_init_fn: never called, as in PyTorch with ``num_workers=0``.
        multiprocessing_context: worker-process setting: checked as PyTorch checks it, and without effect (there are no worker processes).
        prefetch_factor: worker-process setting: checked as PyTorch checks it, and without effect (there are no worker processes).
        persistent_workers: worker-process setting: checked as PyTorch checks it, and without effect (there are no worker processes).
        pin_memory_device: worker-process setting: checked as PyTorch checks it, and without effect (there are no worker processes).
        in_order: worker-process setting: checked as PyTorch checks it, and without effect (there are no worker processes).
        generator (glassnet.random.Generator, optional): where the shuffle order
            comes from. Default: glassnet's default generator, so
            ``glassnet.manual_seed(s)`` makes the order reproducible.

    Attributes:
        sampler: the sampler of single indices (built from ``shuffle`` if not given).
        batch_sampler: the sampler of batches (a ``BatchSampler`` of ``sampler``
            if not given).

    Positional use: ``dataset``, ``batch_size`` and ``shuffle`` may be passed by
    position, in PyTorch's order; every other argument is keyword-only (unlike
    PyTorch, which also takes ``sampler``, ``batch_sampler``, ``num_workers``, ...
    by position: here such a call is a TypeError, never a silent mix-up).

    The order of an epoch is drawn when the epoch starts (``iter(loader)``), from
    ``sampler`` (with ``shuffle=True``: one ``permutation`` call), so it depends
    only on the generator's state at that moment: to resume a run, restore the
    generator state saved at the start of the epoch (``generator.get_state()``) and
    the same order comes out again.

    Fast path (unlike PyTorch): when ``collate_fn`` is not given and the dataset
    has a ``get_batch(indices)`` method (``TensorDataset``, ``Subset`` and ``MNIST``
    do), the whole batch comes from that one call, typically one NumPy fancy-index,
    instead of ``batch_size`` calls to ``dataset[i]``. The batches are the same either way.

    Shape:
        With ``(x, y)`` samples, each batch is a list ``[X, Y]`` with
        ``X.shape == (B, *x.shape)``, where ``B == batch_size`` except possibly
        for the last batch.

    Example:
        >>> import glassnet
        >>> from glassnet.data import DataLoader, TensorDataset
        >>> x, y = glassnet.randn(100, 3), glassnet.randint(0, 2, (100,))
        >>> loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
        >>> [(tuple(xb.shape), tuple(yb.shape)) for xb, yb in loader]
        [((64, 3), (64,)), ((36, 3), (36,))]
    """

    def __init__(
        self,
        dataset: Dataset,
        batch_size: int | None = 1,
        shuffle: bool = False,
        *,
        sampler: Sampler | Iterable[int] | None = None,
        batch_sampler: Sampler | Iterable[list[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Generator | None = None,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        _check_worker_settings(num_workers, timeout, multiprocessing_context, prefetch_factor, persistent_workers)
        if isinstance(dataset, IterableDataset) and (shuffle or sampler is not None or batch_sampler is not None):
            raise ValueError(
                "DataLoader with IterableDataset: expected unspecified shuffle, sampler and "
                "batch_sampler options; hint: an iterable dataset yields its samples in its own order"
            )
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "DataLoader: batch_sampler option is mutually exclusive with batch_size, "
                    "shuffle, sampler, and drop_last; hint: give the batch_sampler alone"
                )
        elif isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(
                f"DataLoader: batch_size should be a positive integer value, but got batch_size={batch_size!r}"
            )
        if sampler is not None and shuffle:
            raise ValueError(
                "DataLoader: sampler option is mutually exclusive with shuffle; "
                "hint: a random sampler already shuffles, drop shuffle=True"
            )
        if pin_memory:
            warnings.warn(
                "DataLoader: pin_memory=True has no effect: glassnet runs on the CPU, "
                "so there is no GPU copy to speed up",
                stacklevel=2,
            )
        if isinstance(dataset, IterableDataset):
            sampler = dataset  # the stream itself; batch_sampler groups its samples
        elif sampler is None:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, bool(drop_last))
        else:
            batch_size, drop_last = None, False
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.num_workers = num_workers
        self.collate_fn = collate_fn
        self.generator = generator

    def __len__(self) -> int:
        """The number of batches per epoch."""
        return len(self.batch_sampler)  # type: ignore[arg-type]  # a batch sampler with a length

    def __iter__(self) -> Iterator[Any]:
        if isinstance(self.dataset, IterableDataset):
            collate = self.collate_fn or default_collate
            return (collate(samples) for samples in self.batch_sampler)
        batches = iter(self.batch_sampler)  # glassnet's random samplers draw the epoch's order now
        return (self._fetch(np.asarray(batch, dtype=np.int64)) for batch in batches)

    def _fetch(self, indices: np.ndarray) -> Any:
        if self.collate_fn is None and hasattr(self.dataset, "get_batch"):
            return self.dataset.get_batch(indices)
        collate = self.collate_fn or default_collate
        return collate([self.dataset[int(i)] for i in indices])


def _check_worker_settings(
    num_workers: int,
    timeout: float,
    multiprocessing_context: Any,
    prefetch_factor: int | None,
    persistent_workers: bool,
) -> None:
    """Refuse the worker settings PyTorch refuses, with its reasons; the rest have no effect here."""
    if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
        raise ValueError(
            f"DataLoader: num_workers option should be a non-negative integer, got "
            f"num_workers={num_workers!r}; use num_workers=0 to disable multiprocessing"
        )
    if timeout < 0:
        raise ValueError(f"DataLoader: timeout option should be non-negative, got timeout={timeout!r}")
    if num_workers == 0:
        if multiprocessing_context is not None:
            raise ValueError(
                "DataLoader: multiprocessing_context can only be used with multi-process "
                "loading (num_workers > 0), but got num_workers=0"
            )
        if prefetch_factor is not None:
            raise ValueError(
                "DataLoader: prefetch_factor option could only be specified in "
                "multiprocessing; let num_workers > 0 to enable multiprocessing, "
                "otherwise set prefetch_factor to None"
            )
        if persistent_workers:
            raise ValueError("DataLoader: persistent_workers option needs num_workers > 0")
    elif prefetch_factor is not None and prefetch_factor < 0:
        raise ValueError(
            f"DataLoader: prefetch_factor option should be non-negative, got prefetch_factor={prefetch_factor!r}"
        )
