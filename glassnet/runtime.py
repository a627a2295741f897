"""Process-wide performance settings that glassnet applies once, when it is imported.

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


if os.environ.get("GLASSNET_MALLOC", "tuned") != "system":
    tune_malloc()
