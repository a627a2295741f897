"""Learn the Basics, datasets and dataloaders: a ready-made dataset, a custom Dataset, DataLoader.

Follows the datasets & dataloaders tutorial.  The ready-made dataset is the real
FashionMNIST with ``COMPAT_DATA`` set, else the synthetic stand-in.  The custom
dataset reads image files named in an annotations CSV file, as the tutorial's
does; the images are written first as .npy files (the tutorial reads JPEGs with
torchvision.io, which has no glassnet counterpart) and the CSV is read with the
csv module instead of pandas.  Plots are left out.  The shuffled batch's first
label depends on the framework's random generator and is not compared.
"""
import csv
import os

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision import datasets
from torchvision.transforms import ToTensor

import standin

if standin.data_root():
    training_data = datasets.FashionMNIST(root=standin.data_root(), train=True, download=False,
                                          transform=ToTensor())
    test_data = datasets.FashionMNIST(root=standin.data_root(), train=False, download=False,
                                      transform=ToTensor())
else:
    training_data = standin.FakeFashionMNIST(train=True, transform=ToTensor())
    test_data = standin.FakeFashionMNIST(train=False, transform=ToTensor())

labels_map = {
    0: "T-Shirt",
    1: "Trouser",
    2: "Pullover",
    3: "Dress",
    4: "Coat",
    5: "Sandal",
    6: "Shirt",
    7: "Sneaker",
    8: "Bag",
    9: "Ankle Boot",
}

# index a dataset like a list
torch.manual_seed(0)
for i in range(1, 4):
    sample_idx = torch.randint(len(training_data), size=(1,)).item()
    img, label = training_data[sample_idx]
    print(f"sample: image {tuple(img.shape)} {img.dtype} in [{img.min().item():.1f}, {img.max().item():.1f}], "
          f"label type {type(label).__name__}")
    print(f"squeezed for plotting: {tuple(img.squeeze().shape)}")


# a custom Dataset for your own files: __init__, __len__ and __getitem__
class CustomImageDataset(Dataset):
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        with open(annotations_file, newline="") as f:
            self.img_labels = [(name, int(label)) for name, label in csv.reader(f)]
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        img_path = os.path.join(self.img_dir, self.img_labels[idx][0])
        image = np.load(img_path)
        label = self.img_labels[idx][1]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


# write a few images and their labels to files, then read them back through the custom Dataset
os.makedirs("images", exist_ok=True)
with open("labels.csv", "w", newline="") as f:
    writer = csv.writer(f)
    for i in range(10):
        img, label = test_data[i]
        name = f"{labels_map[label].lower().replace(' ', '')}{i}.npy"
        np.save(os.path.join("images", name), (img.squeeze().numpy() * 255).round().astype(np.uint8))
        writer.writerow([name, label])

custom_data = CustomImageDataset("labels.csv", "images", transform=ToTensor())
print(f"custom dataset: {len(custom_data)} samples")
image, label = custom_data[3]
print(f"custom sample 3: {image.shape} {image.dtype}, label {label} ({labels_map[label]})")
print(f"same pixels as the source: {torch.allclose(image, test_data[3][0])}")

# DataLoader: minibatches, reshuffled every epoch
from torch.utils.data import DataLoader

train_dataloader = DataLoader(training_data, batch_size=64, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=64, shuffle=True)

train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
img = train_features[0].squeeze()
label = train_labels[0]
print(f"image to plot: {img.shape}")
print(f"Label: {label}")

# the custom dataset batches like any other
for images, labels in DataLoader(custom_data, batch_size=4):
    print(f"custom batch: {images.shape} {labels.tolist()}")
