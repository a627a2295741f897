"""Lesson 1: minimise f(x) = e^-x + x².

Slides: "Minimize some function", "Guess and check", the four "Gradient
descent" slides and "Gradient Descent Algorithm".

To make f smaller, try a tiny change of x and keep it if f goes down (guess
and check).  The derivative says which way without guessing:
f'(x) = -e^-x + 2x is negative at x = -0.5, so x should grow; positive at
x = 0.5, so x should shrink; the minimum lies in between.  Gradient descent
repeats ``x = x - η·f'(x)`` until f'(x) is (almost) zero.

glassnet computes f'(x) for us: make x a tensor with ``requires_grad=True``,
compute f, call ``backward()``, and read ``x.grad``.

Run it: ``glassnet lesson minimize --out lesson-figures``
"""

import math

import glassnet

from .common import figure, figures_wanted, save, written

TITLE = "Minimise f(x) = e^-x + x²: guess and check, the gradient, gradient descent, learning rates"

MINIMUM = 0.35173371124919584  # where f'(x) = 0, i.e. 2x = e^-x (solved by Newton's method)


def f(x):
    """The slide's function, written with glassnet ops so that autograd can differentiate it."""
    return (-x).exp() + x**2


def value_and_slope(x):
    """f(x) and f'(x) at the number ``x``; f' comes from autograd, not from the formula."""
    x = glassnet.tensor(x, dtype=glassnet.float64, requires_grad=True)
    y = f(x)
    y.backward()
    return y.item(), x.grad.item()


def gradient_descent(x, lr, steps, tolerance=0.0):
    """The slide's algorithm: repeat ``x = x - lr·f'(x)``; stop early once |f'(x)| < tolerance.

    Returns the path: every x visited, the start included.
    """
    path = [x]
    for _ in range(steps):
        _, slope = value_and_slope(x)
        if abs(slope) < tolerance:
            break
        x = x - lr * slope
        path.append(x)
    return path


def run(out_dir=None, quick=False):
    """Print the slides' numbers; draw the figures into ``out_dir`` if given. (``quick`` changes nothing.)"""
    print("Guess and check: a tiny step to the right makes f smaller, so take it")
    values = {x: value_and_slope(x)[0] for x in (-0.50, -0.51, -0.49)}
    for x, fx in values.items():
        print(f"  f({x:.2f}) = {fx:.4f}")

    print("The gradient says which way to go, without guessing")
    slopes = {}
    for x in (-0.5, 0.0, 0.5):
        fx, slope = value_and_slope(x)
        values[x], slopes[x] = fx, slope
        advice = "negative: make x bigger" if slope < 0 else "positive: make x smaller"
        at = f"({x:g})"
        print(f"  f{at:<6} = {round(fx, 5):<8g}  f'{at:<6} = {round(slope, 5):<9g} {advice}")

    lr = 0.1
    path = gradient_descent(-0.5, lr, steps=1000, tolerance=1e-6)
    print(
        f"Gradient descent from x = -0.5 with learning rate η = {lr}: "
        f"{len(path) - 1} steps to x = {path[-1]:.4f}, f(x) = {value_and_slope(path[-1])[0]:.5f}"
    )
    print(f"  the minimum: x ≈ {MINIMUM:.4f}, where f'(x) = 0")

    print("The learning rate matters: 10 steps from x = -0.5")
    rates = {0.01: "too small: crawls", 0.3: "good: there in a few steps", 0.8: "too large: overshoots, diverges"}
    paths = {rate: gradient_descent(-0.5, rate, steps=10) for rate in rates}
    for rate, verdict in rates.items():
        print(f"  η = {rate:<4}  x after 10 steps = {paths[rate][-1]:8.4f}   ({verdict})")

    figures = []
    if figures_wanted(out_dir):
        figures = written(draw_descent(path, slopes, out_dir), draw_learning_rates(paths, rates, out_dir))
    return {
        "f": values,
        "slope": slopes,
        "minimum": path[-1],
        "steps": len(path) - 1,
        "after_10_steps": {rate: p[-1] for rate, p in paths.items()},
        "figures": figures,
    }


def draw_descent(path, slopes, out_dir):
    fig = figure(10, 4)
    left, right = fig.subplots(1, 2)
    xs = [-1 + 2.5 * i / 200 for i in range(201)]
    for ax in (left, right):
        ax.plot(xs, [math.exp(-x) + x * x for x in xs], color="black", lw=1.5, label="f(x) = e^-x + x²")
        ax.set(xlabel="x", ylabel="f(x)")
        ax.grid(alpha=0.3)
    for x, slope in slopes.items():  # the tangent line at each slide point: its slope is f'(x)
        fx = math.exp(-x) + x * x
        left.plot(
            [x - 0.25, x + 0.25], [fx - 0.25 * slope, fx + 0.25 * slope], lw=3, label=f"slope f'({x:g}) = {slope:.3g}"
        )
        left.plot(x, fx, "o", color="black")
    left.set_title("The gradient: the slope of the tangent")
    left.legend(fontsize=8)
    right.plot(
        path, [math.exp(-x) + x * x for x in path], "o-", color="tab:red", ms=4, label=f"{len(path) - 1} steps, η = 0.1"
    )
    right.axvline(MINIMUM, color="gray", ls="--", label=f"minimum x ≈ {MINIMUM:.4f}")
    right.set_title("Gradient descent from x = -0.5")
    right.legend(fontsize=8)
    return save(fig, out_dir, "minimize_descent.png")


def draw_learning_rates(paths, rates, out_dir):
    fig = figure(6, 4)
    ax = fig.subplots()
    for rate, path in paths.items():
        ax.plot(range(len(path)), path, "o-", label=f"η = {rate}: {rates[rate]}")
    ax.axhline(MINIMUM, color="gray", ls="--", label="the minimum")
    ax.set(xlabel="step", ylabel="x", title="Gradient descent with three learning rates", ylim=(-6, 9))
    for rate, path in paths.items():
        if abs(path[-1]) > 9:  # off the chart: say where it went
            ax.text(
                0.02,
                0.03,
                f"η = {rate} leaves the chart: x = {path[-1]:.1f} after {len(path) - 1} steps",
                transform=ax.transAxes,
                fontsize=9,
                bbox=dict(facecolor="white", edgecolor="none"),
            )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")
    return save(fig, out_dir, "minimize_learning_rates.png")
