"""glassnet.autograd.Function: custom functions written on Tensors, as torch.autograd.Function, checked against torch."""

import math

import numpy as np
import pytest

import glassnet
from glassnet.autograd import gradcheck


def legendre_polynomial_3(lib):
    """The PyTorch tutorial's custom Function (Learning PyTorch with Examples), for either library."""

    class LegendrePolynomial3(lib.autograd.Function):
        @staticmethod
        def forward(ctx, input):
            ctx.save_for_backward(input)
            return 0.5 * (5 * input**3 - 3 * input)

        @staticmethod
        def backward(ctx, grad_output):
            (input,) = ctx.saved_tensors
            return grad_output * 1.5 * (5 * input**2 - 1)

    return LegendrePolynomial3


def exp_function(lib):
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result

    return Exp


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_tutorials_legendre_polynomial_trains_like_torch(dtype):
    """y = a + b·P3(c + d·x) fitted to sin(x) for a few steps, as in the tutorial: same parameters as torch."""
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        P3 = legendre_polynomial_3(lib).apply
        x = lib.linspace(-math.pi, math.pi, 200, dtype=getattr(lib, dtype))
        y = lib.sin(x)
        a, b, c, d = (lib.full((), v, dtype=getattr(lib, dtype), requires_grad=True) for v in (0.0, -1.0, 0.0, 0.3))
        grads = []
        for _ in range(5):
            y_pred = a + b * P3(c + d * x)
            loss = (y_pred - y).pow(2).sum()
            assert y_pred.grad_fn.next_functions[1][0].next_functions[1][0].name() == "LegendrePolynomial3Backward"
            loss.backward()
            grads.append([p.grad.item() for p in (a, b, c, d)])
            with lib.no_grad():
                for p in (a, b, c, d):
                    p -= 5e-4 * p.grad
                    p.grad = None
        results.append((grads, [p.item() for p in (a, b, c, d)], loss.item()))
    rtol, atol = (1e-4, 1e-4) if dtype == "float32" else (1e-12, 1e-12)  # the gradients of a and c cancel to ~0
    for ours, theirs in zip(results[0], results[1]):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def test_exp_with_save_for_backward_matches_torch_to_second_order():
    torch = pytest.importorskip("torch")
    values = np.array([[0.5, -1.0, 2.0], [0.0, 1.5, -0.3]])
    results = []
    for lib in (glassnet, torch):
        x = lib.tensor(values, requires_grad=True)
        y = exp_function(lib).apply(x)
        assert type(y.grad_fn).__name__ == "ExpBackward" or y.grad_fn.name() == "ExpBackward"
        (dx,) = lib.autograd.grad(y, x, lib.ones_like(y) * 2, create_graph=True)
        (d2x,) = lib.autograd.grad(dx.sum(), x)  # the backward's Tensor code is recorded: d/dx (2 eˣ) = 2 eˣ
        results.append((y.detach().numpy(), dx.detach().numpy(), d2x.numpy(), y.requires_grad))
    for ours, theirs in zip(*results[:2]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    np.testing.assert_allclose(results[0][2], 2 * np.exp(values), rtol=1e-12)


def test_forward_runs_under_no_grad_and_sees_needs_input_grad_like_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (glassnet, torch):

        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, factor, y):
                inside = x * factor
                seen.append((lib.is_grad_enabled(), inside.requires_grad, ctx.needs_input_grad))
                ctx.factor = factor
                return inside + y

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output * ctx.factor, None, grad_output

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, 4.0])
        out = Scale.apply(x, 2.5, y)
        out.sum().backward()
        seen.append((out.requires_grad, x.grad.tolist(), y.grad))
        with lib.no_grad():
            plain = Scale.apply(x, 2.5, y)
        seen.append((plain.requires_grad, plain.grad_fn))
    assert seen[:4] == seen[4:]
    assert seen[0] == (False, False, (True, False, False))
    assert seen[2] == (False, False, (True, False, False)) and seen[3] == (False, None)


def test_keyword_arguments_and_defaults_count_as_arguments_like_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (glassnet, torch):

        class Power(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, n=2, scale=None):
                ctx.save_for_backward(x)
                ctx.n = n
                seen.append(ctx.needs_input_grad)
                return x**n

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return grad_output * ctx.n * x ** (ctx.n - 1), None, None

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        Power.apply(x, n=3).sum().backward()
        Power.apply(x).sum().backward()
        seen.append(x.grad.tolist())
    assert seen[:3] == seen[3:] and seen[2] == [5.0, 16.0]


