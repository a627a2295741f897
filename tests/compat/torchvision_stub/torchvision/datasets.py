"""torchvision.datasets' MNIST and FashionMNIST, read from raw IDX files already on disk (test scaffolding).

No download: the compat programs use these only when ``COMPAT_DATA`` names a folder
holding ``MNIST/raw`` or ``FashionMNIST/raw``.  Images are handed to the transform as
(28, 28) uint8 NumPy arrays (torchvision hands over PIL images; ``ToTensor`` turns
both into the same tensor).
"""

import gzip
import os

import numpy as np
import torch
from torch.utils.data import Dataset


def _read_idx(path):
    if os.path.exists(path):
        with open(path, "rb") as f:
            data = f.read()
    else:
        with gzip.open(path + ".gz", "rb") as f:
            data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(bytearray(data), dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


class MNIST(Dataset):
    classes = [
        "0 - zero",
        "1 - one",
        "2 - two",
        "3 - three",
        "4 - four",
        "5 - five",
        "6 - six",
        "7 - seven",
        "8 - eight",
        "9 - nine",
    ]

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        raw = os.path.join(root, type(self).__name__, "raw")
        prefix = "train" if train else "t10k"
        self.data = _read_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte"))
        self.targets = torch.from_numpy(_read_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte")).astype(np.int64))
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        img, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target


class FashionMNIST(MNIST):
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
