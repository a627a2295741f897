"""The playground's neural network and its training rule (``nn.ts``), vectorised per layer, in float64.

The original keeps one object per neuron and per link and trains one example
at a time.  This module keeps one weight matrix per layer and processes a whole
mini-batch at once, which gives the same numbers: within a mini-batch the
weights do not change, so summing per-example gradients computed one at a time
or all at once differs only in the order of the additions (about 1e-16; the
spec's configurations A and B agree within 1e-12 over 10 epochs).

Structure (``buildNetwork``, ``nn.ts:204-241``)
    ``shape = [inputs, *hidden, outputs]``; every layer is fully connected to
    the one before.  ``W[l]`` has shape ``(n_l, n_{l-1})``: row ``i`` holds the
    weights of the links *into* node ``i``.  Input nodes are named after their
    features; hidden and output nodes are numbered "1", "2", … in creation
    order (the output gets the last number); a link is "source-dest".

Initialisation (``Link``/``Node`` constructors, ``nn.ts:25, 161, 185``)
    Every weight is ``random() - 0.5`` from the seeded stream, drawn layer by
    layer, destination node by destination node, source by source: row-major
    over ``W[1], W[2], …``.  With ``init_zero`` the draws still happen, then the
    weights are set to 0.  Biases are 0.1 (0 with ``init_zero``), never random.

Forward (``forwardProp``, ``nn.ts:253-273``)
    ``z_l = a_{l-1} W_lᵀ + b_l``, ``a_l = φ(z_l)``: the hidden activation for
    hidden layers, tanh (classification) or linear (regression) at the output.

Loss (``Errors.SQUARE``, ``nn.ts:93-99``; ``getLoss``, ``playground.ts:840``)
    ``E = ½ (o - t)²`` per example; the reported loss is its mean over a set.
    The regularisation penalty is not included.

Backward (``backProp``, ``nn.ts:282-329``), per example, summed over the batch
    ``δ_L = (o - t) φ'(z_L)``; ``∂E/∂W_l = δ_lᵀ a_{l-1}``, ``∂E/∂b_l = δ_l``;
    ``δ_{l-1} = (δ_l W_l) ⊙ φ'(z_{l-1})``.  The sums are accumulated, with the
    number of examples, until the next update.

Update (``updateWeights``, ``nn.ts:335-376``), with n accumulated examples
    ``b ← b - lr·Σ∂b / n`` (biases are never regularised);
    for every live link, with ``r = R'(w)`` taken *before* the step:
    ``w₁ = w - (lr/n)·Σ∂w``, ``w₂ = w₁ - lr·λ·r``; with L1, a weight that
    crosses zero (``w₁·w₂ < 0``) is set to 0 and its link is *dead*: frozen at
    its value and skipped by every later update (editing it does not revive it).
    The expressions are evaluated in the original's order, so an update from
    the same sums gives the same doubles.

Training (``oneStep``, ``playground.ts:909-923``)
    The training set is visited in its fixed order (never reshuffled); after
    example ``i`` the weights are updated when ``(i + 1) % batchSize == 0``
    (JavaScript's ``%``, so a batch size of 0 or NaN never updates and a
    fractional one updates where the remainder is exactly 0).  Examples after
    the last update of an epoch stay accumulated and join the first batch of
    the next epoch (10 leftovers + 30 → one update divided by 40).

Two backends compute the batch gradients: ``"numpy"`` (default) is the explicit
backward pass above, fast enough for one epoch per animation frame;
``"glassnet"`` builds the same forward pass from glassnet Tensors and lets
glassnet's autograd find the gradients (slower, and a check on both).

Beyond the original (off unless asked for): more hidden activations (see
``activations.py``) and the cross-entropy loss (``loss="cross_entropy"``):

* with the usual single tanh output and labels ±1, read p(t) = (1 + t·o)/2 as
  the probability of the right class: ``E = -log p(t) = softplus(-2 t z)``
  (logistic regression on 2z) and ``δ_L = o - t`` exactly, because the tanh
  derivative cancels;
* with a softmax output over k nodes (multi-class data, labels are class
  indices 0..k-1): ``E = -log p_t`` and ``δ_L = p - onehot(t)``.
"""

import math
from functools import lru_cache

import numpy as np

import glassnet

from .activations import ACTIVATIONS, REGULARIZATION_DERIVATIVES

BACKENDS = ("numpy", "glassnet")
LOSSES = ("square", "cross_entropy")


