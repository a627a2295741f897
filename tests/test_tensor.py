"""The Tensor itself: dtypes and their promotion, attributes, conversions, creation functions, repr."""

import numpy as np
import pytest

import glassnet


def torch_dtype_name(t):
    return str(t.dtype).replace("torch.", "glassnet.")


# --- dtypes -------------------------------------------------------------------------------------


def test_default_dtypes_follow_torch():
    assert glassnet.tensor(1.5).dtype == glassnet.float32
    assert glassnet.tensor([1, 2]).dtype == glassnet.int64
    assert glassnet.tensor([True]).dtype == glassnet.bool
    assert glassnet.tensor([1.5], dtype=glassnet.float64).dtype == glassnet.float64
    assert glassnet.tensor(np.array([1.5])).dtype == glassnet.float64  # NumPy arrays keep their dtype
    assert glassnet.zeros(2).dtype == glassnet.float32 and glassnet.float is glassnet.float32


PROMOTION = {
    "float32 tensor + python float": lambda L: L.ones(3) + 2.5,
    "python float * float32 tensor": lambda L: 2.5 * L.ones(3),
    "float64 tensor + python float": lambda L: L.ones(3, dtype=L.float64) + 2.5,
    "int64 tensor * python float": lambda L: L.arange(3) * 2.5,
    "python float - int64 tensor": lambda L: 2.5 - L.arange(3),
    "int64 tensor + python int": lambda L: L.arange(3) + 2,
    "int32 tensor + python int": lambda L: L.tensor([1, 2], dtype=L.int32) + 2,
    "int / int is true division": lambda L: L.arange(3) / L.arange(1, 4),
    "int tensor / python int": lambda L: L.arange(3) / 2,
    "python int / int tensor": lambda L: 2 / L.arange(1, 4),
    "float32 with float64 tensor": lambda L: L.ones(3) * L.ones(3, dtype=L.float64),
    "int64 with float32 tensor": lambda L: L.arange(3) + L.ones(3),
    "float32 tensor with 0-d float64 tensor": lambda L: L.ones(3) + L.tensor(1.0, dtype=L.float64),
    "0-d float32 with 0-d float64 tensor": lambda L: L.tensor(1.0) + L.tensor(1.0, dtype=L.float64),
    "int64 tensor with 0-d float64 tensor": lambda L: L.arange(3) + L.tensor(1.0, dtype=L.float64),
    "int32 tensor with 0-d int64 tensor": lambda L: L.tensor([1], dtype=L.int32) + L.tensor(1),
    "bool tensor + python int": lambda L: L.tensor([True]) + 1,
    "bool tensor + python float": lambda L: L.tensor([True]) + 1.5,
    "int64 ** python int": lambda L: L.arange(3) ** 2,
    "int64 ** python float": lambda L: L.arange(3) ** 0.5,
    "python float ** int64": lambda L: 2.0 ** L.arange(3),
    "python int ** int64": lambda L: 2 ** L.arange(3),
    "maximum of int64 and float32": lambda L: L.maximum(L.arange(3), L.ones(3)),
    "where with two python numbers": lambda L: L.where(L.tensor([True, False]), 1, 2.5),
    "cat of float32 and float64": lambda L: L.cat([L.ones(2), L.ones(2, dtype=L.float64)]),
    "clamp of int64 with float bounds": lambda L: L.arange(3).clamp(0.5, 1.5),
    "clamp of int64 with int bounds": lambda L: L.arange(3).clamp(0, 1),
    "sum of bool": lambda L: L.tensor([True, True]).sum(),
    "sum of int32": lambda L: L.tensor([1, 2], dtype=L.int32).sum(),
    "sum with dtype": lambda L: L.ones(2).sum(dtype=L.float64),
    "mean with dtype": lambda L: L.ones(2).mean(dtype=L.float64),
    "relu of int64": lambda L: L.arange(-2, 2).relu(),
    "abs of int64": lambda L: L.arange(-2, 2).abs(),
    "exp of int64": lambda L: L.arange(3).exp(),
    "var of float64": lambda L: L.ones(3, dtype=L.float64).var(),
}


@pytest.mark.parametrize("name", PROMOTION)
def test_dtype_promotion_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = PROMOTION[name](glassnet), PROMOTION[name](torch)
    assert str(ours.dtype) == torch_dtype_name(theirs)
    np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-6)


