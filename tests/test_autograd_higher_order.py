"""Higher-order gradients: create_graph=True records the backward pass, so gradients can be differentiated again.

Checked against torch 2.13 (float64) op by op (first derivatives, Hessian-vector
products and the derivative through the upstream gradient), against closed
forms, and by central differences (gradcheck of a first derivative) without torch.
"""

import math

import numpy as np
import pytest

import glassnet
from glassnet import autograd, nn
from glassnet.autograd import gradcheck
from glassnet.autograd.function import Function


def test_newton_step_on_the_lecture_function_matches_torch_and_the_closed_form():
    """f(x) = e^-x + x² at x = -0.5: f' = -e^-x + 2x, f'' = e^-x + 2, and one Newton step x - f'/f''."""
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        x = lib.tensor(-0.5, dtype=lib.float64, requires_grad=True)
        f = (-x).exp() + x**2
        (df,) = lib.autograd.grad(f, x, create_graph=True)
        (d2f,) = lib.autograd.grad(df, x)
        with lib.no_grad():
            step = x - df / d2f
        results.append((df.item(), d2f.item(), step.item()))
        assert df.requires_grad and not d2f.requires_grad
    ours, theirs = results
    closed = (-math.exp(0.5) - 1, math.exp(0.5) + 2, -0.5 - (-math.exp(0.5) - 1) / (math.exp(0.5) + 2))
    np.testing.assert_allclose(ours, theirs, rtol=1e-14)
    np.testing.assert_allclose(ours, closed, rtol=1e-14)


def test_third_derivative_of_a_polynomial():
    x = glassnet.tensor([0.5, -2.0], dtype=glassnet.float64, requires_grad=True)
    (d1,) = autograd.grad((x**4).sum(), x, create_graph=True)
    (d2,) = autograd.grad(d1.sum(), x, create_graph=True)
    (d3,) = autograd.grad(d2.sum(), x)
    np.testing.assert_allclose(d1.array, 4 * x.array**3)
    np.testing.assert_allclose(d2.array, 12 * x.array**2)
    np.testing.assert_allclose(d3.array, 24 * x.array)


