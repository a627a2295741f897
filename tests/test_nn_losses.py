"""glassnet.nn losses and their functional forms against PyTorch 2.13, gradcheck, stability and errors.

Each case runs through ``helpers.compare_with_torch`` in float32 (1e-5
relative and absolute) and float64 (1e-10): the loss value and the gradient
of every floating input (logits, and probabilities or targets where PyTorch
differentiates them too).  Class weights are constants on both sides.  The
same cases run through ``gradcheck`` in float64 without torch.
"""

import re

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

DTYPES = [np.float32, np.float64]
CLASS_WEIGHT = np.array([0.2, 1.0, 3.0, 0.5, 1.5])


def logits(*shape, seed=0):
    return lambda dtype: np.random.default_rng(seed).normal(0, 2, shape).astype(dtype)


def indices(*shape, high=5, seed=1, ignore=()):
    """Class indices in [0, high), with the positions in ``ignore`` set to -100 (index 0 along the flat array)."""

    def make(dtype):
        values = np.random.default_rng(seed).integers(0, high, shape)
        values.reshape(-1)[list(ignore)] = -100
        return values

    return make


def probabilities(*shape, axis=1, seed=2):
    def make(dtype):
        e = np.exp(np.random.default_rng(seed).normal(0, 1, shape))
        return (e / e.sum(axis=axis, keepdims=True)).astype(dtype)

    return make


def uniform(low, high, *shape, seed=3):
    return lambda dtype: np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def case(id, inputs, loss):
    """``inputs``: makers of arrays from a dtype.  ``loss(functional, lib, dtype)``: the loss of the inputs."""
    return pytest.param(inputs, loss, id=id)


def class_weight(lib, dtype):
    return lib.tensor(CLASS_WEIGHT.astype(dtype))


