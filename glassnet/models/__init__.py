"""Ready-made models: ``lenet5()`` for MNIST-sized images and ``mlp(sizes)``."""

from .lenet import lenet5
from .mlp import mlp

__all__ = ["lenet5", "mlp"]

# Names the CLI accepts for `glassnet train MODEL` and `glassnet summary MODEL`,
# with the input size (C, H, W) of one sample.
REGISTRY = {
    "lenet5": (lenet5, (1, 28, 28)),
}
