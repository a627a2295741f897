"""Learning PyTorch with Examples, 4: the cubic as an nn.Sequential of Linear and Flatten.

Follows the tutorial's polynomial_nn example: features x, x^2, x^3 by broadcasting
a power vector, MSELoss(reduction='sum'), zero_grad and a hand-written update of
model.parameters().  The Linear layer's weights are set from NumPy's seeded
generator (standin.seeded_init_) so both frameworks print the same losses.
"""
import math

import torch

from standin import seeded_init_

x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

# y is linear in (x, x^2, x^3): build that (2000, 3) tensor by broadcasting
p = torch.tensor([1, 2, 3])
xx = x.unsqueeze(-1).pow(p)

# Linear(3, 1) then Flatten(0, 1) squeezes the output to shape (2000,), the shape of y
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1)
)
seeded_init_(model)

loss_fn = torch.nn.MSELoss(reduction='sum')

learning_rate = 1e-6
for t in range(1000):  # the tutorial runs 2000 steps
    y_pred = model(xx)

    loss = loss_fn(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())

    model.zero_grad()
    loss.backward()

    # each parameter is a Tensor: step it by hand
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

# the first layer of the Sequential, like a list
linear_layer = model[0]

print(f'Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + '
      f'{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3')
