"""Devices, the CPU way: ``glassnet.device`` (see also ``glassnet.cuda`` and ``glassnet.accelerator``).

glassnet computes with NumPy on the CPU, so "cpu" is its only device.  Code
written for PyTorch's devices runs unchanged::

    device = "cuda" if glassnet.cuda.is_available() else "cpu"   # "cpu"
    model = Net().to(device)
    x = x.to(device)

Asking for any other device (``.to("cuda")``, ``.cuda()``, ``device="mps"``)
raises one clear error instead of silently computing elsewhere.
"""


class device:
    """A place where tensors live: ``device("cpu")``, ``device("cpu", 0)`` or ``device("cpu:0")``.

    As in PyTorch, ``device("cuda")`` can be *named* (it is just a description),
    but moving a tensor there raises: glassnet runs on the CPU.
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif not isinstance(type, str):
            raise TypeError(f"device: expected a string like 'cpu', got {type!r}")
        elif ":" in type:
            type, _, number = type.partition(":")
            if not number.isdigit():
                raise RuntimeError(f"device: invalid device string {type + ':' + number!r}; hint: use 'cpu'")
            index = int(number)
        self.type, self.index = type, index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self):
        index = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{index})"


CPU = device("cpu")


def check_device(where, op):
    """Accept None or any spelling of the CPU; refuse every other device with one clear line."""
    if where is None or where == "cpu" or (isinstance(where, device) and where.type == "cpu"):
        return
    if isinstance(where, int) and not isinstance(where, bool):
        where = f"cuda:{where}"  # PyTorch reads a bare number as a CUDA device index
    name = str(where) if isinstance(where, (str, device)) else repr(where)
    if isinstance(where, str) and where.split(":")[0] != "cpu":
        device(where)  # a malformed string gets device()'s own error
    raise RuntimeError(
        f"{op}: glassnet runs on the CPU; there is no device {name!r}. "
        "hint: write device = 'cuda' if glassnet.cuda.is_available() else 'cpu' (it picks 'cpu')"
    )


def set_default_device(where):
    """Accept the CPU (or None) as the default device, as ``torch.set_default_device``; any other device raises.

    glassnet's tensors are always made on the CPU, so the CPU is already the default.
    """
    check_device(where, "set_default_device")


def get_default_device():
    """``device(type='cpu')``: where new tensors are made."""
    return CPU