@pytest.mark.parametrize("materialize", [True, False])
def test_several_outputs_one_backward_call_with_all_their_gradients(materialize):
    torch = pytest.importorskip("torch")
    calls = []
    for lib in (glassnet, torch):

        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k):
                ctx.set_materialize_grads(materialize)
                ctx.k = k
                return x[:k] * 2, x[k:] * 3

            @staticmethod
            def backward(ctx, grad_a, grad_b):
                calls.append([None if g is None else g.tolist() for g in (grad_a, grad_b)])
                grad_b = lib.zeros(2) if grad_b is None else grad_b
                return lib.cat([grad_a * 2, grad_b * 3]), None

        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        a, b = Split.apply(x, 2)
        assert a.grad_fn is b.grad_fn and a.grad_fn.name() == "SplitBackward"
        (a * a + a).sum().backward()  # b unused
        a, b = Split.apply(x, 2)
        (a.sum() * b).sum().backward()  # both, b's gradient reaching through two uses
        calls.append(x.grad.tolist())
    assert calls[:3] == calls[3:]
    assert calls[0] == [[5.0, 9.0], [0.0, 0.0] if materialize else None]


def test_mark_non_differentiable_outputs_like_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):

        class SortWithIndices(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                values, indices = lib.sort(x)
                ctx.mark_non_differentiable(indices)
                ctx.save_for_backward(indices)
                return values, indices

            @staticmethod
            def backward(ctx, grad_values, grad_indices):
                (indices,) = ctx.saved_tensors
                grad = lib.zeros_like(grad_values)
                grad[indices] = grad_values
                return grad

        x = lib.tensor([3.0, 1.0, 2.0], requires_grad=True)
        values, indices = SortWithIndices.apply(x)
        (values * lib.tensor([1.0, 2.0, 3.0])).sum().backward()
        results.append(
            (values.tolist(), indices.tolist(), indices.requires_grad, values.requires_grad, x.grad.tolist())
        )
    assert results[0] == results[1] == ([1.0, 2.0, 3.0], [1, 2, 0], False, True, [3.0, 1.0, 2.0])


def test_setup_context_style_like_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):

        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(x, scale):
                return x**3 * scale

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, scale = inputs
                ctx.save_for_backward(x)
                ctx.scale = scale

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return 3 * x**2 * ctx.scale * grad_output, None

        x = lib.tensor([1.0, -2.0], requires_grad=True)
        Cube.apply(x, 0.5).sum().backward()
        results.append(x.grad.tolist())
    assert results[0] == results[1] == [1.5, 6.0]


def test_returning_an_input_gives_a_new_tensor_in_the_graph_like_torch():
    torch = pytest.importorskip("torch")
    for lib in (glassnet, torch):

        class Identity(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, grad_output):
                return grad_output * 2

        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = Identity.apply(x)
        assert y is not x and x.grad_fn is None and y.grad_fn is not None
        y.sum().backward()
        assert x.grad.tolist() == [2.0, 2.0]


def test_a_gradient_of_a_broadcast_shape_is_summed_and_cast_like_torch():
    torch = pytest.importorskip("torch")
    for lib in (glassnet, torch):

        class Wide(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad_output):
                return lib.ones(2, 3, dtype=lib.float64)

        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        Wide.apply(x).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0] and x.grad.dtype == lib.float32


def test_a_custom_function_passes_gradcheck():
    x = glassnet.tensor(np.random.default_rng(0).uniform(-1, 1, (3, 2)), requires_grad=True)
    assert gradcheck(legendre_polynomial_3(glassnet).apply, x)
    assert gradcheck(exp_function(glassnet).apply, x)


def test_a_wrong_backward_fails_gradcheck():
    class WrongSquare(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * x  # should be 2x

    x = glassnet.tensor([0.5, -1.5], requires_grad=True)
    assert gradcheck(WrongSquare.apply, x, raise_exception=False) is False


def test_errors_name_the_function():
    x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)

    class TwoGradients(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output

    with pytest.raises(
        RuntimeError,
        match=r"TwoGradientsBackward: backward returned an incorrect number of gradients \(expected 1, got 2\)",
    ):
        TwoGradients.apply(x).sum().backward()

    class Short(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output[:2]

    with pytest.raises(
        RuntimeError,
        match=r"ShortBackward: .*invalid gradient at index 0 - got \[2\] but expected shape compatible with \[3\]",
    ):
        Short.apply(x).sum().backward()

    class GradientForAConstant(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, grad_output):
            return grad_output, grad_output

    with pytest.raises(RuntimeError, match=r"gradient different than None at position 1.*not a Tensor"):
        GradientForAConstant.apply(x, 2.0).sum().backward()

    with pytest.raises(RuntimeError, match=r"Short: custom Functions are not instantiated; hint: call Short.apply"):
        Short()


def test_a_saved_tensor_changed_in_place_or_freed_is_an_error():
    exp = exp_function(glassnet)
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = exp.apply(x)
    with glassnet.no_grad():
        y += 1  # changes the saved result
    with pytest.raises(
        RuntimeError, match=r"saved tensor 0 of ExpBackward \(shape \(2,\)\) was modified by an in-place"
    ):
        y.sum().backward()

    y = exp.apply(x)
    y.sum().backward()
    with pytest.raises(RuntimeError, match=r"second time.*ExpBackward"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match=r"saved_tensors: .*ExpBackward was freed"):
        y.grad_fn.saved_tensors
