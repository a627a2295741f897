"""LeNet-5 (LeCun et al., 1998), the lecture's first convnet, in its modern form.

========  ============================  ==============
layer     what it does                  output (N, …)
========  ============================  ==============
input     one grey 28×28 digit          1×28×28
conv1     6 filters 5×5, padding 2      6×28×28
pool1     2×2 max, stride 2             6×14×14
conv2     16 filters 5×5                16×10×10
pool2     2×2 max, stride 2             16×5×5
fc1       400 → 120                     120
fc2       120 → 84                      84
fc3       84 → 10 (class scores)        10
========  ============================  ==============

ReLU follows every conv and the first two fully connected layers (the
original used sigmoid-like squashing after pooling); 61,706 parameters.
"""

from .. import nn


def lenet5(num_classes=10, in_channels=1):
    """LeNet-5 as an ``nn.Sequential``; its ``state_dict`` keys match the same PyTorch Sequential.

    Shape:
        input: (N, in_channels, 28, 28). Output: (N, num_classes) logits.
    """
    return nn.Sequential(
        nn.Conv2d(in_channels, 6, kernel_size=5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, kernel_size=5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, num_classes),
    )
