"""Module hooks (forward pre/post, full backward pre/post), their handles, and Module's lookup helpers.

Every scenario is one function of ``lib`` (glassnet or torch) that builds the
same small model, registers the same hooks and returns a log of what the
hooks saw (names, shapes, gradient values as lists) and what came out; the
glassnet and PyTorch 2.13 logs must be equal (gradients to 1e-5 in float32,
1e-10 in float64).  Then: errors, warnings, no_grad, and that a module without
hooks still runs its forward directly.
"""

import warnings
from collections import OrderedDict

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.autograd import gradcheck


def describe(value):
    """A comparable description of what a hook received: nested tuples of None / numbers / lists."""
    if value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return tuple(describe(v) for v in value)
    if isinstance(value, dict):
        return {k: describe(v) for k, v in value.items()}
    array = value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)
    return ("tensor", array.dtype.name, array.tolist())


def assert_same(ours, theirs, rtol=1e-5):
    """Equal logs, numbers compared with ``rtol``."""
    if isinstance(ours, (tuple, list)):
        assert isinstance(theirs, (tuple, list)) and len(ours) == len(theirs), (ours, theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b, rtol)
    elif isinstance(ours, dict):
        assert ours.keys() == theirs.keys()
        for k in ours:
            assert_same(ours[k], theirs[k], rtol)
    elif isinstance(ours, float):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol)
    else:
        assert ours == theirs


def both(scenario, rtol=1e-5):
    torch = pytest.importorskip("torch")
    ours, theirs = scenario(glassnet), scenario(torch)
    assert_same(ours, theirs, rtol)
    return ours


def mlp(lib, dtype=np.float32):
    """Linear(3, 4) -> Tanh -> Linear(4, 2) with the same fixed weights in both libraries."""
    lib.manual_seed(0)
    model = lib.nn.Sequential(
        OrderedDict([("fc1", lib.nn.Linear(3, 4)), ("act", lib.nn.Tanh()), ("fc2", lib.nn.Linear(4, 2))])
    )
    rng = np.random.default_rng(0)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(lib.tensor(rng.uniform(-1, 1, tuple(p.shape)).astype(np.float32)))
    return model.double() if dtype == np.float64 else model


def inputs(lib, dtype=np.float32, requires_grad=True):
    x = np.random.default_rng(1).uniform(-1, 1, (5, 3)).astype(dtype)
    return lib.tensor(x, requires_grad=requires_grad)


# ---------------------------------------------------------------- forward hooks
def test_forward_hooks_order_prepend_and_kwargs_match_torch():
    def scenario(lib):
        log = []
        model = mlp(lib)
        model.fc1.register_forward_pre_hook(lambda m, args: log.append(("pre-a", describe(args))))
        model.fc1.register_forward_pre_hook(lambda m, args: log.append(("pre-b",)), prepend=True)
        model.fc1.register_forward_pre_hook(
            lambda m, args, kwargs: log.append(("pre-kw", sorted(kwargs))), with_kwargs=True
        )
        model.fc1.register_forward_hook(lambda m, args, out: log.append(("post-a", describe(out))))
        model.fc1.register_forward_hook(lambda m, args, out: log.append(("post-b",)), prepend=True)
        model.fc1.register_forward_hook(
            lambda m, args, kwargs, out: log.append(("post-kw", len(args), sorted(kwargs))), with_kwargs=True
        )
        for name, module in model.named_modules():
            module.register_forward_pre_hook(lambda m, args, name=name: log.append(("enter", name, type(m).__name__)))
            module.register_forward_hook(lambda m, args, out, name=name: log.append(("exit", name)))
        model(inputs(lib))
        return log

    log = both(scenario)
    assert [entry[0] for entry in log[:5]] == ["enter", "pre-b", "pre-a", "pre-kw", "enter"]


def test_forward_hooks_may_replace_inputs_and_outputs_like_torch():
    def scenario(lib):
        model = mlp(lib)
        x = inputs(lib)
        results = []
        handle = model.fc1.register_forward_pre_hook(lambda m, args: args[0] * 2)  # one value: wrapped in a tuple
        results.append(describe(model(x)))
        handle.remove()
        handle = model.fc1.register_forward_pre_hook(lambda m, args: (args[0] + 1,))
        results.append(describe(model(x)))
        handle.remove()
        handle = model.fc1.register_forward_pre_hook(lambda m, args, kwargs: ((args[0] - 1,), kwargs), with_kwargs=True)
        results.append(describe(model(x)))
        handle.remove()
        with model.act.register_forward_hook(lambda m, args, out: out * 0 + 0.5):  # replaces the output
            results.append(describe(model(x)))
        model.act.register_forward_hook(lambda m, args, out: None)  # None keeps it
        results.append(describe(model(x)))
        return results

    both(scenario)


