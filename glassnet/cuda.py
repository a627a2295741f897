"""``glassnet.cuda``: glassnet runs on the CPU, so no CUDA device exists and these functions say so.

They let PyTorch scripts that ask before they use a GPU run unchanged
(``device = "cuda" if glassnet.cuda.is_available() else "cpu"``).
"""


def is_available():
    """False: glassnet has no CUDA devices."""
    return False


def device_count():
    """0: glassnet has no CUDA devices."""
    return 0


def manual_seed(seed):
    """Does nothing, as ``torch.cuda.manual_seed`` on a machine without a GPU (``glassnet.manual_seed`` seeds the CPU)."""


manual_seed_all = manual_seed


def synchronize(device=None):
    """Nothing to wait for on the CPU."""


def empty_cache():
    """Nothing to free on the CPU."""


def is_bf16_supported():
    """False: there is no CUDA device."""
    return False
