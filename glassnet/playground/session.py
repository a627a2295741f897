"""One open playground page, headless: the state machine of the original's ``playground.ts``.

A ``Playground`` holds what the original keeps in module variables: the state,
the seeded random stream, the train and test data, the network, the epoch
counter and the loss history.  Its methods are the page's actions, with the
same side effects on the stream and the URL, so that a server can drive one
``Playground`` per browser tab and a test can replay a session exactly.

Startup (``playground.ts:1116-1121``): parse the hash (a missing seed is drawn
from the native RNG); apply the noise clamp of ``makeGUI``; ``generateData(true)``
reseeds the stream with the state's seed, generates, shuffles and splits; then
``reset(true)`` draws the weights from the *same* stream, right after the
shuffle.  Hence a URL fixes both the data and the initial weights, and a later
Reset (which continues the stream) gives different weights.

What each action does (``makeGUI``, ``playground.ts:196-420``):

=====================================  ===============  ========  ===========
action                                 new data + seed  reset()   serialise
=====================================  ===============  ========  ===========
dataset / regDataset (if different)    yes              yes       yes
problem                                yes              yes       yes
noise, percTrainData                   yes              yes       yes
batchSize, activation, regularization  no               yes       yes
regularizationRate, features, layers   no               yes       yes
learningRate                           no               no        yes
showTestData, discretize, ``*_hide``   no               no        yes
regenerate                             yes              no        yes
reset                                  no               yes       yes
=====================================  ===============  ========  ===========

"New data + seed" means ``generateData()``: the next seed is
``random().toFixed(5)`` from the *current* stream, then the stream is reseeded
with it.  Regenerate keeps training the same network on the new data.

Beyond the original (off by default): multi-class datasets get one softmax
output node per class and the cross-entropy loss; ``loss=crossEntropy`` uses
it for two classes too; accuracy is computed beside the loss for
classification; ``use_points`` trains on the user's own points (which live in
the session, not in the URL: a reload returns to the URL's dataset).
"""

import random as _native_random
from typing import NamedTuple

import numpy as np

from . import datasets
from .features import active_features, feature_matrix, grid_features
from .jsnumber import to_fixed
from .network import Network, layer_size
from .rng import SeedRandom
from .state import PROPS_BY_NAME, State, clamp_noise_at_startup

MAX_HIDDEN_LAYERS = 6  # the +/- buttons' limits (playground.ts:248, 258, 673, 688)
MAX_NEURONS = 8
MAX_CLASSES = 10  # multi-class datasets: numClasses is clamped to 2..10 (default 3)
NEW_LAYER_NEURONS = 2
DENSITY = 100  # the output heatmap's resolution
THUMBNAIL_FACTOR = 10  # node thumbnails are 10×10 block means of the 100×100 maps

# Which actions regenerate the data and which rebuild the network.
_REGENERATE_AND_RESET = {"dataset", "regDataset", "problem", "noise", "percTrainData", "numClasses"}
_RESET_ONLY = {
    "batchSize",
    "activation",
    "regularization",
    "regularizationRate",
    "loss",
    "x",
    "y",
    "xTimesY",
    "xSquared",
    "ySquared",
    "cosX",
    "sinX",
    "cosY",
    "sinY",
}


class UserData(NamedTuple):
    """The user's own points (``Playground.use_points``)."""

    points: np.ndarray  # (n, 2)
    labels: np.ndarray  # (n,): ±1, class indices, or regression targets
    num_classes: object  # 2, k, or None for regression
    multiclass: bool  # labels are class indices 0..k-1


