"""``glassnet.backends``: the switches PyTorch scripts set on ``torch.backends``.

glassnet computes with NumPy on the CPU, so ``cudnn`` and ``mps`` report that
they are not available; setting ``glassnet.backends.cudnn.deterministic = True``
or ``.benchmark = False`` is accepted and changes nothing (glassnet's kernels
are deterministic).
"""
from types import SimpleNamespace


def _unavailable():
    return False


cudnn = SimpleNamespace(enabled=True, benchmark=False, deterministic=False, is_available=_unavailable)
mps = SimpleNamespace(is_available=_unavailable, is_built=_unavailable)