CASES = [
    # cross-entropy with class indices
    case("ce", [logits(4, 5), indices(4)], lambda F, lib, dt: F.cross_entropy),
    case("ce-sum", [logits(4, 5), indices(4)], lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, reduction="sum")),
    case(
        "ce-none", [logits(4, 5), indices(4)], lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, reduction="none")
    ),
    case("ce-unbatched", [logits(5), lambda dt: np.array(3)], lambda F, lib, dt: F.cross_entropy),
    case(
        "ce-unbatched-none",
        [logits(5), lambda dt: np.array(3)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, reduction="none"),
    ),
    case("ce-spatial", [logits(2, 5, 3, 2), indices(2, 3, 2)], lambda F, lib, dt: F.cross_entropy),
    case(
        "ce-spatial-none",
        [logits(2, 5, 3, 2), indices(2, 3, 2)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, reduction="none"),
    ),
    case(
        "ce-weight",
        [logits(6, 5), indices(6)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, class_weight(lib, dt)),
    ),
    case("ce-ignore", [logits(6, 5), indices(6, ignore=[1, 4])], lambda F, lib, dt: F.cross_entropy),
    case(
        "ce-ignore-2", [logits(6, 5), indices(6)], lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, ignore_index=2)
    ),
    case(
        "ce-smoothing",
        [logits(6, 5), indices(6)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1),
    ),
    case(
        "ce-everything",
        [logits(2, 5, 4), indices(2, 4, ignore=[0, 5])],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, class_weight(lib, dt), label_smoothing=0.2),
    ),
    case(
        "ce-everything-none",
        [logits(2, 5, 4), indices(2, 4, ignore=[0, 5])],
        lambda F, lib, dt: (
            lambda x, t: F.cross_entropy(x, t, class_weight(lib, dt), label_smoothing=0.2, reduction="none")
        ),
    ),
    case(
        "ce-everything-sum",
        [logits(6, 5), indices(6, ignore=[2])],
        lambda F, lib, dt: (
            lambda x, t: F.cross_entropy(x, t, class_weight(lib, dt), label_smoothing=0.3, reduction="sum")
        ),
    ),
    # cross-entropy with class probabilities (the target gets a gradient too)
    case("ce-probs", [logits(4, 5), probabilities(4, 5)], lambda F, lib, dt: F.cross_entropy),
    case(
        "ce-probs-none",
        [logits(4, 5), probabilities(4, 5)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, reduction="none"),
    ),
    case("ce-probs-spatial", [logits(2, 5, 3), probabilities(2, 5, 3)], lambda F, lib, dt: F.cross_entropy),
    case("ce-probs-unbatched", [logits(5), probabilities(5, axis=0)], lambda F, lib, dt: F.cross_entropy),
    case(
        "ce-probs-weight-smoothing",
        [logits(4, 5), probabilities(4, 5)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, class_weight(lib, dt), label_smoothing=0.1),
    ),
    case(
        "ce-probs-weight-sum",
        [logits(4, 5), probabilities(4, 5)],
        lambda F, lib, dt: lambda x, t: F.cross_entropy(x, t, class_weight(lib, dt), reduction="sum"),
    ),
    # negative log-likelihood of log-probabilities
    case("nll", [logits(4, 5), indices(4)], lambda F, lib, dt: lambda x, t: F.nll_loss(F.log_softmax(x, 1), t)),
    case("nll-raw", [logits(4, 5), indices(4)], lambda F, lib, dt: F.nll_loss),
    case("nll-sum", [logits(4, 5), indices(4)], lambda F, lib, dt: lambda x, t: F.nll_loss(x, t, reduction="sum")),
    case(
        "nll-weight-ignore",
        [logits(6, 5), indices(6, ignore=[3])],
        lambda F, lib, dt: lambda x, t: F.nll_loss(x, t, class_weight(lib, dt)),
    ),
    case(
        "nll-spatial-none",
        [logits(2, 5, 3), indices(2, 3, ignore=[1])],
        lambda F, lib, dt: lambda x, t: F.nll_loss(x, t, class_weight(lib, dt), reduction="none"),
    ),
    case("nll-unbatched", [logits(5), lambda dt: np.array(2)], lambda F, lib, dt: F.nll_loss),
    # binary cross-entropy
    case("bce", [uniform(0.05, 0.95, 4, 3), uniform(0, 1, 4, 3, seed=4)], lambda F, lib, dt: F.binary_cross_entropy),
    case(
        "bce-weight-none",
        [uniform(0.05, 0.95, 4, 3), uniform(0, 1, 4, 3, seed=4)],
        lambda F, lib, dt: (
            lambda x, t: F.binary_cross_entropy(x, t, lib.tensor(np.array([0.5, 1, 2], dt)), reduction="none")
        ),
    ),
    case(
        "bce-logits", [logits(4, 3), uniform(0, 1, 4, 3, seed=4)], lambda F, lib, dt: F.binary_cross_entropy_with_logits
    ),
    case(
        "bce-logits-pos-weight",
        [logits(4, 3), uniform(0, 1, 4, 3, seed=4)],
        lambda F, lib, dt: (
            lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=lib.tensor(np.array([3.0, 1, 0.5], dt)))
        ),
    ),
    case(
        "bce-logits-everything",
        [logits(4, 3), uniform(0, 1, 4, 3, seed=4)],
        lambda F, lib, dt: (
            lambda x, t: F.binary_cross_entropy_with_logits(
                x,
                t,
                lib.tensor(np.array([[1.0], [2], [0.5], [1]], dt)),
                reduction="sum",
                pos_weight=lib.tensor(np.array([3.0, 1, 0.5], dt)),
            )
        ),
    ),
    # regression
    case("mse", [logits(4, 3), logits(4, 3, seed=5)], lambda F, lib, dt: F.mse_loss),
    case(
        "mse-sum",
        [logits(4, 3), logits(4, 3, seed=5)],
        lambda F, lib, dt: lambda x, t: F.mse_loss(x, t, reduction="sum"),
    ),
    case(
        "mse-none",
        [logits(4, 3), logits(4, 3, seed=5)],
        lambda F, lib, dt: lambda x, t: F.mse_loss(x, t, reduction="none"),
    ),
    case(
        "mse-weight",
        [logits(4, 3), logits(4, 3, seed=5)],
        lambda F, lib, dt: lambda x, t: F.mse_loss(x, t, weight=lib.tensor(uniform(0.5, 2, 4, 3)(dt))),
    ),
    case("l1", [logits(4, 3), logits(4, 3, seed=5)], lambda F, lib, dt: F.l1_loss),
    case(
        "l1-none",
        [logits(4, 3), logits(4, 3, seed=5)],
        lambda F, lib, dt: lambda x, t: F.l1_loss(x, t, reduction="none"),
    ),
    case(
        "l1-weight-sum",
        [logits(4, 3), logits(4, 3, seed=5)],
        lambda F, lib, dt: lambda x, t: F.l1_loss(x, t, reduction="sum", weight=lib.tensor(uniform(0.5, 2, 4, 3)(dt))),
    ),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("inputs, loss", CASES)