@lru_cache(maxsize=64)
def batch_plan(num_examples, batch_size):
    """One epoch's chunks: ``(start, stop, update)`` triples covering ``range(num_examples)``.

    A chunk ends where the original calls ``updateWeights`` (``update=True``);
    the last chunk of an epoch may end without an update (the leftovers).
    """
    positions = np.arange(1, num_examples + 1, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        updates = np.flatnonzero(np.fmod(positions, batch_size) == 0) if batch_size == batch_size else []
    plan, start = [], 0
    for index in updates:
        plan.append((start, int(index) + 1, True))
        start = int(index) + 1
    if start < num_examples:
        plan.append((start, num_examples, False))
    return tuple(plan)


def layer_size(value):
    """How many nodes JavaScript's ``for (i = 0; i < value; i++)`` makes: ceil for positive numbers, else 0."""
    value = float(value)
    if value != value or value <= 0:
        return 0
    if math.isinf(value):
        raise ValueError("Network: a layer cannot have infinitely many nodes (networkShape contains Infinity)")
    return math.ceil(value)


class Network:
    """A fully connected network trained exactly as the original playground trains it.

    Args:
        shape: node counts ``[inputs, *hidden, outputs]`` (ints).
        activation: hidden activation name (``activations.ACTIVATIONS``).
        output_activation: "tanh", "linear", any hidden activation, or "softmax".
        regularization: None, "L1" or "L2".
        input_ids: names of the input nodes (the feature names).
        init_zero: start with all weights and biases at 0 (the draws still happen).
        random: the seeded stream (``rng.SeedRandom``) the weights are drawn from.
        loss: "square" (the original) or "cross_entropy" (with a softmax output).
        backend: "numpy" (explicit backward pass) or "glassnet" (glassnet autograd).

    Attributes:
        weights: list of ``(n_l, n_{l-1})`` arrays, views into ``weights_flat``
            (all weights in the original's draw order).
        biases: list of ``(n_l,)`` arrays, views into ``biases_flat``.
        dead: bool array like ``weights_flat``: links killed by L1.
        initial_weights: copy of ``weights_flat`` after initialisation.
    """

    def __init__(
        self,
        shape,
        activation="tanh",
        output_activation="tanh",
        regularization=None,
        input_ids=None,
        init_zero=False,
        random=None,
        loss="square",
        backend="numpy",
    ):
        self.shape = [int(n) for n in shape]
        if len(self.shape) < 2:
            raise ValueError(f"Network: shape needs an input and an output layer, got {self.shape}")
        if random is None:
            raise ValueError("Network: pass random=, the seeded stream the weights are drawn from (rng.SeedRandom)")
        for name in (activation, output_activation):
            if name not in ACTIVATIONS and name != "softmax":
                raise ValueError(f"Network: unknown activation {name!r}; known: {', '.join(ACTIVATIONS)}, softmax")
        if regularization not in (None, *REGULARIZATION_DERIVATIVES):
            raise ValueError(f"Network: unknown regularization {regularization!r}; use None, 'L1' or 'L2'")
        if (
            loss not in LOSSES
            or (output_activation == "softmax" and loss != "cross_entropy")
            or (loss == "cross_entropy" and output_activation not in ("tanh", "softmax"))
        ):
            raise ValueError(
                f"Network: loss {loss!r} with output {output_activation!r}; hint: cross_entropy "
                "needs a tanh (labels ±1) or softmax (class indices) output, softmax needs cross_entropy"
            )
        if backend not in BACKENDS:
            raise ValueError(f"Network: unknown backend {backend!r}; use one of {BACKENDS}")
        self.activation, self.output_activation = activation, output_activation
        self.regularization, self.loss_name, self.backend = regularization, loss, backend
        self.input_ids = list(input_ids) if input_ids is not None else [f"in{k}" for k in range(self.shape[0])]
        if len(self.input_ids) != self.shape[0]:
            raise ValueError(f"Network: {len(self.input_ids)} input ids for {self.shape[0]} inputs")

        sizes = [(self.shape[l], self.shape[l - 1]) for l in range(1, len(self.shape))]
        counts = [rows * cols for rows, cols in sizes]
        draws = [random() - 0.5 for _ in range(sum(counts))]  # the original's draw order
        self.weights_flat = np.zeros(sum(counts)) if init_zero else np.array(draws, dtype=np.float64)
        self.biases_flat = np.full(sum(self.shape[1:]), 0.0 if init_zero else 0.1)
        self.weights, self.biases = self._views(self.weights_flat, self.biases_flat)
        self.initial_weights = self.weights_flat.copy()
        self.dead = np.zeros(len(self.weights_flat), dtype=bool)
        self.acc_weights = np.zeros_like(self.weights_flat)
        self.acc_biases = np.zeros_like(self.biases_flat)
        self._acc_w, self._acc_b = self._views(self.acc_weights, self.acc_biases)
        self.num_accumulated = 0
        self._hidden = ACTIVATIONS[activation]
        self._output = ACTIVATIONS.get(output_activation)  # None for softmax
        self._regularization_der = REGULARIZATION_DERIVATIVES.get(regularization)

    def _views(self, weights_flat, biases_flat):
        weights, biases, w_at, b_at = [], [], 0, 0
        for l in range(1, len(self.shape)):
            rows, cols = self.shape[l], self.shape[l - 1]
            weights.append(weights_flat[w_at : w_at + rows * cols].reshape(rows, cols))
            biases.append(biases_flat[b_at : b_at + rows])
            w_at, b_at = w_at + rows * cols, b_at + rows
        return weights, biases

    # ------------------------------------------------------------------ names
    def node_ids(self):
        """Node ids per layer: the input ids, then "1", "2", … for hidden and output nodes."""
        ids, next_id = [list(self.input_ids)], 1
        for n in self.shape[1:]:
            ids.append([str(next_id + k) for k in range(n)])
            next_id += n
        return ids

    def links(self):
        """Every link as a dict (id "source-dest", layer, dest, source index, weight, dead), in draw order."""
        ids, out, flat = self.node_ids(), [], 0
        for l, W in enumerate(self.weights, start=1):
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    out.append(
                        {
                            "id": f"{ids[l - 1][j]}-{ids[l][i]}",
                            "layer": l,
                            "dest": i,
                            "source": j,
                            "weight": float(W[i, j]),
                            "dead": bool(self.dead[flat]),
                        }
                    )
                    flat += 1
        return out

    # ---------------------------------------------------------------- forward
    def _activate(self, l, z):
        last = l == len(self.weights) - 1
        if last and self._output is None:  # softmax over the output nodes
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)
        return (self._output if last else self._hidden).forward(z)

    def forward_all(self, inputs):
        """Every layer's pre-activations and outputs: ``(zs, activations)``.

        Shape:
            inputs: (B, n_0).  zs[l-1]: (B, n_l) for l = 1..L.  activations[l]: (B, n_l), activations[0] = inputs.
        """
        activations, zs = [inputs], []
        a = inputs
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ W.T + b
            a = self._activate(l, z)
            zs.append(z)
            activations.append(a)
        return zs, activations

    def forward(self, inputs):
        """The network's output: ``(B,)`` for one output node, else ``(B, n_L)``."""
        a = inputs
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            a = self._activate(l, a @ W.T + b)
        return a[:, 0] if a.shape[1] == 1 else a

    def loss(self, inputs, targets):
        """``getLoss``: the mean of ½(o - t)² over the set (NaN for an empty set, as 0/0 in JavaScript).

        With ``loss="cross_entropy"`` the mean of -log p(t) (see the module docstring).
        """
        if len(targets) == 0:
            return float("nan")
        if self.loss_name == "square":
            d = self.forward(inputs) - targets
            return float((0.5 * (d * d)).sum() / len(targets))
        zs, _ = self.forward_all(inputs)
        z = zs[-1]
        if self._output is None:  # -log softmax(z)_t, computed stably
            shifted = z - z.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            return float(-log_p[np.arange(len(targets)), targets.astype(np.intp)].sum() / len(targets))
        m = -2 * targets * z[:, 0]  # softplus(-2tz) = -log((1 + t·tanh z) / 2)
        return float((np.maximum(m, 0) + np.log1p(np.exp(-np.abs(m)))).sum() / len(targets))

    def accuracy(self, inputs, targets):
        """Fraction classified right: sign of the output (``o >= 0`` is +1, as "discretize") or the argmax class.

        NaN for an empty set.  Meaningless for regression (the caller does not ask).
        """
        if len(targets) == 0:
            return float("nan")
        out = self.forward(inputs)
        predicted = np.where(out >= 0, 1.0, -1.0) if out.ndim == 1 else out.argmax(axis=1)
        return float((predicted == targets).mean())

    # --------------------------------------------------------------- backward
    def accumulate(self, inputs, targets):
        """``forwardProp`` + ``backProp`` for every example of a batch: add the gradient sums to the accumulators."""
        if self.backend == "numpy":
            self._accumulate_numpy(inputs, targets)
        else:
            self._accumulate_glassnet(inputs, targets)
        self.num_accumulated += len(targets)

    def _output_delta(self, z, a, targets):
        if self._output is None:  # softmax + cross-entropy: p - onehot(t)
            delta = a.copy()
            delta[np.arange(len(targets)), targets.astype(np.intp)] -= 1
            return delta
        if self.loss_name == "cross_entropy":  # tanh + cross-entropy: o - t
            return a - targets[:, None]
        return (a - targets[:, None]) * self._output.derivative(z, a)

    def _accumulate_numpy(self, inputs, targets):
        zs, activations = self.forward_all(inputs)
        last = len(self.weights) - 1
        delta = self._output_delta(zs[last], activations[last + 1], targets)
        for l in range(last, -1, -1):
            self._acc_w[l] += delta.T @ activations[l]
            self._acc_b[l] += delta.sum(axis=0)
            if l > 0:
                delta = (delta @ self.weights[l]) * self._hidden.derivative(zs[l - 1], activations[l])

    def _accumulate_glassnet(self, inputs, targets):
        params = [
            (glassnet.tensor(W, requires_grad=True), glassnet.tensor(b, requires_grad=True))
            for W, b in zip(self.weights, self.biases)
        ]
        a = glassnet.tensor(inputs)
        for l, (W, b) in enumerate(params):
            z = a.matmul(W.transpose(0, 1)) + b
            if l < len(params) - 1:
                a = self._hidden.tensor(z)
        t = glassnet.tensor(targets)
        if self._output is None:
            error = -z.log_softmax(dim=1).gather(1, t.long().unsqueeze(1)).sum()
        elif self.loss_name == "cross_entropy":
            error = ACTIVATIONS["softplus"].tensor(-2 * t.unsqueeze(1) * z).sum()
        else:
            error = (0.5 * (self._output.tensor(z) - t.unsqueeze(1)) ** 2).sum()
        error.backward()
        for l, (W, b) in enumerate(params):
            self._acc_w[l] += W.grad.array
            self._acc_b[l] += b.grad.array

    # ----------------------------------------------------------------- update
    def update_weights(self, learning_rate, regularization_rate):
        """``updateWeights``: one step from the accumulated sums, then clear them (no-op if none)."""
        n = self.num_accumulated
        if n <= 0:
            return
        self.biases_flat -= learning_rate * self.acc_biases / n
        w = self.weights_flat
        penalty_step = learning_rate * regularization_rate
        if self._regularization_der is None and math.isfinite(penalty_step) and not self.dead.any():
            w -= (learning_rate / n) * self.acc_weights  # w₂ = w₁ - lr·λ·0 = w₁
        else:
            r = self._regularization_der(w) if self._regularization_der else np.zeros_like(w)
            w1 = w - (learning_rate / n) * self.acc_weights
            w2 = w1 - penalty_step * r
            live = ~self.dead
            if self.regularization == "L1":
                killed = live & (w1 * w2 < 0)
                w2[killed] = 0.0
                self.dead |= killed
            w[live] = w2[live]
        self.acc_weights[:] = 0.0
        self.acc_biases[:] = 0.0
        self.num_accumulated = 0

    def train_epoch(self, inputs, targets, learning_rate, regularization_rate, batch_size):
        """``oneStep``'s loop: every training example in order, updating after each full batch."""
        for start, stop, update in batch_plan(len(targets), float(batch_size)):
            self.accumulate(inputs[start:stop], targets[start:stop])
            if update:
                self.update_weights(learning_rate, regularization_rate)

    # ---------------------------------------------------------------- editing
    def set_weight(self, layer, dest, source, value):
        """Set the weight of the link ``source -> dest`` into ``layer`` (1-based), as the hover card's editor does.

        The network is not reset; a dead link keeps its new value but stays dead.
        """
        self.weights[layer - 1][dest, source] = float(value)

    def set_bias(self, layer, node, value):
        """Set the bias of node ``node`` of ``layer`` (1-based)."""
        self.biases[layer - 1][node] = float(value)
