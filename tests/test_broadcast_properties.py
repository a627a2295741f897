"""Property tests (Hypothesis): broadcasting and reductions on random shapes, against NumPy's shape rules and PyTorch.

For random broadcastable shape pairs, every binary op's output has
``np.broadcast_shapes``'s shape, each input's gradient has that input's shape,
and values and gradients equal PyTorch's.  Reductions are checked the same way
over random dims and ``keepdim``.
"""

import numpy as np
import pytest

import glassnet
from helpers import compare_with_torch

hypothesis = pytest.importorskip("hypothesis")
torch = pytest.importorskip("torch")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SETTINGS = settings(max_examples=50, deadline=None)
dtypes = st.sampled_from([np.float32, np.float64])


@st.composite
def broadcastable_pair(draw, max_dims=4):
    """Two shapes that broadcast: each is a suffix of a common shape, with some sizes replaced by 1."""
    full = draw(st.lists(st.integers(1, 4), min_size=0, max_size=max_dims))

    def operand():
        shape = full[draw(st.integers(0, len(full))) :]
        return tuple(1 if draw(st.booleans()) else size for size in shape)

    return operand(), operand()


BINARY = {
    "add": lambda x, y: x + y,
    "sub": lambda x, y: x - y,
    "mul": lambda x, y: x * y,
    "div": lambda x, y: x / (y * y + 0.5),
    "pow": lambda x, y: (x * x + 0.5) ** y,
    "maximum": lambda x, y: x.maximum(y),
    "minimum": lambda x, y: x.minimum(y),
}


@SETTINGS
@given(shapes=broadcastable_pair(), op=st.sampled_from(sorted(BINARY)), dtype=dtypes)
def test_binary_ops_broadcast_like_numpy_and_torch(shapes, op, dtype):
    out, _ = compare_with_torch(shapes, BINARY[op], dtype=dtype)
    assert out[0].shape == np.broadcast_shapes(*shapes)


@SETTINGS
@given(shapes=broadcastable_pair(max_dims=3), dtype=dtypes)
def test_where_broadcasts_all_three_arguments(shapes, dtype):
    out, _ = compare_with_torch(
        shapes,
        lambda x, y: torch.where(x > 0, x, y),
        lambda x, y: glassnet.where(x > 0, x, y),
        dtype=dtype,
    )
    assert out[0].shape == np.broadcast_shapes(*shapes)


@SETTINGS
@given(
    batch=broadcastable_pair(max_dims=3),
    sizes=st.tuples(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4)),
    vectors=st.sampled_from(["none", "left", "right"]),
    dtype=dtypes,
)
def test_matmul_broadcasts_batch_dims(batch, sizes, vectors, dtype):
    n, k, m = sizes
    left = (k,) if vectors == "left" else batch[0] + (n, k)
    right = (k,) if vectors == "right" else batch[1] + (k, m)
    compare_with_torch([left, right], lambda x, y: x @ y, dtype=dtype)


@st.composite
def shape_and_dims(draw):
    """A shape and a random set of its dims (as ints, some negative), or None for all of them."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    if draw(st.booleans()):
        return shape, None
    axes = draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True))
    return shape, tuple(a - len(shape) if draw(st.booleans()) else a for a in axes)


REDUCTIONS = {
    "sum": lambda x, dims, keepdim: x.sum(dims, keepdim=keepdim),
    "mean": lambda x, dims, keepdim: x.mean(dims, keepdim=keepdim),
    "var": lambda x, dims, keepdim: x.var(dims, keepdim=keepdim, correction=0),
    "std": lambda x, dims, keepdim: x.std(dims, keepdim=keepdim),
    "logsumexp": lambda x, dims, keepdim: x.logsumexp(
        dims if dims is not None else tuple(range(x.ndim)), keepdim=keepdim
    ),
}


@pytest.mark.filterwarnings("ignore:.*degrees of freedom is <= 0")  # std of 1 element: nan, as in PyTorch
@SETTINGS
@given(case=shape_and_dims(), op=st.sampled_from(sorted(REDUCTIONS)), keepdim=st.booleans(), dtype=dtypes)
def test_reductions_over_random_dims(case, op, keepdim, dtype):
    shape, dims = case
    out, _ = compare_with_torch([shape], lambda x: REDUCTIONS[op](x, dims, keepdim), dtype=dtype)
    kept = tuple(range(len(shape))) if dims is None else tuple(d % len(shape) for d in dims)
    expected = (
        tuple(1 if i in kept else s for i, s in enumerate(shape))
        if keepdim
        else tuple(s for i, s in enumerate(shape) if i not in kept)
    )
    assert out[0].shape == expected


@SETTINGS
@given(
    case=shape_and_dims(),
    op=st.sampled_from(["max", "min", "softmax", "log_softmax", "argmax"]),
    keepdim=st.booleans(),
    dtype=dtypes,
)
def test_one_dim_reductions(case, op, keepdim, dtype):
    shape, dims = case
    dim = dims[0] if dims else -1
    if op in ("softmax", "log_softmax"):
        compare_with_torch([shape], lambda x: getattr(x, op)(dim), dtype=dtype)
    else:
        compare_with_torch([shape], lambda x: getattr(x, op)(dim, keepdim=keepdim), dtype=dtype)
