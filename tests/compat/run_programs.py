"""Run compat programs one after another in this process, under glassnet (through the shim) or PyTorch.

    python tests/compat/run_programs.py glassnet|torch '[["pwe_tensor.py", []], ["mnist_main.py", ["--epochs", "2"]]]'

Prints one JSON object mapping each program to ``{"output": what it printed,
"error": its traceback or null, "seconds": its run time, "cpu_seconds": its CPU time}``.

One process per framework rather than one per program, because importing torch
alone takes seconds.  Each program still runs as ``__main__`` with its own
``sys.argv``, fresh globals and its own empty working directory (for the files it
saves); ``programs/`` is on ``sys.path`` for the shared ``standin`` module.

Under ``glassnet`` the shim renames ``torch`` & co. to glassnet; under ``torch``
``torchvision_stub/`` goes first on ``sys.path`` (real torchvision is not
installable next to torch 2.13; see ``torchvision_stub/torchvision/__init__.py``).
"""

import contextlib
import io
import json
import os
import pathlib
import runpy
import sys
import tempfile
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"


def run_one(torch, program, args):
    """Run ``programs/<program>`` with ``args``; return its output, error and time."""
    out = io.StringIO()
    error = None
    start, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as workdir:
        os.chdir(workdir)  # contextlib.chdir needs Python 3.11; glassnet supports 3.10
        sys.argv = [program, *args]
        try:
            with contextlib.redirect_stdout(out):
                runpy.run_path(str(PROGRAMS / program), run_name="__main__")
        except BaseException:  # SystemExit included: argparse errors end a program too
            error = traceback.format_exc()
        finally:
            os.chdir(HERE)
    torch.set_default_dtype(torch.float32)  # undo what a program may have changed
    return {
        "output": out.getvalue(),
        "error": error,
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
    }


def main():
    framework, programs = sys.argv[1], json.loads(sys.argv[2])
    if framework == "glassnet":
        sys.path.insert(0, str(HERE))
        import shim

        shim.install()
    elif framework == "torch":
        sys.path.insert(0, str(HERE / "torchvision_stub"))
    else:
        sys.exit(f"run_programs: framework must be glassnet or torch, got {framework!r}")
    sys.path.insert(0, str(PROGRAMS))
    import torch  # the framework under test, as the programs see it

    # One thread each: the test runs both frameworks side by side (glassnet would take every core,
    # ignoring OMP_NUM_THREADS, and its BLAS threads would spin against PyTorch's).
    torch.set_num_threads(1)
    results = {program: run_one(torch, program, args) for program, args in programs}
    sys.stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
