"""Lesson 12: pooling, on the slides' 8×8 grid.

Slides: "Images are BIG", "Pooling Layer" and the "Maxpooling Layer, 2x2
stride 2" sequence.

A pooling layer shrinks an image by summarising each region: a 2×2 window,
moved 2 pixels at a time (stride 2), turns the 8×8 grid into 4×4.  Max
pooling keeps the largest value of each window, average pooling the mean,
min pooling the smallest.  There are no weights to learn.

Run it: ``glassnet lesson pooling --out lesson-figures``
"""

import numpy as np

import glassnet
from glassnet.nn import functional as F

from .common import figure, figures_wanted, save, written

TITLE = "Pooling: 2×2 stride 2 max, average and min pooling of the slides' 8×8 grid"

GRID = np.array(
    [
        [-7, 6, -1, 3, 9, 9, 6, -9],
        [3, -8, 0, 7, 10, 8, -3, 10],
        [-4, 2, -6, 4, -7, 5, 5, 7],
        [-3, -9, 1, 8, -8, 9, -1, -5],
        [-7, 10, -9, -5, 9, -8, -7, 10],
        [-5, 5, 9, 4, 10, -8, 7, 6],
        [-3, 8, 0, 2, 2, -3, -2, 5],
        [4, -6, 7, -3, 1, 4, 10, 0],
    ]
)

POOLS = {"max": F.max_pool2d, "average": F.avg_pool2d, "min": F.min_pool2d}


def run(out_dir=None, quick=False):
    """Print the three 4×4 results; draw the grid and the results into ``out_dir`` if given."""
    x = glassnet.tensor(GRID[None, None], dtype=glassnet.float32)  # (N=1, C=1, 8, 8)
    print("The slide's 8×8 grid:")
    print("\n".join("  " + " ".join(f"{v:3d}" for v in row) for row in GRID))
    results = {}
    for name, pool in POOLS.items():
        results[name] = pool(x, kernel_size=2, stride=2).numpy()[0, 0]
        print(f"{name} pooling, 2×2 stride 2:")
        print("\n".join("  " + " ".join(f"{v:5g}" for v in row) for row in results[name]))

    figures = written(draw_pooling(results, out_dir)) if figures_wanted(out_dir) else []
    return {**results, "figures": figures}


def draw_pooling(results, out_dir):
    """The 8×8 grid with its 2×2 windows, then each 4×4 result, cells of one size on one colour scale."""
    from matplotlib.patches import Circle

    fig = figure(11.6, 5.2)
    axes = fig.subplots(1, 4, width_ratios=[2, 1, 1, 1])  # 8 cells across, then 4: every cell the same size
    panels = [(GRID, "8×8 input (maxima circled)")]
    panels += [(pooled, f"{name} pooling") for name, pooled in results.items()]
    for ax, (grid, title) in zip(axes, panels):
        image = ax.imshow(grid, cmap="coolwarm", vmin=-10, vmax=10)
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{value:g}", ha="center", va="center", fontsize=12 if grid is GRID else 11)
        ax.set(xticks=[], yticks=[])
        ax.set_title(title, fontsize=12)
    for k in range(5):  # the borders of the 2×2 windows
        axes[0].axhline(2 * k - 0.5, color="black", lw=2)
        axes[0].axvline(2 * k - 0.5, color="black", lw=2)
    is_max = GRID.reshape(4, 2, 4, 2) == results["max"][:, None, :, None]  # [window row, i, window column, j]
    for i, j in zip(*np.nonzero(is_max.reshape(8, 8))):
        axes[0].add_patch(Circle((j, i), 0.42, fill=False, color="black", lw=1.5))
    fig.colorbar(image, ax=axes, label="value", shrink=0.5, aspect=15)
    fig.suptitle("Pooling with 2×2 windows and stride 2: 8×8 → 4×4", fontsize=14)
    return save(fig, out_dir, "pooling.png")