# --- attributes and conversions -----------------------------------------------------------------


def test_attributes():
    x = glassnet.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and x.ndim == 3 and x.dim() == 3 and x.size() == (2, 3, 4)
    assert x.size(-1) == 4 and x.numel() == 24 and len(x) == 2 and x.dtype == glassnet.float32
    assert x.is_leaf and not x.requires_grad and x.grad is None and x.grad_fn is None


def test_item_tolist_numpy():
    x = glassnet.tensor([[1.5, 2.0]])
    assert x.tolist() == [[1.5, 2.0]] and x[0, 1].item() == 2.0 and isinstance(x[0, 0].item(), float)
    assert glassnet.tensor(3).item() == 3 and isinstance(glassnet.tensor(3).item(), int)
    assert np.shares_memory(x.numpy(), x.array)
    with pytest.raises(RuntimeError, match="elements cannot be converted"):
        x.item()
    with pytest.raises(RuntimeError, match=r"detach\(\)\.numpy\(\)"):
        glassnet.ones(2, requires_grad=True).numpy()


def test_requires_grad_and_retain_grad_switches():
    x = glassnet.ones(2)
    assert x.requires_grad_() is x and x.requires_grad
    assert x.requires_grad_(False) is x and not x.requires_grad
    y = glassnet.ones(2, requires_grad=True) * 2
    y.retain_grad()
    assert y.retains_grad
    with pytest.raises(RuntimeError, match="requires_grad=False"):
        glassnet.ones(2).retain_grad()


def test_to_and_dtype_shortcuts():
    x = glassnet.tensor([1.7, -2.2], requires_grad=True)
    assert x.to(glassnet.float64).dtype == glassnet.float64
    assert x.to("cpu", glassnet.float64).dtype == glassnet.float64
    assert x.to(glassnet.zeros(1, dtype=glassnet.float64)).dtype == glassnet.float64
    assert x.to(dtype=glassnet.float64, device="cpu").dtype == glassnet.float64
    assert x.to("cpu") is x and x.float() is x
    assert x.long().tolist() == [1, -2] and x.int().dtype == glassnet.int32 and x.bool().tolist() == [True, True]
    with pytest.raises(RuntimeError, match="glassnet runs on the CPU"):
        x.to("cuda")
    y = x.double() * 2  # the gradient flows back through the cast, in x's dtype
    y.sum().backward()
    assert x.grad.dtype == glassnet.float32 and x.grad.tolist() == [2.0, 2.0]


def test_python_number_conversions():
    assert float(glassnet.tensor([2.5])) == 2.5 and int(glassnet.tensor(3)) == 3
    assert bool(glassnet.tensor(1.0)) and [10, 20, 30][glassnet.tensor(1)] == 20
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(glassnet.ones(2))


def test_iteration_and_numpy_interop():
    x = glassnet.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert [row.tolist() for row in x] == [[1.0, 2.0], [3.0, 4.0]]
    assert isinstance(np.ones(2) + x, glassnet.Tensor) and isinstance(np.float64(2) * x, glassnet.Tensor)
    assert np.asarray(x).dtype == np.float32


def test_from_numpy_shares_memory_and_tensor_copies():
    a = np.zeros(3)
    shared, copied = glassnet.from_numpy(a), glassnet.tensor(a)
    a[0] = 5
    assert shared[0].item() == 5 and copied[0].item() == 0


def test_setitem_and_in_place_updates_outside_the_graph():
    x = glassnet.zeros(3)
    x[1] = 2.0
    x += 1
    assert x.tolist() == [1.0, 3.0, 1.0]
    w = glassnet.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        w -= 1
    with glassnet.no_grad():
        w -= 0.5
    assert w.tolist() == [0.5, 0.5] and w.requires_grad
    with pytest.raises(
        RuntimeError, match="result type float32 can't be cast to the desired output type glassnet.int64"
    ):
        counts = glassnet.arange(3)
        counts += 1.5


def test_in_place_add_of_a_graph_tensor_keeps_the_gradient():
    w = glassnet.ones(3, requires_grad=True)
    total = glassnet.zeros(3)
    total += w * 2
    total.sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]


