"""Export a trained playground network: weights in safetensors and a script that rebuilds it.

``export_model(playground, folder)`` writes

* ``model.safetensors``: ``layers.{k}.weight`` ``(n_out, n_in)`` and
  ``layers.{k}.bias`` ``(n_out,)`` in float64, the keys and layouts of a
  PyTorch ``nn.ModuleList`` of ``nn.Linear`` (written with ``glassnet.save``,
  so it carries a checksum; ``safetensors.torch.load_file`` reads it too);
* ``model.py``: a short script that rebuilds the network as an ``nn.Module``
  in glassnet or in PyTorch (the same code runs on both: ``python model.py
  torch`` or ``python model.py glassnet``), computes the input features
  from (x, y) and prints the output at a few points.

The activations are written as the Tensor expressions of ``activations.py``,
so the rebuilt model computes what the playground computes.
"""

import os

from ..serialization import save
from .activations import ACTIVATIONS
from .features import INPUTS

FEATURE_CODE = {
    "x": "x",
    "y": "y",
    "xSquared": "x * x",
    "ySquared": "y * y",
    "xTimesY": "x * y",
    "sinX": "np.sin(x)",
    "sinY": "np.sin(y)",
}

SCRIPT = '''"""A network trained in glassnet's Neural Network Playground, rebuilt in glassnet or PyTorch.

Hash: {hash}
Usage: python model.py [glassnet|torch]   (the weights are read from model.safetensors beside this file)
"""
import importlib
import os
import sys

import numpy as np

FEATURES = {features!r}
SHAPE = {shape!r}


def features(x, y):
    """The network's inputs for points (x, y): one column per feature, in the playground's order."""
    x, y = np.asarray(x, dtype=np.float64).ravel(), np.asarray(y, dtype=np.float64).ravel()
    columns = [{feature_columns}]
    return np.stack(columns, axis=-1) if columns else np.zeros((x.size, 0))


def build(lib):
    """The network as an ``nn.Module`` of library ``lib`` (the ``glassnet`` or ``torch`` module)."""
    nn = importlib.import_module(lib.__name__ + ".nn")

    class PlaygroundNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(a, b).double() for a, b in zip(SHAPE, SHAPE[1:])])

        def forward(self, h):
            for k, layer in enumerate(self.layers):
                h = layer(h)
                h = {hidden} if k < len(self.layers) - 1 else {output}
            return h

    model = PlaygroundNet()
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors")
    if lib.__name__ == "torch":
        from safetensors.torch import load_file
    else:
        from glassnet.serialization import load as load_file
    model.load_state_dict(load_file(path))
    return model


if __name__ == "__main__":
    lib = importlib.import_module(sys.argv[1] if len(sys.argv) > 1 else "glassnet")
    model = build(lib)
    points = np.array([[-3.0, 3.0], [0.0, 0.0], [3.0, -3.0]])
    inputs = lib.tensor(features(points[:, 0], points[:, 1]), dtype=lib.float64)
    print(model(inputs))
'''


def export_model(playground, folder):
    """Write ``model.safetensors`` and ``model.py`` for ``playground``'s network into ``folder``; return their paths."""
    network = playground.network
    os.makedirs(folder, exist_ok=True)
    tensors = {}
    for k, (weight, bias) in enumerate(zip(network.weights, network.biases)):
        tensors[f"layers.{k}.weight"] = weight.copy()
        tensors[f"layers.{k}.bias"] = bias.copy()
    weights_path = os.path.join(folder, "model.safetensors")
    save(tensors, weights_path, metadata={"playground.hash": playground.hash})
    if network.output_activation == "softmax":
        output = "h.softmax(dim=1)"
    else:
        output = ACTIVATIONS[network.output_activation].expression
    script = SCRIPT.format(
        hash=playground.hash,
        features=list(network.input_ids),
        shape=network.shape,
        feature_columns=", ".join(FEATURE_CODE[name] for name in network.input_ids if name in INPUTS),
        hidden=ACTIVATIONS[network.activation].expression,
        output=output,
    )
    script_path = os.path.join(folder, "model.py")
    with open(script_path, "w") as f:
        f.write(script)
    return weights_path, script_path
