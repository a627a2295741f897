"""The input features and the heatmap grid (``playground.ts:65-73, 796-838, 899-907``).

The network never sees (x, y) directly: each point becomes the vector
``[f(x, y) for f in INPUTS if state[name]]``, in this fixed order, which is
also the order of the input nodes and therefore of the weight draws:

==========  =========  =======
name        f(x, y)    label
==========  =========  =======
x           x          X₁
y           y          X₂
xSquared    x·x        X₁²
ySquared    y·y        X₂²
xTimesY     x·y        X₁X₂
sinX        sin x      sin(X₁)
sinY        sin y      sin(X₂)
==========  =========  =======

Inputs are not normalised (x² reaches 36).  ``cosX`` and ``cosY`` exist in the
URL but were never inputs.  A feature hidden with ``<name>_hide=true`` is removed
from ``INPUTS`` and never used, even when its flag is on.

The heatmap grid (``updateDecisionBoundary``) has ``density`` points per side:
column ``i`` is x = d3 linear [0, density-1] → [-6, 6] of i, row ``j`` is
y = d3 linear [density-1, 0] → [-6, 6] of j, so row 0 is y = +6 (the top).
"""

from functools import lru_cache

import numpy as np

INPUTS = {
    "x": ("X₁", lambda x, y: x),
    "y": ("X₂", lambda x, y: y),
    "xSquared": ("X₁²", lambda x, y: x * x),
    "ySquared": ("X₂²", lambda x, y: y * y),
    "xTimesY": ("X₁X₂", lambda x, y: x * y),
    "sinX": ("sin(X₁)", lambda x, y: np.sin(x)),
    "sinY": ("sin(X₂)", lambda x, y: np.sin(y)),
}


def active_features(state):
    """The names of the features the network uses: on in the state and not hidden, in ``INPUTS`` order."""
    hidden = set(state.hidden_props())
    return [name for name in INPUTS if state[name] and name not in hidden]


def feature_matrix(names, points):
    """``constructInput`` for many points: an ``(n, len(names))`` float64 array.

    Shape:
        points: (n, 2) of (x, y).  out: (n, len(names)).
    """
    x, y = points[:, 0], points[:, 1]
    out = np.empty((len(points), len(names)))
    for k, name in enumerate(names):
        out[:, k] = INPUTS[name][1](x, y)
    return out


def grid_axis(density, reverse=False, domain=(-6.0, 6.0)):
    """The d3 linear map from pixel index to coordinate: ``r0·(1 - t) + r1·t``, t = i / (density - 1).

    ``reverse`` maps index ``density - 1`` to ``domain[0]`` (the y axis, whose row 0 is at the top).
    """
    i = np.arange(density, dtype=np.float64)
    d0, d1 = (density - 1.0, 0.0) if reverse else (0.0, density - 1.0)
    t = (i - d0) / (d1 - d0)
    return domain[0] * (1 - t) + domain[1] * t


@lru_cache(maxsize=16)
def grid_features(names, density):
    """The feature matrix of the ``density``² grid points, row-major over (row j, column i).

    Point ``j * density + i`` is (x_i, y_j): reshaping a result to
    ``(density, density)`` gives an image whose row 0 is the top (y = +6).
    Cached per (features, density); the array is read-only.

    Shape:
        out: (density², len(names)).
    """
    xs, ys = grid_axis(density), grid_axis(density, reverse=True)
    points = np.stack(np.broadcast_arrays(xs[None, :], ys[:, None]), axis=-1).reshape(-1, 2)
    out = feature_matrix(list(names), points)
    out.flags.writeable = False
    return out
