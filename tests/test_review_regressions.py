"""Behaviours a code review found different from PyTorch, pinned against torch."""
import numpy as np
import pytest

import glassnet

torch = pytest.importorskip("torch")


def test_and_or_on_integers_are_bitwise_and_on_bools_logical():
    a, b = [3, 5, 12], [1, 4, 10]
    assert (glassnet.tensor(a) & glassnet.tensor(b)).tolist() == (torch.tensor(a) & torch.tensor(b)).tolist()
    assert (glassnet.tensor(a) | glassnet.tensor(b)).tolist() == (torch.tensor(a) | torch.tensor(b)).tolist()
    p, q = [True, False, True], [True, True, False]
    assert (glassnet.tensor(p) & glassnet.tensor(q)).tolist() == [True, False, False]
    assert (glassnet.tensor(p) | glassnet.tensor(q)).tolist() == [True, True, True]


def test_clamp_with_tensor_bounds_matches_torch_forward_and_backward():
    x = np.array([-2.0, 0.5, 1.0, 3.0])
    lo, hi = np.array([-1.0, 1.0, 0.0, 0.0]), np.array([1.0, 2.0, 0.5, 5.0])
    g = glassnet.tensor(x, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    out_g = g.clamp(min=glassnet.tensor(lo), max=glassnet.tensor(hi))
    out_t = t.clamp(min=torch.tensor(lo), max=torch.tensor(hi))
    np.testing.assert_allclose(out_g.data, out_t.detach().numpy())
    out_g.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(g.grad.data, t.grad.numpy())
