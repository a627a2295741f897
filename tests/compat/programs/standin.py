"""What the compat programs use when the real datasets are absent, and a shared starting point.

The tutorials download FashionMNIST, MNIST and CIFAR-10; CI cannot.  When the
environment variable ``COMPAT_DATA`` names a folder holding the raw files
(``COMPAT_DATA/MNIST/raw/...``, torchvision's layout), a program uses the real
dataset from there; otherwise it uses the small synthetic stand-ins below.  They
are plain ``torch.utils.data.Dataset`` subclasses written with the PyTorch API, so
they run unchanged under glassnet (through the shim) and under PyTorch, and they
give the same samples under both: the pixels come from NumPy's seeded generator.

Each stand-in holds uint8 images, as MNIST and CIFAR-10 store them, and hands them
to the ``transform`` like the real dataset does (``ToTensor`` then scales them to
[0, 1]).  Every class has its own random template; a sample is its class's
template plus noise, so a small network learns to tell the classes apart in a few
steps.

``seeded_init_`` gives a model the same starting weights under both frameworks,
whose own random generators differ: the printed losses can then be compared.
"""
import os

import numpy as np
import torch
from torch.utils.data import Dataset


def data_root():
    """The folder named by ``COMPAT_DATA``, or None: use the stand-ins."""
    return os.environ.get("COMPAT_DATA") or None


class TemplateImages(Dataset):
    """``size`` uint8 images of shape ``image_shape`` in ``len(classes)`` classes (template + noise).

    A fraction ``density`` of each template's pixels is lit (random values), the rest dark.
    """

    classes = [str(i) for i in range(10)]

    def __init__(self, train=True, transform=None, target_transform=None, size=None,
                 image_shape=(28, 28), noise=60, density=0.2):
        size = size or (256 if train else 128)
        shape = (len(self.classes), *image_shape)
        template_rng = np.random.default_rng(1234)
        # mostly dark, like MNIST's digits: a pixel is lit with probability `density`
        templates = template_rng.integers(0, 256, shape) * (template_rng.random(shape) < density)
        rng = np.random.default_rng(1 if train else 2)
        self.targets = rng.integers(0, len(self.classes), size)
        pixels = templates[self.targets] + rng.integers(-noise, noise + 1, (size, *image_shape))
        self.data = np.clip(pixels, 0, 255).astype(np.uint8)
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        image, label = self.data[idx], int(self.targets[idx])
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


class FakeFashionMNIST(TemplateImages):
    """Stands in for ``datasets.FashionMNIST``: 28x28 grey images, its ten class names."""

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


class FakeMNIST(TemplateImages):
    """Stands in for ``datasets.MNIST``: 28x28 grey images of ten classes."""


class FakeCIFAR10(TemplateImages):
    """Stands in for ``datasets.CIFAR10``: 32x32 colour images (H, W, C), its ten class names."""

    classes = ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    def __init__(self, train=True, transform=None, target_transform=None, size=None):
        super().__init__(train, transform, target_transform, size, image_shape=(32, 32, 3), density=1.0)


def seeded_init_(model, seed=0):
    """Overwrite every parameter with draws from NumPy's generator seeded with ``seed``.

    The values follow PyTorch's default initialisation, uniform in
    [-1/sqrt(fan_in), 1/sqrt(fan_in)] (a bias takes its weight's bound); only the
    generator differs, so that glassnet and PyTorch start from the same weights.
    """
    rng = np.random.default_rng(seed)
    bound = 1.0
    with torch.no_grad():
        for name, param in model.named_parameters():
            if param.dim() > 1:
                bound = 1.0 / np.sqrt(np.prod(tuple(param.shape)[1:]))
            values = rng.uniform(-bound, bound, tuple(param.shape))
            param.copy_(torch.from_numpy(values))
    return model
