"""Learn the Basics, transforms: ToTensor for the images, Lambda one-hot encoding for the labels.

Follows the transforms tutorial (FashionMNIST, or its stand-in without ``COMPAT_DATA``).
"""
import torch
from torchvision import datasets
from torchvision.transforms import ToTensor, Lambda

import standin

one_hot = Lambda(lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))

if standin.data_root():
    ds = datasets.FashionMNIST(root=standin.data_root(), train=True, download=False,
                               transform=ToTensor(), target_transform=one_hot)
else:
    ds = standin.FakeFashionMNIST(train=True, transform=ToTensor(), target_transform=one_hot)

# ToTensor: a uint8 image becomes a float tensor scaled to [0., 1.]
image, target = ds[0]
print(f"image: {image.shape} {image.dtype} min {image.min().item()} max {image.max().item():.4f}")
print(f"mean pixel: {image.mean().item():.6f}")

# Lambda: any function; here the label becomes a one-hot vector
print(f"target: {target}")
print(f"label: {target.argmax().item()}")

target_transform = Lambda(lambda y: torch.zeros(
    10, dtype=torch.float).scatter_(dim=0, index=torch.tensor(y), value=1))
print(target_transform(3))
