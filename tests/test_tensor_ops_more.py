"""More of PyTorch's tensor API against PyTorch 2.13: einsum, sorting, scans, scatter, norms, pieces, rounding…

Each differentiable case runs in float32 and float64 through ``compare_with_torch``
(forward values and dtypes, and every input's gradient for a random upstream
gradient), then the same ops are checked by central differences without
PyTorch (``gradcheck``), by Hypothesis properties, and for their error messages.
"""

import functools
import math

import numpy as np
import pytest

import glassnet
from glassnet.autograd import gradcheck
from helpers import compare_with_torch

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64]


def both(fn):
    """``fn(lib, *tensors)`` as a (torch, glassnet) pair of functions."""
    return functools.partial(fn, torch), functools.partial(fn, glassnet)


def case(shapes, fn, glassnet_fn=None, low=-2.0, high=2.0, id=None):
    return pytest.param(shapes, fn, glassnet_fn, low, high, id=id)


POSITIVE = {"low": 0.5, "high": 2.0}


def weighted_cat(L, pieces, dim=0):
    """The pieces joined again, each scaled differently, so every piece's gradient is checked."""
    return L.cat([p * (i + 1) for i, p in enumerate(pieces)], dim)


CASES = [
    # einsum: products, sums, diagonals, broadcasting, '...', implicit output
    case([(3, 4), (4, 5)], *both(lambda L, x, y: L.einsum("ij,jk->ik", x, y)), id="einsum-matmul"),
    case([(2, 3, 4), (2, 4, 5)], *both(lambda L, x, y: L.einsum("bij,bjk->bik", x, y)), id="einsum-bmm"),
    case([(1, 3, 4), (2, 4, 5)], *both(lambda L, x, y: L.einsum("bij,bjk->bik", x, y)), id="einsum-broadcast-1"),
    case([(3, 3)], *both(lambda L, x: L.einsum("ii->i", x)), id="einsum-diagonal"),
    case([(3, 3)], *both(lambda L, x: L.einsum("ii", x)), id="einsum-trace"),
    case([(2, 2, 3)], *both(lambda L, x: L.einsum("iij->ij", x)), id="einsum-partial-diagonal"),
    case([(2, 3, 4)], *both(lambda L, x: L.einsum("ijk->j", x)), id="einsum-sum-alone"),
    case([(2, 3)], *both(lambda L, x: L.einsum("ij->", x)), id="einsum-sum-all"),
    case([(2,), (3,)], *both(lambda L, x, y: L.einsum("i,j", x, y)), id="einsum-implicit-outer"),
    case([(2, 3), (3, 2)], *both(lambda L, x, y: L.einsum("ba,ab", x, y)), id="einsum-implicit-scalar"),
    case([(2, 3), (3, 4)], *both(lambda L, x, y: L.einsum("ij,jk", x, y)), id="einsum-implicit-matmul"),
    case([(5, 2, 3), (3, 2)], *both(lambda L, x, y: L.einsum("...ij,jk->...ik", x, y)), id="einsum-ellipsis"),
    case([(2, 3, 4)], *both(lambda L, x: L.einsum("...ij->...ji", x)), id="einsum-ellipsis-transpose"),
    case([(2, 3), (3,)], *both(lambda L, x, y: L.einsum("...i,...i", x, y)), id="einsum-ellipsis-implicit"),
    case([(2, 3, 4)], *both(lambda L, x: L.einsum("...ij->ij", x)), id="einsum-ellipsis-summed"),
    case([(2, 3, 4), (4, 5), (5, 2)], *both(lambda L, x, y, z: L.einsum("abc,cd,de->ae", x, y, z)), id="einsum-three"),
    case([(3,), (3,), (3,)], *both(lambda L, x, y, z: L.einsum("i, i, i ->", [x, y, z])), id="einsum-list-spaces"),
    # ordering: values carry gradients back to where they came from
    case([(3, 5)], lambda x: x.sort(), id="sort"),
    case([(3, 5)], lambda x: x.sort(0, descending=True), id="sort-descending"),
    case([(3, 5)], *both(lambda L, x: L.sort(x, dim=1, stable=True)), id="sort-function"),
    case([(3, 5)], lambda x: x.topk(2), id="topk"),
    case([(4, 5)], lambda x: x.topk(3, dim=0, largest=False), id="topk-smallest"),
    case([(3, 5)], *both(lambda L, x: L.topk(x, 5, 1)), id="topk-all"),
    case([(3, 5)], lambda x: x.argsort(), id="argsort"),
    case([(3, 5)], *both(lambda L, x: L.argsort(x, 0, descending=True)), id="argsort-function"),
    # scans
    case([(3, 4)], lambda x: x.cumsum(1), id="cumsum"),
    case([(3, 4)], *both(lambda L, x: L.cumsum(x, dim=0)), id="cumsum-function"),
    case(
        [(3, 4)],
        lambda x: x.cumsum(-1, dtype=torch.float64),
        lambda x: x.cumsum(-1, dtype=glassnet.float64),
        id="cumsum-dtype",
    ),
    case([(3, 4)], lambda x: x.cumprod(1), id="cumprod"),
    case([(4, 3)], *both(lambda L, x: L.cumprod(x, 0)), id="cumprod-function"),
    # norms
    case([(3, 4)], lambda x: x.norm(), id="norm-fro"),
    case([(3, 4)], lambda x: x.norm(dim=1), id="norm-dim"),
    case([(3, 4)], lambda x: x.norm(1, dim=0, keepdim=True), id="norm-1"),
    case([(3, 4)], lambda x: x.norm(float("inf"), dim=1), id="norm-inf"),
    case([(3, 4)], lambda x: x.norm(-math.inf), id="norm-minus-inf"),
    case([(3, 4)], lambda x: x.norm(3, dim=(0, 1)), id="norm-3"),
    case([(3, 4)], lambda x: x.norm(0.5, dim=-1), id="norm-half"),
    case([(2, 3, 4)], *both(lambda L, x: L.norm(x, p=2, dim=(0, 2))), id="norm-function"),
    # matrix products
    case([(2, 3, 4), (2, 4, 5)], *both(lambda L, x, y: L.bmm(x, y)), id="bmm"),
    case([(2, 3, 4), (2, 4, 5)], lambda x, y: x.bmm(y), id="bmm-method"),
    case([(3, 5), (2, 3, 4), (2, 4, 5)], *both(lambda L, c, x, y: L.baddbmm(c, x, y, beta=0.5, alpha=2)), id="baddbmm"),
    case([(5,), (3, 4), (4, 5)], *both(lambda L, c, x, y: L.addmm(c, x, y)), id="addmm"),
    case([(3, 5), (3, 4), (4, 5)], lambda c, x, y: c.addmm(x, y, beta=2, alpha=-1), id="addmm-method"),
    case([(3, 5), (3, 4), (4, 5)], *both(lambda L, c, x, y: L.addmm(c, x, y, beta=0)), id="addmm-beta-0"),
    case([(4,), (4,)], *both(lambda L, x, y: L.dot(x, y)), id="dot"),
    case([(3,), (4,)], *both(lambda L, x, y: L.outer(x, y)), id="outer"),
    # pieces along a dim, and back
    case([(7, 3)], *both(lambda L, x: weighted_cat(L, L.split(x, 3))), id="split-int"),
    case([(3, 6)], *both(lambda L, x: weighted_cat(L, x.split([1, 0, 5], dim=1), 1)), id="split-sizes"),
    case([(7, 3)], *both(lambda L, x: weighted_cat(L, L.chunk(x, 3))), id="chunk"),
    case([(2, 6)], *both(lambda L, x: weighted_cat(L, x.chunk(4, -1), -1)), id="chunk-fewer"),
    case([(3, 4)], *both(lambda L, x: L.stack([p * (i + 1) for i, p in enumerate(L.unbind(x, 1))])), id="unbind"),
    case([(5, 4)], *both(lambda L, x: L.narrow(x, 0, 1, 3)), id="narrow"),
    case([(5, 4)], lambda x: x.narrow(-1, -3, 2), id="narrow-negative-start"),
    case([(3, 4)], lambda x: x.select(1, -1), id="select"),
    case([(4, 5)], *both(lambda L, x: x.index_select(0, L.tensor([3, 0, 3]))), id="index_select-repeats"),
    case([(4, 5)], *both(lambda L, x: L.index_select(x, -1, L.tensor([4, 1]))), id="index_select-function"),
    # writing at positions
    case([(3, 4)], *both(lambda L, x: x.masked_fill(x > 0, -1.5)), id="masked_fill"),
    case(
        [(3, 4)],
        *both(lambda L, x: L.masked_fill(x, L.tensor([True, False, True, False]), 0)),
        id="masked_fill-broadcast",
    ),
    case([(3, 4), ()], *both(lambda L, x, v: x.masked_fill(x < 0, v)), id="masked_fill-tensor-value"),
    case(
        [(3, 4), (2, 4)], *both(lambda L, x, s: x.scatter(0, L.tensor([[2, 0, 1, 1], [1, 2, 0, 2]]), s)), id="scatter"
    ),
    case(
        [(3, 4), (3, 1)],
        *both(lambda L, x, s: L.scatter(x, 1, L.tensor([[3], [0], [1]]), s)),
        id="scatter-narrow-index",
    ),
    case([(3, 4)], *both(lambda L, x: x.scatter(1, L.tensor([[0, 3], [1, 1], [2, 0]]), 7.5)), id="scatter-value"),
    case(
        [(3, 4), (3, 4)],
        *both(lambda L, x, s: x.scatter_add(1, L.tensor([[0, 0, 1, 3]] * 3), s)),
        id="scatter_add-repeats",
    ),
    case(
        [(3, 4), (2, 4)],
        *both(lambda L, x, s: L.scatter_add(x, 0, L.tensor([[2, 2, 2, 2], [2, 2, 0, 0]]), s)),
        id="scatter_add-function",
    ),
    # rearranging
    case([(2, 3, 4)], lambda x: x.flip(0, 2), id="flip"),
    case([(2, 3, 4)], *both(lambda L, x: L.flip(x, [-1])), id="flip-function"),
    case([(3, 4)], lambda x: x.roll(1, 0), id="roll"),
    case([(3, 4)], *both(lambda L, x: L.roll(x, (-1, 2), (1, 0))), id="roll-dims"),
    case([(3, 4)], lambda x: x.roll(5), id="roll-flat"),
    case([(2, 3, 4)], lambda x: x.tril(), id="tril"),
    case([(3, 4)], *both(lambda L, x: L.tril(x, -1)), id="tril-below"),
    case([(3, 4)], lambda x: x.triu(1), id="triu"),
    case([(4,)], lambda x: x.diag(), id="diag-vector"),
    case([(3,)], *both(lambda L, x: L.diag(x, -2)), id="diag-vector-below"),
    case([(3, 4)], *both(lambda L, x: L.diag(x, 1)), id="diag-matrix-above"),
    case([(4, 3)], lambda x: x.diag(-1), id="diag-matrix-below"),
    case([(2, 3)], lambda x: x.repeat(2, 1, 3), id="repeat"),
    case([(2, 3)], *both(lambda L, x: L.tile(x, (2,))), id="tile"),
    case([(2, 3)], lambda x: x.repeat_interleave(2), id="repeat_interleave-flat"),
    case(
        [(2, 3)], *both(lambda L, x: L.repeat_interleave(x, L.tensor([1, 0, 3]), dim=1)), id="repeat_interleave-counts"
    ),
    case([(2, 3)], lambda x: x.mT, id="mT"),
    case([(2, 3, 4)], lambda x: x.mT, id="mT-batch"),
    # elementwise
    case([(3, 4)], lambda x: x.sin(), low=-4, high=4, id="sin"),
    case([(3, 4)], *both(lambda L, x: L.cos(x)), low=-4, high=4, id="cos"),
    case([(3, 4)], lambda x: x.log1p(), low=-0.5, high=2, id="log1p"),
    case([(3, 4)], *both(lambda L, x: L.expm1(x)), id="expm1"),
    case([(3, 4)], lambda x: x.rsqrt(), **POSITIVE, id="rsqrt"),
    case([(3, 4)], *both(lambda L, x: L.square(x)), id="square"),
    case([(3, 4), (4,)], lambda x, y: x.add(y, alpha=-2.5), id="add-alpha"),
    case([(3, 4), (4,)], *both(lambda L, x, y: L.sub(x, y, alpha=3)), id="sub-alpha"),
    case(
        [(2, 2)],
        *both(lambda L, x: x.add(L.tensor([1.0, 2.0]), alpha=2).sub(L.tensor([[0.5], [1.5]]), alpha=-1)),
        id="add-sub-alpha-tensor",
    ),
    case([(3, 4), (4,)], lambda x, y: x.mul(y).pow(2), id="mul-pow"),
    case([(3, 4), (4,)], *both(lambda L, x, y: L.div(x, y.abs() + 0.5)), id="div"),
    case([(3, 4), (4,)], lambda x, y: x.remainder(y.abs() + 0.5), id="remainder"),
    case([(3, 4), (4,)], lambda x, y: x % (y - 3), id="mod-negative-divisor"),
    case([(3, 4), (4,)], *both(lambda L, x, y: L.fmod(x, y.abs() + 0.5)), id="fmod"),
    case([(3, 4)], lambda x: x.clamp_min(-0.5) + x.clamp_max(0.5), id="clamp_min-max"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shapes, fn, glassnet_fn, low, high", CASES)
def test_op_matches_torch(shapes, fn, glassnet_fn, low, high, dtype):
    compare_with_torch(shapes, fn, glassnet_fn, dtype=dtype, low=low, high=high)


# --- ops with derivative 0: values match, outputs stay in the graph, gradients are zeros -----------------


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.sign(),
        lambda x: x.floor(),
        lambda x: x.ceil(),
        lambda x: x.trunc(),
        lambda x: x.round(),
        lambda x: x.round(decimals=1),
        lambda x: x.div(0.7, rounding_mode="trunc"),
        lambda x: x.div(-0.7, rounding_mode="floor"),
    ],
    ids=["sign", "floor", "ceil", "trunc", "round", "round-decimals", "div-trunc", "div-floor"],
)
@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_piecewise_constant_ops_match_torch_with_zero_gradient(fn, dtype):
    values = [np.array([-2.5, -1.5, -0.7, 0.0, 0.25, 0.5, 1.5, 2.5, 3.14159], dtype=dtype)]
    out, _ = compare_with_torch(None, fn, values=values)
    assert out[0].requires_grad and out[0].grad_fn is not None


