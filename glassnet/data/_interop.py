"""Moving between NumPy arrays and glassnet Tensors without copying.

The data pipeline does its work on NumPy arrays (indexing, stacking, cropping)
and hands Tensors to the model.  These two helpers are the only crossing points.
``glassnet`` is imported inside them, not at the top, because ``glassnet``'s own
``__init__`` may import this package.
"""

import numpy as np


def to_numpy(x):
    """The NumPy array behind a glassnet Tensor, or ``np.asarray(x)`` for anything else."""
    import glassnet

    if isinstance(x, glassnet.Tensor):
        return x.numpy()
    return np.asarray(x)


def to_tensor(x):
    """Wrap a NumPy array as a glassnet Tensor that shares its memory; a Tensor passes through."""
    import glassnet

    if isinstance(x, glassnet.Tensor):
        return x
    return glassnet.from_numpy(np.asarray(x))
