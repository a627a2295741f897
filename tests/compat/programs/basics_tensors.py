"""Learn the Basics, tensors: creating tensors, their attributes, operations, the NumPy bridge.

Follows the tensors tutorial.  Tensors drawn at random (torch.rand, rand_like) are
printed only by shape, since glassnet's and PyTorch's generators differ; every
other tensor is printed in full, so its repr is compared too.
"""
import numpy as np
import torch

# directly from data: the dtype is inferred
data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
print(f"x_data: \n {x_data} \n")

# from a NumPy array
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
print(f"x_np: \n {x_np} \n")

# from another tensor: keeps its shape and dtype unless told otherwise
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")

x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Random Tensor: {x_rand.shape} {x_rand.dtype} \n")

# with random or constant values of a given shape
shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)

print(f"Random Tensor: {rand_tensor.shape} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")

# attributes
tensor = torch.rand(3, 4)

print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")

# to the accelerator, when there is one
if torch.accelerator.is_available():
    tensor = tensor.to(torch.accelerator.current_accelerator())

# numpy-like indexing and slicing
tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)

# joining tensors
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)

# matrix multiplication: y1, y2 and y3 hold the same values
y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)

y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
print(y1, y2, y3, sep="\n")

# element-wise product: z1, z2 and z3 hold the same values
z1 = tensor * tensor
z2 = tensor.mul(tensor)

z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
print(z1, z2, z3, sep="\n")

# a one-element tensor to a Python number
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))

# in-place operations end in _
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

# tensor to NumPy array: they share memory
t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")

t.add_(1)
print(f"t: {t}")
print(f"n: {n}")

# NumPy array to tensor: they share memory too
n = np.ones(5)
t = torch.from_numpy(n)

np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
