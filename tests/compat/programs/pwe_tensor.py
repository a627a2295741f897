"""Learning PyTorch with Examples, 1: a cubic fitted to sin(x) with tensors and hand-written gradients.

Follows the tutorial's polynomial_tensor example.  Unlike the tutorial, the four
starting weights come from NumPy's seeded generator (not torch.randn), so that
glassnet and PyTorch start from the same point and print the same losses.
"""
import math

import numpy as np
import torch

dtype = torch.float
device = torch.device("cpu")
# device = torch.device("cuda:0")  # on a GPU

# inputs and targets
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# random starting weights
rng = np.random.default_rng(0)
a, b, c, d = (torch.tensor(rng.standard_normal(), device=device, dtype=dtype) for _ in range(4))

learning_rate = 1e-6
for t in range(1000):  # the tutorial runs 2000 steps
    # forward pass: the prediction
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # the loss, as a Python number
    loss = (y_pred - y).pow(2).sum().item()
    if t % 100 == 99:
        print(t, loss)

    # backward pass by hand: gradients of the loss with respect to a, b, c, d
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()

    # gradient descent step
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

print(f'Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3')
