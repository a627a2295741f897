"""The core needs NumPy alone: torch, onnx, safetensors, matplotlib… are optional extras.

Each check runs in a fresh interpreter in which importing an optional package
fails, as if it were not installed, and then looks at ``sys.modules``.
"""

import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent
OPTIONAL = ["torch", "onnx", "onnxruntime", "safetensors", "matplotlib", "tqdm", "starlette", "uvicorn", "websockets"]

BLOCK_OPTIONAL = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
OPTIONAL = {OPTIONAL!r}

class NotInstalled:
    '''A meta path finder that makes the optional packages unimportable.'''

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in OPTIONAL:
            raise ModuleNotFoundError(f"No module named {{name!r}} (blocked by the test)", name=name)

sys.meta_path.insert(0, NotInstalled())
"""


def run_isolated(code):
    result = subprocess.run(
        [sys.executable, "-I", "-c", BLOCK_OPTIONAL + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_core_imports_and_trains_with_numpy_alone():
    run_isolated(
        """
        import glassnet
        from glassnet import nn, optim, data, models, autograd, summary
        model = models.lenet5()
        loss = nn.CrossEntropyLoss()(model(glassnet.randn(2, 1, 28, 28)), glassnet.tensor([3, 7]))
        loss.backward()
        optim.SGD(model.parameters(), lr=0.1).step()
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in OPTIONAL)
        assert not loaded, f"import glassnet loaded optional packages: {loaded}"
        """
    )


def test_extras_explain_how_to_install_them():
    out = run_isolated(
        """
        import glassnet
        for module, extra in [("glassnet.onnx", "onnx"), ("glassnet.interop", "torch")]:
            try:
                __import__(module)
            except ImportError as error:
                # installed from PyPI or a wheel, and from a clone
                assert f"pip install 'glassnet[{extra}]'" in str(error), str(error)
                assert f"pip install -e '.[{extra}]'" in str(error), str(error)
                print(module, "ok")
        try:
            glassnet.save({"w": glassnet.zeros(1)}, "unused.safetensors")
        except ImportError as error:
            assert "pip install 'glassnet[train]'" in str(error) and "pip install -e '.[train]'" in str(error)
            print("glassnet.save", "ok")
        """
    )
    assert out.split() == ["glassnet.onnx", "ok", "glassnet.interop", "ok", "glassnet.save", "ok"]


def test_every_install_hint_names_an_extra_of_pyproject():
    import re

    import pytest

    tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    named = set()
    for path in (ROOT / "glassnet").rglob("*.py"):
        text = path.read_text()
        named.update(re.findall(r"install_hint\(['\"](\w+)['\"]\)", text))
        if path.name != "_extras.py":  # elsewhere only docstrings spell the command out (in ``...``)
            written = [line for line in text.splitlines() if "pip install" in line and "``pip install" not in line]
            assert not written, f"{path}: a hand-written install hint, use glassnet._extras.install_hint: {written}"
    assert {"onnx", "torch", "train", "viz", "playground"} <= named
    assert named <= set(extras), f"hints name extras pyproject.toml lacks: {named - set(extras)}"


def test_the_command_line_works_with_numpy_alone():
    out = run_isolated(
        """
        from glassnet import cli
        assert cli.main(["summary", "lenet5"]) == 0
        assert cli.main(["lesson"]) == 0
        import contextlib, io
        with contextlib.redirect_stderr(io.StringIO()) as err:
            code = cli.main(["playground", "--port", "0"])  # needs starlette: a one-line error with the hint
        assert code == 1, code
        assert "pip install 'glassnet[playground]' (or, from a clone, pip install -e '.[playground]')" in err.getvalue()
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in OPTIONAL)
        assert not loaded, f"the CLI loaded optional packages: {loaded}"
        """
    )
    assert "Total params: 61,706" in out
