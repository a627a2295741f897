"""``glassnet.accelerator`` (PyTorch's ``torch.accelerator``): glassnet runs on the CPU, so there is none.

PyTorch's tutorials write
``device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"``;
with glassnet that picks "cpu".
"""


def is_available():
    """False: glassnet has no accelerator."""
    return False


def current_accelerator(check_available=False):
    """None: glassnet has no accelerator."""
    return None


def device_count():
    """0: glassnet has no accelerator."""
    return 0