def test_forward_hook_with_kwargs_sees_keyword_arguments():
    class Scale(nn.Module):
        def forward(self, x, *, factor=1.0):
            return x * factor

    seen = []
    module = Scale()
    module.register_forward_pre_hook(lambda m, args, kwargs: ((args[0],), {"factor": 3.0}), with_kwargs=True)
    module.register_forward_hook(lambda m, args, kwargs, out: seen.append(dict(kwargs)), with_kwargs=True)
    assert np.array_equal(module(glassnet.ones(2), factor=2.0).array, [3.0, 3.0])
    assert seen == [{"factor": 3.0}]


def test_always_call_hooks_run_when_forward_raises_like_torch():
    def scenario(lib):
        log = []

        class Broken(lib.nn.Module):
            def forward(self, x):
                raise ValueError("broken forward")

        module = Broken()
        module.register_forward_hook(lambda m, args, out: log.append(("plain", out)))
        module.register_forward_hook(lambda m, args, out: log.append(("always", out)), always_call=True)

        def failing(m, args, out):
            raise KeyError("hook fails too")

        module.register_forward_hook(failing, always_call=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(ValueError, match="broken forward"):
                module(lib.ones(1))
        log.append([str(w.message) for w in caught])
        return log

    log = both(scenario)
    assert log[0] == ("always", None) and "raised an exception that was silenced" in log[1][0]


def test_handles_remove_their_hook_once_and_work_as_context_managers():
    layer = nn.Linear(2, 2)
    calls = []
    handle = layer.register_forward_hook(lambda m, a, o: calls.append(1), with_kwargs=False, always_call=True)
    kw_handle = layer.register_forward_pre_hook(lambda m, a, k: calls.append(2), with_kwargs=True)
    assert handle.id != kw_handle.id
    layer(glassnet.ones(2))
    handle.remove()
    handle.remove()  # twice is fine
    kw_handle.remove()
    assert not layer._forward_hooks and not layer._forward_hooks_always_called
    assert not layer._forward_pre_hooks and not layer._forward_pre_hooks_with_kwargs
    with layer.register_forward_hook(lambda m, a, o: calls.append(3)):
        layer(glassnet.ones(2))
    layer(glassnet.ones(2))
    assert calls == [2, 1, 3]


def test_forward_pre_hook_with_kwargs_must_return_args_and_kwargs():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.Linear(2, 2), torch.nn.Linear(2, 2)
    for module in (ours, theirs):
        module.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    with pytest.raises(RuntimeError) as ours_error:
        ours(glassnet.ones(2))
    with pytest.raises(RuntimeError) as theirs_error:
        theirs(torch.ones(2))
    assert str(ours_error.value) == str(theirs_error.value)


# --------------------------------------------------------------- backward hooks
def record_backward(model, log):
    for name, module in model.named_modules():
        module.register_full_backward_pre_hook(
            lambda m, grad_output, name=name: log.append(("pre", name, describe(grad_output)))
        )
        module.register_full_backward_hook(
            lambda m, grad_input, grad_output, name=name: log.append(
                ("post", name, describe(grad_input), describe(grad_output))
            )
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_hooks_order_and_gradients_match_torch(dtype):
    def scenario(lib):
        log = []
        model = mlp(lib, dtype)
        record_backward(model, log)
        x = inputs(lib, dtype)
        out = model(x)
        out.backward(lib.tensor(np.linspace(-1, 1, 10).reshape(5, 2).astype(dtype)))
        log.append(("x.grad", describe(x.grad)))
        log.append(("fc1.weight.grad", describe(model.fc1.weight.grad)))
        return log

    log = both(scenario, rtol=1e-5 if dtype == np.float32 else 1e-10)
    assert [(kind, name) for kind, name, *_ in log[:-2]] == [
        ("pre", ""),
        ("pre", "fc2"),
        ("post", "fc2"),
        ("pre", "act"),
        ("post", "act"),
        ("pre", "fc1"),
        ("post", "fc1"),
        ("post", ""),
    ]


def test_backward_hooks_may_replace_gradients_like_torch():
    def scenario(lib):
        model = mlp(lib)
        model.act.register_full_backward_hook(lambda m, grad_input, grad_output: (grad_input[0] * 3,))
        model.fc2.register_full_backward_pre_hook(lambda m, grad_output: (grad_output[0] + 1,))
        model.fc1.register_full_backward_hook(lambda m, grad_input, grad_output: None)  # None changes nothing
        model.fc1.register_full_backward_hook(lambda m, grad_input, grad_output: (None,))  # None: no gradient
        x = inputs(lib)
        model(x).sum().backward()
        return describe([x.grad, model.fc2.weight.grad, model.fc1.weight.grad, model.fc2.bias.grad])

    ours = both(scenario)
    assert ours[0] is None  # the last hook dropped the gradient of x


def test_backward_hooks_see_several_inputs_and_outputs_like_torch():
    def scenario(lib):
        log = []

        class TwoWay(lib.nn.Module):
            def forward(self, a, b, index, c, scale):
                return a * scale + index.sum(), c.sum(), b * 2

        module = TwoWay()
        record_backward(module, log)
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])  # no gradient wanted
        c = lib.tensor([5.0], requires_grad=True)  # gets no gradient: zeros, as in torch
        first, second, third = module(a, b, lib.tensor([1, 2]), c, 3.0)
        (first * lib.tensor([1.0, -1.0])).sum().backward()
        log.append(describe([a.grad, c.grad]))
        return log

    both(scenario)


