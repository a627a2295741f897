"""glassnet.nn layers (Linear, Identity, Flatten, activations, Dropout) and their functional forms.

Parity with PyTorch 2.13, forward and backward, in float32 (1e-5 relative and
absolute) and float64 (1e-10), through ``helpers.compare_with_torch``; weights
travel into torch as NumPy arrays.  ``gradcheck`` (float64 central
differences, no torch) checks every backward independently.  Two small
training runs close the file: a tanh MLP on a circle and a softmax classifier
on Gaussian blobs, both with hand-written gradient descent.
"""

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

DTYPES = [np.float32, np.float64]


def parameters_of(layer):
    return [p.array.copy() for p in layer.parameters()]


# --------------------------------------------------------------------- Linear
LINEAR_SHAPES = [
    pytest.param([(4, 3), (5, 3), (5,)], id="batch"),
    pytest.param([(2, 4, 3), (5, 3), (5,)], id="3d-input"),
    pytest.param([(3,), (5, 3), (5,)], id="1d-input"),
    pytest.param([(4, 3), (5, 3)], id="no-bias"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shapes", LINEAR_SHAPES)
def test_functional_linear_matches_torch(shapes, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch(shapes, torch.nn.functional.linear, F.linear, dtype=dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bias", [True, False])
def test_linear_module_forward_and_parameter_gradients_match_torch(dtype, bias):
    torch = pytest.importorskip("torch")
    ours = nn.Linear(3, 5, bias=bias, dtype=dtype)
    theirs = torch.nn.Linear(3, 5, bias=bias, dtype=getattr(torch, np.dtype(dtype).name))
    with torch.no_grad():
        for p, value in zip(theirs.parameters(), parameters_of(ours)):
            p.copy_(torch.from_numpy(value))
    x = np.random.default_rng(0).standard_normal((6, 3)).astype(dtype)
    out, expected = ours(glassnet.tensor(x)), theirs(torch.tensor(x))
    tolerance = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out.array, expected.detach().numpy(), **tolerance)
    (out * out).sum().backward()
    (expected * expected).sum().backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad.dtype == dtype
        np.testing.assert_allclose(p.grad.array, q.grad.numpy(), err_msg=name, **tolerance)


@pytest.mark.parametrize("shapes", [[(4, 3), (5, 3), (5,)], [(2, 2, 3), (4, 3)], [(3,), (2, 3), (2,)]])
def test_linear_gradcheck(shapes):
    rng = np.random.default_rng(1)
    inputs = [glassnet.tensor(rng.standard_normal(s), requires_grad=True) for s in shapes]
    assert gradcheck(F.linear, inputs)


def test_linear_attributes_and_dtype():
    layer = nn.Linear(2, 8)
    assert layer.weight.shape == (8, 2) and layer.bias.shape == (8,) and layer.weight.dtype == glassnet.float32
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert nn.Linear(2, 8, bias=False).bias is None
    assert nn.Linear(2, 8, dtype=glassnet.float64).weight.dtype == glassnet.float64
    assert repr(layer) == "Linear(in_features=2, out_features=8, bias=True)"


def test_linear_errors_name_shapes_and_dtypes():
    layer = nn.Linear(2, 8)
    with pytest.raises(
        RuntimeError,
        match=r"linear: input has 3 features \(input shape \(4, 3\)\) but weight expects 2 "
        r"\(weight shape \(8, 2\)\); hint",
    ):
        layer(glassnet.zeros(4, 3))
    with pytest.raises(RuntimeError, match="linear: input has dtype float64 but weight has dtype float32; hint"):
        layer(glassnet.zeros(4, 2, dtype=glassnet.float64))


def test_linear_is_one_fused_node():
    out = nn.Linear(2, 3)(glassnet.ones(4, 2))
    assert out.grad_fn.name() == "LinearBackward0"
    assert len(out.grad_fn.inputs) == 3


def test_identity_and_flatten():
    torch = pytest.importorskip("torch")
    x = glassnet.ones(2, 3)
    assert nn.Identity(54, unused="argument")(x) is x
    for args in [(), (0,), (1, 2), (0, -2)]:
        compare_with_torch([(2, 3, 4, 5)], torch.nn.Flatten(*args), nn.Flatten(*args))


# ---------------------------------------------------------------- activations
ACTIVATIONS = [
    pytest.param(lambda n: n.ReLU(), id="ReLU"),
    pytest.param(lambda n: n.LeakyReLU(), id="LeakyReLU"),
    pytest.param(lambda n: n.LeakyReLU(0.2), id="LeakyReLU-0.2"),
    pytest.param(lambda n: n.Sigmoid(), id="Sigmoid"),
    pytest.param(lambda n: n.Tanh(), id="Tanh"),
    pytest.param(lambda n: n.GELU(), id="GELU"),
    pytest.param(lambda n: n.GELU(approximate="tanh"), id="GELU-tanh"),
    pytest.param(lambda n: n.Softmax(dim=1), id="Softmax"),
    pytest.param(lambda n: n.Softmax(dim=-1), id="Softmax-last"),
    pytest.param(lambda n: n.LogSoftmax(dim=1), id="LogSoftmax"),
    pytest.param(lambda n: n.LogSoftmax(dim=0), id="LogSoftmax-dim0"),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_modules_match_torch(make, dtype):
    torch = pytest.importorskip("torch")
    compare_with_torch([(4, 5, 3)], make(torch.nn), make(nn), dtype=dtype, low=-4, high=4)


@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_gradcheck(make):
    x = glassnet.tensor(np.random.default_rng(2).uniform(-3, 3, (3, 4)), requires_grad=True)
    assert gradcheck(make(nn), x)


FUNCTIONAL = [
    pytest.param(lambda F: lambda x: F.relu(x), id="relu"),
    pytest.param(lambda F: lambda x: F.leaky_relu(x, negative_slope=0.3), id="leaky_relu"),
    pytest.param(lambda F: lambda x: F.sigmoid(x), id="sigmoid"),
    pytest.param(lambda F: lambda x: F.tanh(x), id="tanh"),
    pytest.param(lambda F: lambda x: F.gelu(x, approximate="tanh"), id="gelu"),
    pytest.param(lambda F: lambda x: F.softmax(x, dim=0), id="softmax"),
    pytest.param(lambda F: lambda x: F.log_softmax(x, 1), id="log_softmax"),
]


@pytest.mark.parametrize("make", FUNCTIONAL)
def test_functional_activations_match_torch(make):
    torch = pytest.importorskip("torch")
    compare_with_torch([(3, 4)], make(torch.nn.functional), make(F), low=-4, high=4)


def test_softmax_dtype_argument_converts_first():
    x = glassnet.randn(2, 3)
    assert F.softmax(x, 1, dtype=glassnet.float64).dtype == glassnet.float64
    assert F.log_softmax(x, 1, dtype=glassnet.float64).dtype == glassnet.float64


def test_activations_are_stable_at_extremes():
    x = glassnet.tensor([-1000.0, 0.0, 1000.0], requires_grad=True)
    assert np.array_equal(F.sigmoid(x).array, [0, 0.5, 1])
    assert np.array_equal(F.softmax(x, dim=0).array, [0, 0, 1])
    log_p = F.log_softmax(x, dim=0)
    log_p.sum().backward()
    assert np.all(np.isfinite(log_p.array)) and np.all(np.isfinite(x.grad.array))


def test_softmax_without_dim_warns_and_uses_pytorch_rule():
    torch = pytest.importorskip("torch")
    for shape in [(4,), (2, 3), (2, 3, 4), (2, 3, 4, 5)]:
        x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            ours = nn.Softmax()(glassnet.tensor(x))
        with pytest.warns(UserWarning):
            theirs = torch.nn.Softmax()(torch.tensor(x))
        np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-6)


def test_inplace_changes_the_input_and_returns_it():
    x = glassnet.tensor([-1.0, 2.0])
    assert nn.LeakyReLU(0.1, inplace=True)(x) is x
    np.testing.assert_allclose(x.array, [-0.1, 2.0])
    assert nn.ReLU(inplace=True)(x) is x
    np.testing.assert_allclose(x.array, [0.0, 2.0])
    assert F.dropout(x, 0.5, training=True, inplace=True) is x
    assert x.array[0] == 0 and x.array[1] in (0.0, 4.0)  # 0 or doubled


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(RuntimeError, match="approximate argument must be either 'none' or 'tanh', got 'fast'"):
        nn.GELU("fast")(glassnet.ones(2))


# -------------------------------------------------------------------- Dropout
def test_dropout_statistics_and_scaling():
    glassnet.manual_seed(0)
    x = glassnet.ones(200_000, requires_grad=True)
    out = nn.Dropout(p=0.3)(x)
    kept = out.array != 0
    assert abs(kept.mean() - 0.7) < 0.005  # std of the fraction is 0.001
    np.testing.assert_allclose(out.array[kept], 1 / 0.7, rtol=1e-6)
    assert abs(out.array.mean() - 1) < 0.01  # inverted dropout keeps the expectation
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.array, out.array)  # the gradient goes through the same mask
    assert out.dtype == glassnet.float32


def test_dropout_is_identity_in_eval_and_reproducible_with_seed():
    layer = nn.Dropout(0.5)
    x = glassnet.randn(50, 20, dtype=glassnet.float64)
    assert layer.eval()(x) is x
    assert F.dropout(x, training=False) is x
    layer.train()
    glassnet.manual_seed(3)
    first = layer(x).array
    glassnet.manual_seed(3)
    assert np.array_equal(first, layer(x).array) and first.dtype == np.float64
    assert not np.array_equal(first, layer(x).array)


def test_dropout_edge_probabilities_and_errors():
    x = glassnet.randn(10, 10)
    assert nn.Dropout(0.0)(x) is x
    assert not nn.Dropout(1.0)(x).array.any()
    for p in (-0.1, 1.1):
        with pytest.raises(ValueError, match=f"dropout probability has to be between 0 and 1, but got {p}"):
            nn.Dropout(p)
        with pytest.raises(ValueError, match="between 0 and 1"):
            F.dropout(x, p)


# ------------------------------------------------------------------- training
def circle_data(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    y = ((x**2).sum(1) < 0.5).astype(np.float32)[:, None]  # inside a circle: about 39 % of the square
    return glassnet.tensor(x), glassnet.tensor(y)


def gradient_descent(model, loss_fn, x, y, lr, steps):
    """Plain full-batch gradient descent written out by hand (no optimizer)."""
    losses = []
    for _ in range(steps):
        loss = loss_fn(model(x), y)
        model.zero_grad()
        loss.backward()
        with glassnet.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses.append(loss.item())
    return losses


def test_tanh_mlp_learns_a_circle():
    glassnet.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
    x, y = circle_data(400, seed=0)
    losses = gradient_descent(model, nn.BCEWithLogitsLoss(), x, y, lr=1.0, steps=800)
    assert losses[-1] < 0.1 * losses[0]
    x_test, y_test = circle_data(1000, seed=1)
    with glassnet.no_grad():
        accuracy = ((model(x_test).array > 0) == (y_test.array > 0.5)).mean()
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"


def test_softmax_classifier_learns_gaussian_blobs():
    glassnet.manual_seed(0)
    rng = np.random.default_rng(0)
    centers = np.array([[0, 3], [3, -2], [-3, -2]], dtype=np.float32)
    labels = rng.integers(0, 3, 600)
    points = centers[labels] + rng.standard_normal((600, 2)).astype(np.float32)
    x, y = glassnet.tensor(points), glassnet.tensor(labels)
    model = nn.Linear(2, 3)
    losses = gradient_descent(model, nn.CrossEntropyLoss(), x, y, lr=0.5, steps=200)
    assert all(b <= a + 1e-7 for a, b in zip(losses, losses[1:])), "loss must decrease monotonically"
    accuracy = (model(x).argmax(1).array == labels).mean()
    assert losses[-1] < 0.2 and accuracy > 0.95, f"loss {losses[-1]:.3f}, accuracy {accuracy:.3f}"


@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 1000])
@pytest.mark.parametrize("features", [0, 1, 3, 8, 100, 200])
def test_linear_add_bias_in_long_rows_is_a_plain_broadcast_add(n, features):
    from glassnet.ops.linear import add_bias

    rng = np.random.default_rng(n + features)
    out, bias = rng.standard_normal((n, features)), rng.standard_normal(features)
    expected = out + bias
    add_bias(out, bias)
    np.testing.assert_array_equal(out, expected)
    fortran = np.asfortranarray(rng.standard_normal((n, features)))  # not row-major: the plain add
    expected = fortran + bias
    add_bias(fortran, bias)
    np.testing.assert_array_equal(fortran, expected)


@pytest.mark.parametrize("bias_shape", [(), (1,)])
def test_linear_takes_a_bias_that_broadcasts_like_torch(bias_shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x, w, b = rng.standard_normal((1000, 5)), rng.standard_normal((8, 5)), rng.standard_normal(bias_shape)
    out = glassnet.nn.functional.linear(glassnet.tensor(x), glassnet.tensor(w), glassnet.tensor(b))
    expected = torch.nn.functional.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))
    np.testing.assert_allclose(out.array, expected.numpy(), rtol=1e-12, atol=1e-12)