class Playground:
    """The playground for one URL hash.

    Args:
        hash_string: the part after ``#`` (a leading ``#`` or a whole URL works too).
        native_random: the browser's unseeded ``Math.random`` (used only for a missing seed).
        backend: "numpy" or "glassnet" (see ``network.py``).

    Attributes:
        state: the ``State``; ``hash`` is its last serialisation (what the URL shows).
        epoch: the epoch counter (``iter``).
        train_points, train_labels, test_points, test_labels: the data.
        network: the ``Network``.
        loss_train, loss_test: the losses shown (updated by reset and step).
        accuracy_train, accuracy_test: fractions classified right (None for regression).
        loss_history: the chart's ``[train, test]`` points since the last reset.
        noise_max: the noise slider's maximum (raised by a URL noise between 50 and 80).
    """

    def __init__(self, hash_string="", native_random=_native_random.random, backend="numpy"):
        self.backend = backend
        self.state = State.parse(hash_string, native_random)
        self.state["noise"], self.noise_max = clamp_noise_at_startup(self.state["noise"])
        self.random = SeedRandom(self.state["seed"])
        self.epoch = 0
        self.custom_data = None
        self.generate_data(first_time=True)
        self.reset()

    # ------------------------------------------------------------ the core loop
    def generate_data(self, first_time=False):
        """``generateData``: (a new seed unless first time,) reseed, generate, shuffle, split."""
        if not first_time:
            self.state["seed"] = to_fixed(self.random(), 5)
            self.serialize()
        self.random = SeedRandom(self.state["seed"])
        regression = self.state["problem"] == "regression"
        name = self.state["regDataset"] if regression else self.state["dataset"]
        count = datasets.NUM_SAMPLES_REGRESS if regression else datasets.NUM_SAMPLES_CLASSIFY
        (self.train_points, self.train_labels, self.test_points, self.test_labels) = datasets.generate(
            name,
            count,
            self.state["noise"] / 100,
            self.state["percTrainData"],
            self.random,
            num_classes=self.num_classes or 2,
            data=None if self.custom_data is None else (self.custom_data.points, self.custom_data.labels),
        )
        self._refresh_inputs()

    @property
    def num_classes(self):
        """None for regression, k for multi-class data (labels 0..k-1), else 2 (labels ±1)."""
        if self.state["problem"] == "regression":
            return None
        if self.custom_data is not None:
            return self.custom_data.num_classes
        if self.state["dataset"] in datasets.MULTICLASS:
            k = self.state["numClasses"]
            return 3 if k is None or k != k else int(min(max(k, 2), MAX_CLASSES))
        return 2

    @property
    def multiclass(self):
        """Whether labels are class indices (softmax output) rather than ±1."""
        if self.custom_data is not None:
            return self.custom_data.multiclass
        return self.state["problem"] != "regression" and self.state["dataset"] in datasets.MULTICLASS

    def _refresh_inputs(self):
        self.features = active_features(self.state)
        self.train_inputs = feature_matrix(self.features, self.train_points)
        self.test_inputs = feature_matrix(self.features, self.test_points)

    def reset(self):
        """``reset()``: serialise, rebuild the network from the stream, epoch 0, clear the chart."""
        self.serialize()
        self.epoch = 0
        self._refresh_inputs()
        hidden = [layer_size(n) for n in self.state["networkShape"]]
        regression = self.state["problem"] == "regression"
        if self.multiclass:
            outputs, output_activation, loss = self.num_classes, "softmax", "cross_entropy"
        else:
            cross_entropy = not regression and self.state["loss"] == "crossEntropy"
            outputs, output_activation = 1, "linear" if regression else "tanh"
            loss = "cross_entropy" if cross_entropy else "square"
        self.network = Network(
            [len(self.features), *hidden, outputs],
            activation=self.state["activation"],
            output_activation=output_activation,
            regularization=self.state["regularization"],
            input_ids=self.features,
            init_zero=self.state["initZero"],
            random=self.random,
            loss=loss,
            backend=self.backend,
        )
        self.loss_history = []
        self._compute_losses()

    def step(self):
        """``oneStep()``: one epoch over the training data, then the losses."""
        self.epoch += 1
        self.network.train_epoch(
            self.train_inputs,
            self.train_labels,
            self.state["learningRate"],
            self.state["regularizationRate"],
            self.state["batchSize"],
        )
        self._compute_losses()

    def _compute_losses(self):
        self.loss_train = self.network.loss(self.train_inputs, self.train_labels)
        self.loss_test = self.network.loss(self.test_inputs, self.test_labels)
        self.loss_history.append([self.loss_train, self.loss_test])
        if self.state["problem"] == "regression":
            self.accuracy_train = self.accuracy_test = None
        else:
            self.accuracy_train = self.network.accuracy(self.train_inputs, self.train_labels)
            self.accuracy_test = self.network.accuracy(self.test_inputs, self.test_labels)

    def serialize(self):
        """``state.serialize()``: the new URL hash (also kept in ``self.hash``)."""
        self.hash = self.state.serialize()
        return self.hash

    # ------------------------------------------------------------ page actions
    def set(self, name, value):
        """Change one control as the page would, with the original's consequences (see the module table).

        ``value`` is what the control gives: a hash key for dropdowns and
        thumbnails ("relu", "xor", "L1", "none"), a number for sliders and rate
        menus, a bool for checkboxes and features.  Returns the new hash.
        """
        if name.endswith("_hide"):
            self.state[name] = bool(value)
            return self.serialize()
        prop = PROPS_BY_NAME.get(name)
        if prop is None or name in ("networkShape", "seed", "tutorial", "initZero", "hideText", "collectStats"):
            raise KeyError(
                f"Playground.set: {name!r} is not a control; hint: use add_layer/add_neuron for "
                "the network shape, regenerate() for a new seed"
            )
        if prop.type == "object":
            value = prop.lookup(value)  # KeyError for an unknown choice
        elif prop.type == "number":
            value = float(value)
        else:
            value = bool(value)
        if name in ("dataset", "regDataset") and value == self.state[name] and self.custom_data is None:
            return self.hash  # clicking the selected thumbnail is a no-op
        if name in ("dataset", "regDataset", "problem"):
            self.custom_data = None  # a built-in dataset replaces the user's points
        self.state[name] = value
        if name in _REGENERATE_AND_RESET:
            self.generate_data()
            self.reset()
        elif name in _RESET_ONLY:
            self.reset()
        else:
            self.serialize()
        return self.hash

    def use_points(self, csv_text):
        """Train on the user's points (CSV rows ``x,y,label``; see ``datasets.parse_points_csv``).

        Labels ±1 (or 0/1) make a classification problem, 0..k-1 a multi-class
        one, anything else a regression.  The points are shuffled with the
        seeded stream and split by ``percTrainData``; then the network is reset.
        Regenerate reshuffles them; choosing a dataset or problem drops them.
        Returns the new hash (the points themselves are not in it).
        """
        points, labels, kind = datasets.parse_points_csv(csv_text)
        classes = int(labels.max()) + 1 if kind == "multiclass" else None if kind == "regression" else 2
        self.custom_data = UserData(points, labels, classes, kind == "multiclass")
        self.state["problem"] = "regression" if kind == "regression" else "classification"
        self.generate_data()
        self.reset()
        return self.hash

    def regenerate(self):
        """The Regenerate button: new seed and data; the network keeps training (no reset)."""
        self.generate_data()
        return self.hash

    def add_layer(self):
        """The "+" above the hidden layers: append a layer of 2 neurons (at most 6 layers)."""
        if self.state.num_hidden_layers < MAX_HIDDEN_LAYERS:
            self.state["networkShape"] = [*self.state["networkShape"], float(NEW_LAYER_NEURONS)]
            self.reset()
        return self.hash

    def remove_layer(self):
        """The "−" above the hidden layers: drop the last hidden layer (down to none)."""
        if self.state.num_hidden_layers > 0:
            self.state["networkShape"] = self.state["networkShape"][:-1]
            self.reset()
        return self.hash

    def add_neuron(self, layer):
        """The "+" above hidden layer ``layer`` (1-based): one more neuron, at most 8."""
        return self._change_neurons(layer, +1)

    def remove_neuron(self, layer):
        """The "−" above hidden layer ``layer`` (1-based): one neuron fewer, at least 1."""
        return self._change_neurons(layer, -1)

    def _change_neurons(self, layer, change):
        shape = list(self.state["networkShape"])
        if not 1 <= layer <= len(shape):
            raise IndexError(f"Playground: no hidden layer {layer}; the network has {len(shape)}")
        if (change > 0 and shape[layer - 1] < MAX_NEURONS) or (change < 0 and shape[layer - 1] > 1):
            shape[layer - 1] += change
            self.state["networkShape"] = shape
            self.reset()
        return self.hash

    def edit_weight(self, layer, dest, source, value):
        """The hover card's editor: set one weight; no reset, the chart gets a point with the current losses."""
        self.network.set_weight(layer, dest, source, value)
        self.loss_history.append([self.loss_train, self.loss_test])

    def edit_bias(self, layer, node, value):
        """The hover card's editor for a bias (the output node's bias is not editable in the original)."""
        self.network.set_bias(layer, node, value)
        self.loss_history.append([self.loss_train, self.loss_test])

    # ---------------------------------------------------------------- heatmaps
    def node_heatmaps(self, density=DENSITY):
        """``updateDecisionBoundary``: every node's output over the grid, as images.

        Returns ``{node_id: (density, density) array}`` for input, hidden and
        output nodes; row 0 is y = +6, column 0 is x = -6 (so
        ``image[j, i]`` is the original's ``boundary[id][i][j]``).
        """
        inputs = grid_features(tuple(self.features), density)
        _, activations = self.network.forward_all(inputs)
        maps = {}
        for ids, values in zip(self.network.node_ids(), activations):
            for k, node_id in enumerate(ids):
                maps[node_id] = values[:, k].reshape(density, density)
        return maps

    def heatmap(self, density=DENSITY):
        """The output node's map (the big heatmap): ``(density, density)``, row 0 at y = +6.

        For multi-class data, the class probabilities: ``(k, density, density)``.
        """
        output = self.network.forward(grid_features(tuple(self.features), density))
        if output.ndim == 2:
            return output.T.reshape(-1, density, density)
        return output.reshape(density, density)

    def thumbnails(self, maps=None, factor=THUMBNAIL_FACTOR):
        """``reduceMatrix(boundary, 10)`` for every node: the means of ``factor``×``factor`` blocks.

        ``maps`` is the result of ``node_heatmaps()`` (computed if not given), so a
        frame can draw the big heatmap and the thumbnails from one forward pass.
        """
        maps = self.node_heatmaps() if maps is None else maps
        out = {}
        for node_id, image in maps.items():
            size = image.shape[0] // factor
            out[node_id] = image.reshape(size, factor, size, factor).mean(axis=(1, 3))
        return out

    # ----------------------------------------------------------------- summary
    def initial_weights(self):
        """The weights as initialised, in the original's draw order (a list of floats)."""
        return self.network.initial_weights.tolist()

    def counts(self):
        """The numbers of training and test points, ``{"train": n, "test": m}``."""
        return {"train": int(len(self.train_labels)), "test": int(len(self.test_labels))}

    def points(self):
        """The data as JSON-friendly rows ``{"train": [[x, y, label], …], "test": […]}`` (for drawing)."""
        return {
            "train": np.column_stack([self.train_points, self.train_labels]).tolist(),
            "test": np.column_stack([self.test_points, self.test_labels]).tolist(),
        }
