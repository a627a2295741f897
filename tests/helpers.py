"""Shared test helpers: run the same code in glassnet and in PyTorch and compare.

``compare_with_torch`` follows tinygrad's ``helper_test_op``: one lambda is run on
glassnet tensors and on torch tensors holding the same random values (glassnet's
API is PyTorch's, so ``lambda x, y: x @ y.relu()`` works for both), then the
forward outputs and the gradients of every input are compared::

    compare_with_torch([(3, 4), (4,)], lambda x, y: x * y)
    compare_with_torch([(2, 3)], lambda x: torch.cat([x, x]), lambda x: glassnet.cat([x, x]))

The backward pass starts from the same random upstream gradient on both sides,
so non-scalar outputs are checked element by element.
"""

import numpy as np
import pytest

import glassnet

# Stated tolerances: float32 to ~1e-5 relative, float64 to 1e-10.
TOLERANCES = {np.dtype(np.float32): (1e-5, 1e-5), np.dtype(np.float64): (1e-10, 1e-10)}


def random_inputs(shapes, dtype=np.float32, low=-2.0, high=2.0, seed=0):
    """One NumPy array per shape: uniform in [low, high) for floats, integers in [low, high) otherwise."""
    rng = np.random.default_rng(seed)
    dtype = np.dtype(dtype)
    if dtype.kind == "f":
        return [rng.uniform(low, high, shape).astype(dtype) for shape in shapes]
    return [rng.integers(int(low), int(high), shape).astype(dtype) for shape in shapes]


def compare_with_torch(
    shapes,
    torch_fn,
    glassnet_fn=None,
    *,
    values=None,
    dtype=np.float32,
    low=-2.0,
    high=2.0,
    forward_only=False,
    rtol=None,
    atol=None,
    seed=0,
):
    """Check ``glassnet_fn`` (default: ``torch_fn``) against ``torch_fn``, forward and backward.

    ``values`` (a list of arrays, any dtypes) replaces the random inputs of ``shapes``.
    Floating inputs require grad unless ``forward_only``.  Outputs may be a tensor or a
    tuple of tensors (like ``max(dim)``); gradients flow from the first floating output.
    Returns the glassnet and torch outputs.
    """
    torch = pytest.importorskip("torch")
    arrays = values if values is not None else random_inputs(shapes, dtype, low, high, seed)
    arrays = [np.asarray(a) for a in arrays]
    grad = [not forward_only and a.dtype.kind == "f" for a in arrays]
    ours = [glassnet.tensor(a, requires_grad=g) for a, g in zip(arrays, grad)]
    theirs = [torch.tensor(a, requires_grad=g) for a, g in zip(arrays, grad)]

    out = _as_list((glassnet_fn or torch_fn)(*ours))
    expected = _as_list(torch_fn(*theirs))
    assert len(out) == len(expected), f"{len(out)} outputs, torch gives {len(expected)}"
    for i, (o, e) in enumerate(zip(out, expected)):
        assert isinstance(o, glassnet.Tensor), f"output {i} is a {type(o).__name__}, not a Tensor"
        assert str(e.dtype).replace("torch.", "glassnet.") == str(o.dtype), (
            f"output {i}: dtype {o.dtype}, torch gives {e.dtype}"
        )
        assert o.requires_grad == e.requires_grad, (
            f"output {i}: requires_grad {o.requires_grad}, torch {e.requires_grad}"
        )
        _assert_close(o.array, e.detach().numpy(), f"forward output {i}", rtol, atol)

    differentiable = [(o, e) for o, e in zip(out, expected) if e.requires_grad]
    if not any(grad) or not differentiable:
        return out, expected
    o, e = differentiable[0]
    upstream = np.random.default_rng(seed + 1).uniform(-1, 1, o.shape).astype(o.dtype)
    o.backward(glassnet.tensor(upstream))
    needs = [t for t, g in zip(theirs, grad) if g]
    torch_grads = torch.autograd.grad(e, needs, torch.tensor(upstream), allow_unused=True)
    for i, (x, g) in enumerate(zip([t for t, g in zip(ours, grad) if g], torch_grads)):
        want = np.zeros(x.shape, x.dtype) if g is None else g.numpy()
        got = np.zeros(x.shape, x.dtype) if x.grad is None else x.grad.array
        assert got.dtype == x.dtype and got.shape == x.shape, f"grad of input {i}: {got.dtype}{got.shape}"
        _assert_close(got, want, f"gradient of input {i}", rtol, atol)
    return out, expected


def _as_list(result):
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _assert_close(got, want, what, rtol, atol):
    default_rtol, default_atol = TOLERANCES.get(np.dtype(got.dtype), (0, 0))
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    assert got.shape == want.shape, f"{what}: shape {got.shape}, torch gives {want.shape}"
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True, err_msg=what)