def test_loss_matches_torch(inputs, loss, dtype):
    torch = pytest.importorskip("torch")
    values = [make(dtype) for make in inputs]
    compare_with_torch(
        None, loss(torch.nn.functional, torch, dtype), loss(F, glassnet, dtype), values=values, dtype=dtype
    )


@pytest.mark.parametrize("inputs, loss", CASES)
def test_loss_gradcheck(inputs, loss):
    tensors = [glassnet.tensor(v, requires_grad=v.dtype.kind == "f") for v in (make(np.float64) for make in inputs)]
    assert gradcheck(loss(F, glassnet, np.float64), tensors)


MODULES = [
    pytest.param(lambda n, lib: n.CrossEntropyLoss(), [logits(6, 5), indices(6, ignore=[2])], id="CrossEntropyLoss"),
    pytest.param(
        lambda n, lib: n.CrossEntropyLoss(
            weight=class_weight(lib, np.float32), ignore_index=1, reduction="sum", label_smoothing=0.05
        ),
        [logits(6, 5), indices(6)],
        id="CrossEntropyLoss-options",
    ),
    pytest.param(lambda n, lib: n.NLLLoss(class_weight(lib, np.float32)), [logits(6, 5), indices(6)], id="NLLLoss"),
    pytest.param(lambda n, lib: n.BCELoss(reduction="none"), [uniform(0.05, 0.95, 4), uniform(0, 1, 4)], id="BCELoss"),
    pytest.param(
        lambda n, lib: n.BCEWithLogitsLoss(pos_weight=lib.tensor(np.array([2.0], np.float32))),
        [logits(4, 1), uniform(0, 1, 4, 1)],
        id="BCEWithLogitsLoss",
    ),
    pytest.param(lambda n, lib: n.MSELoss(reduction="sum"), [logits(3, 2), logits(3, 2, seed=7)], id="MSELoss"),
    pytest.param(lambda n, lib: n.L1Loss(), [logits(3, 2), logits(3, 2, seed=7)], id="L1Loss"),
]


@pytest.mark.parametrize("make, inputs", MODULES)
def test_loss_modules_match_torch(make, inputs):
    torch = pytest.importorskip("torch")
    values = [m(np.float32) for m in inputs]
    compare_with_torch(None, make(torch.nn, torch), make(nn, glassnet), values=values)


def test_regression_weights_may_broadcast():
    x, t = glassnet.randn(4, 3), glassnet.randn(4, 3)
    row_weight = glassnet.rand(4, 1)
    for loss in (F.mse_loss, F.l1_loss):
        np.testing.assert_allclose(
            loss(x, t, weight=row_weight).item(), loss(x, t, weight=row_weight.expand(4, 3).clone()).item(), rtol=1e-6
        )


def test_loss_weights_are_buffers_with_pytorch_keys():
    torch = pytest.importorskip("torch")
    for make in [
        lambda n, lib: n.CrossEntropyLoss(weight=lib.ones(3)),
        lambda n, lib: n.NLLLoss(weight=lib.ones(3)),
        lambda n, lib: n.BCELoss(weight=lib.ones(3)),
        lambda n, lib: n.BCEWithLogitsLoss(weight=lib.ones(3), pos_weight=lib.ones(3)),
        lambda n, lib: n.BCEWithLogitsLoss(),
    ]:
        assert list(make(nn, glassnet).state_dict()) == list(make(torch.nn, torch).state_dict())


def test_cross_entropy_is_one_fused_node_equal_to_log_softmax_nll():
    x = glassnet.randn(8, 4, requires_grad=True)
    y = glassnet.randint(0, 4, (8,))
    loss = F.cross_entropy(x, y)
    assert loss.grad_fn.name() == "CrossEntropyBackward0"
    np.testing.assert_allclose(loss.item(), F.nll_loss(F.log_softmax(x, 1), y).item(), rtol=1e-6)
    loss.backward()
    expected = (F.softmax(x, 1).array - F.one_hot(y, 4).array) / 8  # softmax minus one-hot, averaged
    np.testing.assert_allclose(x.grad.array, expected, rtol=1e-5, atol=1e-7)


