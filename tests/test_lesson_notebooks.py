"""Every lesson as a Jupyter notebook (``glassnet lesson NAME --notebook``), executed by nbclient in a real kernel.

Each notebook is written in quick mode and run from the first cell to the last: no cell may fail, each
figure the lesson draws must show inline, and the printed output must carry the slide's numbers, the
same ones tests/test_lessons.py checks on the lesson's return value.  The notebooks run two kernels at a
time (the machine has two cores); a lesson whose data set cannot be had (MNIST) is skipped, as there.
"""

import ast
import asyncio
import importlib.util
import os
import pathlib
import re

import numpy as np
import pytest

from glassnet import lessons
from glassnet.lessons import notebook as lesson_notebook

nbformat = pytest.importorskip("nbformat")
HAS_KERNEL = all(importlib.util.find_spec(name) for name in ("nbclient", "ipykernel"))
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
ROOT = pathlib.Path(__file__).resolve().parent.parent

# how many figures each lesson shows (kernels: the photograph's needs matplotlib, which any figure needs)
FIGURES = {
    "minimize": 2,
    "regression": 2,
    "sgd": 1,
    "single-layer": 1,
    "features": 1,
    "linear-collapse": 1,
    "universal": 1,
    "backprop": 1,
    "softmax": 1,
    "kernels": 3,
    "dense-vs-conv": 1,
    "pooling": 1,
    "lenet": 3,
}


def numbers(text):
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]\d+)?", text)]


def after(text, prefix, count=1):
    """The ``count`` numbers after the first ``prefix`` in ``text``."""
    start = text.index(prefix) + len(prefix)
    return numbers(text[start:])[:count]


def check_minimize(out):
    for x, fx in (("-0.50", "1.8987"), ("-0.51", "1.9254"), ("-0.49", "1.8724")):
        assert f"f({x}) = {fx}" in out
    assert re.search(r"f'\(-0\.5\)\s+= -2\.64872", out)
    assert re.search(r"f\(0\)\s+= 1\s+f'\(0\)\s+= -1\s", out)
    assert re.search(r"f\(0\.5\)\s+= 0\.85653\s+f'\(0\.5\)\s+= 0\.39347", out)
    assert "steps to x = 0.3517" in out
    small, good, large = (float(x) for x in re.findall(r"x after 10 steps =\s+(\S+)", out))
    assert abs(good - 0.35173) < 1e-3 < abs(small - 0.35173) and abs(large) > 5


def check_regression(out):
    fits = re.findall(r"(gradient descent \(\d+ steps\)|least squares \(exact\)):\s+w0 = (\S+), w1 = (\S+)", out)
    (_, *descent), (_, *exact) = fits
    np.testing.assert_allclose(np.float64(descent), np.float64(exact), atol=1.5e-3)
    accuracy = {
        (loss, start): float(value)
        for loss, start, value in re.findall(
            r"(squared error|log-likelihood) .*? from (w = 0|confidently wrong).*?accuracy (\S+)%", out
        )
    }
    assert accuracy["squared error", "w = 0"] > 90 and accuracy["log-likelihood", "w = 0"] > 90
    assert accuracy["squared error", "confidently wrong"] < 50 < 90 < accuracy["log-likelihood", "confidently wrong"]
    squared = np.abs(numbers(re.search(r"squared error \(the slide\)\s+gradient \[(.*?)\]", out)[1])).max()
    likelihood = np.abs(
        numbers(re.search(r"log-likelihood \(real logistic regression\)\s+gradient \[(.*?)\]", out)[1])
    ).max()
    assert likelihood > 1000 * squared  # the squared error's gradient vanishes


def check_sgd(out):
    final = {}
    for size, steps, losses in re.findall(
        r"batch size\s+(\d+) \(.*?, (\d+) steps? per epoch\), "
        r"loss after each epoch: (.*)",
        out,
    ):
        losses = numbers(losses)
        assert int(steps) * len(losses) == {200: 3, 20: 30, 1: 600}[int(size)]  # 3 epochs of 1, 10 and 200 steps
        final[int(size)] = losses[-1]
    assert final[1] < final[20] < 0.5 < final[200]


def check_single_layer(out):
    rows = re.findall(r"^\s+(\d)\s+\(.*\((\S+), (\S+)\)$", out, flags=re.MULTILINE)
    trace = {int(step): (float(a), float(b)) for step, a, b in rows}
    np.testing.assert_allclose(trace[1], [-0.4, -0.8])
    np.testing.assert_allclose(trace[2], [-0.4 + 0.1 * 2 * 2.6, -0.8 + 0.1 * 1 * 2.6])
    assert "after 100 steps: w = (2.0000, -3.0000)" in out
    assert after(out, "largest difference")[0] < 1e-12


def check_features(out):
    linear, squared = (float(a) for a in re.findall(r"features .*?accuracy\s+(\S+)%", out))
    assert linear < 70 and squared > 97


def check_linear_collapse(out):
    assert re.search(r"u1 = .* = 0\.25\n", out) and re.search(r"u2 = .* = -1\.75\n", out)
    assert after(out, "largest over 1000 random points:")[0] < 1e-5
    assert after(out, "by up to")[0] > 0.1


