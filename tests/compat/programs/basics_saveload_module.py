"""Learn the Basics, save and load the model: the whole module, class and all.

Follows the part of the save & load tutorial that saves the module itself with
``torch.save(model)`` and loads it with ``torch.load(..., weights_only=False)``:
Python's pickle stores a reference to the class and rebuilds the object.
"""
import torch
from torch import nn

from standin import seeded_init_


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))

    def forward(self, x):
        return self.layers(x)


model = seeded_init_(TinyNet())
x = torch.linspace(-1, 1, 12).reshape(3, 4)
model.eval()
with torch.no_grad():
    before = model(x)

torch.save(model, 'model.pth')
model = torch.load('model.pth', weights_only=False)
model.eval()
with torch.no_grad():
    print(f"same outputs after loading the model: {torch.equal(before, model(x))}")
print(model)
