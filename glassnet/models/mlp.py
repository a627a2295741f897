"""A multi-layer perceptron: Linear layers with an activation between them."""

from .. import nn

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "leaky_relu": nn.LeakyReLU,
    "linear": nn.Identity,
}


def mlp(sizes, activation="relu"):
    """``mlp([784, 256, 128, 10])``: Linear(784→256), act, Linear(256→128), act, Linear(128→10).

    ``activation`` is a name from ``ACTIVATIONS`` or a Module class; none follows the
    last layer, so the output is raw scores (logits).

    Shape:
        input: (N, sizes[0]). Output: (N, sizes[-1]).
    """
    if len(sizes) < 2:
        raise ValueError(f"mlp: sizes needs at least an input and an output size, got {list(sizes)}")
    if isinstance(activation, str):
        if activation not in ACTIVATIONS:
            raise ValueError(f"mlp: unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
        activation = ACTIVATIONS[activation]
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)
