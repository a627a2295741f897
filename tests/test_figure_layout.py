"""Figures fit for a slide: no text beyond the figure's edges, no text on top of other text, tick labels apart.

``layout_problems(fig)`` checks a figure as it was last drawn (so, right after ``savefig``, as it was
saved); tests/test_lessons.py runs it on every figure of every lesson, and this file on the training
curves of ``glassnet train`` (``glassnet.plots.plot_history``).
"""

import io
import itertools

import pytest

pytest.importorskip("matplotlib")
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

TICK_GAP = 3  # pixels between neighbouring tick labels, at least


def drawn_tick_labels(ax, axis):
    """The tick labels ``axis`` of ``ax`` shows: visible, not empty, inside the view."""
    if not (ax.axison and axis.get_visible()):
        return []
    low, high = sorted(axis.get_view_interval())
    slack = (high - low) * 1e-9
    return [
        tick.label1
        for tick in axis.get_major_ticks()
        if tick.label1.get_visible()
        and tick.label1.get_text().strip()
        and low - slack <= tick.get_loc() <= high + slack
    ]


def layout_problems(fig):
    """What a teacher would not put on a slide, as a list of sentences (empty: fine).

    Reads the layout of the last draw without drawing again: constrained layout moves things at
    every draw, and what counts is what was saved.
    """
    renderer = FigureCanvasAgg(fig).get_renderer()
    width, height = fig.get_size_inches()
    problems = []
    tight = fig.get_tightbbox(renderer)
    if tight.x0 < -0.005 or tight.y0 < -0.005 or tight.x1 > width + 0.005 or tight.y1 > height + 0.005:
        problems.append(f"the figure's content {tight.bounds} reaches beyond its {width} x {height} inches")
    ticks, texts = set(), []
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
            labels = drawn_tick_labels(ax, axis)
            texts += labels
            boxes = [label.get_window_extent(renderer) for label in labels]
            for a, b in zip(boxes, boxes[1:]):
                gap = max(b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)
                if gap < TICK_GAP:
                    problems.append(f"tick labels {gap:.1f} px apart: crowded")
    texts += [t for t in fig.findobj(Text) if id(t) not in ticks and t.get_visible() and t.get_text().strip()]
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in texts]
    edge = fig.bbox
    for text, box in boxes:
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > edge.x1 + 0.5 or box.y1 > edge.y1 + 0.5:
            problems.append(f"{text!r} is cut off: it reaches beyond the figure")
    for (text1, a), (text2, b) in itertools.combinations(boxes, 2):
        if a.x0 + 0.5 < b.x1 and b.x0 + 0.5 < a.x1 and a.y0 + 0.5 < b.y1 and b.y0 + 0.5 < a.y1:
            problems.append(f"{text1!r} and {text2!r} overlap")
    return problems


def saved(fig):
    fig.savefig(io.BytesIO(), format="png", dpi=100)
    return fig


def test_the_check_finds_cut_titles_overlapping_text_and_crowded_ticks():
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.set_title("a title far too long for a figure three inches wide")
    ax.text(0.5, 0.5, "here")
    ax.text(0.5, 0.5, "there")
    ax.set_xticks([i / 40 for i in range(41)])
    problems = layout_problems(saved(fig))
    assert any("cut off" in p and "a title" in p for p in problems)
    assert "'here' and 'there' overlap" in problems
    assert any("crowded" in p for p in problems)
    assert any("reaches beyond" in p for p in problems)


def test_the_check_passes_a_plain_figure():
    fig = Figure(figsize=(5, 4), layout="constrained")
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], label="a line")
    ax.set(xlabel="x", ylabel="y", title="A plain figure")
    ax.legend()
    assert layout_problems(saved(fig)) == []


@pytest.mark.parametrize("epochs", [1, 3, 10, 30])
def test_training_curves_fit_and_mark_the_best_epoch(tmp_path, monkeypatch, epochs):
    from glassnet.plots import plot_history

    history = [
        {"epoch": e, "train_loss": 0.3 / e, "test_loss": 0.06 / e**0.5, "test_accuracy": min(0.999, 0.97 + 0.004 * e)}
        for e in range(1, epochs + 1)
    ]
    figures = []
    savefig = Figure.savefig

    def savefig_and_keep(fig, *args, **kwargs):
        savefig(fig, *args, **kwargs)
        figures.append(fig)

    monkeypatch.setattr(Figure, "savefig", savefig_and_keep)
    plot_history(history, tmp_path / "curves.png")
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (fig,) = figures
    assert layout_problems(fig) == []
    loss, accuracy = fig.axes
    assert loss.get_xlabel() == accuracy.get_xlabel() == "epoch" and "(%)" in accuracy.get_ylabel()
    best = max(history, key=lambda h: h["test_accuracy"])
    assert f"best {100 * best['test_accuracy']:.2f} %" in accuracy.get_title()
    assert f"epoch {best['epoch']}" in accuracy.get_title()
    assert accuracy.get_ylim()[1] <= 100
