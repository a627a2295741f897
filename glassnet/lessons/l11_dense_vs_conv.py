"""Lesson 11: why not dense layers for images, and the shapes of a conv net.

Slides: "Neural networks and images" ("Input -> hidden is 7.2 billion
connections!"), "Too many weights!", "Convolutional Layer" and the two
"Example" slides with the shape table.

A dense layer connects every input number to every output number: from a
256×256×3 image to a 32×32×36 feature map that is
196,608 × 36,864 = 7,247,757,312 weights.  A convolution producing the same
32×32×36 map (36 filters of 8×8×3, moved 8 pixels at a time) shares its
weights across the image: 36·3·8·8 = 6,912 weights and 36 biases.

The slide's example net is then built with ``glassnet.nn`` and its shape table
printed by ``glassnet.summary`` — computed from shapes alone, so even a batch of
100 images of 256×256 costs nothing.  Each output size follows
⌊(size + 2·padding - kernel) / stride⌋ + 1.

Run it: ``glassnet lesson dense-vs-conv --out lesson-figures``
"""

import glassnet
from glassnet import nn

from .common import figure, figures_wanted, save, written

TITLE = "Why not dense layers for images: 7,247,757,312 connections vs a conv layer; the slide's shape table"

# The slide's table: the output shape of each convolution.
SLIDE_OUTPUT_SHAPES = [(100, 16, 250, 250), (100, 32, 125, 125), (100, 64, 125, 125), (100, 64, 125, 125)]


def slide_example_net():
    """The "Example" slide's network, layer for layer."""
    return nn.Sequential(
        nn.Conv2d(3, 16, 7),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, stride=2),
        nn.ReLU(),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(64, 64, 1),
    )


def run(out_dir=None, quick=False):
    """Print the weight counts and the shape table; draw the weight counts into ``out_dir`` if given."""
    inputs, hidden = 256 * 256 * 3, 32 * 32 * 36
    dense = inputs * hidden
    print(f"Dense 256×256×3 → 32×32×36: {inputs:,} inputs × {hidden:,} outputs = {dense:,} connections")

    conv = nn.Conv2d(3, 36, kernel_size=8, stride=8)
    table = glassnet.summary(conv, (1, 3, 256, 256))
    conv_weights = conv.weight.numel()
    channels, height, width = table.output_shape[1:]
    print(
        f"Conv2d(3, 36, kernel_size=8, stride=8) on 256×256×3 gives {height}×{width}×{channels} too, with "
        f"{conv_weights:,} weights (+ {conv.bias.numel()} biases): {dense // conv_weights:,} times fewer"
    )
    lecture_conv = nn.Conv2d(3, 16, 7)
    print(f"The slide's first layer Conv2d(3, 16, 7): 3·16·7·7 = {lecture_conv.weight.numel():,} weights")

    print("The slide's example net on a batch of 100 RGB images of 256×256:")
    table = glassnet.summary(slide_example_net(), (100, 3, 256, 256))
    print(table)
    conv_shapes = [row.output_shape for row in table.rows if row.layer == "Conv2d"]
    print(f"The conv output shapes match the slide's table: {conv_shapes == SLIDE_OUTPUT_SHAPES}")

    figures = []
    if figures_wanted(out_dir):
        figures = written(draw_counts(dense, conv_weights, lecture_conv.weight.numel(), out_dir))
    return {
        "dense_connections": dense,
        "conv_weights": conv_weights,
        "conv_output_shapes": conv_shapes,
        "total_params": table.total_params,
        "figures": figures,
    }


def draw_counts(dense, conv_weights, lecture_weights, out_dir):
    fig = figure(7, 3.2)
    ax = fig.subplots()
    bars = {
        "dense 256×256×3 → 32×32×36": dense,
        "Conv2d(3, 36, 8, stride 8)\n(same output shape)": conv_weights,
        "Conv2d(3, 16, 7)\n(the slide's first layer)": lecture_weights,
    }
    ax.barh(list(bars), list(bars.values()), color=["tab:red", "tab:blue", "tab:blue"])
    for y, value in enumerate(bars.values()):
        ax.text(value * 1.3, y, f"{value:,}", va="center")
    ax.set(xscale="log", xlim=(1e3, 1e12), xlabel="number of weights (log scale)", title="Dense vs convolution")
    ax.invert_yaxis()
    return save(fig, out_dir, "dense_vs_conv.png")
