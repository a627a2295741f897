"""Learning PyTorch with Examples, 6: a custom nn.Module with four nn.Parameter scalars.

Follows the tutorial's polynomial_module example (Parameters registered as
attributes, a string() method, SGD).  The parameters start from NumPy's seeded
generator instead of torch.randn, so both frameworks print the same losses.
"""
import math

import numpy as np
import torch


class Polynomial3(torch.nn.Module):
    def __init__(self):
        """Four scalar parameters; assigning Parameters as attributes registers them."""
        super().__init__()
        rng = np.random.default_rng(0)
        self.a = torch.nn.Parameter(torch.tensor(rng.standard_normal(), dtype=torch.float))
        self.b = torch.nn.Parameter(torch.tensor(rng.standard_normal(), dtype=torch.float))
        self.c = torch.nn.Parameter(torch.tensor(rng.standard_normal(), dtype=torch.float))
        self.d = torch.nn.Parameter(torch.tensor(rng.standard_normal(), dtype=torch.float))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        """A Python method like any other."""
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3'


x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = Polynomial3()

# model.parameters() yields the four Parameters
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-6)
for t in range(1000):  # the tutorial runs 2000 steps
    y_pred = model(x)

    loss = criterion(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
