"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches."""
import warnings

import numpy as np

from glassnet.random import numpy_generator

from .collate import default_collate


_NO_WORKERS = "glassnet has no worker processes, batches are built in the main process"

# PyTorch arguments accepted at their default only: name -> (default, hint)
_DEFAULTS_ONLY = {
    "sampler": (None, "use shuffle=True for a random order, or pass a dataset holding only "
                      "the samples you want"),
    "batch_sampler": (None, "use batch_size, shuffle and drop_last"),
    "timeout": (0, _NO_WORKERS),
    "worker_init_fn": (None, _NO_WORKERS + "; set things up before the loop instead"),
    "multiprocessing_context": (None, _NO_WORKERS),
    "prefetch_factor": (None, _NO_WORKERS),
    "persistent_workers": (False, _NO_WORKERS),
}


class DataLoader:
    """Iterates over ``dataset`` in batches of ``batch_size`` samples, like PyTorch's.

    Each epoch (each ``for batch in loader``) visits every sample once: in order,
    or, with ``shuffle=True``, in a fresh random order.

    Args:
        dataset: anything with ``len(dataset)`` and ``dataset[i]``, usually a ``Dataset``.
        batch_size (int): samples per batch. Default: 1.
        shuffle (bool): draw a new random order every epoch. Default: False.
        collate_fn (callable, optional): turns a list of samples into a batch.
            Default: ``default_collate``, which stacks them into Tensors.
        drop_last (bool): skip the last batch when it has fewer than
            ``batch_size`` samples. Default: False.
        generator (glassnet.random.Generator, optional): where the shuffle order
            comes from. Default: glassnet's default generator, so
            ``glassnet.manual_seed(s)`` makes the order reproducible.
        num_workers (int): must be 0, PyTorch's default. Unlike PyTorch, glassnet
            has no worker processes: batches are built in this process, between
            training steps. ``num_workers > 0`` is a ValueError saying so.
        pin_memory (bool): accepted and ignored: pinned memory speeds up copies to
            a GPU, and glassnet runs on the CPU. ``True`` warns once, as PyTorch
            does on a machine without an accelerator.

    These PyTorch arguments are accepted with their default values only, so that
    code copied from a PyTorch tutorial runs; any other value is a ValueError
    with a hint: ``sampler=None`` and ``batch_sampler=None`` (use ``shuffle``,
    ``batch_size`` and ``drop_last``), and the worker-process settings
    ``timeout=0``, ``worker_init_fn=None``, ``multiprocessing_context=None``,
    ``prefetch_factor=None``, ``persistent_workers=False``.

    Positional use: ``dataset``, ``batch_size`` and ``shuffle`` may be passed by
    position, in PyTorch's order; every other argument is keyword-only (unlike
    PyTorch, which also takes ``sampler``, ``batch_sampler``, ``num_workers``, ...
    by position: here such a call is a TypeError, never a silent mix-up).

    The order of an epoch is drawn when the epoch starts (``iter(loader)``) with one
    ``permutation`` call, so it depends only on the generator's state at that
    moment: to resume a run, restore the generator state saved at the start of the
    epoch (``generator.get_state()``) and the same order comes out again.

    Fast path (unlike PyTorch): when ``collate_fn`` is not given and the dataset
    has a ``get_batch(indices)`` method (``TensorDataset`` and ``MNIST`` do), the
    whole batch comes from that one call, typically one NumPy fancy-index, instead
    of ``batch_size`` calls to ``dataset[i]``. The batches are the same either way.

    Shape:
        With ``(x, y)`` samples, each batch is a list ``[X, Y]`` with
        ``X.shape == (B, *x.shape)``, where ``B == batch_size`` except possibly
        for the last batch.

    Example::

        >>> loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
        >>> for xb, yb in loader:
        ...     loss = loss_fn(model(xb), yb)
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, *, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None,
                 prefetch_factor=None, persistent_workers=False):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, "
                             f"but got batch_size={batch_size!r}")
        if num_workers != 0:
            raise ValueError(f"DataLoader: num_workers={num_workers!r}: glassnet loads batches "
                             "in the main process (unlike PyTorch); use num_workers=0")
        given = {"sampler": sampler, "batch_sampler": batch_sampler, "timeout": timeout,
                 "worker_init_fn": worker_init_fn,
                 "multiprocessing_context": multiprocessing_context,
                 "prefetch_factor": prefetch_factor, "persistent_workers": persistent_workers}
        for name, (default, hint) in _DEFAULTS_ONLY.items():
            value = given[name]
            # a None default is compared by identity: a sampler may be an array
            if value is not default and (default is None or value != default):
                raise ValueError(f"DataLoader: {name}={value!r} is not supported (unlike "
                                 f"PyTorch); leave {name}={default!r}: {hint}")
        if pin_memory:
            warnings.warn("DataLoader: pin_memory=True has no effect: glassnet runs on the CPU, "
                          "so there is no GPU copy to speed up", stacklevel=2)
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = bool(shuffle)
        self.collate_fn = collate_fn
        self.drop_last = drop_last
        self.generator = generator

    def __len__(self):
        """The number of batches per epoch."""
        full, rest = divmod(len(self.dataset), self.batch_size)
        return full if self.drop_last or rest == 0 else full + 1

    def __iter__(self):
        n = len(self.dataset)
        if self.shuffle:
            order = numpy_generator(self.generator).permutation(n)  # drawn now, at epoch start
        else:
            order = np.arange(n)
        return self._batches(order)

    def _batches(self, order):
        for b in range(len(self)):
            yield self._fetch(order[b * self.batch_size:(b + 1) * self.batch_size])

    def _fetch(self, indices):
        if self.collate_fn is None and hasattr(self.dataset, "get_batch"):
            return self.dataset.get_batch(indices)
        collate = self.collate_fn or default_collate
        return collate([self.dataset[int(i)] for i in indices])
