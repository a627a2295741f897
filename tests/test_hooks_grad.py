"""Tensor.register_hook, the requires_grad setter, autograd.grad, backward's arguments and grad_fn names, against torch."""

import numpy as np
import pytest

import glassnet
from glassnet import autograd


def both():
    torch = pytest.importorskip("torch")
    return (glassnet, torch)


def test_a_hook_on_a_leaf_replaces_its_gradient_until_removed_like_torch():
    results = []
    for lib in both():
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        handle = x.register_hook(lambda grad: grad * 10)
        (x * x).sum().backward()
        first = x.grad.tolist()
        (g,) = lib.autograd.grad((x * x).sum(), x)  # hooks run for grad() too
        handle.remove()
        handle.remove()  # twice does nothing
        x.grad = None
        (x * x).sum().backward()
        results.append((first, g.tolist(), x.grad.tolist()))
    assert results[0] == results[1] == ([20.0, 40.0], [20.0, 40.0], [2.0, 4.0])


def test_hooks_on_a_non_leaf_change_what_flows_on_and_what_retain_grad_keeps_like_torch():
    results = []
    for lib in both():
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = x * 2
        z.retain_grad()
        seen = []
        z.register_hook(lambda grad: seen.append(grad.tolist()))  # returns None: observes only
        z.register_hook(lambda grad: grad + 1)  # hooks run in the order they were registered
        z.register_hook(lambda grad: grad * 3)
        (z * z).sum().backward()
        results.append((seen, z.grad.tolist(), x.grad.tolist()))
    assert results[0] == results[1] == ([[4.0, 8.0]], [15.0, 27.0], [30.0, 54.0])


def test_a_hook_sees_the_gradient_summed_over_all_uses_and_works_as_a_context_manager():
    seen = []
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    with y.register_hook(lambda grad: seen.append(grad.tolist())):
        (y + y * y).sum().backward(retain_graph=True)
    (y + y * y).sum().backward()  # removed on leaving the with block
    assert seen == [[7.0, 13.0]]


def test_hooks_take_part_in_the_graph_with_create_graph():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (glassnet, torch):
        x = lib.tensor([0.5, -1.0], dtype=lib.float64, requires_grad=True)
        y = x**3
        y.register_hook(lambda grad: grad * x)  # a hook computed from x: differentiated too
        (dx,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (d2,) = lib.autograd.grad(dx.sum(), x)
        results.append((dx.tolist(), d2.tolist()))
    np.testing.assert_allclose(results[0], results[1])


def test_hook_errors():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't require gradient"):
        glassnet.tensor([1.0]).register_hook(lambda grad: grad)
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.register_hook(lambda grad: grad.sum())
    with pytest.raises(RuntimeError, match=r"returned a gradient of shape \(\) for a tensor of shape \(2,\)"):
        y.sum().backward()


def test_requires_grad_setter_follows_torch():
    messages = []
    for lib in both():
        x = lib.tensor([1.0, 2.0])
        x.requires_grad = True
        assert x.requires_grad and x.is_leaf
        x.requires_grad = False
        assert not x.requires_grad
        for make, value in (
            (lambda: lib.tensor([1, 2]), True),
            (lambda: lib.ones(2, requires_grad=True) * 2, False),
            (lambda: lib.ones(2, requires_grad=True) * 2, True),
        ):
            t = make()
            with pytest.raises(RuntimeError) as error:
                t.requires_grad = value
            messages.append(str(error.value))
        y = lib.ones(2, requires_grad=True) * 2
        assert y.requires_grad_(True) is y  # requires_grad_(True) on a non-leaf is allowed
    ours, theirs = messages[:3], messages[3:]
    assert "only floating point" in ours[0] and "floating point" in theirs[0]
    for i in (1, 2):
        assert "only change requires_grad flags of leaf variables" in ours[i] and "leaf variables" in theirs[i]
        assert "detach()" in ours[i]


def test_grad_returns_gradients_and_leaves_grad_alone_like_torch():
    results = []
    for lib in both():
        x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
        w = lib.tensor([[0.5], [2.0], [-1.0]], requires_grad=True)
        h = (x * x).reshape(1, 3)
        out = (h @ w).tanh()
        gx, gw, gh = lib.autograd.grad(out.sum(), (x, w, h))
        assert x.grad is None and w.grad is None and not gx.requires_grad
        results.append([g.numpy() for g in (gx, gw, gh)])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_grad_with_grad_outputs_several_outputs_and_non_leaf_inputs_like_torch():
    results = []
    for lib in both():
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        z = x * 3
        a, b = z.exp(), (z * x).sum()
        grads = lib.autograd.grad([a, b], [z, x], grad_outputs=[lib.tensor([1.0, -1.0]), None])
        results.append([g.tolist() for g in grads])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)


