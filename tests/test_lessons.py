"""Every lesson, run in quick mode: the slides' numbers, the figures it writes, and the `glassnet lesson` command.

Every figure a lesson saves is checked as saved: nothing cut off at its edges, no text on other text,
tick labels apart (tests/test_figure_layout.py).
"""

import importlib.util

import numpy as np
import pytest

from glassnet import lessons
from glassnet.lessons.common import DatasetUnavailable, figures_wanted, in_notebook

HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


@pytest.fixture
def out_dir(tmp_path, monkeypatch):
    """Where figures go; None (numbers only) without matplotlib. Each figure's layout is checked as it is saved."""
    if not HAS_MATPLOTLIB:
        return None
    from matplotlib.figure import Figure

    from test_figure_layout import layout_problems

    savefig = Figure.savefig

    def savefig_and_check(fig, *args, **kwargs):
        savefig(fig, *args, **kwargs)
        titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
        assert layout_problems(fig) == [], f"the figure with titles {titles}"

    monkeypatch.setattr(Figure, "savefig", savefig_and_check)
    return tmp_path


def run_quick(name, out_dir):
    try:
        result = lessons.run(name, out_dir=out_dir, quick=True)
    except DatasetUnavailable as error:
        pytest.skip(str(error))
    for path in result["figures"]:
        with open(path, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n", path
    assert bool(result["figures"]) == (out_dir is not None)
    return result


def test_every_lesson_is_registered_with_a_title_and_its_slides():
    listed = lessons.list_lessons()
    assert [name for name, _ in listed] == list(lessons.LESSONS)
    assert len(listed) == 13
    for name, title in listed:
        module = lessons.get(name)
        assert title and "\n" not in title
        assert "Slide" in module.__doc__, name
    assert lessons.get("8") is lessons.get("backprop")


def test_minimize(out_dir):
    r = run_quick("minimize", out_dir)
    assert [round(r["f"][x], 4) for x in (-0.50, -0.51, -0.49)] == [1.8987, 1.9254, 1.8724]
    assert round(r["slope"][-0.5], 5) == -2.64872
    assert (r["f"][0.0], r["slope"][0.0]) == (1.0, -1.0)
    assert (round(r["f"][0.5], 5), round(r["slope"][0.5], 5)) == (0.85653, 0.39347)
    assert round(r["minimum"], 4) == 0.3517
    small, good, large = r["after_10_steps"].values()
    assert abs(good - 0.35173) < 1e-3 < abs(small - 0.35173) and abs(large) > 5


def test_regression(out_dir):
    r = run_quick("regression", out_dir)
    np.testing.assert_allclose(r["line"], r["least_squares"], atol=1e-3)
    accuracy = {(loss.split()[0], start.split()[0]): value for (loss, start), value in r["accuracy"].items()}
    assert accuracy["squared", "w"] > 0.9 and accuracy["log-likelihood", "w"] > 0.9
    assert accuracy["squared", "confidently"] < 0.5 < 0.9 < accuracy["log-likelihood", "confidently"]
    squared, likelihood = r["gradients"].values()
    assert np.abs(likelihood).max() > 1000 * np.abs(squared).max()  # the squared error's gradient vanishes


def test_sgd(out_dir):
    r = run_quick("sgd", out_dir)
    assert r["steps"] == {200: 3, 20: 30, 1: 600}  # 3 epochs of 1, 10 and 200 steps
    assert r["final_loss"][1] < r["final_loss"][20] < 0.5 < r["final_loss"][200]


def test_single_layer(out_dir):
    r = run_quick("single-layer", out_dir)
    # w ← w + η·x·(Y - w·x) by hand: η = 0.1, w = 0; x = (1, 2), Y = -4; then x = (2, 1), Y = 1
    np.testing.assert_allclose(r["trace"][1], [-0.4, -0.8])
    np.testing.assert_allclose(r["trace"][2], [-0.4 + 0.1 * 2 * 2.6, -0.8 + 0.1 * 1 * 2.6])
    np.testing.assert_allclose(r["final_w"], [2, -3], atol=1e-3)
    assert r["autograd_difference"] < 1e-12


def test_features(out_dir):
    r = run_quick("features", out_dir)
    linear, squared = r["accuracy"].values()
    assert linear < 0.7 and squared > 0.97


def test_linear_collapse(out_dir):
    r = run_quick("linear-collapse", out_dir)
    assert r["u"] == (0.25, -1.75)
    assert r["linear_gap"] < 1e-5 and r["tanh_gap"] > 0.1


def test_universal(out_dir):
    r = run_quick("universal", out_dir)
    errors = list(r["max_error"].values())
    assert errors == sorted(errors, reverse=True)  # wider is better
    assert errors[-1] < 0.1 < 0.5 < errors[0]


def test_backprop(out_dir, capsys):
    r = run_quick("backprop", out_dir)
    v, g = r["values"], r["gradients"]
    assert (v["h1"], v["h2"], v["h3"]) == (1.5, -0.5, -1.75)
    assert v["p"] == pytest.approx(0.3) and v["L"] == pytest.approx(0.245)
    # by hand: dL/dp = -(Y - p); dL/dv = dL/dp·h; dL/dh = dL/dp·v; dL/dw = dL/dh·x with x = (2, -1)
    dp = -(1 - 0.3)
    w = lessons.get("backprop").WEIGHTS
    expected = {"p": dp, "v1": dp * 1.5, "v2": dp * -0.5, "v3": dp * -1.75}
    for i, (first, second) in enumerate((("w1", "w2"), ("w3", "w4"), ("w5", "w6")), start=1):
        dh = dp * w[f"v{i}"]
        expected.update({f"h{i}": dh, first: dh * 2, second: dh * -1})
    assert g == pytest.approx(expected)
    assert r["gradcheck"] is True and r["p_after_step"] > v["p"]
    text = capsys.readouterr().out
    assert "dL/dw1 = dL/dt1 · ∂t1/∂w1 = (-0.175) · (x1 = 2) = -0.35" in text
    assert "dL/dt3 = dL/dh1 · ∂h1/∂t3 = (-0.227658) · (1 - tanh²(t3) = 0.180707)" in text  # φ'(1.5), tanh net


def test_softmax(out_dir):
    r = run_quick("softmax", out_dir)
    np.testing.assert_allclose(r["probabilities"], [0.659, 0.2424, 0.0986], atol=1e-4)
    np.testing.assert_allclose(r["gradient"], r["probabilities"] - [1, 0, 0], atol=1e-12)
    assert round(r["loss"], 4) == 0.4170
    assert max(r["gaps"].values()) < 1e-12


def test_kernels(out_dir):
    r = run_quick("kernels", out_dir)
    assert r["images"] == (["photograph", "MNIST digit"] if HAS_MATPLOTLIB else ["MNIST digit"])
    for checks in r["checks"].values():
        sharpen, sobel, box = checks.values()
        assert sharpen < 1e-5 and box < 1e-5 < 1 < sobel
    assert r["patch"] == {"cross-correlation": 285, "convolution": 165}


def test_dense_vs_conv(out_dir):
    r = run_quick("dense-vs-conv", out_dir)
    assert r["dense_connections"] == 7_247_757_312
    assert r["conv_weights"] == 6_912
    assert r["conv_output_shapes"] == [
        (100, 16, 250, 250),
        (100, 32, 125, 125),
        (100, 64, 125, 125),
        (100, 64, 125, 125),
    ]
    assert r["total_params"] == (3 * 16 * 49 + 16) + (16 * 32 * 9 + 32) + (32 * 64 * 9 + 64) + (64 * 64 + 64)


def test_pooling(out_dir):
    r = run_quick("pooling", out_dir)
    np.testing.assert_array_equal(r["max"], [[6, 7, 10, 10], [2, 8, 9, 7], [10, 9, 10, 10], [8, 7, 4, 10]])
    windows = lessons.get("pooling").GRID.reshape(4, 2, 4, 2)
    np.testing.assert_allclose(r["average"], windows.mean(axis=(1, 3)))
    np.testing.assert_array_equal(r["min"], windows.min(axis=(1, 3)))


@pytest.mark.slow  # trains LeNet on 4,000 digits: the slowest lesson
def test_lenet(out_dir):
    r = run_quick("lenet", out_dir)
    assert r["tested"] == 1000 and r["accuracy"] > 0.75
    assert r["wrong"] == round((1 - r["accuracy"]) * 1000)
    assert r["filters"].shape == (6, 5, 5)
    assert (r["maps1_shape"], r["maps2_shape"]) == ((6, 28, 28), (16, 10, 10))


def test_outside_a_notebook_figures_are_drawn_only_into_a_folder():
    assert not in_notebook()  # pytest runs in no Jupyter kernel
    assert figures_wanted("figures") and not figures_wanted(None)
    result = lessons.run("softmax", quick=True)
    assert result["figures"] == []


def test_command_lists_the_lessons(capsys):
    assert lessons.main([]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list(lessons.LESSONS)
    assert "7,247,757,312" in lines[10]


def test_command_runs_a_lesson_by_name_or_number(capsys, tmp_path):
    lessons.main(["12", "--quick"])
    out = capsys.readouterr().out
    assert out.startswith("Lesson 12: Pooling")
    assert "add --out DIR" in out
    if HAS_MATPLOTLIB:
        lessons.main(["pooling", "--out", str(tmp_path)])
        assert (tmp_path / "pooling.png").exists()
    with pytest.raises(ValueError, match="unknown lesson 'nope'; choose one of: minimize"):
        lessons.main(["nope"])
