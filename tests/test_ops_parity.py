"""Every core op against PyTorch 2.13: forward values and dtypes, and the gradient of every input.

Each case runs in float32 (tolerance 1e-5 relative and absolute) and float64
(1e-10), on random values, with broadcasting wherever the op broadcasts.
Points where an op is not differentiable (ties, kinks, bounds) have their own
tests at the end: there the gradient PyTorch chooses is part of the API.
"""

import functools

import numpy as np
import pytest

import glassnet
from glassnet.ops import activation
from helpers import compare_with_torch

torch = pytest.importorskip("torch")

DTYPES = [np.float32, np.float64]


def both(fn):
    """``fn(lib, *tensors)`` as a (torch, glassnet) pair of functions, for ``torch.cat`` vs ``glassnet.cat``."""
    return functools.partial(fn, torch), functools.partial(fn, glassnet)


def case(shapes, fn, glassnet_fn=None, low=-2.0, high=2.0, id=None):
    return pytest.param(shapes, fn, glassnet_fn, low, high, id=id)


POSITIVE = {"low": 0.5, "high": 2.0}

CASES = [
    # arithmetic with broadcasting, tensors and Python scalars on either side
    case([(3, 4), (3, 4)], lambda x, y: x + y, id="add"),
    case([(2, 3, 4), (4,)], lambda x, y: x + y, id="add-broadcast"),
    case([(3, 1), (1, 4)], lambda x, y: x - y, id="sub-broadcast-both"),
    case([(2, 1, 4), (3, 1)], lambda x, y: x * y, id="mul-broadcast"),
    case([(3, 4), (4,)], lambda x, y: x / (y.abs() + 0.5), id="div-broadcast"),
    case([(3, 4)], lambda x: x + 2.5, id="add-scalar"),
    case([(3, 4)], lambda x: 2.5 + x, id="radd-scalar"),
    case([(3, 4)], lambda x: x - 3, id="sub-scalar"),
    case([(3, 4)], lambda x: 3 - x, id="rsub-scalar"),
    case([(3, 4)], lambda x: x * -1.5, id="mul-scalar"),
    case([(3, 4)], lambda x: 2 * x, id="rmul-scalar"),
    case([(3, 4)], lambda x: x / 3, id="div-scalar"),
    case([(3, 4)], lambda x: 3 / x, **POSITIVE, id="rdiv-scalar"),
    case([(3, 4)], lambda x: x**2, id="pow-int"),
    case([(3, 4)], lambda x: x**3, id="pow-int3"),
    case([(3, 4)], lambda x: x**0.5, **POSITIVE, id="pow-float"),
    case([(3, 4)], lambda x: x**-1.5, **POSITIVE, id="pow-negative"),
    case([(3, 4)], lambda x: 2**x, id="rpow-scalar"),
    case([(3, 4), (4,)], lambda x, y: x**y, **POSITIVE, id="pow-tensors"),
    case([(3, 4)], lambda x: -x, id="neg"),
    # pointwise
    case([(3, 4)], lambda x: x.exp(), id="exp"),
    case([(3, 4)], lambda x: x.log(), **POSITIVE, id="log"),
    case([(3, 4)], lambda x: x.sqrt(), **POSITIVE, id="sqrt"),
    case([(3, 4)], lambda x: x.abs(), id="abs"),
    case([(3, 4)], lambda x: x.clamp(-0.5, 0.7), id="clamp"),
    case([(3, 4)], lambda x: x.clamp(min=-0.5), id="clamp-min"),
    case([(3, 4)], lambda x: x.clamp(max=0.5), id="clamp-max"),
    case([(3, 4)], *both(lambda L, x: L.clamp(x, -1, 1)), id="clamp-function"),
    case([(3, 4), (4,)], lambda x, y: x.maximum(y), id="maximum"),
    case([(3, 1), (1, 4)], lambda x, y: x.minimum(y), id="minimum"),
    case([(3, 4), (3, 4)], *both(lambda L, x, y: L.maximum(x, y)), id="maximum-function"),
    case([(3, 4), (3, 4)], *both(lambda L, x, y: L.max(x, y)), id="max-two-tensors"),
    case([(3, 4), (4,)], *both(lambda L, x, y: L.where(x > 0, x, y)), id="where"),
    case([(3, 4)], *both(lambda L, x: L.where(x > 0, x, 0.0)), id="where-scalar"),
    case([(3, 1), (1, 4)], *both(lambda L, x, y: L.where(x > y, y, x * 2)), id="where-broadcast"),
    # matmul: vectors, matrices, batches with broadcast batch dims
    case([(4,), (4,)], lambda x, y: x @ y, id="matmul-vec-vec"),
    case([(3, 4), (4,)], lambda x, y: x @ y, id="matmul-mat-vec"),
    case([(4,), (4, 5)], lambda x, y: x @ y, id="matmul-vec-mat"),
    case([(3, 4), (4, 5)], lambda x, y: x @ y, id="matmul-mat-mat"),
    case([(2, 3, 4), (4, 5)], lambda x, y: x @ y, id="matmul-batch-mat"),
    case([(2, 1, 3, 4), (5, 4, 2)], lambda x, y: x @ y, id="matmul-broadcast-batch"),
    case([(4,), (2, 4, 3)], lambda x, y: x @ y, id="matmul-vec-batch"),
    case([(2, 3, 4), (4,)], lambda x, y: x.matmul(y), id="matmul-batch-vec"),
    case([(3, 4), (4, 5)], *both(lambda L, x, y: L.mm(x, y)), id="mm"),
    # reductions
    case([(3, 4, 5)], lambda x: x.sum(), id="sum"),
    case([(3, 4, 5)], lambda x: x.sum(1), id="sum-dim"),
    case([(3, 4, 5)], lambda x: x.sum(dim=(0, -1), keepdim=True), id="sum-dims-keepdim"),
    case([(3, 4)], *both(lambda L, x: L.sum(x, -1)), id="sum-function"),
    case([(3, 4, 5)], lambda x: x.mean(), id="mean"),
    case([(3, 4, 5)], lambda x: x.mean(-2, keepdim=True), id="mean-dim"),
    case([(3, 4, 5)], lambda x: x.mean((0, 2)), id="mean-dims"),
    case([(3, 4, 5)], lambda x: x.var(), id="var"),
    case([(3, 4, 5)], lambda x: x.var(1), id="var-dim"),
    case([(3, 4, 5)], lambda x: x.var(dim=(0, 2), correction=0, keepdim=True), id="var-correction"),
    case([(3, 4)], lambda x: x.var(0, unbiased=False), id="var-unbiased"),
    case([(3, 4)], lambda x: x.var(False), id="var-positional-unbiased"),
    case([(3, 4, 5)], lambda x: x.std(), id="std"),
    case([(3, 4, 5)], lambda x: x.std(-1, keepdim=True), id="std-dim"),
    case([(3, 4)], lambda x: x.std(0, correction=0), id="std-correction"),
    case([(3, 4, 5)], lambda x: x.max(), id="max"),
    case([(3, 4, 5)], lambda x: x.min(), id="min"),
    case([(3, 4, 5)], lambda x: x.max(1), id="max-dim"),
    case([(3, 4, 5)], lambda x: x.min(-1, keepdim=True), id="min-dim-keepdim"),
    case([(3, 4)], *both(lambda L, x: L.max(x, dim=0)), id="max-function-dim"),
    case([(3, 4, 5)], lambda x: x.argmax(1), id="argmax"),
    case([(3, 4, 5)], lambda x: x.argmin(), id="argmin"),
    case([(3, 4)], *both(lambda L, x: L.logsumexp(x, 1)), id="logsumexp"),
    case([(3, 4, 5)], lambda x: x.logsumexp((0, 2), keepdim=True), id="logsumexp-dims"),
    # shape
    case([(3, 4)], lambda x: x.reshape(2, -1), id="reshape"),
    case([(3, 4)], lambda x: x.view((4, 3)), id="view"),
    case([(2, 3, 4)], lambda x: x.transpose(0, -1), id="transpose-negative"),
    case([(2, 3, 4)], lambda x: x.permute(2, 0, 1), id="permute"),
    case([(2, 3, 4)], lambda x: x.permute(-1, 0, -2), id="permute-negative"),
    case([(3, 4)], lambda x: x.T, id="T"),
    case([(3, 4)], lambda x: x.t(), id="t"),
    case([(2, 3, 4, 5)], lambda x: x.flatten(), id="flatten"),
    case([(2, 3, 4, 5)], lambda x: x.flatten(1, -2), id="flatten-range"),
    case([(2, 3, 4, 5)], *both(lambda L, x: L.flatten(x, 1)), id="flatten-function"),
    case([(1, 3, 1, 2)], lambda x: x.squeeze(), id="squeeze"),
    case([(1, 3, 1, 2)], lambda x: x.squeeze(2), id="squeeze-dim"),
    case([(1, 3, 1, 2)], lambda x: x.squeeze(1), id="squeeze-non-1-dim"),
    case([(1, 3, 1, 2)], lambda x: x.squeeze((0, 2)), id="squeeze-dims"),
    case([(3, 2)], lambda x: x.unsqueeze(-1), id="unsqueeze-negative"),
    case([(3, 2)], lambda x: x.unsqueeze(1), id="unsqueeze"),
    case([(3, 1)], lambda x: x.expand(2, -1, 4), id="expand"),
    case([(3, 1)], *both(lambda L, x: x.expand_as(L.zeros(3, 5))), id="expand_as"),
    case([(2, 3), (4, 3)], *both(lambda L, x, y: L.cat([x, y])), id="cat"),
    case([(2, 3), (2, 1), (2, 2)], *both(lambda L, x, y, z: L.cat([x, y, z], dim=-1)), id="cat-dim"),
    case([(2, 3), (2, 3)], *both(lambda L, x, y: L.stack([x, y])), id="stack"),
    case([(2, 3), (2, 3), (2, 3)], *both(lambda L, x, y, z: L.stack((x, y, z), dim=-1)), id="stack-dim"),
    # indexing
    case([(4, 5)], lambda x: x[1], id="index-int"),
    case([(4, 5)], lambda x: x[-1, -2], id="index-negative"),
    case([(4, 5)], lambda x: x[1:3], id="index-slice"),
    case([(6, 5)], lambda x: x[::2, 1::3], id="index-step"),
    case([(4, 5)], lambda x: x[..., None, 2], id="index-ellipsis-none"),
    case([(4, 5)], lambda x: x[[0, 2, 0]], id="index-int-list-repeat"),
    case([(4, 5)], lambda x: x[np.array([3, -1, 0])], id="index-int-array"),
    case([(4, 5)], lambda x: x[[0, 1, 1], [2, 2, 4]], id="index-pairs"),
    case([(4, 5)], lambda x: x[1:, [0, 0, 3]], id="index-slice-and-array"),
    case([(4, 5)], lambda x: x[x > 0], id="index-bool-mask"),
    case([(4, 5)], lambda x: x[np.array([True, False, True, True])], id="index-bool-rows"),
    case([(4, 5)], lambda x: x[(x.sum(1) > 0)], id="index-bool-tensor"),
    case([(4, 5)], lambda x: x[x.argmax(0)[:3]], id="index-int-tensor"),
    case([(4, 5)], *both(lambda L, x: x[L.tensor([[0, 1], [3, 3]])]), id="index-2d-int-tensor"),
    case([(3, 4)], *both(lambda L, x: x.gather(1, L.tensor([[0, 0], [3, 1], [2, 2]]))), id="gather-repeats"),
    case([(3, 4)], *both(lambda L, x: L.gather(x, 0, L.tensor([[2, 0, 1, 1]]))), id="gather-smaller-index"),
    # activations
    case([(3, 4)], lambda x: x.relu(), id="relu"),
    case([(3, 4)], lambda x: x.sigmoid(), low=-8, high=8, id="sigmoid"),
    case([(3, 4)], lambda x: x.tanh(), id="tanh"),
    case([(3, 4)], *both(lambda L, x: L.relu(x)), id="relu-function"),
    case([(3, 4)], lambda x: x.softmax(-1), id="softmax"),
    case([(3, 4, 2)], lambda x: x.softmax(1), id="softmax-dim"),
    case([(3, 4)], lambda x: x.log_softmax(1), id="log_softmax"),
    case(
        [(3, 4)],
        lambda x: torch.nn.functional.leaky_relu(x, 0.1),
        lambda x: activation.LeakyReLU.apply(x, negative_slope=0.1),
        id="leaky_relu",
    ),
    case(
        [(3, 4)], lambda x: torch.nn.functional.gelu(x), lambda x: activation.GELU.apply(x), low=-4, high=4, id="gelu"
    ),
    case(
        [(3, 4)],
        lambda x: torch.nn.functional.gelu(x, approximate="tanh"),
        lambda x: activation.GELU.apply(x, approximate="tanh"),
        low=-4,
        high=4,
        id="gelu-tanh",
    ),
    case([(3, 4, 2)], *both(lambda L, x: L.log_softmax(x, 0)), id="log_softmax-function"),
    # composites in one graph: several paths into the same inputs
    case([(3, 4), (4,)], lambda x, y: ((x * y).exp() / (1 + x**2)).sum(1).log_softmax(0), id="composite"),
]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("shapes, fn, glassnet_fn, low, high", CASES)
def test_op_matches_torch(shapes, fn, glassnet_fn, low, high, dtype):
    compare_with_torch(shapes, fn, glassnet_fn, dtype=dtype, low=low, high=high)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, y: x < y,
        lambda x, y: x <= y,
        lambda x, y: x > 0.5,
        lambda x, y: x >= y,
        lambda x, y: x == x.clamp(-1, 1),
        lambda x, y: x != y,
        lambda x, y: (x > 0) & (y > 0),
        lambda x, y: (x > 0) | (y > 0),
        lambda x, y: ~(x > 0),
    ],
    ids=["lt", "le", "gt-scalar", "ge", "eq", "ne", "and", "or", "invert"],
)
def test_comparisons_match_torch_and_carry_no_grad(fn):
    out, _ = compare_with_torch([(3, 4), (4,)], fn)
    assert out[0].dtype == glassnet.bool and not out[0].requires_grad


