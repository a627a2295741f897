"""The backward engine: accumulation, retain_grad, freeing the graph, grad modes and its error messages."""

import gc
import weakref

import numpy as np
import pytest

import glassnet
from glassnet.autograd.function import Function


def test_lecture_example():
    x = glassnet.tensor(-0.5, requires_grad=True)
    f = (-x).exp() + x**2
    f.backward()
    assert f.item() == pytest.approx(np.exp(0.5) + 0.25) and f.item() == pytest.approx(1.8987, abs=1e-4)
    assert x.grad.item() == pytest.approx(-np.exp(0.5) - 1) and x.grad.item() == pytest.approx(-2.64872, abs=1e-5)
    assert x.grad.dtype == glassnet.float32 and repr(x.grad) == "tensor(-2.6487)"


def test_gradients_add_up_along_every_path():
    a = glassnet.tensor(1.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_leaf_gradients_accumulate_across_backward_calls_like_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        a = lib.tensor([1.0, -2.0], requires_grad=True)
        y = (a * a * 3).sum()
        y.backward(retain_graph=True)
        y.backward()  # the same graph again: 6a + 6a
        (a * 2).sum().backward()  # a new graph: + 2
        results.append(a.grad.tolist())
    assert results[0] == results[1] == [14.0, -22.0]


@pytest.mark.filterwarnings("ignore:The .grad attribute of a Tensor that is not a leaf")
def test_retain_grad_keeps_the_gradient_of_a_non_leaf():
    torch = pytest.importorskip("torch")
    for lib in (glassnet, torch):
        a = lib.tensor(1.0, requires_grad=True)
        b = a + a
        b.retain_grad()
        c = b + b
        d = c * 1
        c.backward(retain_graph=True)
        assert (a.grad.item(), b.grad.item(), c.grad, d.grad) == (4.0, 2.0, None, None), lib.__name__
        assert (a.is_leaf, b.is_leaf, b.retains_grad, a.retains_grad) == (True, False, True, False)
        c.backward()
        assert (a.grad.item(), b.grad.item()) == (8.0, 4.0), lib.__name__


def test_a_20000_op_chain_backprops_without_recursion_error():
    x = glassnet.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(10_000):
        y = (y + 1.0) * 1.0  # two ops per step
    y.backward()
    assert y.item() == 10_001.0 and x.grad.item() == 1.0


def test_leaf_used_by_many_ops_in_a_diamond():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    z = (y * x + y.log() * y).sum()  # y reaches z along three paths
    z.backward()
    e = np.exp([1.0, 2.0])
    np.testing.assert_allclose(x.grad.array, e * [1, 2] + e + e * [1, 2] + e, rtol=1e-6)


def test_inputs_without_requires_grad_get_no_gradient():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    c = glassnet.tensor([3.0, 4.0])
    (x * c).sum().backward()
    assert c.grad is None and x.grad.tolist() == [3.0, 4.0]


def test_backward_with_an_explicit_gradient():
    x = glassnet.tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x * x).backward(glassnet.tensor([1.0, 0.0, -1.0]))
    assert x.grad.tolist() == [2.0, 0.0, -6.0]


def test_detach_and_no_grad_cut_the_graph():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf and np.shares_memory(d.array, x.array)
    with glassnet.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    z = x * 2
    assert z.requires_grad and z.grad_fn.name() == "MulBackward0" and not z.is_leaf


def test_no_grad_as_decorator_with_and_without_parentheses_and_enable_grad_inside():
    @glassnet.no_grad()
    def called():
        return glassnet.is_grad_enabled()

    @glassnet.no_grad
    def bare():
        with glassnet.enable_grad():
            inner = glassnet.is_grad_enabled()
        return glassnet.is_grad_enabled(), inner

    assert called() is False and bare() == (False, True) and glassnet.is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ValueError), glassnet.no_grad():
        raise ValueError
    assert glassnet.is_grad_enabled()


