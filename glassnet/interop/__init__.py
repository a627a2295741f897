"""Moving models between glassnet and PyTorch: ``to_torch`` and ``from_torch`` (see ``torch_bridge``).

Not imported by ``import glassnet``: it needs PyTorch, the ``torch`` extra
(``pip install 'glassnet[torch]'``, or ``pip install -e '.[torch]'`` in a clone).
"""

from .torch_bridge import MinPool2d, UnsupportedLayerError, from_torch, to_torch

__all__ = ["MinPool2d", "UnsupportedLayerError", "from_torch", "to_torch"]
