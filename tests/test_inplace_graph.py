"""In-place changes of tensors that are part of a graph, against PyTorch (glassnet/autograd/inplace.py).

Each case runs the same code on glassnet and on torch (glassnet's API is
PyTorch's): the value of the changed tensor, the gradients of every leaf, and
where torch raises (a leaf, a saved tensor changed before backward...) that
glassnet raises too.  Then: earlier users of a tensor changed later, views,
``x[index] = v``, gradient hooks, custom Functions, second derivatives,
``inplace=True`` layers in training, and a numerical gradient check without torch.
"""

import copy
import pickle

import numpy as np
import pytest

import glassnet
import glassnet.nn.functional as F
from glassnet import nn
from glassnet.autograd import gradcheck

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X = RNG.uniform(0.5, 2.0, (3, 4)) * RNG.choice([-1, 1], (3, 4))
W = RNG.uniform(-2.0, 2.0, (3, 4))
UPSTREAM = RNG.uniform(-1.0, 1.0, (3, 4))
TOL = {np.float32: 1e-5, np.float64: 1e-12}


def run_both(fn, dtype=np.float64, upstream=UPSTREAM):
    """Run ``fn(lib, x, w)`` on glassnet and torch with leaves x, w; compare the result, the grads, or the errors.

    ``fn`` returns the tensor to differentiate (of shape ``upstream.shape``).  Returns glassnet's result.
    """
    results, errors = {}, {}
    for lib in (glassnet, torch):
        x = lib.tensor(X.astype(dtype), requires_grad=True)
        w = lib.tensor(W.astype(dtype), requires_grad=True)
        try:
            out = fn(lib, x, w)
            out.backward(lib.tensor(upstream.astype(dtype)))
        except RuntimeError as error:
            errors[lib] = error
            continue
        grads = [None if t.grad is None else np.asarray(t.grad.tolist()) for t in (x, w)]
        results[lib] = (out, np.asarray(out.detach().tolist()), grads)
    assert set(errors) in (set(), {glassnet, torch}), f"only {[lib.__name__ for lib in errors]} raised: {errors}"
    if errors:
        return None
    (ours, value, grads), (_, expected, torch_grads) = results[glassnet], results[torch]
    np.testing.assert_allclose(value, expected, rtol=TOL[dtype], atol=TOL[dtype])
    for name, g, t in zip("xw", grads, torch_grads):
        assert (g is None) == (t is None), f"grad of {name}: {g} vs torch {t}"
        if g is not None:
            np.testing.assert_allclose(g, t, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"grad of {name}")
    assert str(ours.dtype) == f"glassnet.{np.dtype(dtype)}"
    return ours


def raises_both(fn, match):
    """``fn(lib, x, w)`` raises RuntimeError on both libraries; glassnet's message matches ``match``."""
    for lib in (torch, glassnet):
        x = lib.tensor(X, requires_grad=True)
        w = lib.tensor(W, requires_grad=True)
        with pytest.raises(RuntimeError, match=match if lib is glassnet else None):
            fn(lib, x, w)


def changed(method):
    """A case: ``y = x * 2``, ``y.<method>``, then ``y`` itself is differentiated; returns y after the call."""

    def fn(lib, x, w):
        y = x * 2
        result = method(lib, y, w)
        assert result is y or result is None
        return y

    return fn


