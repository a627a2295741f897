"""60-minute blitz, tensors ("What is PyTorch?"): construction, new_* methods, sizes, operations, views, NumPy, devices.

Follows the blitz's tensor tutorial in its classic form.  Where the tutorial fills
tensors with torch.rand/randn, this program uses arange and linspace values, so
that everything printed can be compared; the random constructors are printed by
shape and dtype only.
"""
import numpy as np
import torch

# an uninitialised matrix: only its shape is meaningful
x = torch.empty(5, 3)
print(x.shape)

x = torch.rand(5, 3)
print(x.shape, x.dtype, bool(((x >= 0) & (x < 1)).all()))

x = torch.zeros(5, 3, dtype=torch.long)
print(x)

x = torch.tensor([5.5, 3])
print(x)

# new tensors from an existing one: its dtype unless told otherwise
x = x.new_ones(5, 3, dtype=torch.double)
print(x)

x = torch.randn_like(x, dtype=torch.float)
print(x.size(), x.dtype)

x = torch.linspace(-0.9, 1.9, 15).reshape(5, 3)  # (PyTorch computes linspace(-1, 1, 15)[7] as -4.47e-08, glassnet as 0)
print(x)
print(x.size())
rows, cols = x.size()
print(rows, cols)

# addition, four ways
y = torch.arange(15, dtype=torch.float32).reshape(5, 3) / 10
print(x + y)
print(torch.add(x, y))
result = torch.empty(5, 3)
torch.add(x, y, out=result)
print(result)
y.add_(x)
print(y)

# NumPy-like indexing
print(x[:, 1])

# view: the same data in another shape
x = torch.arange(16.0).reshape(4, 4)
y = x.view(16)
z = x.view(-1, 8)
print(x.size(), y.size(), z.size())

# one element to a Python number
x = torch.tensor([0.25])
print(x)
print(x.item())

# NumPy bridge: shared memory
a = torch.ones(5)
b = a.numpy()
print(b)
a.add_(1)
print(a)
print(b)

a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a)
print(b)

# devices: move tensors with .to
x = torch.arange(3.0)
if torch.cuda.is_available():
    device = torch.device("cuda")
    y = torch.ones_like(x, device=device)
    x = x.to(device)
    z = x + y
    print(z)
    print(z.to("cpu", torch.double))
else:
    device = torch.device("cpu")
    y = torch.ones_like(x, device=device)
    z = x.to(device) + y
    print(z.device, z)
    print(z.to("cpu", torch.double))
