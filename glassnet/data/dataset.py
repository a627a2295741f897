"""Datasets: anything with ``len(ds)`` and ``ds[i]``, as in ``torch.utils.data``."""
from .collate import default_collate
from ._interop import to_numpy, to_tensor


class Dataset:
    """Base class for map-style datasets: ``len(ds)`` samples, sample ``i`` is ``ds[i]``.

    Subclasses implement ``__getitem__`` and ``__len__``.  A sample is usually a
    tuple such as ``(image, label)``; ``DataLoader`` stacks samples into batches.

    Unlike PyTorch, a dataset may also override ``get_batch(indices)`` to build a
    whole batch at once.  ``DataLoader`` calls it (when no ``collate_fn`` is given),
    so a dataset backed by big arrays can gather a batch with one NumPy fancy-index
    instead of a Python loop over samples.  The default below is that loop.
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index) "
                                  "to return sample number `index`")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__() "
                                  "to return the number of samples")

    def get_batch(self, indices):
        """The samples at ``indices`` (a 1-D int array), collated into a batch.

        Must return exactly what ``default_collate([self[i] for i in indices])``
        would; overriding it is only ever about speed.
        """
        return default_collate([self[int(i)] for i in indices])


class TensorDataset(Dataset):
    """Samples are slices along the first dimension of the given tensors.

    ``TensorDataset(x, y)[i]`` is ``(x[i], y[i])``.  Batches are gathered with one
    fancy-index per tensor, so iterating a ``DataLoader`` over it is fast.

    Args:
        *tensors: glassnet Tensors (or NumPy arrays) with the same first dimension.

    Shape:
        - Input: ``(N, *)`` for every tensor; the trailing shapes may differ.
        - Sample ``i``: a tuple with one ``(*)`` slice per tensor.

    Example::

        >>> ds = TensorDataset(glassnet.randn(100, 3), glassnet.zeros(100))
        >>> x, y = ds[0]          # x.shape == (3,), y.shape == ()
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor, got none")
        sizes = [t.shape[0] if len(t.shape) else None for t in tensors]
        if None in sizes or len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError("TensorDataset: all tensors must have the same size in the first "
                             f"dimension (the sample axis), got sizes {sizes} from shapes {shapes}")
        self.tensors = tensors
        self._arrays = [to_numpy(t) for t in tensors]

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]

    def get_batch(self, indices):
        """One fancy-index per tensor; returns a list of Tensors with ``len(indices)`` rows."""
        return [to_tensor(a[indices]) for a in self._arrays]