IN_PLACE = {
    "add_": lambda lib, y, w: y.add_(w),
    "add_ alpha": lambda lib, y, w: y.add_(w, alpha=-3),
    "sub_ alpha": lambda lib, y, w: y.sub_(w, alpha=0.5),
    "mul_ tensor": lambda lib, y, w: y.mul_(w),
    "mul_ number": lambda lib, y, w: y.mul_(3),
    "div_": lambda lib, y, w: y.div_(w),
    "clamp_": lambda lib, y, w: y.clamp_(-1.5, 2.5),
    "clamp_ min": lambda lib, y, w: y.clamp_(0),
    "exp_": lambda lib, y, w: y.exp_(),
    "sqrt_": lambda lib, y, w: y.mul_(y).sqrt_(),
    "masked_fill_": lambda lib, y, w: y.masked_fill_(w > 0, 7.0),
    "masked_fill_ tensor value": lambda lib, y, w: y.masked_fill_(w > 0, w[0, 0]),
    "scatter_": lambda lib, y, w: y.scatter_(1, lib.tensor([[2, 0], [1, 3], [0, 1]]), w[:, :2]),
    "scatter_add_": lambda lib, y, w: y.scatter_add_(0, lib.tensor([[2, 0, 1, 1]]), w[:1]),
    "zero_": lambda lib, y, w: y.zero_(),
    "fill_": lambda lib, y, w: y.fill_(0.25),
    "copy_": lambda lib, y, w: y.copy_(w),
    "copy_ broadcast": lambda lib, y, w: y.copy_(w[1]),
    "setitem number": lambda lib, y, w: y.__setitem__((1, slice(None)), 5.0),
    "setitem tensor": lambda lib, y, w: y.__setitem__((slice(None), 2), w[:, 0] * 3),
    "setitem broadcast": lambda lib, y, w: y.__setitem__(slice(0, 2), w[2]),
    "setitem mask": lambda lib, y, w: y.__setitem__(w > 0.5, -1.0),
    "setitem index list": lambda lib, y, w: y.__setitem__(([0, 2], [1, 3]), w[1, :2]),
    "setitem of its own column scaled": lambda lib, y, w: y.__setitem__((slice(None), 0), y[:, 0] * 2 / 3),
    "iadd": lambda lib, y, w: y.__iadd__(w),
    "isub": lambda lib, y, w: y.__isub__(w * w),
    "imul": lambda lib, y, w: y.__imul__(w),
    "itruediv": lambda lib, y, w: y.__itruediv__(2.0),
    "two changes": lambda lib, y, w: y.mul_(w).add_(1),
    "self operand add_": lambda lib, y, w: y.add_(y),
    "self operand mul_ (mul saved it)": lambda lib, y, w: y.mul_(y),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(IN_PLACE))
def test_in_place_methods_change_the_tensor_and_keep_gradients_as_torch(name, dtype):
    y = run_both(changed(IN_PLACE[name]), dtype)
    if y is not None:
        assert y.grad_fn is not None and y.requires_grad


def test_the_tensor_object_itself_changes_and_other_names_see_it():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    alias = y
    y.add_(10)
    assert alias is y and alias.tolist() == [11.0, 12.0]
    y += 1  # the name stays bound to the same tensor
    assert alias is y and alias.tolist() == [12.0, 13.0]


def test_earlier_users_keep_their_gradient_path():
    def fn(lib, x, w):
        y = x * 2
        before = y + 1  # uses y's old values, saves nothing
        scaled = y * 3 / 4  # multiplying by constants saves no values of y
        y.mul_(w)
        after = y * 3
        return before * 10 + after + scaled

    run_both(fn)


def test_earlier_user_that_saved_the_tensor_raises_at_backward_as_torch():
    def fn(lib, x, w):
        y = x * 2
        before = y * w  # saves y
        y.add_(1)
        return before + y

    assert run_both(fn) is None
    with pytest.raises(RuntimeError, match="input 0 of MulBackward0 was modified by an in-place operation"):
        fn(glassnet, glassnet.tensor(X, requires_grad=True), glassnet.tensor(W, requires_grad=True)).sum().backward()


def test_changing_an_output_that_its_op_saved_raises_as_torch():
    assert run_both(lambda lib, x, w: x.exp().add_(1)) is None
    assert run_both(lambda lib, x, w: x.sigmoid().mul_(2)) is None


