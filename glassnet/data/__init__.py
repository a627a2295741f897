"""Feeding data to a model: datasets, batching and image transforms.

The counterpart of ``torch.utils.data`` (``Dataset``, ``TensorDataset``, ``Subset``,
``ConcatDataset``, ``random_split``, ``DataLoader``, the samplers, ``default_collate``) together with the parts of torchvision a
first training run needs (``glassnet.data.transforms``, ``glassnet.data.datasets``)::

    from glassnet.data import DataLoader, transforms as T
    from glassnet.data.datasets import MNIST, default_root

    train = MNIST(default_root(), train=True, download=True, transform=T.ToTensor())
    for images, labels in DataLoader(train, batch_size=64, shuffle=True):
        ...   # images: (64, 1, 28, 28) float32, labels: (64,) int64
"""

from . import datasets, transforms
from .collate import default_collate
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)


def get_worker_info():
    """None: glassnet loads every batch in the main process, where PyTorch's answer is None too."""
    return None


__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "Subset",
    "ConcatDataset",
    "random_split",
    "DataLoader",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "default_collate",
    "get_worker_info",
    "datasets",
    "transforms",
]
