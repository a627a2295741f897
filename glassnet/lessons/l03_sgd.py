"""Lesson 3: stochastic gradient descent (SGD) and the batch size.

Slide: "Stochastic gradient descent (SGD)".

Gradient descent sums the gradient over *all* the data before each step.
SGD estimates it from a random subset, the *batch*: full batch (every point,
one step per pass over the data), mini-batch (a few points), or a single
random point per step.  Smaller batches take many more, noisier steps per
pass over the data (an *epoch*) and so usually get further per epoch.

This lesson fits the same linear model three ways with glassnet's real
training tools: ``nn.Linear``, ``optim.SGD`` and a shuffling ``DataLoader``
whose ``batch_size`` is the slide's batch size.  Each loss is the mean over
the batch, so one learning rate suits every batch size.

Run it: ``glassnet lesson sgd --out lesson-figures``
"""

import numpy as np

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset

from .common import figure, figures_wanted, save, written

TITLE = "SGD: full batch vs mini-batch vs one example per step, loss curves per batch size"

BATCH_SIZES = {200: "full batch", 20: "mini-batch", 1: "one example per step"}


def make_data(n=200):
    """n points with 2 features and a noisy linear target y = 3·x1 - 2·x2 + 1."""
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (n, 2)).astype(np.float32)
    y = (x @ np.array([3.0, -2.0]) + 1 + rng.normal(0, 0.5, n)).astype(np.float32)
    return glassnet.tensor(x), glassnet.tensor(y[:, None])


def train(x, y, batch_size, epochs, lr=0.05):
    """SGD on mean squared error; returns the loss on *all* the data after every step."""
    glassnet.manual_seed(0)  # the same initial weights for every batch size
    model = nn.Linear(2, 1)
    optimizer = optim.SGD(model.parameters(), lr=lr)
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=glassnet.Generator(0))
    loss_fn = nn.MSELoss()
    with glassnet.no_grad():
        curve = [loss_fn(model(x), y).item()]
    for _ in range(epochs):
        for xb, yb in loader:
            loss = loss_fn(model(xb), yb)  # the loss on this batch only: an estimate
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with glassnet.no_grad():
                curve.append(loss_fn(model(x), y).item())
    return curve


def run(out_dir=None, quick=False):
    """Print the loss after each epoch for each batch size; draw the curves into ``out_dir`` if given."""
    x, y = make_data()
    epochs = 3 if quick else 10
    print(f"Fit y = 3·x1 - 2·x2 + 1 (+ noise) on {len(x)} points, {epochs} epochs, learning rate 0.05")
    curves, final = {}, {}
    for batch_size, name in BATCH_SIZES.items():
        curves[batch_size] = train(x, y, batch_size, epochs)
        steps_per_epoch = -(-len(x) // batch_size)
        per_epoch = curves[batch_size][::steps_per_epoch]
        final[batch_size] = per_epoch[-1]
        print(
            f"  batch size {batch_size:>3} ({name}, {steps_per_epoch} step{'s' * (steps_per_epoch > 1)} per epoch), "
            f"loss after each epoch: {' '.join(f'{v:.3f}' for v in per_epoch[1:])}"
        )
    print(
        "  The noise alone costs a loss of about 0.25 (its variance).  Smaller batches get there in fewer epochs;\n"
        "  with one example per step the weights keep bouncing around the best fit:\n"
        "  each step follows one noisy point."
    )

    figures = written(draw_curves(curves, len(x), out_dir)) if figures_wanted(out_dir) else []
    return {"final_loss": final, "steps": {b: len(c) - 1 for b, c in curves.items()}, "figures": figures}


def draw_curves(curves, n, out_dir):
    fig = figure(6, 4)
    ax = fig.subplots()
    for batch_size, curve in curves.items():
        epochs = np.arange(len(curve)) * batch_size / n  # steps → passes over the data
        ax.plot(epochs, curve, lw=1.2, label=f"batch size {batch_size} ({BATCH_SIZES[batch_size]})")
    ax.axhline(0.25, color="gray", ls=":", label="the noise alone: its variance 0.25")
    ax.set(
        xlabel="epochs (passes over the data)",
        ylabel="mean squared error on all the data",
        yscale="log",
        title="SGD: the batch size",
    )
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig, out_dir, "sgd_batch_sizes.png")
