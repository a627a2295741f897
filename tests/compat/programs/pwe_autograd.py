"""Learning PyTorch with Examples, 2: the same cubic, gradients from autograd.

Follows the tutorial's polynomial_autograd example (device chosen with
torch.accelerator, torch.set_default_device, no_grad updates, gradients reset).
Starting weights come from NumPy's seeded generator instead of torch.randn, so
both frameworks print the same losses.
"""
import math

import numpy as np
import torch

dtype = torch.float
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")
torch.set_default_device(device)

x = torch.linspace(-math.pi, math.pi, 2000, dtype=dtype)
y = torch.sin(x)

# requires_grad=True: autograd computes the loss's gradient with respect to these
rng = np.random.default_rng(0)
a, b, c, d = (torch.tensor(rng.standard_normal(), dtype=dtype, requires_grad=True) for _ in range(4))

learning_rate = 1e-6
for t in range(1000):  # the tutorial runs 2000 steps
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # the loss is a 0-dim Tensor; loss.item() is its value
    loss = (y_pred - y).pow(2).sum()
    if t % 100 == 99:
        print(t, loss.item())

    # fills a.grad, b.grad, c.grad, d.grad
    loss.backward()

    # update the weights outside the graph
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # reset the gradients for the next step
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
