"""Lesson 2: linear regression and logistic regression, by gradient descent.

Slides: "Basic ML Models" (linear regression: best fit line; logistic
regression) and "Gradient Descent Algorithm".

Both models are ``f(x) = w·x`` (logistic regression squashes it with
σ(z) = 1 / (1 + e^-z) into a probability).  A constant feature x₀ = 1 gives
the line its intercept, so ``w·x = w₀ + w₁x₁ + …``.  Training is the
gradient descent of lesson 1, with the loss as f and the weights as x.

Two notes on the slides' formulas, checked numerically below:

* For L(w) = (Y - w·x)² the gradient is ∂L/∂wᵢ = -2·xᵢ·(Y - w·x).  The slide's
  xᵢ·[Y - w·x] is the direction to *move* (minus the gradient), with the
  factor 2 folded into the learning rate.
* The slide's logistic regression keeps the squared error ("not actual
  logistic regression").  Its gradient carries a factor p·(1 - p) that
  vanishes when the model is confidently wrong, so it can get stuck.  Real
  logistic regression maximises the likelihood, i.e. minimises
  L = -[Y·log p + (1 - Y)·log(1 - p)], whose gradient is exactly xᵢ·(p - Y):
  the slide's rule with the prediction p in place of w·x.

Run it: ``glassnet lesson regression --out lesson-figures``
"""

import numpy as np

import glassnet

from .common import figure, figures_wanted, save, written

TITLE = "Linear regression (best-fit line) and logistic regression: squared error vs log-likelihood"


def with_constant(x):
    """Put a column of ones in front of the features: the weight for it is the intercept."""
    return np.column_stack([np.ones(len(x)), x])


def squared_error(p, y):
    return ((y - p) ** 2).mean()


def log_likelihood_loss(p, y):
    """The negative log-likelihood of labels y ∈ {0, 1} under probabilities p (binary cross-entropy)."""
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


def gradient_descent(loss_of, w, lr, steps):
    """Minimise ``loss_of(w)`` from the start ``w`` (a NumPy vector); returns the final weights."""
    w = glassnet.tensor(w, dtype=glassnet.float64, requires_grad=True)
    for _ in range(steps):
        loss = loss_of(w)
        loss.backward()
        with glassnet.no_grad():
            w -= lr * w.grad
        w.grad = None
    return w.detach().numpy()


