"""One seeded random-number generator for everything random in glassnet.

``glassnet.manual_seed(s)`` reseeds the default generator, which every random
creation function (``rand``, ``randn``, ``randint``), every initialiser in
``glassnet.nn.init``, ``Dropout`` and ``DataLoader(shuffle=True)`` draw from, so
one call makes a whole run reproducible.  A separate ``Generator`` can be passed
where PyTorch takes ``generator=``.

Unlike PyTorch the stream is NumPy's PCG64, so the same seed gives different
numbers than ``torch.manual_seed``; parity tests copy weights instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


class Generator:
    """A seedable source of random numbers (``torch.Generator``'s counterpart).

    ``Generator().manual_seed(0)`` returns the generator itself, as in PyTorch.
    The NumPy generator underneath is ``gen.numpy``.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self.numpy = np.random.default_rng(seed)

    def manual_seed(self, seed: int) -> Generator:
        """Reseed with the integer ``seed`` and return ``self``."""
        seed = int(seed)
        if seed < 0:
            raise ValueError(f"manual_seed: seed must be non-negative, got {seed}")
        self._seed = seed
        self.numpy = np.random.default_rng(seed)
        return self

    def initial_seed(self) -> int | None:
        """The seed last given, or None if the generator was seeded from entropy."""
        return self._seed

    def get_state(self) -> Mapping[str, Any]:
        """The generator's state as a JSON-friendly dict (for resuming runs)."""
        return self.numpy.bit_generator.state

    def set_state(self, state: Mapping[str, Any]) -> None:
        """Restore a state returned by ``get_state``."""
        self.numpy.bit_generator.state = state


default_generator = Generator(0)


def manual_seed(seed: int) -> Generator:
    """Seed glassnet's default generator; returns it (as ``torch.manual_seed`` does)."""
    return default_generator.manual_seed(seed)


def initial_seed() -> int | None:
    """The seed of the default generator."""
    return default_generator.initial_seed()


def numpy_generator(generator: Generator | None = None) -> np.random.Generator:
    """The NumPy generator behind ``generator``, or behind the default one."""
    return (generator or default_generator).numpy