def test_ops_that_torch_cannot_differentiate_match_forward_and_have_gradients():
    """PyTorch has no backward for ``//``, ``number % tensor`` and scatter's ``reduce``; glassnet's are 0, 1 and scatter_add's."""
    values = [np.array([-2.5, -1.5, -0.7, 0.25, 0.5, 1.5, 2.5, 3.14159])]
    for fn in [lambda x: x // 0.3, lambda x: 2.0 // x, lambda x: 5.5 % x]:
        out, _ = compare_with_torch(None, fn, values=values, forward_only=True)
    index = np.array([[0, 0, 1, 3]] * 3)
    values = [np.arange(12.0).reshape(3, 4), np.ones((3, 4)), index]
    with pytest.warns(UserWarning, match="reduce argument of torch.scatter"):
        compare_with_torch(None, lambda x, s, i: x.scatter(1, i, s, reduce="add"), values=values, forward_only=True)
    x = glassnet.tensor([0.5, 1.5], requires_grad=True)
    (x // 0.3 + 5.5 % x).sum().backward()
    assert x.grad.tolist() == [-11.0, -3.0]  # d(5.5 % x)/dx = -floor(5.5 / x)


def test_integer_division_and_remainders_match_torch():
    a = np.array([-7, -6, -1, 0, 1, 6, 7], dtype=np.int64)
    b = np.array([2, -2, 3, -3, 5, 4, -4], dtype=np.int64)
    for fn in [
        lambda x, y: x // y,
        lambda x, y: x % y,
        lambda x, y: x.div(y, rounding_mode="trunc"),
        lambda x, y: x.div(y, rounding_mode="floor"),
        lambda x, y: x.fmod(y),
        lambda x, y: x.remainder(3),
        lambda x, y: 7 // y,
        lambda x, y: x.floor(),
        lambda x, y: x.sign(),
        lambda x, y: x.square(),
        lambda x, y: (x > 0).sign(),
    ]:
        compare_with_torch(None, fn, values=[a, b])  # checks the dtype too: int64 (bool for sign of a bool)


def test_integer_division_by_zero_raises_like_torch():
    with pytest.raises(RuntimeError, match=r"floor_divide: integer division by zero .*hint"):
        glassnet.tensor([1, 2]) // glassnet.tensor([1, 0])
    with pytest.raises(RuntimeError, match="remainder: integer division by zero"):
        glassnet.tensor([1, 2]) % 0


def test_remainder_and_fmod_take_the_sign_of_divisor_and_dividend():
    x = glassnet.tensor([-3.0, 3.0])
    assert (x % 2).tolist() == [1.0, 1.0] and x.fmod(2).tolist() == [-1.0, 1.0]
    assert (glassnet.tensor(1.0) // 0.1).item() == 9.0  # Python's floor division: exact remainder first


# --- ordering ------------------------------------------------------------------------------------------


def test_sort_and_topk_return_named_values_and_indices():
    x = glassnet.tensor([[3.0, 1.0, 2.0]])
    result = x.topk(2)
    assert type(result).__name__ == "topk" and result.indices.tolist() == [[0, 2]]
    values, indices = glassnet.sort(x, descending=True)
    assert type(glassnet.sort(x)).__name__ == "sort" and values.tolist() == [[3.0, 2.0, 1.0]]
    assert indices.dtype == glassnet.int64 and indices.tolist() == [[0, 2, 1]]


def test_sort_is_stable_and_puts_nan_last_like_torch():
    values = [np.array([[3.0, 1.0, 3.0, np.nan, 2.0, 1.0, 3.0]])]
    for descending in (False, True):
        out, expected = compare_with_torch(
            None,
            lambda x: torch.sort(x, descending=descending, stable=True),
            lambda x: glassnet.sort(x, descending=descending, stable=True),
            values=values,
        )
        assert out[1].tolist() == expected[1].tolist()


def test_sort_and_topk_of_0d_and_int_tensors():
    compare_with_torch(None, lambda x: x.sort(), values=[np.array(2.5)])
    compare_with_torch(None, lambda x: x.topk(1), values=[np.array(2.5)])
    compare_with_torch(None, lambda x: x.topk(2, largest=False), values=[np.array([4, -1, 7, 0])])
    compare_with_torch(None, lambda x: x.argsort(descending=True), values=[np.array([True, False, True])])


# --- scans -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_cumprod_gradient_through_zeros_matches_torch(dtype):
    values = [np.array([[2.0, 0.0, 3.0, 0.0, 4.0], [0.0, 1.5, 2.0, -1.0, 0.5], [1.0, 2.0, 0.5, 3.0, 0.0]], dtype=dtype)]
    compare_with_torch(None, lambda x: x.cumprod(1), values=values)
    compare_with_torch(None, lambda x: x.cumprod(0), values=values)


def test_cumsum_and_cumprod_of_integers_are_int64():
    for dtype in (np.int32, np.bool_):
        compare_with_torch(None, lambda x: x.cumsum(0), values=[np.array([1, 0, 1], dtype=dtype)])
        compare_with_torch(None, lambda x: x.cumprod(0), values=[np.array([1, 1, 0], dtype=dtype)])
    compare_with_torch(None, lambda x: x.cumsum(0), values=[np.array(3.5)])


# --- norms -----------------------------------------------------------------------------------------------


def test_norm_gradient_at_zero_and_at_ties_matches_torch():
    zero = [np.zeros((2, 3))]
    for p in (2, 1, 3, 0.5, math.inf, 0):
        compare_with_torch(None, lambda x: x.norm(p), values=zero)
        compare_with_torch(None, lambda x: x.norm(p, dim=1), values=[np.array([[0.0, 0.0, 0.0], [1.0, -2.0, 0.0]])])
    ties = [np.array([[1.0, -3.0, 3.0], [2.0, 2.0, -2.0]])]
    compare_with_torch(None, lambda x: x.norm(math.inf, dim=1), values=ties)
    compare_with_torch(None, lambda x: x.norm(-math.inf), values=ties)


def test_norm_refuses_integers_and_unknown_p():
    with pytest.raises(RuntimeError, match=r"norm: expected a floating point tensor, got glassnet.int64 .*hint"):
        glassnet.arange(3).norm()
    assert glassnet.arange(4).norm(dtype=glassnet.float32).item() == pytest.approx(math.sqrt(14))
    with pytest.raises(RuntimeError, match="norm: p='nuc' is not supported"):
        glassnet.ones(2, 2).norm("nuc")


# --- pieces ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, size",
    [
        (lambda L, x: L.split(x, 2), 5),
        (lambda L, x: L.split(x, 10), 5),
        (lambda L, x: L.chunk(x, 3), 5),
        (lambda L, x: L.chunk(x, 10), 5),
        (lambda L, x: L.chunk(x, 4), 6),
        (lambda L, x: x.split([0, 5]), 5),
        (lambda L, x: L.split(x, 2), 0),
        (lambda L, x: L.split(x, 0), 0),
        (lambda L, x: L.chunk(x, 3), 0),
    ],
    ids=[
        "split-2",
        "split-larger",
        "chunk-3",
        "chunk-more-than-size",
        "chunk-fewer",
        "split-with-empty",
        "split-empty",
        "split-0-empty",
        "chunk-empty",
    ],
)
def test_split_and_chunk_sizes_match_torch(fn, size):
    ours = fn(glassnet, glassnet.arange(size))
    theirs = fn(torch, torch.arange(size))
    assert isinstance(ours, tuple)
    assert [p.tolist() for p in ours] == [p.tolist() for p in theirs]


def test_pieces_are_views_sharing_memory():
    x = glassnet.zeros(4, 2)
    first, _ = x.chunk(2)
    first[0, 0] = 5.0
    assert x[0, 0].item() == 5.0 and x.unbind()[0][0].item() == 5.0


def test_index_select_of_0d_index_and_0d_input():
    compare_with_torch(
        None,
        lambda x: x.index_select(1, torch.tensor(2)),
        lambda x: x.index_select(1, glassnet.tensor(2)),
        values=[np.arange(12.0).reshape(3, 4)],
    )


# --- masked_fill, scatter, in place ----------------------------------------------------------------------


def test_masked_fill_keeps_the_input_dtype():
    compare_with_torch(None, lambda x: x.masked_fill(x > 1, 2.5), values=[np.arange(4).reshape(2, 2)])
    assert glassnet.arange(4).masked_fill(glassnet.tensor([True, False, False, True]), 9).tolist() == [9, 1, 2, 9]


def test_in_place_forms_change_the_tensor():
    x = glassnet.tensor([[-1.0, 2.0], [3.0, -4.0]])
    assert x.masked_fill_(x < 0, 0.0) is x and x.tolist() == [[0.0, 2.0], [3.0, 0.0]]
    x.scatter_(1, glassnet.tensor([[1], [0]]), glassnet.tensor([[7.0], [8.0]]))
    assert x.tolist() == [[0.0, 7.0], [8.0, 0.0]]
    x.scatter_add_(0, glassnet.tensor([[1, 1]]), glassnet.tensor([[1.0, 1.0]]))
    x.scatter_(0, glassnet.tensor([[0]]), value=-1.0)
    assert x.tolist() == [[-1.0, 7.0], [9.0, 1.0]]
    x.clamp_(0, 8).sqrt_().exp_()
    np.testing.assert_allclose(x.array, np.exp(np.sqrt([[0.0, 7.0], [8.0, 1.0]])), rtol=1e-6)
    leaf = glassnet.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="masked_fill_: a leaf Variable that requires grad"):
        leaf.masked_fill_(glassnet.tensor([True, False]), 0.0)


def test_scatter_from_a_larger_src_uses_its_leading_part():
    """PyTorch computes this forward but has no backward for it ("only for src.shape == index.shape"): gradcheck."""
    index = np.array([[2], [0], [1]])
    values = [np.arange(12.0).reshape(3, 4), np.arange(9.0).reshape(3, 3)]
    compare_with_torch(None, lambda x, s, i: x.scatter(1, i, s), values=values + [index], forward_only=True)
    compare_with_torch(None, lambda x, s, i: x.scatter_add(0, i, s), values=values + [index], forward_only=True)
    x, s = (glassnet.tensor(v, requires_grad=True) for v in values)
    assert gradcheck(
        lambda x, s: x.scatter(1, glassnet.tensor(index), s) * x.scatter_add(0, glassnet.tensor(index), s), [x, s]
    )


def test_scatter_refuses_what_torch_refuses():
    x = glassnet.zeros(3, 4)
    with pytest.raises(RuntimeError, match=r"scatter: index -1 is out of bounds for dimension 1 with size 4; hint"):
        x.scatter(1, glassnet.tensor([[-1]]), 1.0)
    with pytest.raises(RuntimeError, match=r"scatter_add: index of shape \(3,\) .* input of shape \(3, 4\).*hint"):
        x.scatter_add(0, glassnet.tensor([0, 1, 2]), glassnet.ones(3))
    with pytest.raises(
        RuntimeError, match="scatter: expected src of dtype glassnet.float32 like the input, got glassnet.float64"
    ):
        x.scatter(0, glassnet.tensor([[0]]), glassnet.ones(1, 1, dtype=glassnet.float64))
    with pytest.raises(RuntimeError, match="reduce='multiply' is not supported"):
        x.scatter(0, glassnet.tensor([[0]]), 2.0, reduce="multiply")


# --- logic, tests of values, reductions to bool ----------------------------------------------------------


def test_logical_ops_isnan_any_all_match_torch():
    a = np.array([[1.0, 0.0, np.nan], [np.inf, -2.0, 0.0]])
    b = np.array([[0.0, 0.0, 1.0], [1.0, -np.inf, 3.0]])
    for fn in [
        lambda x, y: x.logical_and(y),
        lambda x, y: x.logical_or(y),
        lambda x, y: x.logical_xor(y),
        lambda x, y: x.logical_not(),
        lambda x, y: x.isnan(),
        lambda x, y: x.isinf(),
        lambda x, y: x.isfinite(),
        lambda x, y: (x > 0) ^ (y > 0),
        lambda x, y: x.any(1, keepdim=True),
        lambda x, y: (x != 0).all(0),
        lambda x, y: x.all(),
        lambda x, y: y.any(dim=(0, 1)),
    ]:
        out, _ = compare_with_torch(None, fn, values=[a, b], forward_only=True)
        assert out[0].dtype == glassnet.bool
    assert (glassnet.tensor([3, 5]) ^ glassnet.tensor([1, 1])).tolist() == [2, 4]


# --- types, new tensors, devices -------------------------------------------------------------------------


def test_type_names_and_conversions():
    x = glassnet.ones(2)
    assert x.type() == "glassnet.FloatTensor" and glassnet.arange(2).type() == "glassnet.LongTensor"
    assert x.type(glassnet.float64).dtype == glassnet.float64
    assert (
        x.type("torch.IntTensor").dtype == glassnet.int32
        and x.type("glassnet.BoolTensor").type() == "glassnet.BoolTensor"
    )
    assert glassnet.arange(3).type_as(x).dtype == glassnet.float32
    with pytest.raises(RuntimeError, match="type: invalid type 'FloatTensor'; hint"):
        x.type("FloatTensor")


def test_new_tensors_take_dtype_from_self():
    x = glassnet.ones(2, dtype=glassnet.float64)
    assert x.new_zeros(2, 3).shape == (2, 3) and x.new_zeros((2, 3)).dtype == glassnet.float64
    assert x.new_ones(2).tolist() == [1.0, 1.0] and x.new_empty(4).dtype == glassnet.float64
    assert (
        x.new_full((2,), 7).tolist() == [7.0, 7.0] and x.new_full((1,), 7, dtype=glassnet.int64).dtype == glassnet.int64
    )
    data = [1, 2]
    copy = x.new_tensor(data, requires_grad=True)
    assert copy.dtype == glassnet.float64 and copy.requires_grad and copy.tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="new_zeros: glassnet runs on the CPU"):
        x.new_zeros(2, device="cuda")


