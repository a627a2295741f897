"""Lesson 6: with a linear activation, a hidden layer adds nothing.

Slides: "What if we added more processing?", "What went wrong?" and
"ϕ is our activation function" (imagine φ(x) = x).

The net has inputs x₁, x₂, a hidden layer h₁ = φ(w₁x₁ + w₂x₂),
h₂ = φ(w₃x₁ + w₄x₂), h₃ = φ(w₅x₁ + w₆x₂) and the output p = v₁h₁ + v₂h₂ + v₃h₃.
With φ(x) = x, multiplying out gives

    p = (v₁w₁ + v₂w₃ + v₃w₅)·x₁ + (v₁w₂ + v₂w₄ + v₃w₆)·x₂ = u₁x₁ + u₂x₂

a linear model again: two layers of weights, no more power than one.  (The
slide's weight matrix lists w₆ above w₅; the equations for h₃ are followed here.)
With φ = tanh no u₁, u₂ reproduce the net: its output surface bends.

The weights below are chosen by hand (the slide names them but gives no
numbers); any other weights tell the same story.

Run it: ``glassnet lesson linear-collapse --out lesson-figures``
"""

import numpy as np

import glassnet
from glassnet import nn

from .common import figure, figures_wanted, save, written

TITLE = "Linear activations collapse: a 2→3→1 net with φ(x) = x is u1·x1 + u2·x2; with tanh it is not"

# Row i of W holds the weights into hidden neuron h_(i+1): (w1, w2), (w3, w4), (w5, w6).
W = [[1.0, -1.0], [0.5, 2.0], [-2.0, 1.0]]
V = [[1.0, -0.5, 0.25]]  # (v1, v2, v3)


def two_layer_net(activation):
    """The slide's 2 → 3 → 1 network (no biases) with the hand-picked weights W and V."""
    net = nn.Sequential(nn.Linear(2, 3, bias=False), activation, nn.Linear(3, 1, bias=False))
    with glassnet.no_grad():
        net[0].weight.copy_(W)
        net[2].weight.copy_(V)
    return net


def n(x):
    """A number in a product: negative numbers in parentheses."""
    return f"({x:g})" if x < 0 else f"{x:g}"


def run(out_dir=None, quick=False):
    """Print u₁, u₂, the check against the net, and the tanh net's misfit; draw both nets' outputs."""
    (w1, w2), (w3, w4), (w5, w6) = W
    v1, v2, v3 = V[0]
    print(f"Weights: w1..w6 = {w1:g}, {w2:g}, {w3:g}, {w4:g}, {w5:g}, {w6:g};  v1..v3 = {v1:g}, {v2:g}, {v3:g}")
    u1 = v1 * w1 + v2 * w3 + v3 * w5
    u2 = v1 * w2 + v2 * w4 + v3 * w6
    print(f"  u1 = v1·w1 + v2·w3 + v3·w5 = {n(v1)}·{n(w1)} + {n(v2)}·{n(w3)} + {n(v3)}·{n(w5)} = {u1:g}")
    print(f"  u2 = v1·w2 + v2·w4 + v3·w6 = {n(v1)}·{n(w2)} + {n(v2)}·{n(w4)} + {n(v3)}·{n(w6)} = {u2:g}")
    print(f"  in matrices: [u1 u2] = V @ W = {(np.array(V) @ np.array(W))[0]}")

    x = glassnet.tensor(np.random.default_rng(0).uniform(-2, 2, (1000, 2)).astype(np.float32))
    linear_net, tanh_net = two_layer_net(nn.Identity()), two_layer_net(nn.Tanh())
    with glassnet.no_grad():
        p_linear, p_tanh = linear_net(x).numpy()[:, 0], tanh_net(x).numpy()[:, 0]
    u_times_x = x.numpy() @ np.array([u1, u2])
    linear_gap = float(np.abs(p_linear - u_times_x).max())
    print(f"φ(x) = x:  the net's output minus u1·x1 + u2·x2, largest over 1000 random points: {linear_gap:.1e}")

    best_u, *_ = np.linalg.lstsq(x.numpy(), p_tanh, rcond=None)  # the best any u1, u2 can do
    tanh_gap = float(np.abs(p_tanh - x.numpy() @ best_u).max())
    print(
        f"φ = tanh:  even the best-fitting u = ({best_u[0]:.3f}, {best_u[1]:.3f}) misses the net's output "
        f"by up to {tanh_gap:.3f}"
    )

    figures = written(draw_outputs(linear_net, tanh_net, out_dir)) if figures_wanted(out_dir) else []
    return {"u": (u1, u2), "linear_gap": linear_gap, "tanh_gap": tanh_gap, "figures": figures}


def draw_outputs(linear_net, tanh_net, out_dir):
    fig = figure(10, 4.4)
    grid = np.linspace(-2, 2, 101, dtype=np.float32)
    g1, g2 = np.meshgrid(grid, grid)
    plane = glassnet.tensor(np.column_stack([g1.ravel(), g2.ravel()]))
    for ax, (name, net) in zip(fig.subplots(1, 2), {"φ(x) = x": linear_net, "φ = tanh": tanh_net}.items()):
        with glassnet.no_grad():
            p = net(plane).numpy().reshape(g1.shape)
        image = ax.contourf(g1, g2, p, levels=15, cmap="viridis")
        ax.contour(g1, g2, p, levels=15, colors="white", linewidths=0.5, linestyles="solid")
        fig.colorbar(image, ax=ax, label="p, the output of the net", shrink=0.82)
        ax.set(xlabel="x1", ylabel="x2", aspect="equal", title=f"output p of the 2→3→1 net, {name}")
    return save(fig, out_dir, "linear_collapse.png")
