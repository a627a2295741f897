"""Process-wide performance settings: the C allocator, glassnet's threads and the BLAS threads.

**The C allocator.**  NumPy takes every array's memory from ``malloc``.  By
default glibc's malloc hands memory that is freed at the top of its heap back
to the operating system as soon as more than a few MB are free there, and the
next allocation has to fault the pages in again, one 4 KiB page at a time,
each zero-filled by the kernel.  A training step frees all its activations and
gradients at its end, so every step paid for its memory afresh: measured on
LeNet-5 at batch 64, 2,800 page faults (11 MB) and about 3 ms of an 11 ms
step.  ``tune_malloc`` raises two of malloc's thresholds with ``mallopt``:

* ``M_MMAP_THRESHOLD`` = 32 MiB (glibc's maximum): blocks below it come from
  the heap, which is reused, rather than from a fresh ``mmap`` each time;
* ``M_TRIM_THRESHOLD`` = 256 MiB: up to that much freed memory stays in the
  heap for the next step instead of going back to the system.

The peak memory is unchanged (it is the largest step's); the process keeps up
to 256 MiB of freed memory for reuse.  PyTorch's CPU performance guides
recommend preloading jemalloc or tcmalloc for the same reason; glassnet makes
the setting itself, with the C library's own ``mallopt`` through ``ctypes``.
It applies on Linux with glibc only; elsewhere nothing changes.  Set the
environment variable ``GLASSNET_MALLOC=system`` before importing glassnet to
keep the C library's defaults.

**glassnet's threads.**  Convolutions split their batch into parts and run
the parts on ``get_num_threads()`` threads (``glassnet/ops/parallel.py``).
NumPy releases Python's global interpreter lock inside its loops and matrix
multiplies, so the threads really run at the same time, on separate cores.
The default is the number of CPUs this process may run on;
``set_num_threads(n)`` changes it, as ``torch.set_num_threads`` does.

**BLAS threads.**  OpenBLAS, NumPy's matrix-multiply library, has threads of
its own that keep spinning, waiting for the next product, for about 0.1 s
after each one.  Measured on 2 cores: the small products of a LeNet step ran
no faster with 2 BLAS threads; after a large product the spinning thread took
the second core from glassnet's threads (inference on 10,000 images: 1.6×
slower) and from other programs (one training epoch in four took 7× as long
on a shared machine; the playground's 10,000-row product, 12×).  But a large
product alone, such as the 784→256 layer of an MNIST MLP at batch 128, runs
1.7× faster on 2 BLAS threads than on one, and 1.4× faster than split between
glassnet's threads, which wake more slowly.  So glassnet keeps BLAS at one
thread while its own threads share work, and for a large product
(``ops/parallel.py``: ``matmul``) gives BLAS ``get_num_threads()`` threads,
unless glassnet's own threads shared work in the last ``BLAS_SPIN_SECONDS``:
then the product is split between glassnet's threads instead, so that the two
kinds of threads never compete.  (BLAS keeps its threads until glassnet's
next shared work: switching back to one thread after each product, and up
again for the next, made the MLP 12% slower.)  Setting
BLAS threads needs the optional package ``threadpoolctl`` (NumPy offers no
way); without it, or with ``GLASSNET_BLAS=system``, BLAS keeps its own
settings and glassnet leaves large products to it.
"""

import ctypes
import os

M_TRIM_THRESHOLD = -1  # mallopt parameter numbers, from glibc's <malloc.h>
M_MMAP_THRESHOLD = -3


def tune_malloc(mmap_threshold=32 << 20, trim_threshold=256 << 20):
    """Set glibc malloc's mmap and trim thresholds (bytes); True if it was done, False if not glibc."""
    try:
        glibc = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):  # not a POSIX system, or no such name
        return False
    if not glibc or not glibc.startswith("glibc"):
        return False
    mallopt = ctypes.CDLL(None).mallopt
    return bool(mallopt(M_MMAP_THRESHOLD, mmap_threshold)) and bool(mallopt(M_TRIM_THRESHOLD, trim_threshold))


def default_num_threads():
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


_threads = default_num_threads()


def get_num_threads():
    """How many threads glassnet's parallel ops use (as ``torch.get_num_threads``)."""
    return _threads


def set_num_threads(n):
    """Use ``n`` threads in glassnet's parallel ops (as ``torch.set_num_threads``); 1 runs everything serially."""
    global _threads
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expected a positive int, but got {n!r}")
    _threads = n


def _blas_controller():
    """threadpoolctl's controller of NumPy's BLAS, or None (threadpoolctl missing, or BLAS not found)."""
    if os.environ.get("GLASSNET_BLAS", "tuned") == "system":
        return None
    try:
        import threadpoolctl
    except ImportError:
        return None
    libraries = threadpoolctl.ThreadpoolController().select(user_api="blas").lib_controllers
    return libraries[0] if len(libraries) == 1 else None


_blas = _blas_controller()
if _blas is not None:
    _blas.set_num_threads(1)


def blas_is_single_threaded():
    """True if glassnet set BLAS to one thread (so it may run products on its own threads)."""
    return _blas is not None


BLAS_SPIN_SECONDS = 0.2  # how long OpenBLAS's threads spin after a product: 2^28 clock cycles, with margin


_blas_threads = 1


def set_blas_threads(n):
    """Let BLAS use ``n`` threads from now on (if glassnet controls BLAS; a no-op if it already does)."""
    global _blas_threads
    if _blas is not None and n != _blas_threads:
        _blas.set_num_threads(n)
        _blas_threads = n


if os.environ.get("GLASSNET_MALLOC", "tuned") != "system":
    tune_malloc()
