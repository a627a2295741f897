"""Running an op's parts of the batch on several threads at once.

NumPy releases Python's global interpreter lock (GIL) inside its loops, copies
and matrix multiplies, so Python threads that each work on a different part of
a batch run on separate cores.  ``parallel_for(function, parts)`` calls
``function(part)`` for every part: the calling thread and
``get_num_threads() - 1`` pool threads take every ``threads``-th part each, so
the split, and with it every sum over the parts, is the same in every run.

Handing work to a waiting thread is not free: measured on this kind of
(virtual) machine, a pool thread starts about 50 µs after it is given work,
and each switch of the GIL between the threads costs about as much again.  So
sharing pays only for large parts.  Measured on 2 cores: max-pooling
6×28×28 images at batch 128, 1.9× faster; LeNet's first convolution on a batch
of 1000, 1.5×; at batch 64 the gain is small, and LeNet's second pool at
batch 64 (400 KB) was 1.5× *slower* on two threads.  Memory-bound elementwise
ops (ReLU) do not gain at all.

``batch_parts`` cuts a batch into one part per thread, or into smaller parts
where one would hold more than ``PART_BYTES`` of work arrays (an op then needs
only one part's worth of scratch memory per thread), and leaves a batch with
less than ``SERIAL_BYTES`` whole: too little work to share.  ``matmul`` splits
a product of at least ``LARGE_PRODUCT`` multiply-adds by columns between the
threads (BLAS itself runs on one thread, see ``glassnet/runtime.py``).
"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..runtime import blas_is_single_threaded, get_num_threads

PART_BYTES = 4 << 20
SERIAL_BYTES = 1 << 20
LARGE_PRODUCT = 16_000_000  # multiply-adds from which a product is split between threads
_pool = None


def batch_parts(n, bytes_per_sample):
    """Slices of ``range(n)``, runs of consecutive samples, for ``parallel_for`` (see the module docstring)."""
    if n * bytes_per_sample < SERIAL_BYTES:
        return [slice(0, n)]
    step = max(1, min(PART_BYTES // bytes_per_sample, -(-n // get_num_threads())))
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


def _pool_of(workers):
    """A thread pool with at least ``workers`` threads, created on first use and kept."""
    global _pool
    if _pool is None or _pool._max_workers < workers:
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="glassnet")
    return _pool


def parallel_for(function, parts):
    """``[function(part) for part in parts]``, computed on up to ``get_num_threads()`` threads."""
    threads = min(get_num_threads(), len(parts))
    if threads == 1:
        return [function(part) for part in parts]

    def share(t):
        return [function(part) for part in parts[t::threads]]

    futures = [_pool_of(threads - 1).submit(share, t) for t in range(1, threads)]
    shares = [share(0)] + [future.result() for future in futures]
    results = [None] * len(parts)
    for t, done in enumerate(shares):
        results[t::threads] = done
    return results


def matmul(a, b):
    """``a @ b`` for 2-D arrays; a product of ``LARGE_PRODUCT`` multiply-adds or more is split by columns of ``b``."""
    (m, k), n = a.shape, b.shape[1]
    threads = get_num_threads()
    if threads == 1 or m * k * n < LARGE_PRODUCT or not blas_is_single_threaded():
        return a @ b
    out = np.empty((m, n), np.result_type(a, b))
    step = -(-n // threads)
    columns = [slice(start, start + step) for start in range(0, n, step)]
    parallel_for(lambda part: np.matmul(a, b[:, part], out=out[:, part]), columns)
    return out
