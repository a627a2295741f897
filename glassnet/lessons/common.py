"""What the lessons share: a place for their figures, and the MNIST digits.

Figures are drawn with matplotlib's object-oriented API: ``figure()`` makes a
``matplotlib.figure.Figure``, which writes PNG files without opening a window
and without touching pyplot's global state, and ``save`` writes it into the
lesson's output folder.
"""
import os

from .._extras import install_hint


class DatasetUnavailable(RuntimeError):
    """A lesson needs a data set that could not be found or downloaded."""


def figure(width, height):
    """A new matplotlib Figure of ``width`` × ``height`` inches, laid out so labels never overlap."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            f"lesson figures need matplotlib; hint: {install_hint('viz')}, or run the lesson without --out"
        ) from None
    return Figure(figsize=(width, height), layout="constrained")


def save(fig, out_dir, name):
    """Write ``fig`` as ``out_dir/name`` (PNG) and return the path."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    fig.savefig(path, dpi=100)
    print(f"figure written: {path}")
    return path


def mnist(train=False):
    """MNIST as ``(images, labels)``: uint8 ``(N, 28, 28)`` and int64 ``(N,)``.

    Downloaded once into ``glassnet.data.datasets.default_root()``.  Raises
    ``DatasetUnavailable`` when the files are neither there nor downloadable.
    """
    from ..data import datasets

    try:
        dataset = datasets.MNIST(datasets.default_root(), train=train, download=True)
    except (RuntimeError, OSError) as error:
        raise DatasetUnavailable(f"this lesson needs MNIST, which could not be obtained: {error}") from error
    return dataset.data, dataset.targets
