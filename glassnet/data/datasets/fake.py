"""``FakeData``: random images and labels, for trying a pipeline without downloading anything."""

import numpy as np

from ..dataset import Dataset


class FakeData(Dataset):
    """``size`` random images with random labels, torchvision's ``FakeData``.

    Sample ``i`` is the same every time it is read: its pixels and label come
    from a NumPy generator seeded with ``i + random_offset`` (torchvision seeds
    torch's generator the same way, so the values differ from torchvision's,
    and glassnet's own random state is left alone).

    Args:
        size (int): the number of samples. Default: 1000.
        image_size (tuple): ``(C, H, W)`` of each image. Default: ``(3, 224, 224)``.
        num_classes (int): labels are ``0 .. num_classes - 1``. Default: 10.
        transform (callable, optional): applied to each image, e.g. ``ToTensor()``.
        target_transform (callable, optional): applied to each label.
        random_offset (int): shifts the seeds, for a different set of samples. Default: 0.

    Shape:
        - Image without a transform: a ``uint8`` array ``(H, W)`` when ``C == 1``,
          else ``(H, W, C)`` (where torchvision gives a PIL image of that shape);
          with ``ToTensor()`` a ``(C, H, W)`` float32 Tensor in [0, 1].
        - Label: an ``int``.

    Example:
        >>> from glassnet.data.datasets import FakeData
        >>> from glassnet.data.transforms import ToTensor
        >>> ds = FakeData(size=100, image_size=(1, 28, 28), transform=ToTensor())
        >>> image, label = ds[0]
        >>> image.shape, image.dtype, 0 <= label < 10
        (glassnet.Size([1, 28, 28]), glassnet.float32, True)
    """

    def __init__(
        self,
        size=1000,
        image_size=(3, 224, 224),
        num_classes=10,
        transform=None,
        target_transform=None,
        random_offset=0,
    ):
        self.size = size
        self.image_size = tuple(image_size)
        self.num_classes = num_classes
        self.transform = transform
        self.target_transform = target_transform
        self.random_offset = random_offset

    def __getitem__(self, index):
        if not -self.size <= index < self.size:
            raise IndexError(f"FakeData: index {index} is out of range for {self.size} samples")
        rng = np.random.default_rng(index % self.size + self.random_offset)
        channels, height, width = self.image_size
        img = rng.integers(0, 256, size=(height, width, channels), dtype=np.uint8)
        img = img[:, :, 0] if channels == 1 else img
        target = int(rng.integers(0, self.num_classes))
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"Dataset FakeData\n    Number of datapoints: {self.size}"