# --- points where the derivative is a choice: glassnet makes PyTorch's --------------------------


def test_max_full_reduction_shares_ties_evenly():
    for op in ("max", "min"):
        compare_with_torch(None, lambda x: getattr(x, op)(), values=[np.array([[1.0, 3.0, 3.0], [3.0, -2.0, -2.0]])])


def test_max_along_dim_sends_tie_gradient_to_the_returned_index():
    values = [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [5.0, 5.0, 5.0]], dtype=np.float32)]
    for op in ("max", "min"):
        for dim in (0, 1):
            out, _ = compare_with_torch(None, lambda x: getattr(x, op)(dim), values=values)
            assert out[1].dtype == glassnet.int64


def test_maximum_and_minimum_split_ties_in_half():
    values = [np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])]
    compare_with_torch(None, lambda x, y: x.maximum(y), values=values)
    compare_with_torch(None, lambda x, y: x.minimum(y), values=values)


def test_kinks_relu_abs_clamp_at_zero_and_at_the_bounds():
    values = [np.array([-1.0, 0.0, 0.5, 1.0, 2.0], dtype=np.float32)]
    compare_with_torch(None, lambda x: x.relu(), values=values)
    compare_with_torch(None, lambda x: x.abs(), values=values)
    compare_with_torch(None, lambda x: x.clamp(0.0, 1.0), values=values)
    compare_with_torch(None, lambda x: x.clamp(min=0.5), values=values)


def test_power_at_zero():
    base, exponent = np.array([0.0, 0.0, 2.0, 0.0]), np.array([0.0, 2.0, 0.0, 0.5])
    compare_with_torch(None, lambda x, y: x**y, values=[base, exponent])
    compare_with_torch(None, lambda x: x**0, values=[base])
    compare_with_torch(None, lambda x: x**2, values=[base])


def test_std_of_constant_input_has_zero_gradient():
    compare_with_torch(None, lambda x: x.std(), values=[np.full((4,), 2.0)])
    compare_with_torch(None, lambda x: x.std(1), values=[np.array([[1.0, 1.0], [1.0, 3.0]])])


def test_softmax_family_is_stable_for_huge_logits():
    values = [np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]], dtype=np.float32)]
    compare_with_torch(None, lambda x: x.softmax(1), values=values)
    compare_with_torch(None, lambda x: x.log_softmax(1), values=values)
    compare_with_torch(None, lambda x: x.logsumexp(1), values=values)
    compare_with_torch(None, lambda x: x.sigmoid(), values=values)
