"""Lesson 8: backpropagation, worked through on one point.

Slides: "How do we learn it?" (P = (2, -1), label +), "Backpropagation: just
taking derivatives" and "Backpropagation: the math".

The slides' network: inputs x₁, x₂; a hidden layer h₁ = w₁x₁ + w₂x₂,
h₂ = w₃x₁ + w₄x₂, h₃ = w₅x₁ + w₆x₂ (linear activation, for simplicity); the
output p = v₁h₁ + v₂h₂ + v₃h₃.  The point P = (2, -1) has label + (Y = 1),
and the loss is L = ½(Y - p)², so dL/dp = -(Y - p): "want p to be larger,
(Y - p) is positive".  The slides give no numbers for the weights, so this
lesson chooses them (``WEIGHTS``).

Backpropagation is the chain rule, node by node, from L back to the weights:
``glassnet.explain(loss)`` prints it from glassnet's own graph, every forward
value and every product dL/d(input) = dL/d(output)·∂output/∂input.  The same
numbers are then checked against finite differences (``gradcheck``), and one
gradient step shows p growing towards the label.  Last, φ = tanh instead of
φ(x) = x: the walk is the same, with one more factor φ'(z) = 1 - tanh²(z)
per hidden neuron.

Run it: ``glassnet lesson backprop --out lesson-figures``
"""

import glassnet
from glassnet.autograd import gradcheck
from glassnet.explain import explain

from .common import figure, figures_wanted, save, written

TITLE = "Backpropagation worked on P = (2, -1), label +: every forward value and partial derivative, by explain()"

WEIGHTS = {"w1": 0.5, "w2": -0.5, "w3": 0.25, "w4": 1.0, "w5": -0.5, "w6": 0.75, "v1": 0.25, "v2": 0.5, "v3": -0.1}
POINT, LABEL = (2.0, -1.0), 1.0


def network(w1, w2, w3, w4, w5, w6, v1, v2, v3, phi=lambda z: z):
    """The slides' 2 → 3 → 1 network on the point P, and its loss; returns every named value."""
    x1, x2, Y = (glassnet.tensor(value, dtype=glassnet.float64) for value in (*POINT, LABEL))
    h1 = phi(w1 * x1 + w2 * x2)
    h2 = phi(w3 * x1 + w4 * x2)
    h3 = phi(w5 * x1 + w6 * x2)
    p = v1 * h1 + v2 * h2 + v3 * h3
    L = 0.5 * (Y - p) ** 2
    return dict(x1=x1, x2=x2, Y=Y, h1=h1, h2=h2, h3=h3, p=p, L=L)


def weights(values=WEIGHTS):
    return {name: glassnet.tensor(value, dtype=glassnet.float64, requires_grad=True) for name, value in values.items()}


def run(out_dir=None, quick=False):
    """Print the narrated backward pass, the gradient check and one update step; draw the network into ``out_dir``."""
    print(f"The point P = {POINT}, label + (Y = {LABEL:g}); loss L = ½(Y - p)²; chosen weights:")
    print("  " + ", ".join(f"{name} = {value:g}" for name, value in WEIGHTS.items()))
    w = weights()
    values = network(**w)
    explain(values["L"], names={**w, **values})

    for name in ("h1", "h2", "h3", "p"):
        values[name].retain_grad()  # keep dL/dh and dL/dp too, not only the weights' gradients
    values["L"].backward()
    gradients = {name: tensor.grad.item() for name, tensor in {**w, **values}.items() if tensor.grad is not None}
    checked = gradcheck(lambda *ws: network(*ws)["L"], tuple(w.values()))
    print(f"gradcheck (central differences) agrees with every gradient: {checked}")
    figures = written(draw_network(values, gradients, out_dir)) if figures_wanted(out_dir) else []

    lr = 0.1
    stepped = {name: WEIGHTS[name] - lr * gradients[name] for name in WEIGHTS}
    p_after = network(**weights(stepped))["p"].item()
    print(f"One step of gradient descent (η = {lr}): p = {values['p'].item():g} → {p_after:.4f}, closer to Y = 1")

    print("With φ = tanh: the same walk, each hidden neuron adds the factor φ'(z) = 1 - tanh²(z)")
    w_tanh = weights()
    values_tanh = network(**w_tanh, phi=lambda z: z.tanh())
    explain(values_tanh["L"], names={**w_tanh, **values_tanh})
    return {
        "values": {name: t.item() for name, t in values.items()},
        "gradients": gradients,
        "gradcheck": checked,
        "p_after_step": p_after,
        "figures": figures,
    }


def draw_network(values, gradients, out_dir):
    """The network with every value and weight (black) and the gradient dL/d· of each (red)."""
    fig = figure(11, 6.8)
    ax = fig.subplots()
    places = {"x1": (0, 2.4), "x2": (0, -0.4), "h1": (1.15, 3), "h2": (1.15, 1), "h3": (1.15, -1), "p": (2.3, 1)}
    edges = {
        "w1": ("x1", "h1"),
        "w2": ("x2", "h1"),
        "w3": ("x1", "h2"),
        "w4": ("x2", "h2"),
        "w5": ("x1", "h3"),
        "w6": ("x2", "h3"),
        "v1": ("h1", "p"),
        "v2": ("h2", "p"),
        "v3": ("h3", "p"),
    }
    boxed = dict(facecolor="white", edgecolor="none", alpha=0.9, pad=2)
    for weight, (start, end) in edges.items():
        (x0, y0), (x1, y1) = places[start], places[end]
        ax.plot([x0, x1], [y0, y1], color="gray", zorder=1)
        # Into the hidden layer, every label sits 68 % of the way along its edge: one column, a row per weight,
        # where the six edges are far apart (they cross nearer the middle).
        share = 0.68 if weight.startswith("w") else 0.5
        at = (x0 + share * (x1 - x0), y0 + share * (y1 - y0))
        draw_label(ax, at, f"{weight} = {WEIGHTS[weight]:g}", f"∂L/∂{weight} = {gradients[weight]:.3g}", boxed, 10)
    for name, (x, y) in places.items():
        gradient = f"∂L/∂{name} = {gradients[name]:.3g}" if name in gradients else ""
        draw_label(
            ax,
            (x, y),
            f"{name} = {values[name].item():g}",
            gradient,
            dict(boxstyle="round", facecolor="lightyellow", edgecolor="black"),
            12,
        )
    ax.text(2.3, 0.3, f"Y = {LABEL:g}, L = ½(Y - p)² = {values['L'].item():g}", ha="center", va="top", fontsize=12)
    ax.set(xlim=(-0.2, 2.55), ylim=(-1.45, 3.45))
    ax.set_title("P = (2, -1), label +: values (black) and gradients (red)", fontsize=14)
    ax.axis("off")
    return save(fig, out_dir, "backprop_network.png")


def draw_label(ax, at, value, gradient, box, size):
    """``value`` in ``box`` at ``at``, and ``gradient`` (in red) right below the box."""
    gap = 1 + box.get("pad", 0.3 * size)  # points between the text and the edge of its box
    ax.annotate(
        value,
        at,
        xytext=(0, gap if gradient else 0),
        textcoords="offset points",
        ha="center",
        va="bottom" if gradient else "center",
        fontsize=size,
        bbox=box,
    )
    if gradient:
        ax.annotate(
            gradient,
            at,
            xytext=(0, -1),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=size - 1,
            color="tab:red",
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.9, pad=2),
        )
