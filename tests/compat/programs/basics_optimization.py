"""Learn the Basics, optimizing the model: hyperparameters, train loop and test loop.

Follows the optimization tutorial (model.train()/eval(), CrossEntropyLoss, SGD,
zero_grad after step).  Shrunk: the FashionMNIST stand-in (or a 512/256 subset of
the real one with ``COMPAT_DATA``), 3 epochs at a learning rate of 0.5 instead of
10 at 1e-3; weights from standin.seeded_init_.
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, Subset
from torchvision import datasets
from torchvision.transforms import ToTensor

import standin

if standin.data_root():
    training_data = Subset(datasets.FashionMNIST(root=standin.data_root(), train=True, download=False,
                                                 transform=ToTensor()), range(512))
    test_data = Subset(datasets.FashionMNIST(root=standin.data_root(), train=False, download=False,
                                             transform=ToTensor()), range(256))
else:
    training_data = standin.FakeFashionMNIST(train=True, transform=ToTensor())
    test_data = standin.FakeFashionMNIST(train=False, transform=ToTensor())

train_dataloader = DataLoader(training_data, batch_size=64)
test_dataloader = DataLoader(test_data, batch_size=64)


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 128),
            nn.ReLU(),
            nn.Linear(128, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork()
standin.seeded_init_(model)

# hyperparameters
learning_rate = 5e-1  # the tutorial: 1e-3, for 10 epochs of 938 batches
batch_size = 64
epochs = 3

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    # training mode: matters for batch normalization and dropout
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)

        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

        if batch % 2 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0

    # no gradients needed in evaluation
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()

    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
