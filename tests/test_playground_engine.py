"""The playground's engine against the original: RNG, data, weights and losses (spec §2, §3, §6, §7).

``ReferenceNetwork`` below is a literal, per-neuron, one-example-at-a-time port
of the original's ``nn.ts`` in plain Python floats: the slow oracle that the
vectorised ``Network`` must match (L1, L2, regression, initZero, odd batch sizes).
"""

import json
import math

import numpy as np
import pytest

from glassnet.playground import Playground, SeedRandom, datasets, simulate
from glassnet.playground.activations import ACTIVATIONS
from glassnet.playground.features import grid_axis, grid_features
from glassnet.playground.jsnumber import to_fixed
from glassnet.playground.network import Network, batch_plan
from glassnet.playground.simulate import main as simulate_main

CONFIG_A = (
    "activation=tanh&batchSize=10&dataset=circle&regDataset=reg-plane&learningRate=0.03"
    "&regularizationRate=0&noise=0&networkShape=3&seed=0.79237&showTestData=false&discretize=false"
    "&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false&ySquared=false&cosX=false&sinX=false"
    "&cosY=false&sinY=false&collectStats=false&problem=classification&initZero=false&hideText=false"
)
CONFIG_B = (
    CONFIG_A.replace("activation=tanh", "activation=relu")
    .replace("batchSize=10", "batchSize=30")
    .replace("dataset=circle", "dataset=xor")
    .replace("noise=0", "noise=25")
    .replace("networkShape=3", "networkShape=4,2")
    .replace("percTrainData=50", "percTrainData=70")
)

LOSSES_A = {
    0: (0.5198263230392653, 0.5842488032100697),
    1: (0.48160561415314984, 0.5520876593282905),
    2: (0.4616712330237088, 0.5333095654795698),
    10: (0.3189502043188019, 0.40228410117907143),
    100: (0.04151174220839579, 0.05662590102946179),
}
LOSSES_B = {
    0: (0.48284536021722896, 0.5026816783290777),
    10: (0.34604943379131164, 0.3917546939587693),
    100: (0.29106947910913433, 0.3288389765143404),
}


def run_losses(link, epochs, backend="numpy"):
    playground = Playground(link, backend=backend)
    losses = {0: (playground.loss_train, playground.loss_test)}
    for epoch in range(1, epochs + 1):
        playground.step()
        losses[epoch] = (playground.loss_train, playground.loss_test)
    return playground, losses


def assert_losses(actual, expected, max_epoch_exact=10):
    for epoch, (train, test) in expected.items():
        tol = 1e-12 if epoch <= max_epoch_exact else 1e-9  # longer runs may drift by libm ulps (spec §7)
        assert actual[epoch] == pytest.approx((train, test), abs=tol, rel=0), f"epoch {epoch}"


# ------------------------------------------------------------------ the random stream
def test_seedrandom_check_values():
    r = SeedRandom("hello.")
    assert [r(), r()] == [0.9282578795792454, 0.3752569768646784]
    r = SeedRandom("0.79237")
    assert [r(), r(), r()] == [0.0492595123802844, 0.6677215710059378, 0.025196209415757183]


def test_seedrandom_keys():
    empty, nul = SeedRandom(""), SeedRandom("\0")  # the empty key is [0], the same key as "\0"
    assert [empty() for _ in range(3)] == [nul() for _ in range(3)]
    assert SeedRandom("0.5")() != SeedRandom("0.50000")()
    values = [SeedRandom("é😀" * 200)() for _ in range(2)]  # non-BMP characters and keys over 256 bytes work
    assert values[0] == values[1] and 0 <= values[0] < 1
    with pytest.raises(TypeError, match="seed must be a string"):
        SeedRandom(0.5)