def test_backward_hooks_fire_on_each_backward_pass_and_for_a_tensor_used_twice():
    def scenario(lib):
        log = []

        class Product(lib.nn.Module):
            def forward(self, p, q):
                return p * q

        module = Product()
        record_backward(module, log)
        x = lib.tensor([1.0, -2.0], requires_grad=True)
        y = module(x, x).sum()
        y.backward(retain_graph=True)
        y.backward()
        log.append(describe(x.grad))
        return log

    log = both(scenario)
    assert sum(entry[0] == "post" for entry in log[:-1]) == 2


def test_backward_hook_without_input_gradients_fires_at_the_outputs_and_warns():
    def scenario(lib):
        log = []
        model = mlp(lib)
        model.fc1.register_full_backward_hook(
            lambda m, grad_input, grad_output: log.append((describe(grad_input), describe(grad_output)))
        )
        with pytest.warns(UserWarning, match="no inputs require gradients") as caught:
            model(inputs(lib, requires_grad=False)).sum().backward()
        log.append(caught[0].filename == __file__)  # points at the backward() call
        return log

    both(scenario)
    model = mlp(glassnet)
    model.fc1.register_full_backward_hook(lambda m, grad_input, grad_output: (glassnet.ones(5, 3),))
    with pytest.warns(UserWarning), pytest.raises(RuntimeError, match="should always return None"):
        model(inputs(glassnet, requires_grad=False)).sum().backward()


def test_backward_hook_errors_name_the_problem():
    cases = [
        (
            lambda m, gi, go: (gi[0], gi[0]),
            "Backward hook returned an invalid number of grad_input, got 2, but expected 1",
        ),
        (lambda m, gi, go: (glassnet.ones(3),), r"has changed the size of value: grad_input\[0\] has shape \(3,\)"),
        (lambda m, gi, go: (gi[0].double(),), "has changed the type of value: grad_input"),
        (lambda m, gi, go: gi[0], "returned a Tensor; hint: return None or a tuple"),
    ]
    for hook, message in cases:
        layer = nn.Linear(3, 2)
        layer.register_full_backward_hook(hook)
        with pytest.raises(RuntimeError, match=message):
            layer(inputs(glassnet)).sum().backward()
    layer = nn.Linear(3, 2)
    layer.register_full_backward_pre_hook(lambda m, go: (go[0], None))
    with pytest.raises(RuntimeError, match="Backward pre hook returned an invalid number of grad_output, got 2"):
        layer(inputs(glassnet)).sum().backward()


def test_backward_hooks_do_not_fire_under_no_grad_and_warn_for_non_tensor_outputs():
    torch = pytest.importorskip("torch")
    calls = []
    layer = nn.Linear(3, 2)
    layer.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    with glassnet.no_grad():
        out = layer(inputs(glassnet))
    assert out.grad_fn is None and calls == []

    for lib in (glassnet, torch):

        class AsDict(lib.nn.Module):
            def forward(self, x):
                return {"y": x * 2}

        module = AsDict()
        module.register_full_backward_hook(lambda m, gi, go: None)
        with pytest.warns(UserWarning, match="module output should be a Tensor or a tuple of Tensors"):
            module(lib.ones(2, requires_grad=True))


