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
        capture_output=True, text=True, timeout=60,
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
                assert f"pip install 'glassnet[{extra}]'" in str(error), str(error)
                print(module, "ok")
        """
    )
    assert out.split() == ["glassnet.onnx", "ok", "glassnet.interop", "ok"]


def test_the_command_line_works_with_numpy_alone():
    out = run_isolated(
        """
        from glassnet import cli
        assert cli.main(["summary", "lenet5"]) == 0
        assert cli.main(["lesson"]) == 0
        code = cli.main(["playground", "--port", "0"])  # needs starlette: a one-line error with the hint
        assert code == 1, code
        loaded = sorted(name for name in sys.modules if name.split(".")[0] in OPTIONAL)
        assert not loaded, f"the CLI loaded optional packages: {loaded}"
        """
    )
    assert "Total params: 61,706" in out
