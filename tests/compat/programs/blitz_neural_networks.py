"""60-minute blitz, neural networks: a LeNet-like net, its parameters, a loss, backprop, weight updates.

Follows the blitz's neural-networks tutorial (F.max_pool2d, x.view with
num_flat_features, grad_fn chain, conv1.bias.grad, f.data.sub_ update, optim.SGD).
Input, output gradient and target come from NumPy's seeded generator instead of
torch.randn, and the weights from standin.seeded_init_, so that values compare.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from standin import seeded_init_


class Net(nn.Module):

    def __init__(self):
        super().__init__()
        # 1 input channel, 6 output channels, 5x5 convolution
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # affine layers: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # max pooling over a (2, 2) window
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # a square window can be given as one number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]  # every dimension but the batch
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


net = Net()
seeded_init_(net)
print(net)

params = list(net.parameters())
print(len(params))
print(params[0].size())  # conv1's weight

rng = np.random.default_rng(0)
input = torch.tensor(rng.standard_normal((1, 1, 32, 32)), dtype=torch.float32)
out = net(input)
print(out)

# zero the gradients, then backprop a given output gradient
net.zero_grad()
out.backward(torch.tensor(rng.standard_normal((1, 10)), dtype=torch.float32))
print(f"conv1.weight.grad norm: {net.conv1.weight.grad.norm().item():.6f}")

# a loss function
output = net(input)
target = torch.arange(1, 11, dtype=torch.float32)  # a dummy target
target = target.view(1, -1)  # the same shape as output
criterion = nn.MSELoss()

loss = criterion(output, target)
print(loss)

# following the graph backwards from the loss
# (The tutorial goes one step further, next_functions[0][0] once more: which input comes
# first there is PyTorch's internal choice, the bias of its addmm kernel; left out.)
print(loss.grad_fn)  # MSELoss
print(loss.grad_fn.next_functions[0][0])  # Linear

# backprop
net.zero_grad()  # else gradients accumulate

print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)

loss.backward()

print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)

# the simplest update rule, by hand: weight = weight - learning_rate * gradient
learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
print(f"loss after a manual step: {criterion(net(input), target).item():.6f}")

# the same with torch.optim
import torch.optim as optim

optimizer = optim.SGD(net.parameters(), lr=0.01)

# in the training loop:
optimizer.zero_grad()  # zero the gradient buffers
output = net(input)
loss = criterion(output, target)
loss.backward()
optimizer.step()  # the update
print(f"loss after an optimizer step: {criterion(net(input), target).item():.6f}")
