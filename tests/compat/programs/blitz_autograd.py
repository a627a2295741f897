"""60-minute blitz, a gentle introduction to torch.autograd.

Follows the blitz's autograd tutorial: one training step of a model, gradients of
Q = 3a^3 - b^2 with an external gradient, what requires_grad spreads to, and
freezing a model for finetuning.  The tutorial's pretrained resnet18 (torchvision.models)
is replaced by a small CNN of this file with the same attribute names (a final
``fc`` layer); its weights come from standin.seeded_init_ and the data from
NumPy's seeded generator instead of torch.rand.
"""
import numpy as np
import torch
from torch import nn, optim

from standin import seeded_init_


class TinyResNetLike(nn.Module):
    """Convolutions, global average pooling and a final ``fc`` layer, named as in resnet18."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1, bias=False)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, padding=1)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.conv1(x)))
        x = self.relu(self.conv2(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


rng = np.random.default_rng(0)
model = seeded_init_(TinyResNetLike())
data = torch.from_numpy(rng.random((1, 3, 64, 64), dtype=np.float32))
labels = torch.from_numpy(rng.random((1, 1000), dtype=np.float32))

# forward pass, loss, backward pass
prediction = model(data)
loss = (prediction - labels).sum()
print(f"loss: {loss.item():.4f}")
loss.backward()

# one optimizer step
optim_ = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
optim_.step()
print(f"loss after one step: {(model(data) - labels).sum().item():.4f}")

# differentiation in autograd
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2

# Q is a vector: backward needs the gradient of something with respect to Q
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)

# the gradients are now in a.grad and b.grad
print(9*a**2 == a.grad)
print(-2*b == b.grad)

# an output requires a gradient if any input does
x = torch.linspace(0, 1, 25).reshape(5, 5)
y = torch.linspace(1, 2, 25).reshape(5, 5)
z = torch.linspace(2, 3, 25).reshape(5, 5).requires_grad_()

a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")

# finetuning: freeze every parameter ...
model = TinyResNetLike()
for param in model.parameters():
    param.requires_grad = False

# ... and replace the classifier: its new parameters are the only ones that learn
model.fc = nn.Linear(16, 10)
print([name for name, param in model.named_parameters() if param.requires_grad])

optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
out = model(data)
out.sum().backward()
print(model.conv1.weight.grad is None, model.fc.weight.grad.shape)