def test_grad_of_an_intermediate_runs_only_the_graph_in_front_of_it():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    z = x * 2
    w = (z * z).sum()
    assert autograd.grad(w, z)[0].tolist() == [4.0, 8.0]
    z.sum().backward()  # z's own node was not run, so not freed
    assert x.grad.tolist() == [2.0, 2.0]


def test_grad_unused_inputs_and_errors_like_torch():
    torch = pytest.importorskip("torch")
    for lib in (glassnet, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        u = lib.tensor(1.0, requires_grad=True)
        with pytest.raises(RuntimeError, match="at index 1 .*appears to not have been used in the graph"):
            lib.autograd.grad((x * 2).sum(), [x, u])
        gx, gu = lib.autograd.grad((x * 2).sum(), [x, u], allow_unused=True)
        assert gx.tolist() == [2.0, 2.0] and gu is None
        gx, gu = lib.autograd.grad((x * 2).sum(), [x, u], materialize_grads=True)
        assert gu.item() == 0.0
        with pytest.raises(ValueError, match="allow_unused to be True or not passed when materialize_grads=True"):
            lib.autograd.grad((x * 2).sum(), x, allow_unused=False, materialize_grads=True)
        with pytest.raises(RuntimeError, match="does not require grad"):
            lib.autograd.grad((x * 2).sum(), [lib.tensor(1.0)])
        with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
            lib.autograd.grad(lib.tensor(1.0), [x])
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
            lib.autograd.grad(x * 2, [x])
        y = (x * x).sum()
        lib.autograd.grad(y, x)
        with pytest.raises(RuntimeError, match="second time"):
            lib.autograd.grad(y, x)


def test_backward_with_inputs_accumulates_only_into_them_like_torch():
    results = []
    for lib in both():
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, 4.0], requires_grad=True)
        (x * y).sum().backward(inputs=[x])
        first = (x.grad.tolist(), y.grad)
        z = x * y
        (z * z).sum().backward(inputs=[z])
        results.append((first, z.grad.tolist(), x.grad.tolist()))
        with pytest.raises(RuntimeError, match="cannot be empty"):
            (x * y).sum().backward(inputs=[])
    assert results[0] == results[1] == (([3.0, 4.0], None), [6.0, 16.0], [3.0, 4.0])


def test_autograd_backward_sums_over_several_tensors_like_torch():
    results = []
    for lib in both():
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        lib.autograd.backward([(x * x).sum(), x * 3], [None, lib.tensor([1.0, 10.0])])
        results.append(x.grad.tolist())
    assert results[0] == results[1] == [5.0, 34.0]


NODE_NAMES = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y,
    "neg": lambda x, y: -x,
    "exp": lambda x, y: x.exp(),
    "log": lambda x, y: x.log(),
    "sqrt": lambda x, y: x.sqrt(),
    "abs": lambda x, y: x.abs(),
    "sigmoid": lambda x, y: x.sigmoid(),
    "tanh": lambda x, y: x.tanh(),
    "sum": lambda x, y: x.sum(),
    "maximum": lambda x, y: x.maximum(y),
    "permute": lambda x, y: x.reshape(2, 2).permute(1, 0),
    "softmax": lambda x, y: x.softmax(0),
    "log_softmax": lambda x, y: x.log_softmax(0),
    "cat": lambda x, y: glassnet.cat([x, y]) if isinstance(x, glassnet.Tensor) else __import__("torch").cat([x, y]),
}


@pytest.mark.parametrize("name", NODE_NAMES)
def test_grad_fn_names_end_in_a_version_number_like_torch(name):
    torch = pytest.importorskip("torch")
    names = []
    for lib in (glassnet, torch):
        x = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        y = lib.tensor([4.0, 3.0, 2.0, 1.0], requires_grad=True)
        names.append(NODE_NAMES[name](x, y).grad_fn.name())
    assert names[0] == names[1]


def test_next_functions_like_torch():
    structures = []
    for lib in both():
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        c = lib.tensor([3.0, 4.0])
        loss = ((x * c).exp() + x).sum()

        def walk(node):
            if node is None:
                return None
            name = node.name().replace("torch::autograd::", "")  # torch's C++ name of AccumulateGrad
            return (name, [walk(n) for n, _ in getattr(node, "next_functions", ())])

        structures.append(walk(loss.grad_fn))
        accumulate = loss.grad_fn.next_functions[0][0].next_functions[1][0]
        assert accumulate.variable is x
    assert structures[0] == structures[1]
    assert structures[0][0] == "SumBackward0"
