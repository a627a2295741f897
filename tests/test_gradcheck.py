"""Every core op's backward against central differences (``glassnet.autograd.gradcheck``, no PyTorch).

Inputs are random float64 values away from the points where an op has a kink
(|x| well above ε = 1e-6 from 0, the clamp bounds and ties), so the derivative exists.
"""

import numpy as np
import pytest

import glassnet
from glassnet.autograd import gradcheck
from glassnet.autograd.function import Function
from glassnet.autograd.gradcheck import GradcheckError
from glassnet.ops import activation

POSITIVE = (0.5, 2.0)


def case(shapes, fn, values=(-2.0, 2.0), id=None):
    return pytest.param(shapes, fn, values, id=id)


CASES = [
    case([(3, 4), (4,)], lambda x, y: x + y, id="add"),
    case([(3, 1), (1, 4)], lambda x, y: x - y, id="sub"),
    case([(2, 1, 4), (3, 1)], lambda x, y: x * y, id="mul"),
    case([(3, 4), (4,)], lambda x, y: x / (y * y + 0.5), id="div"),
    case([(3, 4)], lambda x: 2.5 / (x * x + 1) - 3 + x * 2, id="scalars"),
    case([(3, 4), (4,)], lambda x, y: x**y, POSITIVE, id="pow"),
    case([(3, 4)], lambda x: x**3 + x**-1.5 + 2**x, POSITIVE, id="pow-scalar"),
    case([(3, 4)], lambda x: -x, id="neg"),
    case([(3, 4)], lambda x: x.exp(), id="exp"),
    case([(3, 4)], lambda x: x.log(), POSITIVE, id="log"),
    case([(3, 4)], lambda x: x.sqrt(), POSITIVE, id="sqrt"),
    case([(3, 4)], lambda x: x.abs(), id="abs"),
    case([(3, 4)], lambda x: x.clamp(-0.5, 0.7), id="clamp"),
    case([(3, 4), (4,)], lambda x, y: x.maximum(y), id="maximum"),
    case([(3, 4), (4,)], lambda x, y: x.minimum(y), id="minimum"),
    case([(3, 4), (4,)], lambda x, y: glassnet.where(x > y, x, y * 2), id="where"),
    case([(4,), (4,)], lambda x, y: x @ y, id="matmul-vec-vec"),
    case([(3, 4), (4,)], lambda x, y: x @ y, id="matmul-mat-vec"),
    case([(4,), (4, 2)], lambda x, y: x @ y, id="matmul-vec-mat"),
    case([(2, 1, 3, 4), (2, 4, 2)], lambda x, y: x @ y, id="matmul-broadcast-batch"),
    case([(2, 3, 4)], lambda x: x.sum((0, 2), keepdim=True), id="sum"),
    case([(2, 3, 4)], lambda x: x.mean(-1), id="mean"),
    case([(2, 3, 4)], lambda x: x.var(1), id="var"),
    case([(2, 3, 4)], lambda x: x.var(correction=0), id="var-all"),
    case([(2, 3, 4)], lambda x: x.std((0, 2), keepdim=True), id="std"),
    case([(2, 3, 4)], lambda x: x.max(), id="max"),
    case([(2, 3, 4)], lambda x: x.min(), id="min"),
    case([(2, 3, 4)], lambda x: x.max(1).values, id="max-dim"),
    case([(2, 3, 4)], lambda x: x.min(-1, keepdim=True)[0], id="min-dim"),
    case([(2, 3, 4)], lambda x: x.logsumexp(1), id="logsumexp"),
    case([(2, 3, 4)], lambda x: x.reshape(4, -1).view(3, 8), id="reshape"),
    case([(2, 3, 4)], lambda x: x.transpose(0, -1).permute(1, 2, 0).T, id="transpose-permute"),
    case([(2, 3, 4)], lambda x: x.flatten(1).unsqueeze(0).squeeze(), id="flatten-squeeze"),
    case([(3, 1)], lambda x: x.expand(2, -1, 4), id="expand"),
    case([(2, 3), (1, 3)], lambda x, y: glassnet.cat([x, y, x], dim=0), id="cat"),
    case([(2, 3), (2, 3)], lambda x, y: glassnet.stack([x, y, x], dim=1), id="stack"),
    case([(4, 5)], lambda x: x[1:, ::2], id="index-basic"),
    case([(4, 5)], lambda x: x[[0, 2, 0], -1], id="index-repeated-array"),
    case([(4, 5)], lambda x: x[x > 0], id="index-mask"),
    case([(3, 4)], lambda x: x.gather(1, glassnet.tensor([[0, 0], [3, 1], [2, 2]])), id="gather"),
    case([(3, 4)], lambda x: x.relu(), id="relu"),
    case([(3, 4)], lambda x: x.sigmoid(), id="sigmoid"),
    case([(3, 4)], lambda x: x.tanh(), id="tanh"),
    case([(3, 4)], lambda x: x.softmax(0), id="softmax"),
    case([(3, 4)], lambda x: x.log_softmax(-1), id="log_softmax"),
    case([(3, 4)], lambda x: activation.LeakyReLU.apply(x, negative_slope=0.1), id="leaky_relu"),
    case([(3, 4)], lambda x: activation.GELU.apply(x), id="gelu"),
    case([(3, 4)], lambda x: activation.GELU.apply(x, approximate="tanh"), id="gelu-tanh"),
    case([(3, 4), (4,)], lambda x, y: ((x * y).exp() / (1 + x**2)).sum(1).log_softmax(0), id="composite"),
]


@pytest.mark.parametrize("shapes, fn, values", CASES)
def test_gradcheck(shapes, fn, values):
    rng = np.random.default_rng(0)
    inputs = [
        glassnet.tensor(rng.uniform(*values, shape), dtype=glassnet.float64, requires_grad=True) for shape in shapes
    ]
    assert gradcheck(fn, inputs)


def test_gradcheck_catches_a_wrong_backward_and_names_the_element():
    class WrongSquare(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.a = a
            return a * a

        @staticmethod
        def backward(ctx, grad_output):
            return (grad_output * ctx.a,)  # should be 2·a

    x = glassnet.tensor([[1.0, 2.0]], requires_grad=True)
    with pytest.raises(GradcheckError, match=r"input 0 \(shape \(1, 2\)\), element \(0, 0\): backward gave"):
        gradcheck(WrongSquare.apply, x)
    assert gradcheck(WrongSquare.apply, x, raise_exception=False) is False


def test_gradcheck_skips_inputs_without_requires_grad_and_takes_float32():
    x = glassnet.tensor([1.0, 2.0], requires_grad=True)  # checked in float64 all the same
    assert gradcheck(lambda a, b, scale: a * b * scale, (x, glassnet.tensor([3.0, 4.0]), 2.0))
    assert x.grad is None  # the user's tensors are left alone


def test_gradcheck_perturbs_inputs_that_are_not_row_major():
    """A transposed (Fortran-ordered) input is perturbed in place too, so its numerical gradient is not zero."""
    x = glassnet.tensor(np.random.default_rng(5).standard_normal((3, 2)).T.copy(order="F"), requires_grad=True)
    assert not x.array.flags["C_CONTIGUOUS"]
    assert gradcheck(lambda a: (a * a).tanh(), (x,))
