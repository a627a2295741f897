"""glassnet's Neural Network Playground: the TensorFlow Playground's engine, number for number.

The lecture links the TensorFlow Neural Network Playground; the same links
(the part after ``#``) open here with the same data, the same initial weights
and the same losses.  This package is the engine; the web page sits on top.

| module            | mirrors (in the original's ``src/``)                                |
|-------------------|---------------------------------------------------------------------|
| ``jsnumber``      | JavaScript's ``Number()``, ``String()`` and ``toFixed``             |
| ``state``         | ``state.ts``: the URL hash, read and written back byte for byte     |
| ``rng``           | seedrandom 2.4.4's ARC4 ``Math.random`` replacement                 |
| ``datasets``      | ``dataset.ts``: the six generators, shuffle, train/test split       |
| ``features``      | ``INPUTS`` and the heatmap grid of ``playground.ts``                |
| ``activations``   | activation and regularisation functions of ``nn.ts``                |
| ``network``       | ``nn.ts``: the network and its training rule, vectorised per layer  |
| ``session``       | ``playground.ts``: startup, reset, one epoch, the page's actions    |
| ``simulate``      | headless runs printed as JSON (``glassnet playground simulate``)    |
| ``colours``       | the heatmaps' 31-colour quantize scale of ``heatmap.ts``            |
| ``export``        | (beyond the original) safetensors + a glassnet/PyTorch rebuild script |

Two ways to compute gradients, both tested against the spec's conformance
vectors: ``backend="numpy"`` (default) runs ``nn.ts``'s backpropagation by
hand, one matrix product per layer and mini-batch (about 0.7 ms per epoch of
the default configuration); ``backend="glassnet"`` builds the forward pass from
glassnet Tensors and lets glassnet's autograd differentiate it (about 10×
slower, still fast enough for the page).

Example::

    from glassnet.playground import Playground
    p = Playground("activation=tanh&networkShape=3&seed=0.79237&...")
    p.step()                     # one epoch
    p.loss_train, p.loss_test    # as the page shows them
    p.heatmap()                  # 100×100 output over [-6, 6]², row 0 at y = +6
"""

from .jsnumber import js_number_to_string, js_to_number, to_fixed
from .network import Network
from .rng import SeedRandom
from .session import Playground
from .simulate import simulate
from .state import State

__all__ = [
    "Network",
    "Playground",
    "SeedRandom",
    "State",
    "js_number_to_string",
    "js_to_number",
    "simulate",
    "to_fixed",
]
