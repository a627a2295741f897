"""The README's worked example (train in glassnet, continue in PyTorch, serve with onnxruntime) runs.

The example lives in examples/train_continue_serve.py; the README shows the
same code, which the second test checks once the README has the section.
"""

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "train_continue_serve.py"


def example_code():
    """The script without its docstring: the code the README shows."""
    text = EXAMPLE.read_text()
    return text[text.index("import ") :]


def test_train_continue_serve_example_runs(tmp_path):
    for package in ("torch", "safetensors", "onnx", "onnxruntime"):
        pytest.importorskip(package)
    # One thread each: PyTorch's default thread pool is many times slower on small, busy machines.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "onnxruntime predicts [1 0 1 0]", result.stdout
    glassnet_loss, torch_loss = (float(line.split()[-1]) for line in lines[:2])
    assert torch_loss < glassnet_loss < 0.1  # learned in glassnet, improved further in PyTorch
    assert sorted(p.name for p in tmp_path.iterdir()) == ["xor-finetuned.safetensors", "xor.onnx", "xor.safetensors"]


def test_readme_shows_the_example_verbatim():
    readme = ROOT / "README.md"
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(), re.S) if readme.exists() else []
    shown = [block for block in blocks if "glassnet.onnx.export" in block]
    if not shown:
        pytest.skip("README.md has no train/continue/serve section yet")
    assert shown[0] == example_code(), "README and examples/train_continue_serve.py differ; copy the script's code"
