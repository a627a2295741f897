"""What the lessons share: a place for their figures, and the MNIST digits.

Figures are drawn with matplotlib's object-oriented API: ``figure()`` makes a
``matplotlib.figure.Figure``, which writes PNG files without opening a window
and without touching pyplot's global state, and ``save`` writes it into the
lesson's output folder.  In a Jupyter notebook ``save`` also shows the figure
inline, so a lesson draws its figures there even without an output folder
(``figures_wanted``); in a terminal nothing is drawn unless a folder is given.
"""

import importlib.util
import io
import os
import sys

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


def in_notebook():
    """True inside a Jupyter kernel, where figures can be shown inline; False in a terminal, IPython's included."""
    if "IPython" not in sys.modules:  # a notebook's kernel has always imported it; never import it here
        return False
    try:
        shell = sys.modules["IPython"].get_ipython()
    except AttributeError:
        return False
    return getattr(shell, "kernel", None) is not None


def figures_wanted(out_dir):
    """Whether a lesson draws its figures: to write them into ``out_dir``, or to show them in a notebook.

    In a notebook without matplotlib the lesson just prints its numbers; with an
    ``out_dir`` but no matplotlib, ``figure`` says how to install it.
    """
    return out_dir is not None or (in_notebook() and importlib.util.find_spec("matplotlib") is not None)


def save(fig, out_dir, name):
    """Show ``fig`` inline in a notebook; write it as ``out_dir/name`` (PNG) if ``out_dir`` is given.

    Returns the path written, or None.  The notebook shows the very PNG the file gets.
    """
    # Constrained layout places titles and labels at each draw, from where the last draw left them; a
    # figure of images (fixed aspect ratio) needs a second pass, or its titles can end above the top.
    fig.draw_without_rendering()
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=100)
    if in_notebook():
        from IPython.display import Image, display

        display(Image(data=png.getvalue(), format="png"))
    if out_dir is None:
        return None
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name)
    with open(path, "wb") as file:
        file.write(png.getvalue())
    print(f"figure written: {path}")
    return path


def written(*paths):
    """The figures' files that were written: the paths ``save`` returned, without the Nones."""
    return [path for path in paths if path is not None]


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
    return dataset.images, dataset.labels