# ------------------------------------------------------------------ stability
@pytest.mark.parametrize("dtype", DTYPES)
def test_losses_are_finite_and_match_torch_at_logits_of_1000(dtype):
    torch = pytest.importorskip("torch")
    extreme = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0], [0.0, 0.0, -1000.0]], dtype)
    labels = np.array([1, 0, 2])
    soft = np.array([[0.0, 1.0, 0.0], [0.5, 0.25, 0.25], [0.0, 0.0, 1.0]], dtype)
    binary = (np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1]]) * 1.0).astype(dtype)
    for loss, target in [
        (lambda F, lib: F.cross_entropy, labels),
        (lambda F, lib: lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1, reduction="none"), labels),
        (lambda F, lib: F.cross_entropy, soft),
        (lambda F, lib: F.binary_cross_entropy_with_logits, binary),
        (
            lambda F, lib: (
                lambda x, t: F.binary_cross_entropy_with_logits(
                    x, t, pos_weight=lib.tensor(np.array([2.0, 1, 0.5], dtype))
                )
            ),
            binary,
        ),
    ]:
        out, _ = compare_with_torch(
            None, loss(torch.nn.functional, torch), loss(F, glassnet), values=[extreme, target], dtype=dtype
        )
        assert np.all(np.isfinite(out[0].array))


def test_binary_cross_entropy_clamps_log_at_minus_100():
    torch = pytest.importorskip("torch")
    x = np.array([0.0, 1.0, 0.5, 1.0, 0.0])
    t = np.array([0.3, 0.6, 1.0, 1.0, 0.0])
    compare_with_torch(
        None, torch.nn.functional.binary_cross_entropy, F.binary_cross_entropy, values=[x, t], forward_only=True
    )
    ours = glassnet.tensor(x, requires_grad=True)
    theirs = torch.tensor(x, requires_grad=True)
    F.binary_cross_entropy(ours, glassnet.tensor(t), reduction="none").sum().backward()
    torch.nn.functional.binary_cross_entropy(theirs, torch.tensor(t), reduction="none").sum().backward()
    np.testing.assert_allclose(ours.grad.array, theirs.grad.numpy(), rtol=1e-10)  # (x - t) / max(x(1-x), 1e-12)
    np.testing.assert_allclose(
        F.binary_cross_entropy(ours, glassnet.tensor(t), reduction="none").data,
        [30.0, 40.0, np.log(2), 0, 0],
        rtol=1e-6,
    )


def test_cross_entropy_with_every_target_ignored_is_nan_like_torch():
    loss = F.cross_entropy(glassnet.randn(3, 4), glassnet.tensor([-100, -100, -100]))
    assert np.isnan(loss.item())
    assert F.cross_entropy(glassnet.randn(3, 4), glassnet.tensor([-100, -100, -100]), reduction="sum").item() == 0


# --------------------------------------------------------------------- errors
def raises(exception, *fragments):
    """``pytest.raises`` that checks the message contains every fragment (in order)."""
    return pytest.raises(exception, match=".*".join(re.escape(f) for f in fragments))


def test_regression_losses_reject_shape_mismatch_unlike_pytorch():
    with raises(ValueError, "mse_loss: target shape (4,) differs from input shape (4, 1)", "unlike PyTorch", "hint"):
        nn.MSELoss()(glassnet.zeros(4, 1), glassnet.zeros(4))
    with raises(ValueError, "l1_loss: target shape (3, 2)"):
        F.l1_loss(glassnet.zeros(2, 3), glassnet.zeros(3, 2))
    with raises(ValueError, "binary_cross_entropy_with_logits: target shape (4, 1) differs from input shape (4,)"):
        nn.BCEWithLogitsLoss()(glassnet.zeros(4), glassnet.zeros(4, 1))
    with raises(ValueError, "binary_cross_entropy: target shape"):
        nn.BCELoss()(glassnet.zeros(4), glassnet.zeros(4, 1))


def test_wrong_target_dtypes_are_explained():
    with raises(RuntimeError, "mse_loss: target must be floating point", "int64", "hint: target.float()"):
        F.mse_loss(glassnet.zeros(3), glassnet.tensor([1, 2, 3]))
    with raises(
        RuntimeError, "nll_loss: expected class indices (an integer tensor of shape (3,))", "float32", "target.long()"
    ):
        F.nll_loss(glassnet.zeros(3, 4), glassnet.zeros(3))
    with raises(
        RuntimeError,
        "cross_entropy: expected class indices",
        "or class probabilities of the input's shape",
        "shape (3, 2)",
    ):
        F.cross_entropy(glassnet.zeros(3, 4), glassnet.zeros(3, 2))
    with raises(RuntimeError, "binary_cross_entropy_with_logits: target must be floating point"):
        F.binary_cross_entropy_with_logits(glassnet.zeros(3), glassnet.tensor([0, 1, 1]))
    with raises(RuntimeError, "cross_entropy: input (logits) must be floating point"):
        F.cross_entropy(glassnet.tensor([[1, 2]]), glassnet.tensor([0]))


