"""glassnet.explain: the narrated backward pass agrees with backward() and leaves the user's tensors alone."""

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.explain import explain
from glassnet.nn import functional as F


def test_scalar_chain_is_narrated_step_by_step():
    x = glassnet.tensor(2.0)
    w = glassnet.tensor(0.5, requires_grad=True)
    loss = (w * x - 3) ** 2
    text = explain(loss, names={w: "w", x: "x"}, print_text=False)
    assert text.splitlines() == [
        "Inputs",
        "  w = 0.5   (requires grad)",
        "  x = 2",
        "Forward pass",
        "  [Mul]        t1 = w · x = 0.5 · 2 = 1",
        "  [Sub]        t2 = t1 - 3 = 1 - 3 = -2",
        "  [PowScalar]  L = t2^2 = (-2)^2 = 4",
        "Backward pass (chain rule, from L back to the leaves)",
        "  dL/dL = 1",
        "  dL/dt2 = dL/dL · ∂L/∂t2 = 1 · (2·t2 = -4) = -4",
        "  dL/dt1 = dL/dt2 · ∂t2/∂t1 = (-4) · 1 = -4",
        "  dL/dw = dL/dt1 · ∂t1/∂w = (-4) · (x = 2) = -8",
        "Gradients of the leaves",
        "  dL/dw = -8",
    ]


def test_prints_what_it_returns(capsys):
    w = glassnet.tensor(3.0, requires_grad=True)
    text = explain(w.exp(), names={"w": w})
    assert capsys.readouterr().out == text + "\n"
    assert "[Exp]        L = exp(w) = exp(3) = 20.0855" in text
    assert "dL/dw = dL/dL · ∂L/∂w = 1 · (exp(w) = 20.0855) = 20.0855" in text


def test_paths_add_up():
    a = glassnet.tensor(1.0, requires_grad=True)
    b = a + a
    c = b + b
    text = explain(c, names=dict(a=a, b=b, c=c), print_text=False)
    assert "  dc/db += dc/dc · ∂c/∂b = 1 · 1 = 1" in text
    assert "  dc/db = 2   (the sum of its paths)" in text
    assert "  dc/da = 4   (the sum of its paths)" in text
    assert text.endswith("Gradients of the leaves\n  dc/da = 4")


def test_does_not_touch_grad_or_free_the_graph():
    w = glassnet.tensor([0.5, -1.0], requires_grad=True)
    w.grad = glassnet.tensor([10.0, 10.0])
    loss = (w.tanh() * w).sum()
    explain(loss, print_text=False)
    np.testing.assert_array_equal(w.grad.numpy(), [10.0, 10.0])
    loss.backward()  # the graph is still there
    expected = np.tanh([0.5, -1.0]) + np.array([0.5, -1.0]) * (1 - np.tanh([0.5, -1.0]) ** 2)
    np.testing.assert_allclose(w.grad.numpy(), 10 + expected, rtol=1e-6)


def gradients_by_explain_and_backward(build, leaves):
    """The leaves' gradients from explain(accumulate_grad=True) and from backward(), on fresh graphs."""
    explain(build(), print_text=False, accumulate_grad=True)
    by_explain = [t.grad.numpy().copy() for t in leaves]
    for t in leaves:
        t.grad = None
    build().backward()
    return by_explain, [t.grad.numpy() for t in leaves]


def test_matrix_graph_with_broadcast_matches_backward():
    rng = np.random.default_rng(0)
    X = glassnet.tensor(rng.normal(size=(4, 3)))
    W = glassnet.tensor(rng.normal(size=(3, 2)), requires_grad=True)
    b = glassnet.tensor(rng.normal(size=2), requires_grad=True)

    def build():
        h = (X @ W + b).sigmoid()
        return (h * h).sum() / 4

    text = explain(build(), names={"X": X, "W": W, "b": b}, print_text=False)
    assert "[MatMul]     t1 = X @ W" in text
    assert "dL/dW = Xᵀ @ dL/dt1" in text
    assert "dL/db = dL/dt2 ⊙ 1, summed to its shape" in text
    assert "dL/dt3 += dL/dt4 ⊙ t3" in text  # h feeds the product twice
    for ours, reference in zip(*gradients_by_explain_and_backward(build, [W, b])):
        np.testing.assert_allclose(ours, reference, rtol=1e-6)


def test_fused_ops_without_notation_are_named():
    glassnet.manual_seed(0)
    layer = nn.Linear(3, 2)
    x = glassnet.randn(5, 3)
    target = glassnet.tensor([0, 1, 1, 0, 1])

    def build():
        return F.cross_entropy(layer(x), target)

    text = explain(build(), names={"weight": layer.weight, "bias": layer.bias, "x": x}, print_text=False)
    assert "[Linear]     t1 = Linear(x, weight, bias)" in text
    assert "dL/dweight = Linear backward of dL/dt1" in text
    for ours, reference in zip(*gradients_by_explain_and_backward(build, [layer.weight, layer.bias])):
        np.testing.assert_allclose(ours, reference, rtol=1e-5)


def test_unnamed_tensors_get_names():
    a = glassnet.tensor(2.0, requires_grad=True)
    c = glassnet.tensor([1.0, 2.0])
    text = explain((a * c).sum() - 1, print_text=False)
    assert "  leaf1 = 2   (requires grad)" in text
    assert "  c1 = [1., 2.]" in text
    assert "[Sub]        L = t2 - 1 = 6 - 1 = 5" in text
    assert "dL/dleaf1 = dL/dt1 ⊙ c1, summed to its shape = 3" in text


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: glassnet.tensor([1.0, 2.0], requires_grad=True) * 2, "single number"),
        (lambda: glassnet.tensor(1.0) * 2, "does not require grad"),
    ],
)
def test_errors_name_the_problem(make, message):
    with pytest.raises(RuntimeError, match=message):
        explain(make(), print_text=False)


def test_freed_graph_is_an_error():
    w = glassnet.tensor(1.0, requires_grad=True)
    loss = (w * 2).exp()
    loss.backward()
    with pytest.raises(RuntimeError, match="freed by an earlier backward"):
        explain(loss, print_text=False)


def test_a_custom_function_is_narrated_like_any_op():
    class Exp(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            y = x.exp()
            ctx.save_for_backward(y)
            return y

        @staticmethod
        def backward(ctx, grad_output):
            (y,) = ctx.saved_tensors
            return grad_output * y

    x = glassnet.tensor(0.5, requires_grad=True)
    text = glassnet.explain(Exp.apply(x) * 2)
    assert "t1 = ExpBackward(leaf1) = 1.64872" in text and "= 2 · 1.64872 = 3.29744" in text
    assert "= []" not in text  # the outputs' internal meeting node is not shown
