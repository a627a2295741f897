"""Lesson 7: universal approximation, one hidden layer of growing width.

Slides: "Universal approximation theorem" and "What can we learn? What can't we?".

The theorem (Cybenko 1989, Hornik 1991): with a nonconstant, bounded,
increasing activation φ, such as the sigmoid σ, a network with one hidden
layer, p(x) = Σⱼ vⱼ·σ(wⱼx + bⱼ) + c, can come as close as we like to any
continuous function on [0, 1], given enough hidden neurons.  Each σ(wⱼx + bⱼ)
is a smoothed step at x = -bⱼ/wⱼ; enough steps of the right heights trace any
curve.  The theorem says such weights exist, not how to find them: here
gradient descent (Adam) looks for them, for widths 1, 2, 4, 8 and 32.

Run it: ``glassnet lesson universal --out lesson-figures``
"""

import numpy as np

import glassnet
from glassnet import nn, optim

from .common import figure, figures_wanted, save, written

TITLE = "Universal approximation: one hidden layer of growing width fits a continuous function on [0, 1]"

WIDTHS = (1, 2, 4, 8, 32)


def target(x):
    """The continuous function to approximate on [0, 1]."""
    return np.sin(3 * np.pi * x) + 0.5 * x


def one_hidden_layer(width):
    """p(x) = v·σ(w·x + b) + c, with each sigmoid's step started at a random place in [0, 1]."""
    net = nn.Sequential(nn.Linear(1, width), nn.Sigmoid(), nn.Linear(width, 1))
    with glassnet.no_grad():
        steepness = glassnet.randn(width, 1) * 10
        centres = glassnet.rand(width, 1)
        net[0].weight.copy_(steepness)
        net[0].bias.copy_((-steepness * centres)[:, 0])  # σ(w·(x - centre)): a step at the centre
    return net


def fit(width, x, y, steps, lr):
    glassnet.manual_seed(0)
    net = one_hidden_layer(width)
    optimizer = optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        loss = ((net(x) - y) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return net


def run(out_dir=None, quick=False):
    """Print the error of the fit for each width; draw the fits into ``out_dir`` if given."""
    xs = np.linspace(0, 1, 200, dtype=np.float32)[:, None]
    x, y = glassnet.tensor(xs), glassnet.tensor(target(xs))
    steps, lr = (500, 0.05) if quick else (2000, 0.03)
    print(f"Fit f(x) = sin(3πx) + x/2 on [0, 1] with p(x) = Σ v·σ(w·x + b) + c ({steps} steps of Adam)")
    fits, errors = {}, {}
    for width in WIDTHS:
        fits[width] = fit(width, x, y, steps, lr)
        with glassnet.no_grad():
            errors[width] = float(np.abs(fits[width](x).numpy() - target(xs)).max())
        neurons = f"{width:>2} hidden neuron{'s' if width > 1 else ' '}"
        print(f"  {neurons}: largest error |p(x) - f(x)| = {errors[width]:.4f}")

    figures = written(draw_fits(xs, fits, errors, out_dir)) if figures_wanted(out_dir) else []
    return {"max_error": errors, "figures": figures}


def draw_fits(xs, fits, errors, out_dir):
    fig = figure(3.2 * len(fits), 3.6)
    axes = fig.subplots(1, len(fits), sharey=True)
    for ax, (width, net) in zip(axes, fits.items()):
        with glassnet.no_grad():
            p = net(glassnet.tensor(xs)).numpy()
        ax.plot(xs, target(xs), color="black", lw=3, alpha=0.3, label="f(x)")
        ax.plot(xs, p, color="tab:red", label="network p(x)")
        ax.set(xlabel="x", title=f"width {width}: max error {errors[width]:.3f}")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("y")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2)
    fig.suptitle("One hidden layer of sigmoids, p(x) = Σ v·σ(w·x + b) + c, fitted to f(x) = sin(3πx) + x/2")
    return save(fig, out_dir, "universal_approximation.png")
