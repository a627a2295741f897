"""Learn the Basics, quickstart: FashionMNIST, an MLP, a train/test loop, save and load.

Follows the quickstart tutorial idiom for idiom.  Shrunk to seconds: with
``COMPAT_DATA`` set it uses the first 512 training and 256 test images of the real
FashionMNIST (torch.utils.data.Subset), otherwise the synthetic stand-in
(standin.FakeFashionMNIST); 2 epochs instead of 5, a learning rate of 0.5 instead
of 1e-3 (8 steps instead of 4690), a log line every 4 batches.
The weights start from NumPy's seeded generator (standin.seeded_init_) so that
glassnet and PyTorch print the same losses.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets
from torchvision.transforms import ToTensor

import standin

# training and test data
if standin.data_root():
    training_data = Subset(datasets.FashionMNIST(root=standin.data_root(), train=True, download=False,
                                                 transform=ToTensor()), range(512))
    test_data = Subset(datasets.FashionMNIST(root=standin.data_root(), train=False, download=False,
                                             transform=ToTensor()), range(256))
else:
    training_data = standin.FakeFashionMNIST(train=True, transform=ToTensor())
    test_data = standin.FakeFashionMNIST(train=False, transform=ToTensor())

batch_size = 64

# data loaders
train_dataloader = DataLoader(training_data, batch_size=batch_size)
test_dataloader = DataLoader(test_data, batch_size=batch_size)

for X, y in test_dataloader:
    print(f"Shape of X [N, C, H, W]: {X.shape}")
    print(f"Shape of y: {y.shape} {y.dtype}")
    break

# the accelerator if there is one, else the CPU
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10)
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
standin.seeded_init_(model)
print(model)

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=5e-1)  # the tutorial: 1e-3, for 5 epochs of 938 batches


def train(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)

        # prediction error
        pred = model(X)
        loss = loss_fn(pred, y)

        # backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 4 == 0:
            loss, current = loss.item(), (batch + 1) * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    model.eval()
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


epochs = 2
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train(train_dataloader, model, loss_fn, optimizer)
    test(test_dataloader, model, loss_fn)
print("Done!")

# save the learned parameters ...
torch.save(model.state_dict(), "model.pth")
print("Saved PyTorch Model State to model.pth")

# ... and load them into a new model
model = NeuralNetwork().to(device)
model.load_state_dict(torch.load("model.pth", weights_only=True))

classes = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

model.eval()
x, y = test_data[0][0], test_data[0][1]
with torch.no_grad():
    x = x.to(device)
    pred = model(x)
    predicted, actual = classes[pred[0].argmax(0)], classes[y]
    print(f'Predicted: "{predicted}", Actual: "{actual}"')