# ------------------------------------------------------------------ configuration A and B
def test_configuration_a_data_and_weights():
    r = SeedRandom("0.79237")
    points, labels = datasets.classify_circle(500, 0.0, r)
    assert points[:2].tolist() == [
        [-0.10705575194662117, -0.06086615007366342],
        [0.11453561522666161, 0.41511030489371725],
    ]
    assert labels[:2].tolist() == [1, 1]
    playground = Playground(CONFIG_A)
    assert playground.counts() == {"train": 250, "test": 250}
    assert playground.train_points[:2].tolist() == [
        [-0.9214743253824526, -4.154428350769279],
        [4.6149415039931405, 1.9107528821234923],
    ]
    assert playground.train_labels[:2].tolist() == [-1, -1]
    assert playground.points()["test"][0] == [*playground.test_points[0], playground.test_labels[0]]
    weights = playground.initial_weights()
    assert len(weights) == 9
    assert weights[:6] == [
        0.26066876567077213,
        -0.43483415349131344,
        -0.2961154730760067,
        -0.3710618907219384,
        -0.4327705020457135,
        0.019994829532532732,
    ]
    assert playground.network.biases_flat.tolist() == [0.1] * 4


def test_configuration_a_losses():
    _, losses = run_losses(CONFIG_A, 100)
    assert_losses(losses, LOSSES_A)


def test_configuration_b_losses_with_leftover_batches():
    playground, losses = run_losses(CONFIG_B, 100)
    assert playground.counts() == {"train": 350, "test": 150}
    assert len(playground.initial_weights()) == 18
    assert batch_plan(350, 30.0)[-1] == (330, 350, False)  # 20 leftovers join the next epoch's first batch
    assert_losses(losses, LOSSES_B)


@pytest.mark.parametrize("link, expected", [(CONFIG_A, LOSSES_A), (CONFIG_B, LOSSES_B)])
def test_glassnet_autograd_backend_reproduces_the_vectors(link, expected):
    _, losses = run_losses(link, 10, backend="glassnet")
    assert_losses(losses, {e: v for e, v in expected.items() if e <= 10})


# ------------------------------------------------------------------ the per-neuron oracle
SCALAR_ACTIVATIONS = {
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 0.0 if x <= 0 else 1.0),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: (1 / (1 + math.exp(-x))) * (1 - 1 / (1 + math.exp(-x)))),
    "linear": (lambda x: x, lambda x: 1.0),
}


class Node:
    def __init__(self, bias, activation):
        self.bias, self.activation = bias, activation
        self.inputs, self.outputs = [], []
        self.total = self.output = self.output_der = self.input_der = self.acc = 0.0
        self.count = 0


class Link:
    def __init__(self, source, dest, weight):
        self.source, self.dest, self.weight = source, dest, weight
        self.dead, self.acc, self.count = False, 0.0, 0


class ReferenceNetwork:
    """``nn.ts`` one node and one link at a time (buildNetwork, forwardProp, backProp, updateWeights)."""

    def __init__(self, shape, activation, output_activation, regularization, init_zero, random):
        self.layers, self.regularization = [], regularization
        for l, count in enumerate(shape):
            layer = []
            for _ in range(count):
                act = SCALAR_ACTIVATIONS[output_activation if l == len(shape) - 1 else activation]
                node = Node(0.0 if init_zero else 0.1, act)
                if l > 0:
                    for source in self.layers[-1]:
                        weight = random() - 0.5
                        link = Link(source, node, 0.0 if init_zero else weight)
                        source.outputs.append(link)
                        node.inputs.append(link)
                layer.append(node)
            self.layers.append(layer)

    def forward(self, inputs):
        for node, value in zip(self.layers[0], inputs):
            node.output = value
        for layer in self.layers[1:]:
            for node in layer:
                node.total = node.bias
                for link in node.inputs:
                    node.total += link.weight * link.source.output
                node.output = node.activation[0](node.total)
        return self.layers[-1][0].output

    def backward(self, target):
        self.layers[-1][0].output_der = self.layers[-1][0].output - target
        for l in range(len(self.layers) - 1, 0, -1):
            for node in self.layers[l]:
                node.input_der = node.output_der * node.activation[1](node.total)
                node.acc += node.input_der
                node.count += 1
            for node in self.layers[l]:
                for link in node.inputs:
                    if not link.dead:
                        link.acc += node.input_der * link.source.output
                        link.count += 1
            if l == 1:
                continue
            for node in self.layers[l - 1]:
                node.output_der = 0.0
                for link in node.outputs:
                    node.output_der += link.weight * link.dest.input_der

    def update(self, lr, rate):
        for layer in self.layers[1:]:
            for node in layer:
                if node.count > 0:
                    node.bias -= lr * node.acc / node.count
                    node.acc, node.count = 0.0, 0
                for link in node.inputs:
                    if link.dead:
                        continue
                    w = link.weight
                    der = {"L1": (-1.0 if w < 0 else 1.0 if w > 0 else 0.0), "L2": w, None: 0.0}[self.regularization]
                    if link.count > 0:
                        link.weight = w - (lr / link.count) * link.acc
                        new = link.weight - (lr * rate) * der
                        if self.regularization == "L1" and link.weight * new < 0:
                            link.weight, link.dead = 0.0, True
                        else:
                            link.weight = new
                        link.acc, link.count = 0.0, 0

    def epoch(self, inputs, targets, lr, rate, batch_size):
        for i, (x, t) in enumerate(zip(inputs, targets)):
            self.forward(x)
            self.backward(t)
            if batch_size == batch_size and batch_size != 0 and math.fmod(i + 1, batch_size) == 0:
                self.update(lr, rate)

    def loss(self, inputs, targets):
        total = 0.0
        for x, t in zip(inputs, targets):
            total += 0.5 * (self.forward(x) - t) ** 2
        return total / len(targets) if len(targets) else math.nan

    def weights(self):
        return [link.weight for layer in self.layers[1:] for node in layer for link in node.inputs]

    def dead(self):
        return [link.dead for layer in self.layers[1:] for node in layer for link in node.inputs]


