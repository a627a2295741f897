"""``DataLoader``: iterate over a dataset in (shuffled) mini-batches."""
import numpy as np

from glassnet.random import numpy_generator

from .collate import default_collate


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

    The order of an epoch is drawn when the epoch starts (``iter(loader)``) with one
    ``permutation`` call, so it depends only on the generator's state at that
    moment: to resume a run, restore the generator state saved at the start of the
    epoch (``generator.get_state()``) and the same order comes out again.

    Fast path (unlike PyTorch): when ``collate_fn`` is not given and the dataset
    has a ``get_batch(indices)`` method (``TensorDataset`` and ``MNIST`` do), the
    whole batch comes from that one call, typically one NumPy fancy-index, instead
    of ``batch_size`` calls to ``dataset[i]``. The batches are the same either way.
    Only ``num_workers=0`` behaviour exists: batches are built in this process.

    Shape:
        With ``(x, y)`` samples, each batch is a list ``[X, Y]`` with
        ``X.shape == (B, *x.shape)``, where ``B == batch_size`` except possibly
        for the last batch.

    Example::

        >>> loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True)
        >>> for xb, yb in loader:
        ...     loss = loss_fn(model(xb), yb)
    """

    def __init__(self, dataset, batch_size=1, shuffle=False, *, collate_fn=None,
                 drop_last=False, generator=None):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"DataLoader: batch_size should be a positive integer value, "
                             f"but got batch_size={batch_size!r}")
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