def test_creation_functions_accept_the_cpu_only():
    for make in [
        lambda d: glassnet.zeros(2, device=d),
        lambda d: glassnet.ones(2, device=d),
        lambda d: glassnet.empty(2, device=d),
        lambda d: glassnet.full((2,), 1.0, device=d),
        lambda d: glassnet.eye(2, device=d),
        lambda d: glassnet.rand(2, device=d),
        lambda d: glassnet.randn(2, device=d),
        lambda d: glassnet.randint(0, 3, (2,), device=d),
        lambda d: glassnet.randperm(3, device=d),
        lambda d: glassnet.arange(3, device=d),
        lambda d: glassnet.linspace(0, 1, 3, device=d),
        lambda d: glassnet.tensor([1.0], device=d),
        lambda d: glassnet.zeros_like(glassnet.ones(2), device=d),
        lambda d: glassnet.full_like(glassnet.ones(2), 3.0, device=d),
        lambda d: glassnet.as_tensor([1.0], device=d),
    ]:
        assert isinstance(make("cpu"), glassnet.Tensor) and isinstance(make(None), glassnet.Tensor)
        with pytest.raises(RuntimeError, match="glassnet runs on the CPU"):
            make("cuda")


def test_as_tensor_shares_memory_like_torch():
    array = np.arange(3.0)
    shared = glassnet.as_tensor(array)
    array[0] = 5.0
    assert shared.dtype == glassnet.float64 and shared[0].item() == 5.0
    assert glassnet.as_tensor(shared) is shared
    assert glassnet.as_tensor(array, dtype=glassnet.float32).dtype == glassnet.float32
    assert glassnet.as_tensor([1, 2]).dtype == glassnet.int64
    assert glassnet.as_tensor(shared, dtype=glassnet.float32).dtype == glassnet.float32