ORACLE_LINKS = [
    "activation=tanh&regularization=L1&regularizationRate=0.03&dataset=gauss&noise=20&batchSize=7&seed=l1",
    "activation=relu&regularization=L1&regularizationRate=0.03&learningRate=0.1&dataset=xor&seed=dead&batchSize=3",
    "activation=sigmoid&regularization=L2&regularizationRate=0.01&dataset=spiral&noise=10&networkShape=5,3"
    "&xSquared=true&sinY=true&learningRate=0.3&seed=l2",
    "activation=tanh&problem=regression&regDataset=reg-gauss&noise=15&networkShape=4&learningRate=0.01&seed=rg"
    "&batchSize=4&xTimesY=true&ySquared=true&sinX=true",
    "activation=relu&problem=regression&regDataset=reg-plane&networkShape=3,3&initZero=true&seed=iz",
    "activation=linear&batchSize=2.5&percTrainData=30&networkShape=&seed=frac",
    "activation=tanh&batchSize=0&networkShape=2&seed=zero",
    "activation=tanh&batchSize=100&percTrainData=90&networkShape=2,2,2&seed=big&x=false&y=false&xSquared=true",
]


@pytest.mark.parametrize("link", ORACLE_LINKS)
def test_vectorised_network_matches_the_per_neuron_oracle(link):
    playground = Playground(link)
    state = playground.state
    random = SeedRandom(state["seed"])
    regression = state["problem"] == "regression"
    name = state["regDataset"] if regression else state["dataset"]
    datasets.generate(name, 1200 if regression else 500, state["noise"] / 100, state["percTrainData"], random)
    reference = ReferenceNetwork(
        playground.network.shape,
        state["activation"],
        "linear" if regression else "tanh",
        state["regularization"],
        state["initZero"],
        random,
    )
    assert reference.weights() == playground.initial_weights()
    args = (state["learningRate"], state["regularizationRate"], state["batchSize"])
    x, t, xt, tt = playground.train_inputs, playground.train_labels, playground.test_inputs, playground.test_labels
    for epoch in range(4):
        assert (playground.loss_train, playground.loss_test) == pytest.approx(
            (reference.loss(x, t), reference.loss(xt, tt)), abs=1e-12, rel=0
        ), f"epoch {epoch}"
        playground.step()
        reference.epoch(x, t, *args)
    assert playground.network.weights_flat.tolist() == pytest.approx(reference.weights(), abs=1e-12, rel=0)
    assert playground.network.dead.tolist() == reference.dead()


