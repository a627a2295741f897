"""Where a training step's time goes, op by op, in glassnet and in PyTorch: ``python -m benchmarks.profile``.

``python -m benchmarks.profile [lenet|mlp|playground] [--threads N] [--steps N]``
trains the model of that benchmark workload (``benchmarks/workloads.py``: same
layers, same synthetic data, SGD with momentum 0.9 and cross-entropy, or MSE
for the playground) in one fresh process per framework, and prints, per step,
the time of each kind of op, forward and backward, side by side.

How each side is measured:

- glassnet: every ``Function``'s ``forward`` and ``backward`` and the
  optimizer's ``step`` are wrapped with a timer.  "rest" is the step's time
  minus all of those: the autograd engine, module calls, tensor wrappers,
  ``zero_grad``.
- PyTorch: ``torch.profiler`` (self CPU time of each ``aten::`` op, grouped
  the same way; the optimizer's step as a whole, the ops inside it not again).  The profiler adds its own overhead to every op, so its
  op times are a little too long; "rest" is the step timed without the
  profiler minus the profiled ops, and can come out slightly negative.

The step time of each side is measured without any wrapper or profiler.  With
``--threads 1`` both frameworks run on one thread, which shows how much of a
difference comes from the kernels and how much from using the second core.
"""

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from . import workloads

ROOT = Path(__file__).resolve().parent.parent

# Kinds of op, in the table's order: glassnet Function names and PyTorch aten ops (self time) for each.
KINDS = {
    "conv": (("Conv2d",), ("aten::mkldnn_convolution", "aten::convolution_backward", "aten::thnn_conv2d")),
    "max-pool": (("MaxPool2d",), ("aten::max_pool2d_with_indices", "aten::max_pool2d_with_indices_backward")),
    "activation": (
        ("ReLU", "Tanh"),
        ("aten::clamp_min", "aten::relu", "aten::threshold_backward", "aten::tanh", "aten::tanh_backward"),
    ),
    "linear": (("Linear",), ("aten::addmm", "aten::mm", "aten::sum")),
    "loss": (
        ("CrossEntropy", "SquaredError"),
        (
            "aten::_log_softmax",
            "aten::nll_loss_forward",
            "aten::_log_softmax_backward_data",
            "aten::nll_loss_backward",
            "aten::mse_loss",
            "aten::mse_loss_backward",
        ),
    ),
}
OPTIMIZER = "optimizer step"
BACKWARD_ATEN = (
    "aten::convolution_backward",
    "aten::max_pool2d_with_indices_backward",
    "aten::threshold_backward",
    "aten::tanh_backward",
    "aten::mm",
    "aten::sum",
    "aten::_log_softmax_backward_data",
    "aten::nll_loss_backward",
    "aten::mse_loss_backward",
)


def setup(fw, model_name):
    """(step, batches) for ``model_name``: ``step(x, y)`` is one SGD step, as in the benchmark's workloads."""
    F = fw.nn.functional
    if model_name == "playground":
        rng = np.random.default_rng(2)
        model, lr, momentum, loss_fn = workloads.mlp(fw, [2, 8, 8, 1], "tanh"), 0.03, 0, F.mse_loss
        x = rng.uniform(-6, 6, (10, 2)).astype(np.float32)
        y = rng.choice([-1.0, 1.0], (10, 1)).astype(np.float32)
        data = [(fw.from_numpy(x), fw.from_numpy(y))]
    else:
        images, labels = workloads.mnist_arrays({}, train=True)
        if model_name == "lenet":
            model, batch = workloads.lenet5(fw), 64
        else:
            model, batch, images = workloads.mlp(fw, [784, 256, 128, 10], "relu"), 128, images.reshape(len(images), -1)
        lr, momentum, loss_fn = 0.01, 0.9, F.cross_entropy
        data = list(workloads.batches(fw, images[: 50 * batch], labels[: 50 * batch], batch))
    optimizer = fw.optim.SGD(model.parameters(), lr=lr, momentum=momentum)

    def step(x, y):
        optimizer.zero_grad()
        loss_fn(model(x), y).backward()
        optimizer.step()

    return step, optimizer, data


def run_steps(step, data, steps):
    """Seconds per step over ``steps`` steps, cycling through ``data``."""
    start = time.perf_counter()
    for i in range(steps):
        step(*data[i % len(data)])
    return (time.perf_counter() - start) / steps


