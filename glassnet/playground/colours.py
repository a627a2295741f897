"""The heatmaps' colour scale (``heatmap.ts:69-82``): 31 colours from orange (-1) through grey (0) to blue (+1).

The original builds ``d3.scale.quantize().domain([-1, 1])`` over 31 colours
sampled from the linear scale ``[0, .5, 1] → [#f59322, #e8eaeb, #0877bd]``.  A
value v gets colour ``clamp(floor(31·(v + 1)/2), 0, 30)``; with "discretize"
on, v is first replaced by ``v >= 0 ? 1 : -1``.  Orange means negative, blue
positive.  Canvas pixels use alpha 160.
"""

import numpy as np

PALETTE = (
    "#f59322",
    "#f4992f",
    "#f39f3d",
    "#f2a44a",
    "#f2aa58",
    "#f1b065",
    "#f0b672",
    "#efbc80",
    "#eec18d",
    "#edc79b",
    "#eccda8",
    "#ebd3b5",
    "#ebd9c3",
    "#eaded0",
    "#e9e4de",
    "#e8eaeb",
    "#d9e2e8",
    "#cadbe5",
    "#bbd3e2",
    "#accbdf",
    "#9dc4dc",
    "#8ebcd9",
    "#7fb4d6",
    "#71add2",
    "#62a5cf",
    "#539dcc",
    "#4496c9",
    "#358ec6",
    "#2686c3",
    "#177fc0",
    "#0877bd",
)
ALPHA = 160
NAN_INDEX = len(PALETTE)  # NaN has no colour (the original paints it black)


def colour_indices(values, discretize=False):
    """Palette indices (uint8) for heatmap values: 0 (orange, -1) … 15 (grey, 0) … 30 (blue, +1).

    NaN gets ``NAN_INDEX`` (31) unless ``discretize`` turned it into -1.
    Shape: the same as ``values``.
    """
    values = np.asarray(values, dtype=np.float64)
    if discretize:
        values = np.where(values >= 0, 1.0, -1.0)  # NaN >= 0 is false: NaN becomes -1, as in JavaScript
    with np.errstate(invalid="ignore"):
        index = np.floor(len(PALETTE) * (values + 1) / 2)
    return np.where(np.isnan(index), NAN_INDEX, np.clip(index, 0, len(PALETTE) - 1)).astype(np.uint8)