def test_l1_kills_links_and_keeps_them_dead():
    playground = Playground(ORACLE_LINKS[1])
    for _ in range(3):
        playground.step()
    network = playground.network
    dead = network.dead.copy()
    assert dead.any() and (network.weights_flat[dead] == 0).all()
    link = next(link for link in network.links() if link["dead"])
    playground.edit_weight(link["layer"], link["dest"], link["source"], 0.7)  # editing does not revive it
    playground.step()
    assert network.dead[dead].all() and network.weights[link["layer"] - 1][link["dest"], link["source"]] == 0.7


def test_batch_size_zero_never_updates_and_empty_test_set_is_nan():
    playground = Playground("batchSize=0&percTrainData=100&seed=z")
    before = playground.network.weights_flat.copy()
    playground.step()
    assert (playground.network.weights_flat == before).all() and math.isnan(playground.loss_test)
    assert playground.counts() == {"train": 500, "test": 0}


# ------------------------------------------------------------------ data generators
class Script:
    """A stand-in random stream that returns given values in order (to pin down draw orders)."""

    def __init__(self, values):
        self.values, self.calls = list(values), 0

    def __call__(self):
        self.calls += 1
        return self.values.pop(0)


def test_circle_draw_order_r_angle_noise():
    points, labels = datasets.classify_circle(2, 0.5, Script([0.5, 0.25, 0.5, 0.5, 0.0, 0.0, 1.0, 0.5]))
    assert points[0] == pytest.approx([1.25, 0.0], abs=1e-15) and labels[0] == 1  # r = 1.25, angle = π/2
    assert points[1] == pytest.approx([0.0, 3.5]) and labels[1] == -1  # r = 3.5, angle = 0; stored clean
    points, labels = datasets.classify_circle(2, 0.0, Script([0.5, 0.25, 0.9, 0.9, 0.0, 0.0, 0.1, 0.1]))
    assert labels.tolist() == [1, -1]  # noise draws happen at noise 0


def test_xor_draw_order_and_padding():
    points, labels = datasets.classify_xor(1, 0.0, Script([0.75, 0.25, 0.3, 0.3]))
    assert points[0].tolist() == [2.5 + 0.3, -2.5 - 0.3] and labels[0] == -1
    points, labels = datasets.classify_xor(1, 1.0, Script([0.75, 0.75, 0.0, 0.5]))
    assert labels[0] == -1  # (2.8 - 5)·(2.8 + 0) < 0


def test_spiral_and_gauss_draws():
    script = Script([0.5] * 8)
    points, labels = datasets.classify_spiral(4, 0.3, script)
    assert script.calls == 8 and labels.tolist() == [1, 1, -1, -1]
    assert points[1] == pytest.approx([2.5 * math.sin(1.75 * 0.5 * 2 * math.pi), 2.5 * math.cos(1.75 * math.pi)])
    script = Script([0.9, 0.9, 0.75, 0.5, 0.5, 0.75] + [0.75, 0.5] * 2)  # the first pair is rejected (s > 1)
    points, labels = datasets.classify_two_gauss(2, 0.0, script)
    v1 = 0.5  # v2 = 0, so s = v1²
    assert points[0, 0] == 2 + math.sqrt(0.5) * math.sqrt(-2 * math.log(v1 * v1) / (v1 * v1)) * v1
    assert points[0, 1] == 2 and script.calls == 10 and labels.tolist() == [1, -1]  # y used v1 = 0


def test_regression_labels():
    points, labels = datasets.regress_plane(1, 0.5, Script([0.75, 0.5, 1.0, 0.0]))
    assert points[0].tolist() == [3.0, 0.0] and labels[0] == pytest.approx((3 + 3 + 0 - 3) / 10)
    points, labels = datasets.regress_gaussian(1, 0.0, Script([1 / 6, 17 / 24, 0.5, 0.5]))
    assert points[0] == pytest.approx([-4, 2.5]) and labels[0] == pytest.approx(1.0)