def run(out_dir=None, quick=False):
    """Print the fitted weights and accuracies; draw the fits into ``out_dir`` if given."""
    rng = np.random.default_rng(0)
    steps = 100 if quick else 300

    print("Linear regression: fit a line y = w0 + w1·x to 50 noisy points of y = 0.5 + 1.5x")
    x = rng.uniform(-2, 2, 50)
    y = 0.5 + 1.5 * x + rng.normal(0, 0.3, 50)
    X, Y = glassnet.tensor(with_constant(x)), glassnet.tensor(y)
    line = gradient_descent(lambda w: squared_error(X @ w, Y), np.zeros(2), lr=0.1, steps=steps)
    exact = np.linalg.lstsq(with_constant(x), y, rcond=None)[0]
    print(f"  gradient descent ({steps} steps): w0 = {line[0]:.4f}, w1 = {line[1]:.4f}")
    print(f"  least squares (exact):          w0 = {exact[0]:.4f}, w1 = {exact[1]:.4f}")

    w = glassnet.tensor([0.0, 0.0], dtype=glassnet.float64, requires_grad=True)
    xi, yi = glassnet.tensor(with_constant(x[:1])[0]), y[0]
    ((yi - w @ xi) ** 2).backward()
    slide_rule = xi.numpy() * (yi - 0.0)
    print(
        f"  one point, at w = 0: autograd's ∂L/∂w = {np.round(w.grad.numpy(), 4)}, the slide's x·[Y - w·x] = "
        f"{np.round(slide_rule, 4)}:\n  the gradient is -2 × the slide's direction"
    )

    print("Logistic regression: two classes of 200 points in the plane")
    points = np.vstack([rng.normal(-1, 1, (100, 2)), rng.normal(1, 1, (100, 2))])
    labels = np.repeat([0.0, 1.0], 100)
    X, Y = glassnet.tensor(with_constant(points)), glassnet.tensor(labels)
    losses = {
        "squared error (the slide)": squared_error,
        "log-likelihood (real logistic regression)": log_likelihood_loss,
    }
    starts = {"w = 0": np.zeros(3), "confidently wrong w = (0, -4, -4)": np.array([0.0, -4.0, -4.0])}
    fits, accuracy = {}, {}
    for loss_name, loss_fn in losses.items():
        for start_name, start in starts.items():
            w = gradient_descent(lambda w: loss_fn((X @ w).sigmoid(), Y), start, lr=0.5, steps=steps)
            fits[loss_name, start_name] = w
            accuracy[loss_name, start_name] = float((((with_constant(points) @ w) > 0) == labels).mean())
            print(f"  {loss_name:<42} from {start_name:<34} accuracy {accuracy[loss_name, start_name]:.1%}")

    w = glassnet.tensor(starts["confidently wrong w = (0, -4, -4)"], requires_grad=True)
    xi, yi = X[150], Y[150]  # a point of class 1 that w calls class 0 with p ≈ 0
    gradients = {}
    for loss_name, loss_fn in losses.items():
        loss_fn((w @ xi).sigmoid(), yi).backward()
        gradients[loss_name] = w.grad.numpy().copy()
        w.grad = None
    p = (w @ xi).sigmoid().item()
    print(f"  why: at the confidently wrong start a class-1 point gets p = {p:.2e};")
    for loss_name, g in gradients.items():
        print(f"    {loss_name:<42} gradient {np.round(g, 6)}")
    print(
        f"    x·(p - Y) = {np.round(xi.numpy() * (p - yi.item()), 6)}: "
        "minus the slide's x·[Y - p], the log-likelihood gradient"
    )

    figures = []
    if figures_wanted(out_dir):
        figures = written(
            draw_line(x, y, line, out_dir), draw_logistic(points, labels, fits, accuracy, losses, starts, out_dir)
        )
    return {"line": line, "least_squares": exact, "accuracy": accuracy, "gradients": gradients, "figures": figures}


def draw_line(x, y, w, out_dir):
    fig = figure(5, 4)
    ax = fig.subplots()
    ax.scatter(x, y, s=15, label="data")
    xs = np.array([-2, 2])
    ax.plot(xs, w[0] + w[1] * xs, color="tab:red", label=f"best fit: y = {w[0]:.2f} + {w[1]:.2f}x")
    ax.set(xlabel="x", ylabel="y", title="Linear regression by gradient descent")
    ax.grid(alpha=0.3)
    ax.legend()
    return save(fig, out_dir, "regression_line.png")


def draw_logistic(points, labels, fits, accuracy, losses, starts, out_dir):
    fig = figure(10, 5.2)
    xs = np.array([-4.0, 4.0])
    for ax, loss_name in zip(fig.subplots(1, 2), losses):
        ax.scatter(*points[labels == 0].T, s=12, color="tab:blue", label="class 0")
        ax.scatter(*points[labels == 1].T, s=12, color="tab:orange", label="class 1")
        for (start_name, _), (style, colour) in zip(starts.items(), (("-", "black"), ("--", "tab:red"))):
            w = fits[loss_name, start_name]
            # the boundary is where w·x = 0: w0 + w1·x1 + w2·x2 = 0
            ax.plot(
                xs,
                -(w[0] + w[1] * xs) / w[2],
                style,
                color=colour,
                lw=2,
                label=f"from {start_name}: {accuracy[loss_name, start_name]:.0%}",
            )
        ax.set(xlim=(-4, 4), ylim=(-4, 4), xlabel="x1", ylabel="x2", title=loss_name)
        ax.legend(fontsize=9, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2)  # below: off the data
    return save(fig, out_dir, "regression_logistic.png")
