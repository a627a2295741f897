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
less than ``SERIAL_BYTES`` whole: too little work to share.  ``matmul`` runs a
large product on several threads: BLAS's (from ``BLAS_PRODUCT`` multiply-adds)
or, if glassnet's threads were busy a moment ago, glassnet's, each computing
some of the columns (from ``SPLIT_PRODUCT``; see "BLAS threads" in
``glassnet/runtime.py``).
"""

import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..runtime import BLAS_SPIN_SECONDS, blas_is_single_threaded, get_num_threads, set_blas_threads

PART_BYTES = 4 << 20
SERIAL_BYTES = 1 << 20
BLAS_PRODUCT = 2_000_000  # multiply-adds from which 2 BLAS threads beat one (measured crossover: 1–3 million)
SPLIT_PRODUCT = 16_000_000  # multiply-adds from which splitting between glassnet's threads pays (they wake slowly)
_pool = None
_last_shared = -BLAS_SPIN_SECONDS  # time.perf_counter() when glassnet's threads last shared work


def batch_parts(n, bytes_per_sample):
    """Slices of ``range(n)``, runs of consecutive samples, for ``parallel_for`` (see the module docstring).

    The number of parts is a multiple of the number of threads, so that every
    thread gets the same amount of work.
    """
    if n * bytes_per_sample < SERIAL_BYTES:
        return [slice(0, n)]
    threads = get_num_threads()
    count = -(-max(threads, -(-n * bytes_per_sample // PART_BYTES)) // threads) * threads
    step = -(-n // count)
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


def _forget_pool():
    """In a forked child the pool's threads do not exist: start a new pool when one is needed."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def _pool_of(workers):
    """A thread pool with at least ``workers`` threads, created on first use and kept."""
    global _pool
    if _pool is None or _pool._max_workers < workers:
        if _pool is not None:
            _pool.shutdown(wait=False)
        _pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="glassnet")
    return _pool


def parallel_for(function, parts):
    """``[function(part) for part in parts]``, computed on up to ``get_num_threads()`` threads."""
    global _last_shared
    threads = min(get_num_threads(), len(parts))
    if threads == 1:
        return [function(part) for part in parts]
    set_blas_threads(1)  # BLAS's threads would compete with these
    _last_shared = time.perf_counter()

    def share(t):
        return [function(part) for part in parts[t::threads]]

    futures = [_pool_of(threads - 1).submit(share, t) for t in range(1, threads)]
    shares = [share(0)] + [future.result() for future in futures]
    results = [None] * len(parts)
    for t, done in enumerate(shares):
        results[t::threads] = done
    return results


def matmul(a, b):
    """``a @ b`` for 2-D arrays; a large product runs on several threads (see the module docstring)."""
    (m, k), n = a.shape, b.shape[1]
    threads, size = get_num_threads(), m * k * n
    if threads == 1 or size < BLAS_PRODUCT or not blas_is_single_threaded():
        return a @ b
    if time.perf_counter() - _last_shared > BLAS_SPIN_SECONDS:  # glassnet's threads are idle: BLAS's may spin
        set_blas_threads(threads)
        return a @ b
    if size < SPLIT_PRODUCT:
        return a @ b
    out = np.empty((m, n), np.result_type(a, b))
    step = -(-n // threads)
    columns = [slice(start, start + step) for start in range(0, n, step)]
    parallel_for(lambda part: np.matmul(a, b[:, part], out=out[:, part]), columns)
    return out