def test_add_alpha_scales_a_list_instead_of_repeating_it():
    assert glassnet.zeros(2).add([1.0, 2.0], alpha=2).tolist() == [2.0, 4.0]


def test_repeat_interleave_of_counts_alone():
    assert glassnet.repeat_interleave(glassnet.tensor([2, 0, 1])).tolist() == [0, 0, 2]
    compare_with_torch(None, lambda x: x.repeat_interleave(3, dim=0), values=[np.array([[1.0, 2.0], [3.0, 4.0]])])


# --- numerical gradients, no torch -----------------------------------------------------------------------


GRADCHECK_CASES = [
    ([(3, 4), (4, 2)], lambda x, y: glassnet.einsum("ij,jk->ik", x, y)),
    ([(2, 3, 3)], lambda x: glassnet.einsum("bii->bi", x)),
    ([(1, 3), (2, 3), (3,)], lambda x, y, z: glassnet.einsum("ij,kj,j->ik", x, y, z)),
    ([(3, 5)], lambda x: x.sort(1, descending=True).values),
    ([(3, 5)], lambda x: x.topk(2, 0).values),
    ([(3, 4)], lambda x: x.cumsum(0) * x.cumprod(1)),
    ([(3, 4)], lambda x: x.norm(dim=0) + x.norm(3) + x.norm(1.5, dim=1, keepdim=True)),
    ([(2, 3, 4), (2, 4, 2), (3, 2)], lambda x, y, c: glassnet.baddbmm(c, x, y, beta=0.3, alpha=1.5)),
    ([(3, 4), (2, 4)], lambda x, s: x.scatter(0, glassnet.tensor([[2, 0, 1, 1], [1, 2, 0, 2]]), s)),
    ([(3, 4), (2, 4)], lambda x, s: x.scatter_add(0, glassnet.tensor([[2, 0, 2, 1], [2, 2, 0, 2]]), s)),
    ([(3, 4), ()], lambda x, v: x.masked_fill(x > 0, v)),
    ([(3, 4)], lambda x: glassnet.cat(x.split([1, 3], 1)[::-1], 1) * x.flip(0).roll(1, 1)),
    ([(4, 4)], lambda x: x.tril(1) + x.triu() * 2 + x.diag().diag(1)[:4, :4]),
    ([(2, 3)], lambda x: x.repeat(2, 2) * x.repeat_interleave(2, 0).tile(1, 2)),
    ([(3, 4)], lambda x: x.sin() * x.cos() + x.expm1() + x.square()),
    ([(3, 4)], lambda x: (x.abs() + 0.5).rsqrt() + (x.abs() + 0.5).log1p() + x.fmod(0.7) + x % -0.6),
]


