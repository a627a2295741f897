"""The fused squared-error op (``glassnet.ops.loss.SquaredError``): against PyTorch's mse_loss and gradcheck.

Tolerances: float64 1e-10, float32 1e-5 (relative and absolute).
"""

import numpy as np
import pytest

import glassnet
from glassnet.autograd import gradcheck
from glassnet.ops.loss import SquaredError

TOLERANCE = {np.float64: 1e-10, np.float32: 1e-5}


@pytest.mark.parametrize("target_grad", [False, True], ids=["target-constant", "target-grad"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_squared_error_matches_torch(dtype, reduction, target_grad):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal((4, 3)).astype(dtype)
    x, y = glassnet.tensor(a, requires_grad=True), glassnet.tensor(b, requires_grad=target_grad)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=target_grad)
    out = SquaredError.apply(x, y, reduction=reduction)
    expected = torch.nn.functional.mse_loss(tx, ty, reduction=reduction)
    grad = rng.standard_normal(tuple(expected.shape)).astype(dtype)
    out.backward(glassnet.tensor(grad))
    expected.backward(torch.tensor(grad))
    tol = TOLERANCE[dtype]
    assert out.dtype == dtype and out.shape == tuple(expected.shape)
    np.testing.assert_allclose(out.array, expected.detach().numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=tol, atol=tol)
    if target_grad:
        np.testing.assert_allclose(y.grad.array, ty.grad.numpy(), rtol=tol, atol=tol)
    else:
        assert y.grad is None


def test_squared_error_of_float32_against_float64_is_float64_with_gradients_in_each_dtype():
    torch = pytest.importorskip("torch")
    a, b = np.array([1.5, -2.0], np.float32), np.array([0.25, 1.0])
    x, y = glassnet.tensor(a, requires_grad=True), glassnet.tensor(b, requires_grad=True)
    tx, ty = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    out, expected = SquaredError.apply(x, y), torch.nn.functional.mse_loss(tx, ty)
    out.backward()
    expected.backward()
    assert out.dtype == np.float64 and (x.grad.dtype, y.grad.dtype) == (np.float32, np.float64)
    np.testing.assert_allclose(out.item(), expected.item(), rtol=1e-7)
    np.testing.assert_allclose(x.grad.array, tx.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(y.grad.array, ty.grad.numpy(), rtol=1e-7)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_squared_error_gradcheck(reduction):
    rng = np.random.default_rng(1)
    x, y = (glassnet.tensor(rng.standard_normal((3, 2)), requires_grad=True) for _ in range(2))
    gradcheck(lambda a, b: SquaredError.apply(a, b, reduction=reduction), [x, y])