def test_class_index_out_of_range_names_the_index_and_the_number_of_classes():
    with raises(
        IndexError, "cross_entropy: target contains class index 7 but the input has 5 classes", "valid: 0 to 4", "hint"
    ):
        nn.CrossEntropyLoss()(glassnet.zeros(3, 5), glassnet.tensor([0, 7, 2]))
    with raises(IndexError, "nll_loss: target contains class index -1 but the input has 5 classes"):
        F.nll_loss(glassnet.zeros(3, 5), glassnet.tensor([0, -1, 2]))
    with raises(IndexError, "class index 5", "ignore_index=3"):
        F.cross_entropy(glassnet.zeros(2, 5, 4), glassnet.tensor([[0, 3, 5, 1], [0, 0, 0, 0]]), ignore_index=3)


def test_batch_size_mismatch_names_both_shapes():
    with raises(
        ValueError, "cross_entropy: expected target shape (3,) for input shape (3, 5)", "got target shape (4,)"
    ):
        F.cross_entropy(glassnet.zeros(3, 5), glassnet.tensor([0, 1, 2, 3]))
    with raises(ValueError, "got target shape (3, 1)", "hint: target.squeeze(1)"):
        F.cross_entropy(glassnet.zeros(3, 5), glassnet.tensor([[0], [1], [2]]))
    with raises(ValueError, "nll_loss: expected target shape (2, 4)"):
        F.nll_loss(glassnet.zeros(2, 5, 4), glassnet.zeros(2, 3, dtype=glassnet.int64))


def test_bad_options_are_errors():
    x, y = glassnet.zeros(3, 5), glassnet.tensor([0, 1, 2])
    with raises(ValueError, "cross_entropy: 'avg' is not a valid value for reduction"):
        F.cross_entropy(x, y, reduction="avg")
    with raises(ValueError, "mse_loss: 'average' is not a valid value for reduction"):
        nn.MSELoss(reduction="average")(x, x)
    with raises(ValueError, "label_smoothing must be between 0.0 and 1.0, got 1.5"):
        F.cross_entropy(x, y, label_smoothing=1.5)
    with raises(ValueError, "cross_entropy: weight must have one entry per class (5), got shape (3,)"):
        F.cross_entropy(x, y, glassnet.ones(3))
    with raises(RuntimeError, "cross_entropy: weight is not differentiable", "weight.detach()"):
        F.cross_entropy(x, y, glassnet.ones(5, requires_grad=True))
    with raises(ValueError, "pos_weight of shape (2,) does not broadcast to the input shape (3, 5)"):
        F.binary_cross_entropy_with_logits(x, x, pos_weight=glassnet.ones(2))
    with raises(ValueError, "ignore_index is not supported for class-probability targets"):
        F.cross_entropy(x, glassnet.zeros(3, 5), ignore_index=1)
    with raises(
        RuntimeError, "binary_cross_entropy: all elements of input should be between 0 and 1", "[-0.5, 1.5]", "sigmoid"
    ):
        F.binary_cross_entropy(glassnet.tensor([-0.5, 1.5]), glassnet.tensor([0.0, 1.0]))
    with raises(TypeError, "positional argument"):
        nn.MSELoss(None, None, "sum")  # the deprecated positional size_average/reduce are gone


# -------------------------------------------------------------------- one_hot
def test_one_hot_matches_torch_and_checks_its_input():
    torch = pytest.importorskip("torch")
    labels = np.array([[0, 2], [1, 1]])
    for kwargs in [{}, {"num_classes": 5}]:
        ours = F.one_hot(glassnet.tensor(labels), **kwargs)
        theirs = torch.nn.functional.one_hot(torch.tensor(labels), **kwargs)
        assert ours.dtype == glassnet.int64 and np.array_equal(ours.array, theirs.numpy())
    with raises(RuntimeError, "one_hot: class values must be in [0, 3), got 3"):
        F.one_hot(glassnet.tensor([0, 3]), 3)
    with raises(RuntimeError, "one_hot: class values must be in [0, 3), got -1"):
        F.one_hot(glassnet.tensor([0, -1]), 3)
    with raises(RuntimeError, "one_hot: expected an integer tensor"):
        F.one_hot(glassnet.tensor([0.0, 1.0]))
