"""Lesson 5: feature engineering, on the Playground's circle data.

Slides: "Feature engineering", "Linear model can't do this" and the first
"Quick Demo" (the Playground's circle data set with x₁, x₂ and then with
x₁², x₂² as inputs).

A linear model p = σ(w₁x₁ + w₂x₂ + b) separates the plane with a straight
line, but one class of the circle data sits inside the other: no line can
separate them.  Give the same model the features x₁² and x₂² instead and the
boundary w₁x₁² + w₂x₂² + b = 0 is an ellipse, which can.  The model did not
get smarter; a human chose better features.

Run it: ``glassnet lesson features --out lesson-figures``
"""

import numpy as np

import glassnet
from glassnet import nn, optim
from glassnet.nn import functional as F

from .common import figure, figures_wanted, save, written

TITLE = "Feature engineering: circle data, linear in x1, x2 fails; in x1², x2² it separates"

FEATURES = {
    "x1, x2": lambda points: points,
    "x1², x2²": lambda points: points**2,
}


def circle_data(n=200, seed=0):
    """n points inside radius 2 (class 1) and n in the ring 3..5 (class 0), scaled to [-1, 1]."""
    rng = np.random.default_rng(seed)
    radius = np.concatenate([rng.uniform(0, 2, n), rng.uniform(3, 5, n)])
    angle = rng.uniform(0, 2 * np.pi, 2 * n)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]) / 5
    labels = np.concatenate([np.ones(n), np.zeros(n)])
    return points.astype(np.float32), labels.astype(np.float32)


def train_logistic_regression(features, labels, steps):
    """p = σ(w·features + b) fitted by gradient descent on the log-likelihood; returns the model."""
    glassnet.manual_seed(0)
    model = nn.Linear(2, 1)
    optimizer = optim.SGD(model.parameters(), lr=2.0)
    x, y = glassnet.tensor(features), glassnet.tensor(labels[:, None])
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def accuracy(model, features, labels):
    with glassnet.no_grad():
        predicted = model(glassnet.tensor(features)).numpy()[:, 0] > 0
    return float((predicted == labels).mean())


def run(out_dir=None, quick=False):
    """Print the accuracy of each feature choice; draw the decision boundaries into ``out_dir`` if given."""
    points, labels = circle_data()
    steps = 150 if quick else 500
    models, accuracies = {}, {}
    print(f"Logistic regression on the circle data ({len(points)} points), {steps} steps of gradient descent")
    for name, make in FEATURES.items():
        models[name] = train_logistic_regression(make(points), labels, steps)
        accuracies[name] = accuracy(models[name], make(points), labels)
        w = models[name].weight.detach().numpy()[0]
        b = models[name].bias.item()
        print(f"  features {name:<9} accuracy {accuracies[name]:6.1%}   w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}")
    print("  A line cannot cut the inner disc out of the ring (about half right is all it gets);")
    print("  w1·x1² + w2·x2² + b = 0 is an ellipse, and it separates the classes.")

    figures = written(draw_boundaries(points, labels, models, accuracies, out_dir)) if figures_wanted(out_dir) else []
    return {"accuracy": accuracies, "figures": figures}


def draw_boundaries(points, labels, models, accuracies, out_dir):
    fig = figure(10.5, 5)
    grid = np.linspace(-1.1, 1.1, 200, dtype=np.float32)
    g1, g2 = np.meshgrid(grid, grid)
    plane = np.column_stack([g1.ravel(), g2.ravel()])
    axes = fig.subplots(1, 2)
    for ax, (name, make) in zip(axes, FEATURES.items()):
        with glassnet.no_grad():
            p = models[name](glassnet.tensor(make(plane))).sigmoid().numpy().reshape(g1.shape)
        shading = ax.contourf(g1, g2, p, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6)
        ax.contour(g1, g2, p, levels=[0.5], colors="black", linewidths=2)
        ax.scatter(*points[labels == 1].T, s=8, color="tab:blue", label="class 1 (inside)")
        ax.scatter(*points[labels == 0].T, s=8, color="tab:orange", label="class 0 (ring)")
        ax.plot([], [], color="black", lw=2, label="boundary p = 0.5")
        ax.set(
            xlabel="x1",
            ylabel="x2",
            aspect="equal",
            xticks=[-1, -0.5, 0, 0.5, 1],
            yticks=[-1, -0.5, 0, 0.5, 1],
            title=f"features {name}: accuracy {accuracies[name]:.0%}",
        )
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=3)  # below: off the data
    fig.colorbar(shading, ax=axes, label="p, the probability of class 1", shrink=0.85)
    return save(fig, out_dir, "features_circle.png")