def check_universal(out):
    errors = [float(e) for e in re.findall(r"largest error \|p\(x\) - f\(x\)\| = (\S+)", out)]
    assert len(errors) == 5 and errors == sorted(errors, reverse=True)  # wider is better
    assert errors[-1] < 0.1 < 0.5 < errors[0]


def check_backprop(out):
    for line in (
        "h1 = t1 + t2 = 1 + 0.5 = 1.5",
        "h2 = t4 + t5 = 0.5 + (-1) = -0.5",
        "h3 = t8 + t9 = (-1) + (-0.75) = -1.75",
        "p = t7 + t10 = 0.125 + 0.175 = 0.3",
        "L = 0.5 · t12 = 0.5 · 0.49 = 0.245",
        "dL/dw1 = dL/dt1 · ∂t1/∂w1 = (-0.175) · (x1 = 2) = -0.35",
        "dL/dt3 = dL/dh1 · ∂h1/∂t3 = (-0.227658) · (1 - tanh²(t3) = 0.180707)",
    ):  # φ'(1.5), tanh net
        assert line in out
    # by hand: dL/dp = -(Y - p); dL/dv = dL/dp·h; dL/dw = dL/dp·v·x with x = (2, -1)
    dp, w = -(1 - 0.3), lessons.get("backprop").WEIGHTS
    expected = {"v1": dp * 1.5, "v2": dp * -0.5, "v3": dp * -1.75}
    for i, (first, second) in enumerate((("w1", "w2"), ("w3", "w4"), ("w5", "w6")), start=1):
        expected.update({first: dp * w[f"v{i}"] * 2, second: dp * w[f"v{i}"] * -1})
    leaves = out[out.index("Gradients of the leaves") : out.index("gradcheck")]
    found = {name: float(value) for name, value in re.findall(r"dL/d(\w+) = (\S+)", leaves)}
    assert found == pytest.approx(expected)
    assert "agrees with every gradient: True" in out
    assert after(out, "p = 0.3 →")[0] > 0.3


def check_softmax(out):
    assert "σ(z)          = [0.659  0.2424 0.0986]" in out and "L = -log σ(z)₀ = 0.4170" in out
    by_autograd, formula = after(out, "dL/dz by autograd =", 3), after(out, "σ(z) - y          =", 3)
    assert by_autograd == formula == [-0.341, 0.2424, 0.0986]
    assert max(float(gap) for gap in re.findall(r"over s in \[-6, 6\]: (\S+)", out)) < 1e-12


def check_kernels(out):
    images = re.findall(r"^(photograph|MNIST digit) \(\d+×\d+\): largest difference of", out, flags=re.MULTILINE)
    assert images == (["photograph", "MNIST digit"] if HAS_MATPLOTLIB else ["MNIST digit"])
    sharpen = [float(v) for v in re.findall(r"sharpen vs highpass \+ identity\s+(\S+)", out)]
    sobel = [float(v) for v in re.findall(r"cross-correlation, Sobel x\s+(\S+)", out)]
    box = [float(v) for v in re.findall(r"cross-correlation, box\s+(\S+)", out)]
    assert len(sharpen) == len(sobel) == len(box) == len(images)
    assert max(sharpen + box) < 1e-5 and 1 < min(sobel)
    assert "cross-correlation q = a·r + b·s + … + i·z = 285" in out and "convolution       q = i·r" in out
    assert after(out, "convolution       q = i·r + h·s + … + a·z =")[0] == 165


def check_dense_vs_conv(out):
    assert "= 7,247,757,312 connections" in out and "with 6,912 weights" in out
    conv_rows = [line for line in out.splitlines() if re.match(r"\d+ Conv2d ", line)]
    shapes = [re.findall(r"\(100 x [^)]*\)", row)[-1] for row in conv_rows]
    assert shapes == [
        "(100 x 16 x 250 x 250)",
        "(100 x 32 x 125 x 125)",
        "(100 x 64 x 125 x 125)",
        "(100 x 64 x 125 x 125)",
    ]
    total = (3 * 16 * 49 + 16) + (16 * 32 * 9 + 32) + (32 * 64 * 9 + 64) + (64 * 64 + 64)
    assert f"Total params: {total:,}" in out and "match the slide's table: True" in out


def check_pooling(out):
    def table(name):
        block = out[out.index(f"{name} pooling, 2×2 stride 2:") :].splitlines()[1:5]
        return np.array([numbers(row) for row in block])

    np.testing.assert_array_equal(table("max"), [[6, 7, 10, 10], [2, 8, 9, 7], [10, 9, 10, 10], [8, 7, 4, 10]])
    windows = lessons.get("pooling").GRID.reshape(4, 2, 4, 2)
    np.testing.assert_allclose(table("average"), windows.mean(axis=(1, 3)))
    np.testing.assert_array_equal(table("min"), windows.min(axis=(1, 3)))


def check_lenet(out):
    accuracy, wrong = after(out, "Test accuracy on 1,000 digits:", 2)
    assert accuracy > 75 and wrong == round((100 - accuracy) * 10)
    assert "6 learned filters of 5×5" in out and "(6, 28, 28) after conv1, (16, 10, 10) after conv2" in out