def test_where_torch_refuses_glassnet_reads_the_operands_before_the_change():
    """Unlike PyTorch: relu keeps a mask, not its output; an operand overlapping the changed tensor is read first."""

    def rows_added_to_the_next(y):
        y[1:].add_(y[:2])
        return y

    for change, same in [
        (lambda y: y.relu().mul_(2), lambda y: y.relu() * 2),
        (lambda y: y.add_(y[0]), lambda y: y + y[0]),
        (rows_added_to_the_next, lambda y: glassnet.cat([y[:1], y[1:] + y[:2]])),
    ]:
        results = []
        for fn in (change, same):
            x = glassnet.tensor(X, requires_grad=True)
            out = fn(x * 1)
            out.backward(glassnet.tensor(UPSTREAM))
            results.append((out.array, x.grad.array))
        for ours, expected in zip(*results):
            np.testing.assert_allclose(ours, expected, rtol=1e-12)


def test_a_tensor_without_grad_joins_the_graph_by_an_in_place_change():
    def fn(lib, x, w):
        a = lib.zeros(3, 4, dtype=x.dtype)
        earlier = (a + x).sum()  # a needed no gradient here: none may reach it later either
        a.add_(w)
        assert a.requires_grad and not a.is_leaf
        return a * x + earlier

    run_both(fn)


def test_requires_grad_set_after_use_gives_that_use_no_gradient_as_torch():
    def fn(lib, x, w):
        c = lib.ones(3, 4, dtype=x.dtype)
        y = x + c
        c.requires_grad_()
        return y

    run_both(fn)


def test_in_place_under_no_grad_changes_values_but_not_history():
    def fn(lib, x, w):
        y = x * 2
        with lib.no_grad():
            y.add_(w)
        return y * 1

    run_both(fn)


def test_leaves_that_require_grad_raise_as_torch():
    raises_both(lambda lib, x, w: x.add_(1), "add_: a leaf Variable that requires grad is being used in an in-place")
    raises_both(lambda lib, x, w: x.zero_(), "zero_: a leaf Variable that requires grad")
    raises_both(lambda lib, x, w: x.__setitem__(0, 1.0), "__setitem__: a leaf Variable that requires grad")
    raises_both(lambda lib, x, w: x[0].mul_(2), "mul_: a view of a leaf Variable that requires grad")
    for lib in (glassnet, torch):
        x = lib.tensor(X, requires_grad=True)
        with lib.no_grad():
            x[0] = 1.0
            x.add_(1)
        assert x.tolist()[0] == [2.0] * 4


def test_shape_and_dtype_errors_as_torch():
    raises_both(lambda lib, x, w: (x[0] * 1).add_(w), r"add_: output with shape \[4\] doesn't match the broadcast")
    raises_both(
        lambda lib, x, w: lib.zeros(3, 4, dtype=lib.int64).add_(w),
        "add_: result type glassnet.float64 can't be cast to the desired output type glassnet.int64",
    )


# ----------------------------------------------------------------- views


