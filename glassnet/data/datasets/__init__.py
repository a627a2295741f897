"""Ready-made datasets (torchvision.datasets' counterpart) and where to keep them."""

import os

from .fake import FakeData
from .mnist import MNIST, FashionMNIST


def default_root():
    """The folder glassnet keeps datasets in unless told otherwise.

    ``$GLASSNET_DATA`` if set, else ``$XDG_CACHE_HOME/glassnet``, else
    ``~/.cache/glassnet``.  Pass it as ``root``: ``MNIST(default_root(), download=True)``.
    """
    if os.environ.get("GLASSNET_DATA"):
        return os.path.expanduser(os.environ["GLASSNET_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "glassnet")


__all__ = ["FakeData", "MNIST", "FashionMNIST", "default_root"]