CHECKS = {name: globals()[f"check_{name.replace('-', '_')}"] for name in lessons.LESSONS}


def selected_lessons(session, module):
    """The lessons whose notebook test this session runs (all but lenet under ``-m 'not slow'``)."""
    return [
        item.callspec.params["name"]
        for item in session.items
        if item.module is module and hasattr(item, "callspec") and "name" in item.callspec.params
    ]


async def execute(paths, folder, parallel=2):
    """Run every notebook in its own kernel, ``parallel`` at a time; name → (executed notebook, error or None)."""
    import nbclient

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    gate = asyncio.Semaphore(parallel)

    async def run(name, path):
        notebook = nbformat.read(path, as_version=4)
        client = nbclient.NotebookClient(
            notebook, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
        )
        async with gate:
            try:
                await client.async_execute(env=env)
            except nbclient.exceptions.CellExecutionError as error:
                return name, (notebook, error)
        return name, (notebook, None)

    return dict(await asyncio.gather(*(run(name, path) for name, path in paths.items())))


@pytest.fixture(scope="module")
def executed(request, tmp_path_factory):
    """The notebooks of this session's lessons, written with ``--notebook --quick`` and executed."""
    if not HAS_KERNEL:
        pytest.skip("executing notebooks needs nbclient and ipykernel (the dev extra)")
    folder = tmp_path_factory.mktemp("notebooks")
    names = selected_lessons(request.session, request.module)
    paths = {}
    for name in names:
        lessons.main([name, "--notebook", "--quick", "--out", str(folder)])
        paths[name] = folder / lesson_notebook.file_name(name)
    return asyncio.run(execute(paths, folder))


def outputs(notebook, kind):
    return [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == kind
    ]


@pytest.mark.parametrize(
    "name", [pytest.param(name, marks=pytest.mark.slow) if name == "lenet" else name for name in lessons.LESSONS]
)
def test_notebook_runs_and_shows_the_slides_numbers(executed, name):
    notebook, error = executed[name]
    if error is not None and error.ename == "DatasetUnavailable":
        pytest.skip(str(error.evalue))
    assert error is None, f"a cell of the {name} notebook failed:\n{error}"
    assert outputs(notebook, "error") == []
    out = "".join(output.text for output in outputs(notebook, "stream") if output.name == "stdout")
    CHECKS[name](out)
    images = [output for output in outputs(notebook, "display_data") if "image/png" in output.data]
    assert len(images) == (FIGURES[name] if HAS_MATPLOTLIB else 0)


# Writing the notebooks needs nbformat only: no kernel, fast.


def test_a_notebook_is_the_lessons_code_in_cells():
    nb = lesson_notebook.build("backprop", quick=True)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].source.startswith("# Lesson 8: backpropagation, worked through on one point")
    assert "`glassnet.explain(loss)`" in nb.cells[0].source and "``" not in nb.cells[0].source
    code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    for source in code:
        ast.parse(source)  # every cell is Python on its own
        assert "from ." not in source  # no relative import: a notebook is not in the package
    assert code[0].splitlines()[-1] == "from glassnet.lessons.common import figure, figures_wanted, save, written"
    assert any(source.startswith("WEIGHTS = {") for source in code)
    assert any(source.startswith("def network(") for source in code)
    hidden = [cell.source.split("(")[0] for cell in nb.cells if cell.metadata.get("jupyter", {}).get("source_hidden")]
    assert hidden == ["def draw_network", "def draw_label"]  # the figures' code, folded
    settings = next(i for i, source in enumerate(code) if source.startswith("out_dir = None  # a folder name"))
    assert "quick = True  # True: a smaller" in code[settings]
    steps = code[settings + 1 :]  # run()'s body, cut at its blank lines
    assert len(steps) >= 4 and steps[0].startswith('print(f"The point P = {POINT}')
    assert steps[-1].startswith("results = {") and not re.search(r"^\s*return", "\n".join(steps), re.MULTILINE)
    assert nb == lesson_notebook.build("backprop", quick=True)  # the same lesson, the same file


def test_every_lesson_becomes_a_notebook_and_all_run_the_same_lesson_code(tmp_path, capsys):
    lessons.main(["--all", "--notebook", "--out", str(tmp_path)])
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == [f"{i:02d}-{name}.ipynb" for i, name in enumerate(lessons.LESSONS, start=1)]
    assert capsys.readouterr().out.count("notebook written: ") == 13
    for path in tmp_path.iterdir():
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
        assert "quick = False" in code and "results = " in code
        compile(code, str(path), "exec")  # the whole notebook, in order, is one valid program


def test_notebook_command_errors():
    with pytest.raises(ValueError, match=r"--notebook: which lesson\? hint: give a NAME, or --all"):
        lessons.main(["--notebook"])
    with pytest.raises(ValueError, match="give a NAME or --all, not both"):
        lessons.main(["pooling", "--all", "--notebook"])
    with pytest.raises(ValueError, match="unknown lesson 'nope'"):
        lessons.main(["nope", "--notebook"])