def test_hooks_do_not_change_gradients_and_a_module_without_hooks_calls_forward_directly():
    model = mlp(glassnet, np.float64)
    record_backward(model, [])
    model.fc1.register_forward_hook(lambda m, args, out: None)
    x = glassnet.tensor(np.random.default_rng(3).uniform(-1, 1, (2, 3)), requires_grad=True)
    assert gradcheck(model, x)

    plain = nn.Linear(3, 2)
    y = plain(inputs(glassnet))
    assert y.grad_fn is not None and "BackwardHook" not in y.grad_fn.name()
    hooked = nn.Linear(3, 2)
    hooked.register_full_backward_hook(lambda m, gi, go: None)
    assert "BackwardHook" in hooked(inputs(glassnet)).grad_fn.name()


def test_hook_dicts_match_torch_names():
    torch = pytest.importorskip("torch")
    for name in [
        "_forward_pre_hooks",
        "_forward_pre_hooks_with_kwargs",
        "_forward_hooks",
        "_forward_hooks_with_kwargs",
        "_forward_hooks_always_called",
        "_backward_pre_hooks",
        "_backward_hooks",
    ]:
        assert isinstance(getattr(nn.Linear(1, 1), name), OrderedDict)
        assert isinstance(getattr(torch.nn.Linear(1, 1), name), OrderedDict)


# ------------------------------------------------ lookups and the module tree
def test_get_submodule_parameter_and_buffer_match_torch():
    def scenario(lib):
        model = lib.nn.Sequential(OrderedDict([("block", mlp(lib)), ("out", lib.nn.Linear(2, 1))]))
        model.block.fc1.register_buffer("steps", lib.zeros(1))
        found = [
            type(model.get_submodule("block.fc2")).__name__,
            model.get_submodule("") is model,
            tuple(model.get_parameter("block.fc1.weight").shape),
            tuple(model.get_parameter("out.bias").shape),
            tuple(model.get_buffer("block.fc1.steps").shape),
        ]
        for call, target in [
            (model.get_submodule, "block.nope"),
            (model.get_submodule, "block.fc1.weight"),
            (model.get_parameter, "block.fc1.nope"),
            (model.get_parameter, "block.fc1.steps"),
            (model.get_buffer, "block.fc1.weight"),
        ]:
            with pytest.raises(AttributeError) as error:
                call(target)
            found.append(str(error.value))
        return found

    both(scenario)


def test_apply_modules_children_zero_grad_and_requires_grad_match_torch():
    def scenario(lib):
        model = mlp(lib)
        visited = []
        model.apply(lambda m: visited.append(type(m).__name__))
        model(inputs(lib)).sum().backward()
        model.zero_grad(set_to_none=False)
        zeroed = [float(p.grad.abs().sum()) for p in model.parameters()]
        model.zero_grad()
        cleared = [p.grad is None for p in model.parameters()]
        model.requires_grad_(False)
        frozen = [p.requires_grad for p in model.parameters()]
        model.add_module("extra", lib.nn.ReLU())
        model.register_module("more", lib.nn.Tanh())
        return (
            visited,
            [type(m).__name__ for m in model.modules()],
            [n for n, _ in model.named_children()],
            [type(m).__name__ for m in model.children()],
            zeroed,
            cleared,
            frozen,
            repr(model),
        )

    both(scenario)


def test_backward_hooks_fire_again_when_the_gradient_is_differentiated_like_torch():
    if not hasattr(glassnet.autograd, "grad"):
        pytest.skip("glassnet.autograd.grad (create_graph) is not available")

    def scenario(lib):
        log = []
        module = lib.nn.Tanh()
        module.register_full_backward_pre_hook(lambda m, grad_output: log.append(("pre", describe(grad_output))))
        module.register_full_backward_hook(
            lambda m, grad_input, grad_output: log.append(("post", describe(grad_input))) or (grad_input[0] * 2,)
        )
        x = lib.tensor([0.5, -1.0], requires_grad=True)
        (gradient,) = lib.autograd.grad((module(x) ** 2).sum(), x, create_graph=True)
        gradient.sum().backward()  # through the hooked module's backward, whose gradient the hook doubled
        log.append(describe(x.grad))
        return log

    log = both(scenario)
    assert [entry[0] for entry in log[:-1]] == ["pre", "post", "pre", "post"]
