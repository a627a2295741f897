"""Check a backward pass against numerical differentiation (no PyTorch needed).

For every input element x_i, the central difference

    (f(x + ε·e_i) - f(x - ε·e_i)) / 2ε  ≈  ∂f/∂x_i

is compared with the gradient that ``backward`` computes.  Both sides use
float64 so that ε can be small (1e-6) without rounding noise swamping the
difference.  A non-scalar ``f`` is reduced by a fixed random projection
``Σ f·c`` so that every output element is checked at once.
"""

import numpy as np

from .grad_mode import no_grad


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """True if ``fn``'s analytic gradients match central differences for every input that requires grad.

    ``fn`` takes the tensors ``inputs`` (one tensor or a tuple) and returns a tensor.
    On a mismatch it raises ``GradcheckError`` naming the input, the element index,
    the analytic and the numerical value (or returns False if ``raise_exception=False``).
    """
    from ..tensor import Tensor

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    inputs = tuple(
        Tensor(np.array(t.array, np.float64, order="C"), requires_grad=t.requires_grad)
        if isinstance(t, Tensor) and t.is_floating_point()
        else t
        for t in inputs
    )
    output = fn(*inputs)
    projection = np.random.default_rng(0).standard_normal(output.shape)

    def scalar(out):
        return float((out.array.astype(np.float64) * projection).sum())

    (output * Tensor(projection)).sum().backward()
    for position, x in enumerate(inputs):
        if not isinstance(x, Tensor) or not x.requires_grad:
            continue
        analytic = x.grad.array if x.grad is not None else np.zeros_like(x.array)
        flat = x.array.reshape(-1)
        for i in range(flat.size):
            original = flat[i]
            with no_grad():
                flat[i] = original + eps
                up = scalar(fn(*inputs))
                flat[i] = original - eps
                down = scalar(fn(*inputs))
            flat[i] = original
            numerical = (up - down) / (2 * eps)
            got = analytic.reshape(-1)[i]
            if not abs(got - numerical) <= atol + rtol * abs(numerical):
                index = np.unravel_index(i, x.shape) if x.ndim else ()
                message = (
                    f"gradcheck: input {position} (shape {tuple(x.shape)}), element {tuple(int(j) for j in index)}: "
                    f"backward gave derivative {got:.10g} but the central difference gives {numerical:.10g} "
                    f"(difference {abs(got - numerical):.3g} > atol {atol} + rtol {rtol} * |numerical|)"
                )
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytic and numerical gradients disagree."""