@pytest.mark.parametrize(
    "name, draws_per_point", [("circle", 4), ("xor", 4), ("spiral", 2), ("reg-plane", 4), ("reg-gauss", 4)]
)
def test_draw_counts_then_shuffle(name, draws_per_point):
    n = 40
    random = SeedRandom("count")
    datasets.GENERATORS[name](n, 0.1, random)
    datasets.shuffle(n, random)
    fresh = SeedRandom("count")
    for _ in range(n * draws_per_point + n):
        fresh()
    assert random() == fresh()


def test_shuffle_and_split():
    order = datasets.shuffle(3, Script([0.99, 0.0, 0.5]))
    assert order.tolist() == [1, 0, 2]  # swap(2, 2), swap(1, 0), swap(0, 0)
    assert datasets.split_index(500, 70.0) == 350 and datasets.split_index(500, float("nan")) == 0
    assert datasets.split_index(500, -10.0) == -50  # slices from the end, like Array.slice


# ------------------------------------------------------------------ session actions
def test_reset_continues_the_stream_and_learning_rate_does_not_reset():
    playground = Playground(CONFIG_A)
    first = playground.initial_weights()
    playground.step()
    playground.set("learningRate", 0.1)
    assert playground.epoch == 1 and "&learningRate=0.1&" in playground.hash
    playground.reset()
    assert playground.epoch == 0 and playground.initial_weights() != first


def test_dataset_change_draws_the_next_seed_from_the_stream():
    playground = Playground(CONFIG_A)
    probe = SeedRandom("0.79237")
    for _ in range(500 * 4 + 500 + 9):  # data, shuffle, weights
        probe()
    expected_seed = to_fixed(probe(), 5)
    playground.set("dataset", "xor")
    assert playground.state["seed"] == expected_seed and f"&seed={expected_seed}&" in playground.hash
    assert playground.hash.split("&")[2] == "dataset=xor"
    seed = playground.state["seed"]
    assert playground.set("dataset", "xor") == playground.hash and playground.state["seed"] == seed  # no-op


def test_regenerate_keeps_the_network_and_layer_buttons_respect_limits():
    playground = Playground(CONFIG_A)
    weights = playground.network.weights_flat.copy()
    playground.regenerate()
    assert (playground.network.weights_flat == weights).all() and playground.state["seed"] != "0.79237"
    for _ in range(8):
        playground.add_layer()
    assert playground.state["networkShape"] == [3, 2, 2, 2, 2, 2]
    for _ in range(9):
        playground.add_neuron(1)
    playground.remove_neuron(6)
    playground.remove_neuron(6)
    assert playground.state["networkShape"] == [8, 2, 2, 2, 2, 1]
    assert "&networkShape=8,2,2,2,2,1&" in playground.hash
    for _ in range(8):
        playground.remove_layer()
    assert playground.network.shape == [2, 1]


def test_feature_toggle_and_hide_keys():
    playground = Playground(CONFIG_A)
    playground.set("xSquared", True)
    assert playground.network.shape == [3, 3, 1] and playground.features == ["x", "y", "xSquared"]
    playground.set("noise_hide", True)
    assert playground.hash.endswith("&hideText=false&noise_hide=true")
    with pytest.raises(KeyError):
        playground.set("activation", "nope")


def test_weight_edit_adds_a_chart_point_without_reset():
    playground = Playground(CONFIG_A)
    playground.edit_weight(1, 0, 1, 2.0)
    assert playground.network.weights[0][0, 1] == 2.0 and playground.network.weights_flat[1] == 2.0
    assert len(playground.loss_history) == 2 and playground.epoch == 0
    playground.edit_bias(1, 2, -0.5)
    assert playground.network.biases_flat.tolist() == [0.1, 0.1, -0.5, 0.1] and len(playground.loss_history) == 3


