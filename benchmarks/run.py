"""glassnet against PyTorch, side by side: ``python -m benchmarks.run [--quick] [--only NAMES] [--rounds N]``.

Each framework runs in a worker process of its own (``benchmarks/worker.py``);
this script sends both the same workloads (``benchmarks/workloads.py``),
alternating glassnet and PyTorch, and alternating which goes first from one
round to the next, so that a change in the machine's load hits both alike.  A
workload's ratio is the median over the rounds of glassnet's time divided by
PyTorch's time in the same round.

The machine's load is recorded with every measurement: the CPU time that
*other* processes used while it ran (from ``/proc/stat`` minus the worker's
own CPU time).  The table's ``others`` column is that time over the
workload's wall time, in cores: on a 2-core machine, 0.5 means that another
job took a quarter of the machine and the numbers are noisy.  The load average before and after the run is printed too.

``--backend numpy,onednn`` runs one glassnet worker per compute backend
(``glassnet.backends``), each beside the same PyTorch worker, all interleaved;
the table then has one row per workload and backend.  Without it, glassnet runs
with the backend it chooses at import.

Peak memory: a fresh process per framework trains LeNet-5 for 100 steps at
batch 64; its peak resident set size (``ru_maxrss``, the whole process:
interpreter, libraries, data and training) is compared.

Every run appends one JSON line to ``benchmarks/history.jsonl`` (all rounds,
environments, load), unless ``--no-history``.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .workloads import WORKLOADS, require_torch

ROOT = Path(__file__).resolve().parent.parent
HISTORY = Path(__file__).resolve().parent / "history.jsonl"
TARGETS = {  # glassnet / PyTorch, from issue 13 (glassnet[fast]; the NumPy path is measured against them too)
    "lenet_train_64": 0.8,
    "lenet_train_128": 0.8,
    "lenet_inference": 0.6,
    "mlp_train": 0.9,
    "playground_step": 0.33,
    "lecture_conv": 0.9,
    "peak_memory": 0.6,
}


def worker_command(label, threads, glassnet_path, *extra):
    """The command line of a worker for ``label``: a framework, or ``glassnet:BACKEND``."""
    framework, _, backend = label.partition(":")
    command = [sys.executable, "-m", "benchmarks.worker", framework, *extra]
    if backend:
        command += ["--backend", backend]
    if threads:
        command += ["--threads", str(threads)]
    if glassnet_path and framework == "glassnet":
        command += ["--glassnet-path", str(Path(glassnet_path).resolve())]
    return command


class Worker:
    """A ``benchmarks.worker`` process for one framework, answering one workload at a time."""

    def __init__(self, framework, threads, glassnet_path=None):
        command = worker_command(framework, threads, glassnet_path)
        self.process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.environment = self._answer()

    def _answer(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(
                f"benchmark worker {self.process.args[3]} exited (code {self.process.wait()}); see its error above"
            )
        return json.loads(line)

    def run(self, workload, options):
        """Run ``workload``; its answer plus the wall time and the CPU cores used by other processes meanwhile."""
        busy, start = busy_cpu_seconds(), time.perf_counter()
        self.process.stdin.write(json.dumps({"workload": workload, "options": options}) + "\n")
        self.process.stdin.flush()
        answer = self._answer()
        wall = time.perf_counter() - start
        answer["wall_seconds"] = wall
        if busy is not None:
            answer["other_cpu_seconds"] = max(busy_cpu_seconds() - busy - answer["cpu_seconds"], 0.0)
        return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def busy_cpu_seconds():
    """CPU seconds spent busy by all processes since boot (Linux ``/proc/stat``), or None elsewhere."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def peak_memory(framework, threads, glassnet_path=None):
    """Peak RSS (KiB) of a fresh process training LeNet-5 for 100 steps, and of its start-up alone."""
    command = worker_command(framework, threads, glassnet_path, "--memory")
    return json.loads(subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout)


def cpu_model(cpuinfo="/proc/cpuinfo"):
    """The CPU's name: the first "model name" of ``cpuinfo`` (Linux), else ``platform.processor()``."""
    try:
        with open(cpuinfo) as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def machine():
    """CPU model, core count, OS, and the load average now."""
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "system": platform.platform(), "loadavg": loadavg()}


def loadavg():
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def git_commit():
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain", "glassnet"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def format_time(seconds):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale or unit == "µs":
            return f"{seconds / scale:.3g} {unit}"


def summarize(name, rounds, label="glassnet"):
    """Medians over the rounds: glassnet's time (the worker ``label``), PyTorch's, the ratio and the others' load."""
    g = [r[label]["seconds"] for r in rounds]
    t = [r["torch"]["seconds"] for r in rounds]
    runs = [r[f] for r in rounds for f in (label, "torch")]
    others = sum(run.get("other_cpu_seconds", 0.0) for run in runs) / sum(run.get("wall_seconds", 1e-9) for run in runs)
    return {
        "workload": name,
        "backend": label.partition(":")[2] or None,
        "unit": rounds[0][label]["unit"],
        "glassnet": statistics.median(g),
        "torch": statistics.median(t),
        "ratio": statistics.median(a / b for a, b in zip(g, t)),
        "target": TARGETS.get(name),
        "other_cpus": round(others, 2),
    }


