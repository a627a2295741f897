"""Learn the Basics, save and load the model: state_dict, load_state_dict, the whole model.

Follows the save & load tutorial with a small CNN of this file instead of
torchvision's VGG16 (no pretrained weights here), and adds the usual checkpoint
dictionary (epoch, model and optimizer state).  Saving the whole module
(``torch.save(model)``, pickle) is in basics_saveload_module.py; the ONNX export
is left out.
"""
import torch
from torch import nn

from standin import seeded_init_


class SmallVGG(nn.Module):
    """Two VGG-style blocks and a classifier (without VGG's Dropout, so that the training step
    below gives the same loss under both frameworks)."""

    def __init__(self, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 8 * 8, 32), nn.ReLU(True),
                                        nn.Linear(32, num_classes))

    def forward(self, x):
        return self.classifier(self.features(x))


model = seeded_init_(SmallVGG())
x = torch.linspace(-1, 1, 2 * 3 * 32 * 32).reshape(2, 3, 32, 32)
model.eval()
with torch.no_grad():
    before = model(x)
print(f"state_dict keys: {list(model.state_dict().keys())}")

# the learned parameters, saved with torch.save ...
torch.save(model.state_dict(), 'model_weights.pth')

# ... and loaded into a fresh instance of the same class
model = SmallVGG()
model.load_state_dict(torch.load('model_weights.pth', weights_only=True))
model.eval()
with torch.no_grad():
    after = model(x)
print(f"same outputs after loading the weights: {torch.equal(before, after)}")
print(after)

# a checkpoint to resume training from
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
model.train()
loss = model(x).sum()
loss.backward()
optimizer.step()
torch.save({
    'epoch': 5,
    'model_state_dict': model.state_dict(),
    'optimizer_state_dict': optimizer.state_dict(),
    'loss': loss.item(),
}, 'checkpoint.pth')

model = SmallVGG()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
checkpoint = torch.load('checkpoint.pth', weights_only=True)
model.load_state_dict(checkpoint['model_state_dict'])
optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
print(f"resumed at epoch {epoch}, loss {checkpoint['loss']:.6f}")
print(f"momentum buffers restored: {len(optimizer.state_dict()['state'])}")
