"""Test scaffolding for running the compat programs under real PyTorch, NOT part of glassnet.

torchvision cannot be installed here next to torch 2.13, and the compat programs
import ``torchvision.datasets`` and ``torchvision.transforms``.  When
``tests/compat/test_programs.py`` runs a program under real PyTorch it puts this
folder first on ``sys.path``, so ``import torchvision`` finds this package: a tiny
pure-PyTorch stand-in for the few torchvision names the programs use
(``datasets.MNIST``/``FashionMNIST`` read from raw IDX files, ``transforms.Compose``,
``ToTensor``, ``Normalize``, ``Lambda``), written after torchvision's documented
behaviour.  glassnet runs use glassnet's own ``glassnet.data`` through the shim
and never see this folder.
"""

from . import datasets, transforms  # noqa: F401