def profile_glassnet(model_name, steps):
    import glassnet
    from glassnet.autograd.function import Function

    step, optimizer, data = setup(glassnet, model_name)
    run_steps(step, data, 5)
    step_seconds = run_steps(step, data, steps)
    times = defaultdict(float)

    def timed(function, key):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            result = function(*args, **kwargs)
            times[key] += time.perf_counter() - start
            return result

        return wrapper

    def functions(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from functions(sub)

    for cls in set(functions(Function)):
        if "forward" in vars(cls):
            cls.forward = staticmethod(timed(cls.forward, (cls.__name__, "forward")))
            cls.backward = staticmethod(timed(cls.backward, (cls.__name__, "backward")))
    optimizer.step = timed(optimizer.step, (OPTIMIZER, ""))
    run_steps(step, data, steps)
    return step_seconds, {f"{name} {direction}".strip(): t / steps for (name, direction), t in times.items()}


def profile_torch(model_name, steps):
    import torch
    from torch.profiler import ProfilerActivity, profile

    step, _, data = setup(torch, model_name)
    run_steps(step, data, 5)
    step_seconds = run_steps(step, data, steps)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        run_steps(step, data, steps)
    times = defaultdict(float)
    for event in prof.events():
        if event.name.startswith("Optimizer.step"):  # the whole step, the aten ops inside it included
            times[OPTIMIZER] += event.cpu_time_total / 1e6 / steps
        elif event.name.startswith("aten::") and not inside_optimizer_step(event):
            times[event.name] += event.self_cpu_time_total / 1e6 / steps
    return step_seconds, dict(times)


def inside_optimizer_step(event):
    """True if a profiler event ran within ``Optimizer.step`` (it is counted there, not again on its own)."""
    parent = event.cpu_parent
    while parent is not None:
        if parent.name.startswith("Optimizer.step"):
            return True
        parent = parent.cpu_parent
    return False


def group(framework, times):
    """{(kind, 'forward'|'backward'|''): seconds} from one framework's raw op times."""
    grouped = defaultdict(float)
    for key, seconds in times.items():
        if key == OPTIMIZER:
            grouped[(OPTIMIZER, "")] += seconds
            continue
        for kind, (glassnet_names, aten_names) in KINDS.items():
            if framework == "glassnet":
                name, direction = key.rsplit(" ", 1)
                if name in glassnet_names:
                    grouped[(kind, direction)] += seconds
                    break
            elif key in aten_names:
                grouped[(kind, "backward" if key in BACKWARD_ATEN else "forward")] += seconds
                break
        else:
            grouped[("other ops", "")] += seconds
    return grouped


def worker(args):
    profile_ = profile_glassnet if args.framework == "glassnet" else profile_torch
    fw = __import__(args.framework)
    fw.manual_seed(0)
    if args.threads:
        fw.set_num_threads(args.threads)  # the same name in both frameworks
    step_seconds, times = profile_(args.model, args.steps)
    print(json.dumps({"step": step_seconds, "times": times}))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Per-op time of a training step, glassnet beside PyTorch.")
    parser.add_argument(
        "model",
        nargs="?",
        default="lenet",
        choices=["lenet", "mlp", "playground"],
        help="LeNet-5 at batch 64, the MNIST MLP at batch 128, or the playground's 2-8-8-1 MLP",
    )
    parser.add_argument("--threads", type=int, help="compute threads of both frameworks (default: their own)")
    parser.add_argument("--steps", type=int, help="steps to time (default: 200; 5000 for the playground)")
    parser.add_argument("--framework", choices=["glassnet", "torch"], help=argparse.SUPPRESS)  # the worker side
    args = parser.parse_args(argv)
    args.steps = args.steps or (5000 if args.model == "playground" else 200)
    if args.framework:
        return worker(args)
    workloads.require_torch("benchmarks.profile")

    results = {}
    for framework in ("glassnet", "torch"):
        command = [
            sys.executable,
            "-m",
            "benchmarks.profile",
            args.model,
            "--steps",
            str(args.steps),
            "--framework",
            framework,
        ] + (["--threads", str(args.threads)] if args.threads else [])
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"profile: the {framework} worker failed:\n{done.stderr.strip()}")
        results[framework] = json.loads(done.stdout.strip().splitlines()[-1])

    grouped = {f: group(f, r["times"]) for f, r in results.items()}
    rows = [(kind, d) for kind in KINDS for d in ("forward", "backward")] + [(OPTIMIZER, ""), ("other ops", "")]
    unit = 1e6
    print(f"{args.model}: µs per training step, threads: {args.threads or 'default'}")
    print(f"{'':26} {'glassnet':>9} {'PyTorch':>9} {'difference':>11}")
    for kind, direction in rows:
        g, t = (grouped[f].get((kind, direction), 0.0) * unit for f in ("glassnet", "torch"))
        if g or t:
            print(f"{(kind + ' ' + direction).strip():26} {g:9.0f} {t:9.0f} {g - t:+11.0f}")
    rests = {}
    for f, r in results.items():
        rests[f] = (r["step"] - sum(grouped[f].values())) * unit
    print(
        f"{'rest (engine, Python)':26} {rests['glassnet']:9.0f} {rests['torch']:9.0f} {rests['glassnet'] - rests['torch']:+11.0f}"
    )
    g, t = (results[f]["step"] * unit for f in ("glassnet", "torch"))
    print(f"{'step (no profiler)':26} {g:9.0f} {t:9.0f} {g - t:+11.0f}   ratio {g / t:.2f}")
    print("PyTorch's op times come from torch.profiler, which adds its own overhead to each op.")


if __name__ == "__main__":
    main()
