"""Learning PyTorch with Examples, 7: a dynamic net whose graph changes from one step to the next.

Follows the tutorial's dynamic_net example: each forward pass adds the x^4 term,
or the x^4 and x^5 terms, reusing the same parameter e, by plain Python control
flow.  Shrunk from 30000 to 1000 steps.  Python's random module (seeded) chooses
the terms, so both frameworks build the same graphs; the parameters start from
NumPy's seeded generator instead of torch.randn.
"""
import math
import random

import numpy as np
import torch


class DynamicNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        self.a, self.b, self.c, self.d, self.e = (
            torch.nn.Parameter(torch.tensor(rng.standard_normal(), dtype=torch.float)) for _ in range(5))

    def forward(self, x):
        """A cubic, plus e x^4 and maybe e x^5: the same parameter used more than once."""
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return f'y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?'


random.seed(0)
x = torch.linspace(-math.pi, math.pi, 2000)
y = torch.sin(x)

model = DynamicNet()

# plain SGD struggles with this model: momentum helps
criterion = torch.nn.MSELoss(reduction='sum')
optimizer = torch.optim.SGD(model.parameters(), lr=1e-8, momentum=0.9)
for t in range(1000):  # the tutorial runs 30000 steps
    y_pred = model(x)

    loss = criterion(y_pred, y)
    if t % 100 == 99:
        print(t, loss.item())

    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f'Result: {model.string()}')
