"""Learn the Basics, automatic differentiation: grad_fn, backward, no_grad, detach, Jacobian products.

Follows the autograd tutorial.  w and b come from NumPy's seeded generator
instead of torch.randn, so the printed gradients can be compared.
"""
import numpy as np
import torch

rng = np.random.default_rng(0)

x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.tensor(rng.standard_normal((5, 3)), dtype=torch.float32, requires_grad=True)
b = torch.tensor(rng.standard_normal(3), dtype=torch.float32, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")

loss.backward()
print(w.grad)
print(b.grad)

# stop tracking: no_grad ...
z = torch.matmul(x, w)+b
print(z.requires_grad)

with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)

# ... or detach
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)

# requires_grad can also be switched on later
v = torch.ones(2)
v.requires_grad_(True)
print(v.requires_grad, v.is_leaf)

# vector-Jacobian products: backward with a gradient argument; gradients accumulate
inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
