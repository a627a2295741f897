"""Lesson 4: a single-layer neural network and its weight update rule.

Slides: the two "Basic ML Models: Single Layer Neural Network" slides.

The network has two inputs and one output, v = w₁x₁ + w₂x₂ = w·x, and learns
one example (x, Y) at a time with the slide's rule

    w ← w + η·x·(Y - w·x)

This is gradient descent on the squared error L = (Y - w·x)²: its gradient is
-2·x·(Y - w·x), so the rule is ``w ← w - (η/2)·∇L``.  The lesson traces the
rule by hand for a few steps, checks every step against glassnet's autograd,
and lets it run until w stops changing.  The data come from the weights
(2, -3) without noise, so that is where w must end up.

Run it: ``glassnet lesson single-layer --out lesson-figures``
"""

import numpy as np

import glassnet

from .common import figure, figures_wanted, save, written

TITLE = "A single-layer net v = w·x and its update rule w ← w + η·x·(Y - w·x), traced step by step"

TRUE_W = np.array([2.0, -3.0])
INPUTS = np.array([[1.0, 2.0], [2.0, 1.0], [-1.0, 1.0], [0.5, -1.0]])
TARGETS = INPUTS @ TRUE_W  # -4, 1, -5, 4


def update(w, x, y, lr):
    """The slide's rule, by hand: w + η·x·(Y - w·x)."""
    return w + lr * x * (y - w @ x)


def update_by_autograd(w, x, y, lr):
    """The same step as gradient descent on L = (Y - w·x)² with step size η/2, gradient by glassnet."""
    w = glassnet.tensor(w, dtype=glassnet.float64, requires_grad=True)
    loss = (y - w @ glassnet.tensor(x)) ** 2
    loss.backward()
    return (w - lr / 2 * w.grad).detach().numpy()


def run(out_dir=None, quick=False):
    """Print the trace of the first steps and where w ends up; draw its path into ``out_dir`` if given."""
    lr = 0.1
    w = np.zeros(2)
    path = [w]
    print(f"Learning rate η = {lr}; the four examples come from w = (2, -3); w starts at (0, 0)")
    print(f"  {'step':>4}  {'x':^12}  {'Y':>5}  {'v = w·x':>8}  {'Y - v':>7}  new w = w + η·x·(Y - v)")
    largest_difference = 0.0
    for step in range(100):
        x, y = INPUTS[step % 4], TARGETS[step % 4]
        new_w = update(w, x, y, lr)
        largest_difference = max(largest_difference, np.abs(new_w - update_by_autograd(w, x, y, lr)).max())
        if step < 6:
            v = w @ x
            print(
                f"  {step + 1:>4}  ({x[0]:4.1f}, {x[1]:4.1f})  {y:5.1f}  {v:8.4f}  {y - v:7.4f}  "
                f"({new_w[0]:.4f}, {new_w[1]:.4f})"
            )
        w = new_w
        path.append(w)
    print(f"  … after {len(path) - 1} steps: w = ({w[0]:.4f}, {w[1]:.4f})")
    print(
        f"  autograd's step w - (η/2)·∇(Y - w·x)² gives the same w at every step "
        f"(largest difference {largest_difference:.1e})"
    )

    figures = written(draw_path(np.array(path), out_dir)) if figures_wanted(out_dir) else []
    return {"trace": np.array(path[:7]), "final_w": w, "autograd_difference": largest_difference, "figures": figures}


def draw_path(path, out_dir):
    fig = figure(5, 4.5)
    ax = fig.subplots()
    w1, w2 = np.meshgrid(np.linspace(-1, 4, 200), np.linspace(-5, 1, 200))
    weights = np.stack([w1, w2], axis=-1)
    loss = ((weights @ INPUTS.T - TARGETS) ** 2).sum(axis=-1)  # the loss over all four examples
    ax.contour(w1, w2, loss, levels=np.geomspace(0.5, 300, 12), colors="gray", linewidths=0.7)
    ax.plot([], [], color="gray", lw=0.7, label="contours of the loss Σ (Y - w·x)²")
    ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", ms=3, label="w after each update")
    ax.plot(*TRUE_W, "*", color="black", ms=12, label="the weights (2, -3) behind the data")
    ax.set(xlabel="w1", ylabel="w2", title="One example per step: w zig-zags to the answer")
    ax.legend(fontsize=8, loc="upper right")
    return save(fig, out_dir, "single_layer_updates.png")