# ------------------------------------------------------------------ heatmaps
def test_heatmap_grid_and_nodes():
    xs, ys = grid_axis(100), grid_axis(100, reverse=True)
    assert (xs[0], xs[-1], ys[0], ys[-1]) == (-6.0, 6.0, 6.0, -6.0)
    playground = Playground(CONFIG_A)
    image = playground.heatmap()
    assert image.shape == (100, 100)
    j, i = 10, 70
    point = np.array([[xs[i], ys[j]]])
    assert image[j, i] == pytest.approx(playground.network.forward(point)[0], abs=1e-15)
    maps = playground.node_heatmaps()
    assert set(maps) == {"x", "y", "1", "2", "3", "4"}
    assert (maps["x"][j] == xs).all() and (maps["y"][:, i] == ys).all() and (maps["4"] == image).all()
    thumbs = playground.thumbnails()
    assert thumbs["1"].shape == (10, 10) and thumbs["1"][0, 0] == pytest.approx(maps["1"][:10, :10].mean())
    assert grid_features(("x", "y"), 100) is grid_features(("x", "y"), 100)  # cached


# ------------------------------------------------------------------ gradients: explicit backprop vs glassnet
def both_backends(activation, output, loss, outputs=1, seed="g"):
    return [
        Network([3, 5, 4, outputs], activation, output, None, random=SeedRandom(seed), loss=loss, backend=b)
        for b in ("numpy", "glassnet")
    ]


