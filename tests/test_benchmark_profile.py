"""``python -m benchmarks.profile``: per-op times of a training step in glassnet and PyTorch."""

import subprocess
import sys

import pytest

from benchmarks import profile

pytest.importorskip("torch")


def test_group_sorts_glassnet_functions_and_aten_ops_into_the_same_kinds():
    glassnet_times = {
        "Conv2d forward": 3.0,
        "Conv2d backward": 4.0,
        "ReLU forward": 1.0,
        "Reshape forward": 0.5,
        profile.OPTIMIZER: 2.0,
    }
    torch_times = {
        "aten::mkldnn_convolution": 1.0,
        "aten::convolution_backward": 2.0,
        "aten::clamp_min": 0.5,
        "aten::threshold_backward": 0.25,
        "aten::view": 0.125,
        profile.OPTIMIZER: 1.5,
    }
    g, t = profile.group("glassnet", glassnet_times), profile.group("torch", torch_times)
    assert g[("conv", "forward")] == 3.0 and g[("conv", "backward")] == 4.0
    assert t[("conv", "forward")] == 1.0 and t[("conv", "backward")] == 2.0
    assert g[("activation", "forward")] == 1.0 and t[("activation", "backward")] == 0.25
    assert g[("other ops", "")] == 0.5 and t[("other ops", "")] == 0.125
    assert g[(profile.OPTIMIZER, "")] == 2.0 and t[(profile.OPTIMIZER, "")] == 1.5


def test_the_command_prints_a_row_per_kind_of_op_and_the_ratio():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.profile", "playground", "--steps", "30", "--threads", "1"],
        capture_output=True,
        text=True,
        cwd=profile.ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    for row in (
        "linear forward",
        "linear backward",
        "activation forward",
        "loss backward",
        "optimizer step",
        "rest (engine, Python)",
        "step (no profiler)",
    ):
        assert any(line.startswith(row) for line in lines), (row, done.stdout)
    step = next(line for line in lines if line.startswith("step (no profiler)"))
    glassnet_us, torch_us = (float(v) for v in step.split()[3:5])
    assert glassnet_us > 0 and torch_us > 0
    ratio = float(step.split("ratio")[1])
    assert ratio == pytest.approx(glassnet_us / torch_us, rel=0.03)  # the printed times are rounded to 1 µs
