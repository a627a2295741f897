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
    np.testing.assert_allclose(out_g.array, out_t.detach().numpy())
    out_g.sum().backward()
    out_t.sum().backward()
    np.testing.assert_allclose(g.grad.array, t.grad.numpy())


def test_changing_a_saved_input_in_place_before_backward_is_an_error():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    a = glassnet.tensor([3.0, 4.0])
    y = (w * a).sum()
    a += 10
    with pytest.raises(RuntimeError, match=r"input 1 of MulBackward0 was modified by an in-place operation"):
        y.backward()


def test_changing_a_saved_output_in_place_before_backward_is_an_error():
    x = glassnet.tensor([-1.0, 2.0], requires_grad=True)
    h = x.exp()
    with glassnet.no_grad():
        h *= 0
    with pytest.raises(RuntimeError, match="its output of ExpBackward0 was modified"):
        h.sum().backward()


def test_an_optimizer_step_between_forward_and_backward_is_an_error():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    opt = glassnet.optim.SGD([w], lr=0.1)
    (w * w).sum().backward()
    loss = (w * w).sum()
    opt.step()
    with pytest.raises(RuntimeError, match="optimizer.step"):
        loss.backward()


def test_writing_through_detach_counts_as_a_change():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    x.detach().zero_()
    with pytest.raises(RuntimeError, match="in-place"):
        y.backward()


def test_changes_that_backward_does_not_need_are_fine():
    x = glassnet.tensor([1.0, -2.0], requires_grad=True)
    y = x.relu()  # ReLU keeps its own mask, not its output
    with glassnet.no_grad():
        y *= 3
    y.sum().backward()
    assert x.grad.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    "make_view",
    [lambda a: a[:2], lambda a: a.reshape(2, 2)[0], lambda a: a.reshape(2, 2).T[:, 0]],
    ids=["slice", "reshape-then-index", "view-of-a-view"],
)
def test_a_view_and_its_base_count_in_place_changes_together(make_view):
    """Changing the base after an op saved its view (or the view after an op saved the base) is caught, as in torch."""
    for framework in (glassnet, torch):
        w = framework.tensor([1.0, 2.0], requires_grad=True)
        a = framework.tensor([3.0, 4.0, 5.0, 6.0])
        y = (w * make_view(a)).sum()
        a += 10
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            y.backward()
        w3 = framework.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
        b = framework.tensor([3.0, 4.0, 5.0, 6.0])
        y = (w3 * b).sum()
        view = make_view(b)
        view += 1
        with pytest.raises(RuntimeError, match="modified by an in-?place operation"):
            y.backward()


def test_a_copy_does_not_share_the_count():
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    a = glassnet.tensor([3.0, 4.0])
    y = (w * (a + 0)).sum()  # a + 0 is a new array
    a += 10
    y.backward()
    assert w.grad.tolist() == [3.0, 4.0]


SCENARIOS = {  # (forward with w, a; how a is changed after forward): torch and glassnet must agree
    "add-then-change-input": (lambda w, a: (w.sum() + a).sum(), lambda fw, a: a.add_(1)),
    "add-a-view-then-change-base": (lambda w, a: (w + a[:2]).sum(), lambda fw, a: a.add_(1)),
    "reshape-sum-then-change": (lambda w, a: (w * 1).sum() + a.reshape(2, 2).sum(), lambda fw, a: a.add_(1)),
    "relu-of-input-then-change-input": (lambda w, a: (w + a[:2]).relu().sum(), lambda fw, a: a.add_(1)),
    "mul-a-view-then-change-base": (lambda w, a: (w * a[:2]).sum(), lambda fw, a: a.add_(1)),
    "matmul-then-change-input": (lambda w, a: (w.reshape(1, 2) @ a.reshape(2, 2)).sum(), lambda fw, a: a.add_(1)),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=list(SCENARIOS))
def test_in_place_changes_after_forward_raise_exactly_where_torch_raises(scenario):
    forward, change = SCENARIOS[scenario]
    outcomes = []
    for fw in (glassnet, torch):
        w = fw.tensor([1.0, 2.0], requires_grad=True)
        a = fw.tensor([3.0, 4.0, 5.0, 6.0])
        y = forward(w, a)
        change(fw, a)
        try:
            y.backward()
            outcomes.append(np.asarray(w.grad.tolist()))
        except RuntimeError:
            outcomes.append("raises")
    if isinstance(outcomes[1], str):
        assert isinstance(outcomes[0], str), f"torch raises, glassnet gave {outcomes[0]}"
    else:
        assert not isinstance(outcomes[0], str), "glassnet raises where torch does not"
        np.testing.assert_allclose(outcomes[0], outcomes[1])


def test_a_linear_bias_changed_after_forward_does_not_stop_backward():
    x = glassnet.tensor([[1.0, 2.0]], requires_grad=True)
    w, b = glassnet.tensor([[3.0, 4.0]], requires_grad=True), glassnet.tensor([0.5], requires_grad=True)
    y = glassnet.nn.functional.linear(x, w, b).sum()
    with glassnet.no_grad():
        b += 1  # the bias's gradient does not depend on its value: backward saved nothing of it
    y.backward()
    assert x.grad.tolist() == [[3.0, 4.0]] and b.grad.tolist() == [1.0]