@pytest.mark.parametrize("shapes, fn", GRADCHECK_CASES)
def test_gradcheck(shapes, fn):
    rng = np.random.default_rng(1)
    inputs = [glassnet.tensor(rng.uniform(-2, 2, s), dtype=glassnet.float64, requires_grad=True) for s in shapes]
    assert gradcheck(fn, inputs)


def test_gradcheck_cumprod_through_a_zero():
    x = glassnet.tensor([[1.5, 0.0, 2.0, -1.0], [0.5, 3.0, 0.0, 0.0]], dtype=glassnet.float64, requires_grad=True)
    assert gradcheck(lambda t: t.cumprod(1), [x])


# --- error messages: op, shapes, hint --------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn, message",
    [
        (
            lambda: glassnet.einsum("ij,jk->ik", glassnet.ones(2, 3), glassnet.ones(4, 2)),
            r"einsum\(\): equation 'ij,jk->ik' with operands of shapes \[\(2, 3\), \(4, 2\)\]: subscript 'j' has size 3 in one operand and 4 in another; hint",
        ),
        (lambda: glassnet.einsum("ij->ik", glassnet.ones(2, 3)), r"einsum\(\).*output subscript 'k'.*hint"),
        (lambda: glassnet.einsum("ij,jk", glassnet.ones(2, 3)), r"einsum\(\).*names 2 operands but 1 were given; hint"),
        (
            lambda: glassnet.einsum("ijk", glassnet.ones(2, 3)),
            r"einsum\(\).*'ijk' name 3 dimensions but the operand has shape \(2, 3\); hint",
        ),
        (lambda: glassnet.einsum("i1", glassnet.ones(2, 3)), r"einsum\(\).*invalid subscripts 'i1'; hint"),
        (
            lambda: glassnet.einsum("i,i", glassnet.ones(2), glassnet.ones(2, dtype=glassnet.float64)),
            r"einsum\(\): operands have different dtypes.*hint",
        ),
        (
            lambda: glassnet.ones(3, 4).topk(5),
            r"topk: k=5 is out of range for dimension -1 of size 4 \(input shape \(3, 4\)\); hint",
        ),
        (
            lambda: glassnet.ones(5).split([2, 2]),
            r"split: sizes \[2, 2\] must be non-negative and add up to 5.*shape \(5,\).*hint",
        ),
        (lambda: glassnet.ones(5).split(0), r"split: split_size must be positive"),
        (lambda: glassnet.ones(5).chunk(0), r"chunk: expects chunks to be greater than 0"),
        (lambda: glassnet.tensor(1.0).unbind(), r"unbind: expected a tensor with at least 1 dimension"),
        (
            lambda: glassnet.ones(4, 3).narrow(0, 2, 3),
            r"narrow: start 2 and length 3 do not fit dimension 0 of size 4 \(shape \(4, 3\)\); hint",
        ),
        (
            lambda: glassnet.ones(4, 3).index_select(0, glassnet.tensor([1.0])),
            r"index_select: index must be a 1-d integer tensor.*hint",
        ),
        (
            lambda: glassnet.ones(4, 3).masked_fill(glassnet.ones(4, 3), 0),
            r"masked_fill: expected a boolean mask, got dtype float32; hint",
        ),
        (
            lambda: glassnet.ones(4, 3).masked_fill(glassnet.ones(2, 1) > 0, 0),
            r"masked_fill: mask of shape \(2, 1\) does not broadcast with input of shape \(4, 3\); hint",
        ),
        (
            lambda: glassnet.ones(4, 3).masked_fill(glassnet.ones(4, 3) > 0, glassnet.ones(3)),
            r"masked_fill: value must be a number or a 0-d tensor.*hint",
        ),
        (
            lambda: glassnet.ones(2, 3).bmm(glassnet.ones(3, 2)),
            r"bmm: expected two 3-d tensors with the same batch size, got shapes \(2, 3\) and \(3, 2\); hint",
        ),
        (
            lambda: glassnet.ones(2, 2, 3).bmm(glassnet.ones(2, 2, 3)),
            r"matmul: shapes \(2, 2, 3\) and \(2, 2, 3\) cannot be multiplied",
        ),
        (
            lambda: glassnet.addmm(glassnet.ones(3, 3), glassnet.ones(2, 4), glassnet.ones(4, 2)),
            r"addmm: input of shape \(3, 3\) does not broadcast to the product's shape \(2, 2\); hint",
        ),
        (
            lambda: glassnet.dot(glassnet.ones(2), glassnet.ones(3)),
            r"dot: expected two 1-d tensors of the same length and dtype, got \(2,\) glassnet.float32 and \(3,\).*hint",
        ),
        (
            lambda: glassnet.outer(glassnet.ones(2, 2), glassnet.ones(3)),
            r"outer: expected two 1-d tensors, got shapes \(2, 2\) and \(3,\); hint",
        ),
        (lambda: glassnet.ones(3).tril(), r"tril: input tensor must have at least 2 dimensions, got shape \(3,\)"),
        (lambda: glassnet.ones(2, 2, 2).diag(), r"diag: expected a 1-d or 2-d tensor, got shape \(2, 2, 2\); hint"),
        (
            lambda: glassnet.ones(2, 3).repeat(2),
            r"repeat: number of repeat dims \(1\) can not be smaller than number of tensor dims \(2\); hint",
        ),
        (
            lambda: glassnet.ones(3).repeat_interleave(glassnet.tensor([1, 2])),
            r"repeat_interleave: repeats must be .* \(3\) along dim None, got \[1, 2\]; hint",
        ),
        (lambda: glassnet.ones(3).roll((1, 2)), r"roll: shifts \(1, 2\) and dims None must have the same length; hint"),
        (lambda: glassnet.ones(3).mT, r"mT: expected a tensor with at least 2 dimensions, got shape \(3,\)"),
        (
            lambda: glassnet.ones(3).div(2, rounding_mode="round"),
            r"div: expected rounding_mode to be one of None, 'trunc' or 'floor', but found 'round'",
        ),
    ],
)
def test_error_messages_name_the_op_shapes_and_a_hint(fn, message):
    with pytest.raises(RuntimeError, match=message):
        fn()


