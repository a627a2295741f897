"""The pieces together: DataLoader mini-batches, a model, a loss and an optimizer."""

import numpy as np

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset


def circle(n, seed):
    """The Playground's circle problem: label 1 inside radius 0.5 of the unit square's centre region."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2)).astype(np.float32)
    y = ((x**2).sum(1) < 0.5).astype(np.float32)[:, None]
    return glassnet.tensor(x), glassnet.tensor(y)


def test_tanh_mlp_2_8_8_1_learns_the_circle_with_sgd_minibatches():
    glassnet.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 1))
    x, y = circle(500, seed=0)
    loader = DataLoader(TensorDataset(x, y), batch_size=10, shuffle=True, generator=glassnet.Generator(0))
    optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    for _ in range(40):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
    x_test, y_test = circle(1000, seed=1)
    with glassnet.no_grad():
        accuracy = ((model(x_test).array > 0) == (y_test.array > 0.5)).mean()
    assert accuracy >= 0.95, f"test accuracy {accuracy:.3f}"


def test_softmax_classifier_on_gaussian_blobs_converges_with_adam():
    glassnet.manual_seed(0)
    rng = np.random.default_rng(0)
    centers = np.array([[0, 3], [3, -2], [-3, -2]], dtype=np.float32)
    labels = rng.integers(0, 3, 600)
    points = centers[labels] + rng.standard_normal((600, 2)).astype(np.float32)
    model = nn.Sequential(nn.Linear(2, 3), nn.LogSoftmax(dim=1))
    optimizer = optim.Adam(model.parameters(), lr=0.05)
    loader = DataLoader(TensorDataset(glassnet.tensor(points), glassnet.tensor(labels)), batch_size=32, shuffle=True)
    epoch_losses = []
    for _ in range(15):
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = nn.functional.nll_loss(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
        epoch_losses.append(total / len(labels))
    assert epoch_losses[-1] < 0.25 * epoch_losses[0]
    accuracy = (model(glassnet.tensor(points)).argmax(1).numpy() == labels).mean()
    assert accuracy > 0.95
