"""Learn the Basics, build the neural network: nn.Module, Flatten, Linear, ReLU, Sequential, Softmax.

Follows the build-model tutorial.  Inputs come from torch.rand in the tutorial;
here they come from NumPy's seeded generator, and the model's weights from
standin.seeded_init_, so the printed values can be compared between glassnet and
PyTorch.
"""
import numpy as np
import torch
from torch import nn

from standin import seeded_init_

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
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
seeded_init_(model)
print(model)

rng = np.random.default_rng(0)


def rand(*size):
    """Like torch.rand, from NumPy's seeded generator: the same values under both frameworks."""
    return torch.from_numpy(rng.random(size, dtype=np.float32))


X = rand(1, 28, 28).to(device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")

# the layers one by one, on a minibatch of 3 images
input_image = rand(3, 28, 28)
print(input_image.size())

flatten = nn.Flatten()
flat_image = flatten(input_image)
print(flat_image.size())

layer1 = nn.Linear(in_features=28*28, out_features=20)
seeded_init_(layer1, seed=1)
hidden1 = layer1(flat_image)
print(hidden1.size())

print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")

seq_modules = nn.Sequential(
    flatten,
    layer1,
    nn.ReLU(),
    nn.Linear(20, 10)
)
seeded_init_(seq_modules[3], seed=2)
input_image = rand(3, 28, 28)
logits = seq_modules(input_image)

softmax = nn.Softmax(dim=1)
pred_probab = softmax(logits)
print(f"probabilities: {pred_probab}")
print(f"sums: {pred_probab.sum(dim=1)}")

# parameters, by name
print(f"Model structure: {model}\n\n")

for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