def assert_same_gradients(nets, inputs, targets):
    for net in nets:
        net.accumulate(inputs, targets)
    np.testing.assert_allclose(nets[0].acc_weights, nets[1].acc_weights, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(nets[0].acc_biases, nets[1].acc_biases, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_explicit_backprop_matches_glassnet_autograd(activation):
    rng = np.random.default_rng(0)
    inputs, targets = rng.uniform(-3, 3, (12, 3)), rng.choice([-1.0, 1.0], 12)
    assert_same_gradients(both_backends(activation, "tanh", "square", seed=activation), inputs, targets)


@pytest.mark.parametrize(
    "output, loss, outputs",
    [("linear", "square", 1), ("tanh", "cross_entropy", 1), ("softmax", "cross_entropy", 3), ("sigmoid", "square", 1)],
)
def test_output_and_loss_gradients_match_glassnet_autograd(output, loss, outputs):
    rng = np.random.default_rng(1)
    inputs = rng.uniform(-3, 3, (12, 3))
    targets = rng.integers(0, 3, 12).astype(float) if outputs == 3 else rng.choice([-1.0, 1.0], 12)
    assert_same_gradients(both_backends("relu", output, loss, outputs), inputs, targets)


def test_cross_entropy_losses():
    rng = np.random.default_rng(2)
    inputs, targets = rng.uniform(-3, 3, (9, 3)), rng.choice([-1.0, 1.0], 9)
    net = both_backends("tanh", "tanh", "cross_entropy")[0]
    o = net.forward(inputs)
    assert net.loss(inputs, targets) == pytest.approx(np.mean(-np.log((1 + targets * o) / 2)), rel=1e-12)
    net = both_backends("tanh", "softmax", "cross_entropy", outputs=3)[0]
    classes = rng.integers(0, 3, 9).astype(float)
    p = net.forward(inputs)
    assert p.sum(axis=1) == pytest.approx(np.ones(9))
    assert net.loss(inputs, classes) == pytest.approx(np.mean(-np.log(p[np.arange(9), classes.astype(int)])))
    assert net.accuracy(inputs, classes) == np.mean(p.argmax(axis=1) == classes)
    with pytest.raises(ValueError, match="cross_entropy"):
        Network([2, 1], output_activation="linear", loss="cross_entropy", random=SeedRandom("x"))


# ------------------------------------------------------------------ headless simulate
def test_simulate_and_main(capsys):
    result = simulate(CONFIG_A, 2)
    assert result["counts"] == {"train": 250, "test": 250} and result["hash"] == CONFIG_A
    assert result["initial_weights"][0] == 0.26066876567077213 and len(result["loss"]) == 3
    assert result["loss"][2] == pytest.approx(LOSSES_A[2], abs=1e-12, rel=0)
    assert simulate_main([CONFIG_B, "--epochs", "1"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["counts"] == {"train": 350, "test": 150} and len(printed["loss"]) == 2
    with pytest.raises(ValueError, match="epochs"):
        simulate(CONFIG_A, -1)


# ------------------------------------------------------------------ beyond the original
def test_accuracy_beside_loss():
    playground = Playground(CONFIG_A)
    assert 0 <= playground.accuracy_train <= 1
    out = playground.network.forward(playground.test_inputs)
    assert playground.accuracy_test == np.mean(np.where(out >= 0, 1, -1) == playground.test_labels)
    assert Playground("problem=regression&seed=r").accuracy_train is None


@pytest.mark.parametrize("name", ["blobs", "spirals"])
def test_multiclass_datasets_train_with_softmax(name):
    playground = Playground(f"dataset={name}&numClasses=4&networkShape=6&learningRate=0.1&seed=mc")
    assert playground.network.shape == [2, 6, 4] and playground.network.output_activation == "softmax"
    assert sorted(set(playground.train_labels.tolist()) | set(playground.test_labels.tolist())) == [0, 1, 2, 3]
    first = playground.loss_train
    for _ in range(5):
        playground.step()
    assert playground.loss_train < first and playground.heatmap().shape == (4, 100, 100)
    assert playground.heatmap(20).sum(axis=0) == pytest.approx(np.ones((20, 20)))


def test_user_points_from_csv():
    rows = ["x,y,label"] + [f"{x},{y},{1 if x * y > 0 else 0}" for x in range(-5, 6) for y in (-2.5, 1.5, 4)]
    playground = Playground(CONFIG_A)
    hash_before = playground.hash
    playground.use_points("\n".join(rows))
    assert sum(playground.counts().values()) == 33 and set(playground.train_labels.tolist()) <= {-1.0, 1.0}
    assert playground.hash != hash_before and playground.epoch == 0  # new seed, as a data change
    playground.step()
    points, labels, kind = datasets.parse_points_csv("1,2,0\n3,4,2\n5,6,1")
    assert kind == "multiclass" and labels.tolist() == [0, 2, 1]
    assert datasets.parse_points_csv("1,2,0.5\n3,4,-0.25")[2] == "regression"
    playground.use_points("1,2,0.5\n3,4,-0.25\n0,0,0")
    assert playground.state["problem"] == "regression" and playground.network.output_activation == "linear"
    playground.set("problem", "classification")
    assert playground.custom_data is None and playground.counts() == {"train": 250, "test": 250}
    with pytest.raises(ValueError, match="line 2"):
        datasets.parse_points_csv("1,2,1\n3,four,1")


@pytest.mark.parametrize("framework", ["torch", "glassnet"])
def test_export_rebuilds_the_model(tmp_path, framework):
    lib = pytest.importorskip(framework)
    if framework == "glassnet":
        pytest.importorskip("glassnet.nn")
    else:
        pytest.importorskip("safetensors")
    import importlib.util

    playground = Playground("activation=swish&networkShape=4,3&xSquared=true&sinY=true&seed=ex")
    playground.step()
    from glassnet.playground.export import export_model

    _, script = export_model(playground, tmp_path)
    spec = importlib.util.spec_from_file_location(f"exported_{framework}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build(lib)
    points = np.array([[-3.0, 3.0], [0.5, 0.0], [3.0, -3.0]])
    output = model(lib.tensor(module.features(points[:, 0], points[:, 1]), dtype=lib.float64))
    expected = playground.network.forward(module.features(points[:, 0], points[:, 1]))
    np.testing.assert_allclose(
        np.asarray(output.detach().numpy() if framework == "torch" else output.array)[:, 0], expected, rtol=1e-12
    )


def test_colour_indices_follow_the_quantize_scale():
    from glassnet.playground.colours import NAN_INDEX, PALETTE, colour_indices

    values = [-2, -1, -0.999, -1 / 31, 0, 0.03, 0.999, 1, 5, float("nan")]
    assert colour_indices(values).tolist() == [0, 0, 0, 15, 15, 15, 30, 30, 30, NAN_INDEX]
    assert colour_indices([-0.001, 0.0, float("nan")], discretize=True).tolist() == [0, 30, 0]
    assert len(PALETTE) == 31 and PALETTE[15] == "#e8eaeb"
    playground = Playground(CONFIG_A)
    maps = playground.node_heatmaps()
    assert playground.thumbnails(maps).keys() == maps.keys()