def test_index_errors_are_index_errors_as_in_torch():
    with pytest.raises(
        IndexError, match=r"index_select: index 3 is out of range for dimension 1 of size 3 \(input shape \(4, 3\)\)"
    ):
        glassnet.ones(4, 3).index_select(1, glassnet.tensor([3]))
    with pytest.raises(IndexError, match=r"select: index -3 out of range for dimension 0 of size 2 \(shape \(2, 3\)\)"):
        glassnet.ones(2, 3).select(0, -3)


def test_einsum_refuses_the_sublist_form():
    with pytest.raises(TypeError, match=r"einsum\(\): the first argument must be an equation.*hint"):
        glassnet.einsum(glassnet.ones(2), [0], glassnet.ones(2), [0])


# --- properties (Hypothesis) -----------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SETTINGS = settings(max_examples=40, deadline=None)


@st.composite
def tensor_and_dim(draw):
    shape = tuple(draw(st.lists(st.integers(0, 5), min_size=1, max_size=3)))
    dim = draw(st.integers(-len(shape), len(shape) - 1))
    values = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    return values, dim


@SETTINGS
@given(tensor_and_dim(), st.integers(1, 6))
def test_split_chunk_and_cat_round_trip_like_torch(case, pieces):
    values, dim = case
    x = glassnet.tensor(values, requires_grad=True)
    n = values.shape[dim]
    for parts, theirs in [
        (x.split(pieces, dim), torch.tensor(values).split(pieces, dim)),
        (x.chunk(pieces, dim), torch.tensor(values).chunk(pieces, dim)),
    ]:
        assert [tuple(p.shape) for p in parts] == [tuple(p.shape) for p in theirs]
        assert sum(p.shape[dim] for p in parts) == n
        np.testing.assert_array_equal(glassnet.cat(parts, dim).array, values)
    sizes = [n // 3, n - 2 * (n // 3), n // 3]
    parts = x.split(sizes, dim)
    weighted = glassnet.cat([p * (i + 1) for i, p in enumerate(parts)], dim)
    weighted.sum().backward()
    expected = np.concatenate([np.full(p.shape, i + 1.0) for i, p in enumerate(parts)], axis=dim)
    np.testing.assert_array_equal(x.grad.array, expected)


@SETTINGS
@given(
    st.lists(st.integers(1, 3), min_size=0, max_size=2),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 4),
    st.sampled_from([np.float32, np.float64]),
)
def test_einsum_equals_matmul_for_batched_products(batch, n, k, m, dtype):
    shapes = [tuple(batch) + (n, k), (k, m)]
    out, _ = compare_with_torch(
        shapes,
        lambda a, b: a @ b,
        lambda a, b: glassnet.einsum("...nk,km->...nm", a, b),
        dtype=dtype,
    )
    assert out[0].shape == tuple(batch) + (n, m)


