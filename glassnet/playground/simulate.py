"""Headless runs: ``glassnet playground simulate "<hash>" --epochs N``.

``simulate(hash, epochs)`` opens the hash as the page would (same data, same
initial weights), trains ``epochs`` epochs and returns a JSON-ready dict::

    {
      "hash": "activation=tanh&...",        # the canonical hash the page would show
      "seed": "0.79237",
      "counts": {"train": 250, "test": 250},
      "initial_weights": [0.2606..., ...],  # the original's draw order (W[1] row-major, then W[2], ...)
      "loss": [[0.5198..., 0.5842...], ...] # [train, test] after epoch 0 (before training), 1, ..., N
    }

A loss is NaN for an empty set (``percTrainData=100``); ``main`` prints it as
the bare token ``NaN``, which Python's ``json`` reads back (strict JSON parsers
do not).
"""

import argparse
import json
import sys

from .session import Playground
from .state import State

MAX_HIDDEN_LAYERS = 100  # generous for headless experiments, far below what would exhaust the memory
MAX_NEURONS = 1000


def simulate(hash_string, epochs=0, backend="numpy"):
    """Train the configuration of ``hash_string`` for ``epochs`` epochs; see the module docstring for the result."""
    epochs = int(epochs)
    if epochs < 0:
        raise ValueError(f"simulate: epochs must be >= 0, got {epochs}")
    widths = [w for w in State.parse(hash_string).values["networkShape"] if w == w]  # drop NaN
    if len(widths) > MAX_HIDDEN_LAYERS or any(w > MAX_NEURONS for w in widths):
        raise ValueError(
            f"simulate: networkShape {','.join(f'{w:g}' for w in widths)} is too large for a playground "
            f"(at most {MAX_HIDDEN_LAYERS} hidden layers of {MAX_NEURONS} neurons here; the original's "
            "buttons stop at 6 layers of 8)"
        )
    playground = Playground(hash_string, backend=backend)
    losses = [[playground.loss_train, playground.loss_test]]
    for _ in range(epochs):
        playground.step()
        losses.append([playground.loss_train, playground.loss_test])
    return {
        "hash": playground.hash,
        "seed": playground.state["seed"],
        "counts": playground.counts(),
        "initial_weights": playground.initial_weights(),
        "loss": losses,
    }


def build_parser(parser=None):
    """The arguments of ``simulate``; pass a sub-parser to graft them onto a larger CLI."""
    parser = parser or argparse.ArgumentParser(
        prog="glassnet playground simulate", description="Train a playground link headlessly; print JSON."
    )
    parser.add_argument("hash", help='the URL hash, e.g. "activation=tanh&...&seed=0.79237" (quote it)')
    parser.add_argument("--epochs", type=int, default=0, help="epochs to train (default 0)")
    parser.add_argument(
        "--backend",
        choices=("numpy", "glassnet"),
        default="numpy",
        help="gradient engine: explicit NumPy backprop (default) or glassnet autograd",
    )
    return parser


def main(argv=None):
    """Entry point: parse ``argv`` (the arguments after ``simulate``), print the JSON, return 0."""
    args = build_parser().parse_args(argv)
    json.dump(simulate(args.hash, args.epochs, args.backend), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