# --- creation -----------------------------------------------------------------------------------

CREATION = {
    "zeros": lambda L: L.zeros(2, 3),
    "zeros-tuple": lambda L: L.zeros((2, 3)),
    "ones-float64": lambda L: L.ones(2, dtype=L.float64),
    "full-float": lambda L: L.full((2, 2), 1.5),
    "full-int": lambda L: L.full((2,), 3),
    "full-bool": lambda L: L.full((2,), True),
    "arange-int": lambda L: L.arange(5),
    "arange-start-step": lambda L: L.arange(1, 10, 3),
    "arange-float": lambda L: L.arange(0, 1, 0.25),
    "arange-float-end": lambda L: L.arange(4.0),
    "linspace": lambda L: L.linspace(-1, 1, 5),
    "eye": lambda L: L.eye(3, 2),
    "zeros_like": lambda L: L.zeros_like(L.arange(3)),
    "ones_like": lambda L: L.ones_like(L.ones(2, dtype=L.float64)),
    "full_like": lambda L: L.full_like(L.ones(2), 7),
    "empty-shape": lambda L: L.empty(2, 3).zero_(),
}


@pytest.mark.parametrize("name", CREATION)
def test_creation_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = CREATION[name](glassnet), CREATION[name](torch)
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == torch_dtype_name(theirs)
    np.testing.assert_allclose(ours.array, theirs.numpy(), rtol=1e-6)


def test_random_creation_shapes_dtypes_and_ranges():
    glassnet.manual_seed(0)
    r, n = glassnet.rand(1000), glassnet.randn(2, 500, dtype=glassnet.float64)
    i = glassnet.randint(3, 7, (1000,))
    assert r.dtype == glassnet.float32 and 0 <= r.min().item() and r.max().item() < 1
    assert n.dtype == glassnet.float64 and n.shape == (2, 500) and abs(n.mean().item()) < 0.15
    assert i.dtype == glassnet.int64 and set(i.tolist()) == {3, 4, 5, 6}
    assert glassnet.randint(5, (2, 3)).shape == (2, 3) and glassnet.randint(0, 5, size=(4,)).shape == (4,)
    like = glassnet.randn_like(glassnet.zeros(3, 2, dtype=glassnet.float64))
    assert like.shape == (3, 2) and like.dtype == glassnet.float64
    assert glassnet.rand_like(glassnet.zeros(4)).shape == (4,)
    assert sorted(glassnet.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    assert glassnet.rand(2, requires_grad=True).requires_grad


def test_manual_seed_makes_everything_random_reproducible():
    def draw():
        return glassnet.rand(3).tolist() + glassnet.randn(3).tolist() + glassnet.randint(0, 100, (3,)).tolist()

    glassnet.manual_seed(42)
    first = draw()
    glassnet.manual_seed(42)
    assert draw() == first
    glassnet.manual_seed(43)
    assert draw() != first
    gen = glassnet.Generator().manual_seed(42)
    assert glassnet.rand(3, generator=gen).tolist() == first[:3]


# --- repr ---------------------------------------------------------------------------------------

REPRS = {
    "int scalar": lambda L: L.tensor(3),
    "whole floats": lambda L: L.tensor([1.0, 2.0]),
    "floats": lambda L: L.tensor([0.1, 2.5]),
    "float scalar": lambda L: L.tensor(2.5),
    "float64": lambda L: L.tensor([0.1, 2.5], dtype=L.float64),
    "int32": lambda L: L.tensor([1, 2], dtype=L.int32),
    "matrix requires_grad": lambda L: L.tensor([[1.5, -2.0], [3.25, 4.0]], requires_grad=True),
    "bool": lambda L: L.tensor([True, False]),
    "scientific": lambda L: L.tensor([1e-5, 1e3]),
    "large whole floats": lambda L: L.tensor([1e10, 1.0]),
    "empty": lambda L: L.zeros(2, 0),
    "grad_fn": lambda L: L.tensor([1.5], requires_grad=True) * 2,
}


@pytest.mark.parametrize("name", REPRS)
def test_repr_looks_like_torch(name):
    torch = pytest.importorskip("torch")
    expected = repr(REPRS[name](torch)).replace("torch.", "glassnet.")
    assert repr(REPRS[name](glassnet)) == expected