def test_topk_matches_torch_for_every_k_and_dim():
    values = np.random.default_rng(3).standard_normal((4, 6, 5))
    values[0, 0, 0] = np.nan
    for dim in range(3):
        for k in range(values.shape[dim] + 1):
            for largest in (True, False):
                ours = glassnet.tensor(values).topk(k, dim, largest)
                theirs = torch.tensor(values).topk(k, dim, largest)
                np.testing.assert_array_equal(ours.indices.array, theirs.indices.numpy())
                np.testing.assert_array_equal(ours.values.array, theirs.values.numpy())


def test_scatter_counts_a_0d_index_and_src_as_one_element_like_torch():
    compare_with_torch(None, lambda x, i: x.scatter(0, i, 1.0), values=[np.zeros(10), np.array(3)])
    compare_with_torch(None, lambda x, i, s: x.scatter(0, i, s), values=[np.zeros(5), np.array(3), np.array(7.5)])
    compare_with_torch(None, lambda x, i, s: x.scatter_add(0, i, s), values=[np.ones(5), np.array([3]), np.array(7.5)])
    one_hot = glassnet.zeros(4).scatter_(0, glassnet.tensor(2), value=1)
    assert one_hot.tolist() == [0.0, 0.0, 1.0, 0.0]


def test_out_argument_writes_into_the_given_tensor_like_torch():
    out = glassnet.empty(2)
    assert glassnet.add(glassnet.ones(2), 1, out=out) is out and out.tolist() == [2.0, 2.0]
    out = glassnet.zeros(2, dtype=glassnet.float64)
    glassnet.matmul(glassnet.ones(2, 3), glassnet.ones(3), out=out)
    assert out.tolist() == [3.0, 3.0] and out.dtype == glassnet.float64
    resized = glassnet.empty(0)
    glassnet.mul(glassnet.ones(2, 2), 3, out=resized)
    assert resized.shape == (2, 2) and resized.tolist() == [[3.0, 3.0], [3.0, 3.0]]
    values, indices = glassnet.empty(0), glassnet.empty(0, dtype=glassnet.int64)
    result = glassnet.sort(glassnet.tensor([3.0, 1.0]), out=(values, indices))
    assert result.values is values and indices.tolist() == [1, 0]
    with pytest.raises(
        RuntimeError, match=r"add\(\): functions with out=... arguments don't support automatic differentiation.*hint"
    ):
        glassnet.add(glassnet.ones(2, requires_grad=True), 1, out=glassnet.empty(2))
    with pytest.raises(
        RuntimeError,
        match=r"add\(\): result type glassnet.float32 can't be cast to the desired output type glassnet.int64; hint",
    ):
        glassnet.add(glassnet.ones(2), 1, out=glassnet.empty(2, dtype=glassnet.int64))
    with glassnet.no_grad():
        glassnet.add(glassnet.ones(2, requires_grad=True), 1, out=out)