def test_the_graph_is_freed_after_backward_and_kept_with_retain_graph():
    for retain, alive in ((False, False), (True, True)):
        x = glassnet.tensor([1.0, 2.0], requires_grad=True)
        hidden = x.exp()
        ref = weakref.ref(hidden)
        out = (hidden * 2).sum()
        del hidden
        out.backward(retain_graph=retain)
        gc.collect()
        assert (ref() is not None) == alive


# --- bad input: one test each, and the message must help --------------------------------------


def test_second_backward_through_a_freed_graph_raises():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"second time.*retain_graph=True"):
        y.backward()


def test_backward_through_a_subgraph_freed_by_another_backward_raises():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    shared = x.exp()
    shared.sum().backward()
    with pytest.raises(RuntimeError, match="second time"):
        (shared * 2).sum().backward()


def test_backward_of_a_non_scalar_needs_a_gradient():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"only for scalar outputs.*shape \(2,\)"):
        (x * 2).backward()


def test_backward_gradient_of_the_wrong_shape_raises():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2,\)"):
        (x * 2).backward(glassnet.ones(3))


def test_backward_on_a_tensor_that_does_not_require_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        glassnet.tensor([1.0, 2.0]).sum().backward()


def test_requires_grad_on_an_integer_tensor_raises():
    with pytest.raises(RuntimeError, match="only floating point tensors can require gradients.*int64"):
        glassnet.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        glassnet.arange(3).requires_grad_()


def test_requires_grad_flag_of_a_non_leaf_cannot_be_switched_off():
    y = glassnet.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)


def test_add_shape_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"):
        glassnet.ones(2, 3) + glassnet.ones(4)


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) cannot be multiplied"):
        glassnet.ones(2, 3) @ glassnet.ones(4, 5)
    with pytest.raises(RuntimeError, match=r"batch dimensions of \(2, 3, 4\) and \(5, 4, 1\)"):
        glassnet.ones(2, 3, 4) @ glassnet.ones(5, 4, 1)
    with pytest.raises(RuntimeError, match=r"same dtype.*float32 and glassnet.float64"):
        glassnet.ones(2, 3) @ glassnet.ones(3, dtype=glassnet.float64)


def test_a_backward_returning_the_wrong_shape_or_dtype_is_named():
    class Broken(Function):
        @staticmethod
        def forward(ctx, a, wrong=None):
            ctx.wrong = wrong
            return a * 2

        @staticmethod
        def backward(ctx, grad_output):
            return (ctx.wrong(grad_output),)

    x = glassnet.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"BrokenBackward0 returned a gradient of shape \(3,\)"):
        Broken.apply(x, wrong=lambda g: g.sum(0)).sum().backward()
    with pytest.raises(RuntimeError, match=r"BrokenBackward0 .* dtype float64 .* dtype float32"):
        Broken.apply(x, wrong=lambda g: g.astype(np.float64)).sum().backward()


def test_leaf_gradients_never_share_memory():
    """An addition hands one array to both inputs, a linear op gives new arrays: every .grad owns its memory."""
    a = glassnet.tensor([1.0, 2.0], requires_grad=True)
    b = glassnet.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()
    assert not np.shares_memory(a.grad.array, b.grad.array)
    (a + b).sum().backward()  # accumulates in place into each .grad
    np.testing.assert_array_equal(a.grad.array, [2.0, 2.0])
    np.testing.assert_array_equal(b.grad.array, [2.0, 2.0])

    layer = glassnet.nn.Linear(2, 2)
    x = glassnet.tensor([[1.0, 2.0]], requires_grad=True)
    out = layer(x)
    out.sum().backward()
    grads = [layer.weight.grad.array, layer.bias.grad.array, x.grad.array]
    assert not any(np.shares_memory(g, h) for i, g in enumerate(grads) for h in grads[i + 1 :])
    np.testing.assert_array_equal(layer.weight.grad.array, [[1.0, 2.0], [1.0, 2.0]])
