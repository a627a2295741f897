"""Lesson 9: softmax and the negative log-likelihood.

Slides: "What if we have multiple classes?" and "Softmax Classifiers".

Softmax turns K scores z into probabilities, σ(z)ⱼ = e^zⱼ / Σₖ e^zₖ, and the
loss of a point whose true class is the one-hot vector y is the negative
log-likelihood L = -Σᵢ yᵢ·log σ(z)ᵢ.  Its gradient is strikingly simple:

    dL/dz = σ(z) - y        (prediction minus truth)

The slide writes y - σ(z): that is *minus* the gradient, the direction in
which gradient descent moves z.  glassnet's autograd confirms the formula.

With two classes and z₀ fixed, softmax is logistic regression:
σ((z₀, s))₁ = 1 / (1 + e^(z₀ - s)) = sigmoid(s - z₀).  With z₀ = 0 that is
exactly sigmoid(s); the slide's z₀ = 1 gives sigmoid(s - 1), logistic
regression with a bias of -1.

Run it: ``glassnet lesson softmax --out lesson-figures``
"""

import numpy as np

import glassnet

from .common import figure, figures_wanted, save, written

TITLE = "Softmax and NLL: dL/dz = σ(z) - y by autograd; two classes with z0 fixed is logistic regression"


def nll(z, y):
    """The slide's loss -Σ yᵢ log σ(z)ᵢ (log_softmax computes log σ(z) without overflow)."""
    return -(y * z.log_softmax(dim=-1)).sum()


def run(out_dir=None, quick=False):
    """Print σ(z), L and dL/dz; compare two-class softmax with the sigmoid; draw both into ``out_dir``."""
    z = glassnet.tensor([2.0, 1.0, 0.1], dtype=glassnet.float64, requires_grad=True)
    y = glassnet.tensor([1.0, 0.0, 0.0], dtype=glassnet.float64)
    probabilities = z.softmax(dim=0).detach().numpy()
    loss = nll(z, y)
    loss.backward()
    gradient = z.grad.numpy()
    print(f"Scores z = {z.detach().numpy()}, true class 0, y = {y.numpy()}")
    print(f"  σ(z)          = {np.round(probabilities, 4)}   (sums to {probabilities.sum():g})")
    print(f"  L = -log σ(z)₀ = {loss.item():.4f}")
    print(f"  dL/dz by autograd = {np.round(gradient, 4)}")
    print(
        f"  σ(z) - y          = {np.round(probabilities - y.numpy(), 4)}   "
        "(the same; the slide's y - σ(z) is minus this)"
    )

    print("Two classes, z = (z0, s): the probability of class 1 against sigmoid")
    s = glassnet.tensor(np.linspace(-6, 6, 121))
    curves = {}
    for z0 in (0.0, 1.0):
        scores = glassnet.stack([glassnet.full_like(s, z0), s], dim=1)
        curves[z0] = scores.softmax(dim=1).numpy()[:, 1]
    gaps = {
        "z0 = 0 vs sigmoid(s)": float(np.abs(curves[0.0] - s.sigmoid().numpy()).max()),
        "z0 = 1 vs sigmoid(s - 1)": float(np.abs(curves[1.0] - (s - 1).sigmoid().numpy()).max()),
    }
    for name, gap in gaps.items():
        print(f"  {name:<25} largest difference over s in [-6, 6]: {gap:.1e}")

    figures = []
    if figures_wanted(out_dir):
        figures = written(draw(probabilities, y.numpy(), gradient, s.numpy(), curves, out_dir))
    return {"probabilities": probabilities, "loss": loss.item(), "gradient": gradient, "gaps": gaps, "figures": figures}


def draw(probabilities, y, gradient, s, curves, out_dir):
    fig = figure(10, 4)
    left, right = fig.subplots(1, 2)
    classes = np.arange(len(y))
    bars = {"σ(z)": probabilities, "y (truth)": y, "dL/dz = σ(z) - y": gradient}
    for offset, (name, values) in zip((-0.27, 0, 0.27), bars.items()):
        left.bar(classes + offset, values, width=0.27, label=name)
    left.axhline(0, color="black", lw=0.8)
    left.set(
        xticks=classes,
        xticklabels=[f"class {c}" for c in classes],
        ylabel="value per class",
        title="Softmax, z = (2, 1, 0.1), true class 0",
    )
    left.legend(fontsize=8)
    right.plot(s, 1 / (1 + np.exp(-s)), color="black", lw=4, alpha=0.3, label="sigmoid(s)")
    right.plot(s, curves[0.0], "--", label="softmax((0, s))₁")
    right.plot(s, curves[1.0], label="softmax((1, s))₁ = sigmoid(s - 1)")
    right.set(xlabel="s = w·x", ylabel="probability of class 1", title="Two classes: softmax is logistic regression")
    right.grid(alpha=0.3)
    right.legend(fontsize=8)
    return save(fig, out_dir, "softmax.png")