def print_table(summaries, info):
    """The results, under the CPU they were measured on (``info`` is ``machine()``'s)."""
    print(f"measured on {info['cpu']}, {info['cores']} cores ({info['system']})")
    header = f"{'workload':29} {'unit':11} {'glassnet':>10} {'PyTorch':>10} {'ratio':>7} {'target':>7}  {'others':>6}"
    print(header)
    print("-" * len(header))
    for s in summaries:
        memory = s["workload"] == "peak_memory"
        g, t = (f"{s[f] / 1024:.0f} MiB" if memory else format_time(s[f]) for f in ("glassnet", "torch"))
        row = s["workload"] + (f" [{s['backend']}]" if s.get("backend") else "")
        target = s["target"]
        verdict = "" if target is None else ("  ok" if s["ratio"] <= target else "  MISS")
        target_text = "" if target is None else f"<={target:g}"
        print(
            f"{row:29} {s['unit']:11} {g:>10} {t:>10} {s['ratio']:7.2f} {target_text:>7}  {s['other_cpus']:6.2f}{verdict}"
        )
    print(
        "ratio: glassnet / PyTorch, median of the rounds' ratios; others: CPU cores used by other processes meanwhile"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark glassnet against PyTorch (CPU), interleaved, same data.")
    parser.add_argument("--only", help=f"comma-separated workloads to run, from: {', '.join(WORKLOADS)}, peak_memory")
    parser.add_argument("--skip", help="comma-separated workloads to leave out")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds (default 3; the ratio is their median)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of each epoch (scaled to a full epoch), fewer repeats"
    )
    parser.add_argument("--mnist", action="store_true", help="real MNIST instead of synthetic MNIST-shaped data")
    parser.add_argument("--data-root", default="", help="where MNIST is (default: glassnet's cache)")
    parser.add_argument(
        "--glassnet-threads", type=int, help="glassnet.runtime.set_num_threads (default: the CPU count)"
    )
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads (default: PyTorch's default)")
    parser.add_argument(
        "--backend",
        help="comma-separated glassnet compute backends to run side by side "
        "(numpy, onednn; default: the one glassnet chooses at import)",
    )
    parser.add_argument(
        "--glassnet", metavar="DIR", help="benchmark the glassnet package in DIR (e.g. an older checkout)"
    )
    parser.add_argument("--note", default="", help="a remark stored with this run in the history (e.g. which checkout)")
    parser.add_argument("--no-history", action="store_true", help=f"do not append to {HISTORY.name}")
    args = parser.parse_args(argv)
    require_torch("benchmarks.run")

    names = list(WORKLOADS) + ["peak_memory"]
    if args.only:
        names = [n.strip() for n in args.only.split(",")]
    if args.skip:
        names = [n for n in names if n not in args.skip.split(",")]
    unknown = [n for n in names if n not in WORKLOADS and n != "peak_memory"]
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)}, peak_memory")
    options = {"quick": args.quick, "mnist": args.mnist, "data_root": args.data_root}
    labels = [f"glassnet:{b.strip()}" for b in args.backend.split(",")] if args.backend else ["glassnet"]
    frameworks = labels + ["torch"]
    threads = {**{label: args.glassnet_threads for label in labels}, "torch": args.torch_threads}

    started = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    info = machine()
    print(f"glassnet vs PyTorch on {info['cpu']} ({info['cores']} cores), load average {info['loadavg']}")
    workers = {f: Worker(f, threads[f], args.glassnet) for f in frameworks}
    for f, worker in workers.items():
        env = worker.environment
        pools = ", ".join(
            f"{p.get('internal_api')} {p.get('version') or ''} {p.get('architecture') or ''} threads={p.get('num_threads')}".replace(
                "  ", " "
            )
            for p in env["thread_pools"] or []
        ) or json.dumps(env["numpy_blas"])
        if f == "torch" and "torch_blas" in env:  # threadpoolctl sees NumPy's BLAS in this worker, not torch's
            blas = env["torch_blas"]
            pools = (
                f"{blas['blas']} (inside libtorch){', oneDNN' if blas['mkldnn'] else ''}; in the same process: {pools}"
            )
        extra = (
            f", torch threads={env['torch_num_threads']}"
            if f == "torch"
            else f", glassnet threads={env['glassnet_num_threads']}, backend {env.get('backend', 'numpy')}; "
            f"{env['blas_policy']} ({env['glassnet_path']})"
        )
        print(f"  {f} {env['version']}: {pools}{extra}")

    results = {}
    try:
        for r in range(args.rounds):
            for i, name in enumerate(n for n in names if n != "peak_memory"):
                order = frameworks if (r + i) % 2 == 0 else frameworks[::-1]
                results.setdefault(name, []).append({f: workers[f].run(name, options) for f in order})
                print(
                    f"  round {r + 1}/{args.rounds} {name}: "
                    + ", ".join(f"{f} {format_time(results[name][-1][f]['seconds'])}" for f in frameworks),
                    flush=True,
                )
            if "peak_memory" in names:
                order = frameworks if r % 2 == 0 else frameworks[::-1]
                results.setdefault("peak_memory", []).append(
                    {f: peak_memory(f, threads[f], args.glassnet) for f in order}
                )
    finally:
        for worker in workers.values():
            worker.close()

    summaries = []
    for name in names:
        rounds = results[name]
        if name == "peak_memory":
            rounds = [{f: {"seconds": m[f]["peak_kib"], "unit": "process RSS"} for f in frameworks} for m in rounds]
        summaries += [summarize(name, rounds, label) for label in labels]
    print()
    print_table(summaries, info)
    end_load = loadavg()
    print(f"load average at the end: {end_load}")

    if not args.no_history:
        record = {
            "started": started,
            "commit": git_commit(),
            "machine": info,
            "loadavg_end": end_load,
            "options": options,
            "rounds": args.rounds,
            "threads": threads,
            "glassnet": args.glassnet,
            "note": args.note,
            "environments": {f: w.environment for f, w in workers.items()},
            "summary": summaries,
            "measurements": results,
        }
        with open(HISTORY, "a") as f:
            f.write(json.dumps(record) + "\n")
        print(f"appended to {HISTORY.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