VIEWS = {
    "column add_": lambda lib, y, w: y[:, 0].add_(1),
    "column mul_ tensor": lambda lib, y, w: y[:, 1].mul_(w[:, 1]),
    "row of transpose": lambda lib, y, w: y.t()[2].mul_(w[0, :3]),
    "slice of flat reshape": lambda lib, y, w: y.reshape(-1)[2:7].zero_(),
    "whole reshape": lambda lib, y, w: y.reshape(2, 6).mul_(w.reshape(2, 6)),
    "view of a view": lambda lib, y, w: y[1:][:, 1:3].mul_(w[:2, :2]),
    "setitem on a view": lambda lib, y, w: y[0].__setitem__(slice(1, 3), w[0, :2]),
    "relu_ of a view": lambda lib, y, w: F.relu(y[:2], inplace=True) if lib is glassnet else torch.relu_(y[:2]),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_in_place_change_of_a_view_rewrites_its_base_as_torch(name):
    def fn(lib, x, w):
        y = x * 2
        VIEWS[name](lib, y, w)
        return y

    run_both(fn)


def test_a_view_taken_before_its_base_changes_follows_the_change():
    def fn(lib, x, w):
        y = x * 3
        row, col = y[1], y[:, 2]  # made before the change: their histories are renewed
        y.mul_(w)
        nested = row[1:3]
        return lib.cat([row, col[:3], nested, row * col[1]]).reshape(3, 4)

    run_both(fn)


def test_views_of_a_tensor_without_grad_join_the_graph_as_torch():
    def fn(lib, x, w):
        base = lib.zeros(3, 4, dtype=x.dtype)
        top, overlap = base[:2], base[1:]
        top.add_(w[:2])
        assert overlap.requires_grad and base.requires_grad
        return overlap.reshape(-1)[:12].reshape(3, 4) * 0 + lib.cat([overlap, base[:1]]) * x

    run_both(fn)


def test_a_view_of_a_zero_dim_tensor_as_torch():
    def fn(lib, x, w):
        total = (x * w).sum()
        total.reshape(1, 1).mul_(x[0, 0])
        return total

    run_both(fn, upstream=np.array(1.5))


def test_view_errors_as_torch():
    raises_both(
        lambda lib, x, w: (x * 1)[0].expand(3, 4).add_(1),
        "add_: unsupported operation: more than one element of the written-to tensor refers to a single memory",
    )

    def no_grad_view(lib, x, w):
        y = x * 1
        with lib.no_grad():
            view = y[:2]
        view.add_(1)

    raises_both(no_grad_view, "add_: A view was created in no_grad mode and is being modified inplace with grad mode")


def test_setitem_where_torch_sets_and_repeats():
    def fn(lib, x, w):
        y = x * 1
        y[[0, 0, 2]] = w[:3] * 2  # a repeated row: the last write wins, each value gets the gradient of its row
        return y

    glassnet_y = run_both(fn, upstream=np.ones((3, 4)))
    assert glassnet_y is not None


# ------------------------------------------------- hooks, retain_grad, custom Functions, second derivatives


def test_hooks_before_a_change_see_the_old_values_gradient_and_retain_grad_the_new_as_torch():
    seen = {}
    for lib in (glassnet, torch):
        x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        y = x * 1
        log = seen[lib] = []
        y.register_hook(lambda g, log=log: log.append(("before", g.tolist())))
        y.retain_grad()
        y.mul_(3)
        y.register_hook(lambda g, log=log: log.append(("after", g.tolist())))
        (y * lib.tensor([1.0, 10.0, 100.0])).sum().backward()
        log.append(("retained", y.grad.tolist()))
        log.append(("x", x.grad.tolist()))
    assert seen[glassnet] == seen[torch]


def test_an_output_of_a_custom_function_changed_in_place():
    class Double(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    class TorchDouble(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    def fn(lib, x, w):
        first, second = (Double if lib is glassnet else TorchDouble).apply(x)
        first.mul_(w)
        return first + second

    run_both(fn)


def test_an_input_of_a_custom_function_changed_in_place_later():
    class Square(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.a = a.detach().clone()
            return a * a

        @staticmethod
        def backward(ctx, g):
            return 2 * g * ctx.a

    class TorchSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.a = a.detach().clone()
            return a * a

        @staticmethod
        def backward(ctx, g):
            return 2 * g * ctx.a

    def fn(lib, x, w):
        y = x * 2
        squared = (Square if lib is glassnet else TorchSquare).apply(y)
        y.mul_(w)
        return squared + y

    run_both(fn)


def test_second_derivatives_through_in_place_changes_as_torch():
    results = []
    for lib in (glassnet, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x * 1
        y.mul_(x)  # y = x², mul_ saved the copy of y's old values and x: nothing changed since
        y[0] = x[0] ** 3
        (g,) = lib.autograd.grad(y.sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        results.append((np.asarray(g.tolist()), np.asarray(gg.tolist())))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_in_place_gradients_match_central_differences():
    def fn(x, w):
        y = x * 1
        y[:, 1:3].mul_(w[:, :2])
        y.add_(y[0])
        y[2] = w[1] * w[2]
        return F.relu(y, inplace=True).sum(0)

    assert gradcheck(fn, (glassnet.tensor(X, requires_grad=True), glassnet.tensor(W, requires_grad=True)))


def test_a_second_backward_through_a_freed_history_raises_as_torch():
    def fn(lib, x, w):
        y = x * w
        y.sum().backward()
        y.add_(1)
        return y

    assert run_both(fn) is None


def test_tensors_with_views_pickle_and_copy():
    base = glassnet.arange(12.0).reshape(3, 4)
    view = base[1]
    for clone in (pickle.loads(pickle.dumps(base)), copy.deepcopy(base)):
        assert clone.tolist() == base.tolist() and clone._views is None and clone._view_of is None
    view.add_(1)
    assert base.tolist()[1] == [5.0, 6.0, 7.0, 8.0]


# ------------------------------------------------------------ inplace=True layers


def test_inplace_functions_return_their_input_changed_as_torch():
    cases = [
        ("relu", {}),
        ("leaky_relu", {"negative_slope": 0.2}),
        ("elu", {"alpha": 0.5}),
        ("silu", {}),
        ("hardtanh", {"min_val": -0.5, "max_val": 1.5}),
        ("relu6", {}),
    ]
    for name, options in cases:

        def fn(lib, x, w, name=name, options=options):
            y = x * 2
            out = getattr(lib.nn.functional, name)(y, inplace=True, **options)
            assert out is y
            return out

        run_both(fn)


def test_inplace_dropout_changes_its_input_like_dropout():
    x = glassnet.tensor(X, requires_grad=True)
    glassnet.manual_seed(3)
    expected = F.dropout(x * 1, 0.4, True)
    y = x * 1
    glassnet.manual_seed(3)
    assert F.dropout(y, 0.4, True, inplace=True) is y
    assert np.array_equal(y.array, expected.array)
    y.sum().backward()
    assert np.array_equal(x.grad.array, (expected.array != 0) / 0.6)
    z = x * 1
    assert F.dropout2d(z.reshape(1, 3, 2, 2), 1.0, True, inplace=True).tolist() == np.zeros((1, 3, 2, 2)).tolist()
    assert z.tolist() == np.zeros((3, 4)).tolist()  # through the view, as in PyTorch
    assert nn.Dropout(0.5, inplace=True).eval()(z) is z


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_model_with_inplace_activations_trains_as_torch(dtype):
    def model(lib):
        lib.manual_seed(0)
        return lib.nn.Sequential(
            lib.nn.Linear(4, 8),
            lib.nn.ReLU(inplace=True),
            lib.nn.Linear(8, 8),
            lib.nn.LeakyReLU(0.1, inplace=True),
            lib.nn.Linear(8, 6),
            lib.nn.Hardtanh(-1.0, 1.0, inplace=True),
            lib.nn.Linear(6, 1),
        )

    ours, theirs = model(glassnet), model(torch)
    ours, theirs = ours.to(dtype), theirs.to(getattr(torch, np.dtype(dtype).name))
    for p, q in zip(ours.parameters(), theirs.parameters()):
        p.data = q.detach().numpy().copy()
    inputs, targets = RNG.standard_normal((16, 4)).astype(dtype), RNG.standard_normal((16, 1)).astype(dtype)
    for net, lib in ((ours, glassnet), (theirs, torch)):
        optimizer = lib.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        for _ in range(5):
            optimizer.zero_grad()
            loss = lib.nn.functional.mse_loss(net(lib.tensor(inputs)), lib.tensor(targets))
            loss.backward()
            optimizer.step()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.array, q.detach().numpy(), rtol=100 * TOL[dtype], atol=100 * TOL[dtype])
