"""``glassnet.backends``: which kernels compute, and the switches PyTorch scripts set on ``torch.backends``.

**Compute backends.**  glassnet's ops are NumPy code, and NumPy is the default
backend, ``"numpy"``.  The optional extra ``glassnet[fast]``
(``pip install 'glassnet[fast]'``) installs oneDNN, the library of compiled
deep-learning kernels for CPUs that PyTorch itself uses; with it, the backend
``"onednn"`` runs some float32 ops through oneDNN (``backends/onednn.py``,
bound with ``ctypes``: nothing is compiled at install time).  Which ops it
takes over is listed there; every other op, and every float64 computation,
stays on NumPy, whose code remains the reference the compiled kernels are
tested against (``tests/test_backend_onednn.py``).

oneDNN's threads are GNU OpenMP's, which spin when idle: glassnet shortens that
spin (``GOMP_SPINCOUNT``, below) unless you set ``GOMP_SPINCOUNT`` or
``OMP_WAIT_POLICY``; it applies if glassnet loads the OpenMP runtime first.

The backend is chosen at import: ``"onednn"`` if the extra is installed and its
library loads, else ``"numpy"``.  The environment variable
``GLASSNET_BACKEND=numpy`` (or ``=onednn``) decides instead; ``use(name)``
switches at run time (a graph recorded under one backend is differentiated by
that backend's backward)::

    glassnet.backends.current()        # 'onednn' or 'numpy'
    glassnet.backends.use("numpy")     # the readable NumPy kernels everywhere

**PyTorch's switches.**  ``cudnn`` and ``mps`` report that they are not
available; setting ``glassnet.backends.cudnn.deterministic = True`` or
``.benchmark = False`` is accepted and changes nothing (glassnet's kernels are
deterministic).
"""

import ctypes
import importlib.metadata
import os
import warnings
from types import SimpleNamespace

import numpy as np

from .._extras import install_hint


def _unavailable():
    return False


cudnn = SimpleNamespace(enabled=True, benchmark=False, deterministic=False, is_available=_unavailable)
mps = SimpleNamespace(is_available=_unavailable, is_built=_unavailable)

BACKENDS = ("numpy", "onednn")
ONEDNN_DISTRIBUTION = "onednn-cpu-gomp"  # the wheel glassnet[fast] installs: oneDNN 3.2 on GNU OpenMP threads
# How long GNU OpenMP's idle threads spin before they sleep (its default: 300,000 turns, milliseconds).  While
# they spin they take the cores from glassnet's own threads and from other programs: LeNet-5's training step
# on 2 loaded cores, 344-423 ms per step spinning, 16-34 ms with 1,000 turns (NumPy backend: 30 ms).
# Set GOMP_SPINCOUNT or OMP_WAIT_POLICY yourself to override.
GOMP_SPINCOUNT = "1000"


def onednn_library_path():
    """Where the extra's ``libdnnl.so.3`` lies (``GLASSNET_ONEDNN_LIBRARY`` overrides), or None if it is not installed."""
    if os.environ.get("GLASSNET_ONEDNN_LIBRARY"):
        return os.environ["GLASSNET_ONEDNN_LIBRARY"]
    try:
        files = importlib.metadata.files(ONEDNN_DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    return next((str(f.locate()) for f in files if f.name == "libdnnl.so.3"), None)


def onednn_unavailable_reason():
    """Why the ``"onednn"`` backend cannot run here, or None if it can (its library is found and loads)."""
    path = onednn_library_path()
    if path is None:
        return f"the extra glassnet[fast] is not installed (no {ONEDNN_DISTRIBUTION}); hint: {install_hint('fast')}"
    if "OMP_WAIT_POLICY" not in os.environ:  # read once, when the OpenMP runtime loads with the library
        os.environ.setdefault("GOMP_SPINCOUNT", GOMP_SPINCOUNT)
    try:
        ctypes.CDLL(path)
    except OSError as error:
        return f"oneDNN's library {path} does not load: {error}"
    return None


_onednn = None  # the module backends/onednn.py, imported on first use (it imports the ops it replaces)


def use(name):
    """Compute with backend ``name``, ``"numpy"`` or ``"onednn"``, from now on (see the module docstring)."""
    global _current
    if name not in BACKENDS:
        raise ValueError(
            f"glassnet.backends.use: unknown backend {name!r}; choose one of {', '.join(map(repr, BACKENDS))}"
        )
    if name == "onednn":
        reason = onednn_unavailable_reason()
        if reason is not None:
            raise RuntimeError(f"glassnet.backends.use('onednn'): {reason}")
    _current = name


def current():
    """The backend computing now: ``"numpy"`` or ``"onednn"``."""
    return _current


def kernels(dtype):
    """The compiled kernels' module (``backends/onednn.py``) if the backend computes arrays of ``dtype``, else None.

    Ops call this at their dispatch point: None means their NumPy code runs.
    oneDNN's CPU kernels compute in float32 (and lower precisions), not in float64.
    """
    global _onednn
    if _current == "numpy" or dtype != np.float32:
        return None
    if _onednn is None:
        from . import onednn as module

        _onednn = module
    return _onednn


def _initial_backend():
    """The backend at import: ``GLASSNET_BACKEND`` if set, else ``"onednn"`` where the extra loads, else ``"numpy"``."""
    asked = os.environ.get("GLASSNET_BACKEND", "")
    if asked == "numpy":
        return "numpy"
    reason = onednn_unavailable_reason()
    if asked not in ("", "onednn"):
        warnings.warn(
            f"GLASSNET_BACKEND={asked!r} is not a backend ({', '.join(BACKENDS)}); using the default", stacklevel=2
        )
    if asked == "onednn" and reason is not None:
        warnings.warn(f"GLASSNET_BACKEND=onednn, but {reason}; computing with NumPy", stacklevel=2)
    return "numpy" if reason is not None else "onednn"


_current = _initial_backend()
