"""One framework's side of the benchmark, in a process of its own.

``python -m benchmarks.worker glassnet|torch [--threads N] [--backend numpy|onednn]``
imports one framework only (glassnet with the compute backend asked for,
``glassnet.backends``), prints one JSON line describing its environment (versions,
BLAS library, kernel and thread pools), then reads commands from stdin, one
JSON line each (``{"workload": name, "options": {...}}``), and answers each
with one JSON line: the measured seconds, the process's CPU seconds during the
command, and the unit.

Why separate processes: glassnet's BLAS (OpenBLAS) and PyTorch's OpenMP
threads both spin while waiting for work.  In one process, the idle pool of
one framework steals the two cores from the other and times grow up to 20×.
The two workers run one command at a time, interleaved by ``benchmarks.run``.

``--memory`` instead trains LeNet-5 for 100 steps in this fresh process and
prints its peak resident set size (``ru_maxrss``) before and after training.
"""

import argparse
import importlib
import json
import os
import platform
import re
import resource
import sys
import time

import numpy as np

from . import workloads


def thread_pools():
    """The native thread pools (BLAS, OpenMP) with library, version, kernel and thread count, via threadpoolctl."""
    try:
        import threadpoolctl
    except ImportError:
        return None
    keys = ("user_api", "internal_api", "prefix", "version", "architecture", "threading_layer", "num_threads")
    return [{k: pool[k] for k in keys if k in pool} for pool in threadpoolctl.threadpool_info()]


def numpy_blas():
    """NumPy's BLAS as its build configuration states it (used when threadpoolctl is missing)."""
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return {k: blas.get(k) for k in ("name", "version", "openblas configuration") if k in blas}
    except Exception as error:  # the layout of show_config's dict is not a stable API
        return {"error": repr(error)}


def torch_blas(torch):
    """The BLAS that PyTorch's own ops use, from its build configuration (e.g. ``mkl``).

    PyTorch links MKL statically into libtorch, so threadpoolctl does not see
    it: the pools it lists in the torch worker are OpenMP's (torch's threads)
    and NumPy's OpenBLAS, which torch's ops do not use.
    """
    config = torch.__config__.show()
    found = re.search(r"BLAS_INFO=(\w+)", config)
    return {
        "blas": found.group(1) if found else "unknown",
        "mkl": torch.backends.mkl.is_available(),
        "mkldnn": torch.backends.mkldnn.is_available(),
    }


def environment(fw):
    """What this worker runs on: versions, BLAS, thread pools and framework thread settings."""
    env = {
        "framework": fw.__name__,
        "version": fw.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numpy_blas": numpy_blas(),
        "thread_pools": thread_pools(),
    }
    if fw.__name__ == "torch":
        env["torch_num_threads"] = fw.get_num_threads()
        env["torch_num_interop_threads"] = fw.get_num_interop_threads()
        env["mkldnn"] = fw.backends.mkldnn.is_available()
        env["torch_blas"] = torch_blas(fw)
    else:
        env["glassnet_path"] = os.path.dirname(fw.__file__)
        if not os.path.exists(
            os.path.join(env["glassnet_path"], "runtime.py")
        ):  # an older glassnet (run.py --glassnet)
            env["glassnet_num_threads"], env["blas_policy"] = 1, "BLAS defaults (a glassnet without runtime.py)"
            return env
        from glassnet import runtime

        env["glassnet_num_threads"] = runtime.get_num_threads()
        env["backend"] = fw.backends.current() if hasattr(fw.backends, "current") else "numpy"
        env["blas_policy"] = (
            "BLAS threads for large products while glassnet's threads are idle, else 1"
            if runtime.blas_is_single_threaded()
            else "BLAS defaults (threadpoolctl missing or GLASSNET_BLAS=system)"
        )
    return env


def set_threads(fw, threads):
    """The framework's compute threads: ``torch.set_num_threads`` or ``glassnet.runtime.set_num_threads``."""
    if fw.__name__ == "torch":
        fw.set_num_threads(threads)
    else:
        from glassnet import runtime

        runtime.set_num_threads(threads)


def serve(fw):
    """Answer workload commands from stdin until it closes."""
    print(json.dumps(environment(fw)), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        cpu = time.process_time()
        seconds, unit = workloads.WORKLOADS[command["workload"]](fw, command.get("options", {}))
        answer = {"seconds": seconds, "unit": unit, "cpu_seconds": time.process_time() - cpu}
        print(json.dumps(answer), flush=True)


def measure_memory(fw):
    """Peak RSS (KiB) after start-up and after training LeNet-5 for 100 steps."""
    workloads.mnist_arrays({}, train=True, count=workloads.MEMORY_IMAGES)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workloads.train_for_memory(fw)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"startup_peak_kib": before, "peak_kib": after}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("framework", choices=["glassnet", "torch"])
    parser.add_argument("--threads", type=int, help="compute threads (default: the framework's own policy)")
    parser.add_argument("--memory", action="store_true", help="measure peak memory instead of serving commands")
    parser.add_argument("--glassnet-path", help="import glassnet from this folder (a checkout to compare with)")
    parser.add_argument("--backend", help="glassnet's compute backend (GLASSNET_BACKEND): numpy or onednn")
    args = parser.parse_args()
    if args.glassnet_path:
        sys.path.insert(0, args.glassnet_path)
    if args.backend:
        os.environ["GLASSNET_BACKEND"] = args.backend
    fw = importlib.import_module(args.framework)
    if args.backend and fw.backends.current() != args.backend:
        sys.exit(
            f"benchmarks.worker: glassnet's backend {args.backend!r} is not available here "
            f"(running {fw.backends.current()!r}); install it with: pip install 'glassnet[fast]'"
        )
    fw.manual_seed(0)
    if args.threads:
        set_threads(fw, args.threads)
    if args.memory:
        measure_memory(fw)
    else:
        serve(fw)


if __name__ == "__main__":
    main()