@pytest.mark.parametrize("activation", ["Tanh", "ReLU", "GELU"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradient_penalty_on_an_mlp_gives_torchs_parameter_gradients(activation, dtype):
    """loss = mse(f(x), y) + λ‖∂mse/∂x‖² on a 2-16-16-1 MLP, backpropagated to the parameters."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x_values, y_values = rng.standard_normal((32, 2)), rng.standard_normal((32, 1))
    glassnet.manual_seed(0)
    grads, ours_model = [], None
    for lib in (glassnet, torch):
        layers = [
            lib.nn.Linear(2, 16),
            getattr(lib.nn, activation)(),
            lib.nn.Linear(16, 16),
            getattr(lib.nn, activation)(),
            lib.nn.Linear(16, 1),
        ]
        model = lib.nn.Sequential(*layers).to(getattr(lib, dtype))
        if lib is torch:
            with torch.no_grad():
                for p, q in zip(model.parameters(), ours_model.parameters()):
                    p.copy_(torch.tensor(q.detach().numpy()))
        else:
            ours_model = model
        x = lib.tensor(x_values, dtype=getattr(lib, dtype), requires_grad=True)
        y = lib.tensor(y_values, dtype=getattr(lib, dtype))
        fit = lib.nn.functional.mse_loss(model(x), y)
        (dx,) = lib.autograd.grad(fit, x, create_graph=True)
        loss = fit + 10 * (dx**2).sum()
        loss.backward()
        grads.append([p.grad.detach().numpy() for p in model.parameters()] + [x.grad.detach().numpy()])
    rtol, atol = (1e-4, 1e-6) if dtype == "float32" else (1e-10, 1e-12)
    for ours, theirs in zip(*grads):
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def _ce_target(lib):
    return lib.tensor([0, 2, 1, 2])


# name: (function of (library, *inputs), input shapes, optional (low, high) of the random inputs)
OPS = {
    "add": (lambda L, a, b: a + b, [(3, 4), (4,)]),
    "sub": (lambda L, a, b: a - b, [(3, 1), (3, 4)]),
    "mul": (lambda L, a, b: a * b, [(3, 4), (4,)]),
    "div": (lambda L, a, b: a / b, [(3, 4), (3, 4)], (0.5, 2.0)),
    "neg": (lambda L, a: -a, [(3,)]),
    "pow_scalar": (lambda L, a: a**3, [(2, 3)]),
    "pow_fraction": (lambda L, a: a**2.5, [(2, 3)], (0.5, 2.0)),
    "pow_tensor": (lambda L, a, b: a**b, [(2, 3), (2, 3)], (0.5, 2.0)),
    "exp": (lambda L, a: a.exp(), [(2, 3)]),
    "log": (lambda L, a: a.log(), [(2, 3)], (0.5, 2.0)),
    "sqrt": (lambda L, a: a.sqrt(), [(2, 3)], (0.5, 2.0)),
    "abs": (lambda L, a: a.abs() * a, [(2, 3)]),
    "clamp": (lambda L, a: a.clamp(min=-0.5, max=0.7) * a, [(3, 4)]),
    "maximum": (lambda L, a, b: L.maximum(a, b) * a, [(3, 4), (3, 4)]),
    "minimum": (lambda L, a, b: L.minimum(a, b) * b, [(3, 4), (4,)]),
    "matmul": (lambda L, a, b: a @ b, [(3, 4), (4, 2)]),
    "matmul_batched": (lambda L, a, b: a @ b, [(2, 3, 4), (4, 5)]),
    "matmul_vector_matrix": (lambda L, a, b: a @ b, [(4,), (4, 2)]),
    "matmul_matrix_vector": (lambda L, a, b: a @ b, [(3, 4), (4,)]),
    "matmul_dot": (lambda L, a, b: a @ b, [(4,), (4,)]),
    "linear": (lambda L, x, w, b: L.nn.functional.linear(x, w, b), [(5, 3), (4, 3), (4,)]),
    "linear_3d_no_bias": (lambda L, x, w: L.nn.functional.linear(x * x, w), [(2, 5, 3), (4, 3)]),
    "sum": (lambda L, a: (a * a).sum(), [(3, 4)]),
    "sum_dims_keepdim": (lambda L, a: (a * a).sum((0, 2), keepdim=True), [(2, 3, 4)]),
    "mean": (lambda L, a: (a * a).mean(1), [(3, 4)]),
    "var": (lambda L, a: a.var(1), [(3, 4)]),
    "var_all_population": (lambda L, a: a.var(correction=0), [(3, 4)]),
    "std": (lambda L, a: a.std(1, keepdim=True), [(3, 4)]),
    "std_all": (lambda L, a: a.std(), [(3, 4)]),
    "max": (lambda L, a: a.max() * a, [(3, 4)]),
    "min": (lambda L, a: a.min() ** 2, [(3, 4)]),
    "max_dim": (lambda L, a: a.max(1).values ** 2, [(3, 4)]),
    "min_dim": (lambda L, a: a.min(0, keepdim=True).values * a, [(3, 4)]),
    "reshape": (lambda L, a: a.reshape(6, 2) ** 2, [(3, 4)]),
    "permute": (lambda L, a: a.permute(2, 0, 1) * a.permute(2, 0, 1), [(2, 3, 4)]),
    "transpose": (lambda L, a, b: a.T @ b, [(3, 4), (3, 2)]),
    "expand": (lambda L, a: a.expand(3, 4) ** 2, [(3, 1)]),
    "getitem_slices": (lambda L, a: a[1:, ::2] ** 2, [(3, 4)]),
    "getitem_repeated_rows": (lambda L, a: a[[0, 2, 0]] ** 2, [(3, 4)]),
    "getitem_int": (lambda L, a: a[:, 1] * a[0], [(3, 3)]),
    "cat": (lambda L, a, b: L.cat([a, b * b], 1), [(2, 2), (2, 3)]),
    "stack": (lambda L, a, b: L.stack([a * b, b], 1), [(2, 3), (2, 3)]),
    "relu": (lambda L, a: a.relu() * a, [(3, 4)]),
    "sigmoid": (lambda L, a: a.sigmoid(), [(3, 4)]),
    "tanh": (lambda L, a: a.tanh(), [(3, 4)]),
    "gelu": (lambda L, a: L.nn.functional.gelu(a), [(3, 4)], (-3.0, 3.0)),
    "gelu_tanh": (lambda L, a: L.nn.functional.gelu(a, approximate="tanh"), [(3, 4)], (-3.0, 3.0)),
    "leaky_relu": (lambda L, a: L.nn.functional.leaky_relu(a, 0.2) * a, [(3, 4)]),
    "softmax": (lambda L, a: a.softmax(1), [(3, 4)]),
    "log_softmax": (lambda L, a: a.log_softmax(0), [(3, 4)]),
    "logsumexp": (lambda L, a: a.logsumexp(1), [(3, 4)]),
    "mse_loss": (lambda L, a, b: L.nn.functional.mse_loss(a, b), [(3, 4), (3, 4)]),
    "mse_loss_none": (lambda L, a, b: L.nn.functional.mse_loss(a, b, reduction="none"), [(3, 4), (3, 4)]),
    "l1_loss": (lambda L, a, b: L.nn.functional.l1_loss(a * a, b), [(3, 4), (3, 4)]),
    "cross_entropy": (lambda L, a: L.nn.functional.cross_entropy(a, _ce_target(L)), [(4, 3)]),
    "cross_entropy_weighted_sum": (
        lambda L, a: L.nn.functional.cross_entropy(
            a, _ce_target(L), weight=L.tensor([0.2, 1.0, 3.0], dtype=L.float64), reduction="sum"
        ),
        [(4, 3)],
    ),
    "cross_entropy_none_ignore": (
        lambda L, a: L.nn.functional.cross_entropy(a, _ce_target(L), ignore_index=1, reduction="none"),
        [(4, 3)],
    ),
    "cross_entropy_smoothing": (
        lambda L, a: L.nn.functional.cross_entropy(a, _ce_target(L), label_smoothing=0.1),
        [(4, 3)],
    ),
    "cross_entropy_probabilities": (lambda L, a, q: L.nn.functional.cross_entropy(a, q.softmax(1)), [(4, 3), (4, 3)]),
    "nll_loss": (lambda L, a: L.nn.functional.nll_loss(a.log_softmax(1), _ce_target(L)), [(4, 3)]),
    "binary_cross_entropy": (
        lambda L, a, b: L.nn.functional.binary_cross_entropy(a.sigmoid(), b.sigmoid()),
        [(3, 4), (3, 4)],
    ),
    "binary_cross_entropy_with_logits": (
        lambda L, a, b: L.nn.functional.binary_cross_entropy_with_logits(a, b.sigmoid()),
        [(3, 4), (3, 4)],
    ),
    "binary_cross_entropy_with_logits_pos_weight": (
        lambda L, a, b: L.nn.functional.binary_cross_entropy_with_logits(
            a, b.sigmoid(), pos_weight=L.tensor([0.5, 1.0, 2.0, 3.0], dtype=L.float64), reduction="sum"
        ),
        [(3, 4), (3, 4)],
    ),
    "to_float32_and_back": (lambda L, a: (a.float() ** 2).double(), [(3,)]),
}


@pytest.mark.parametrize("name", OPS)
def test_double_backward_matches_torch(name):
    """First derivatives (with create_graph), then the gradient of Σ w·(first derivatives) for the
    inputs and for the upstream gradient v: Hessian-vector products and ∂/∂v, all in float64."""
    torch = pytest.importorskip("torch")
    fn, shapes, *bounds = OPS[name]
    low, high = bounds[0] if bounds else (-2.0, 2.0)
    rng = np.random.default_rng(0)
    arrays = [rng.uniform(low, high, shape) for shape in shapes]
    results = []
    for lib in (glassnet, torch):
        inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
        out = fn(lib, *inputs)
        v = lib.tensor(np.random.default_rng(1).uniform(-1, 1, tuple(out.shape)), requires_grad=True)
        first = lib.autograd.grad(out, inputs, v, create_graph=True)
        weights = [np.random.default_rng(2 + i).uniform(-1, 1, tuple(g.shape)) for i, g in enumerate(first)]
        total = sum((g * lib.tensor(w)).sum() for g, w in zip(first, weights))
        second = lib.autograd.grad(total, inputs + [v], allow_unused=True)
        results.append(
            [out.detach().numpy()]
            + [g.detach().numpy() for g in first]
            + [np.zeros(x.shape) if g is None else g.detach().numpy() for x, g in zip(inputs + [v], second)]
        )
    labels = ["output"] + [f"d/d input {i}" for i in range(len(shapes))]
    labels += [f"second derivative for input {i}" for i in range(len(shapes))] + ["derivative through v"]
    for label, ours, theirs in zip(labels, *results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12, err_msg=f"{name}: {label}")


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.tanh() * x,
        lambda x: x.softmax(1) * x,
        lambda x: x.std(0) * x.var(1, keepdim=True),
        lambda x: glassnet.nn.functional.gelu(x) / (1 + x * x),
        lambda x: glassnet.nn.functional.cross_entropy(x, glassnet.tensor([1, 0, 2])) * x,
    ],
)
def test_a_first_derivative_passes_gradcheck(fn):
    """The gradient of a first derivative (built with create_graph) agrees with central differences."""
    x = glassnet.tensor(np.random.default_rng(0).uniform(-1, 1, (3, 3)), requires_grad=True)

    def derivative(x):
        with glassnet.enable_grad():  # gradcheck evaluates under no_grad; the derivative needs a graph
            (dx,) = autograd.grad((fn(x) ** 2).sum(), x, create_graph=True)
        return dx

    assert gradcheck(derivative, x)


def test_backward_with_create_graph_leaves_differentiable_grads_like_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        x = lib.tensor([1.0, -2.0], dtype=lib.float64, requires_grad=True)
        (x**3).sum().backward(create_graph=True)
        first = x.grad
        assert first.requires_grad and first.grad_fn is not None
        (second,) = lib.autograd.grad(first.sum(), x)
        x.grad = None
        (x**3).sum().backward()  # without create_graph: a plain gradient
        results.append((first.detach().numpy(), second.numpy(), x.grad.requires_grad))
    np.testing.assert_allclose(results[0][0], results[1][0])
    np.testing.assert_allclose(results[0][1], results[1][1])
    assert results[0][2] is results[1][2] is False


def test_create_graph_keeps_the_graph_by_default():
    x = glassnet.tensor(2.0, requires_grad=True)
    y = x**3
    autograd.grad(y, x, create_graph=True)
    (again,) = autograd.grad(y, x)  # retain_graph defaulted to create_graph: not freed
    assert again.item() == 12.0
    with pytest.raises(RuntimeError, match="second time"):
        autograd.grad(y, x)


def test_the_same_saved_output_twice_in_one_second_order_pass():
    """exp's gradient reuses exp's output as a node of its own: a pass reaching both frees each once."""
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        x = lib.tensor([0.3, -1.2], dtype=lib.float64, requires_grad=True)
        y = x.exp()
        (dx,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (d2,) = lib.autograd.grad((dx * y).sum(), x)  # y and exp's saved output, both in this graph
        results.append(d2.numpy())
    np.testing.assert_allclose(*results)


def test_an_op_without_backward_graph_names_itself_under_create_graph():
    class Cube(Function):  # a glassnet op with only the array backward
        @staticmethod
        def forward(ctx, a):
            ctx.a = a
            return a**3

        @staticmethod
        def backward(ctx, grad_output):
            return (3 * grad_output * ctx.a**2,)

    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    assert autograd.grad(Cube.apply(x).sum(), x)[0].tolist() == [3.0, 12.0]
    with pytest.raises(RuntimeError, match=r"CubeBackward0.*Cube computes it on NumPy arrays only.*create_graph=False"):
        autograd.grad(Cube.apply(x).sum(), x, create_graph=True)


def test_a_module_training_step_is_unchanged_by_the_graph_path():
    """backward() without create_graph still gives plain gradients (no graph on .grad)."""
    glassnet.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    loss = model(glassnet.randn(4, 2)).sum()
    loss.backward()
    assert all(p.grad is not None and p.grad.grad_fn is None and not p.grad.requires_grad for p in model.parameters())
