"""Lesson 13: LeNet, the first convnet for images, trained on MNIST.

Slides: "Convnet Building Blocks" and "LeNet: First Convnet for Images".

LeNet-5 (``glassnet.models.lenet5``) has every element of a modern convnet:
convolutions that extract features, max pooling that shrinks the maps, and
fully connected layers that map the features to the ten class scores; its
weights are learned by backpropagation.  This lesson trains it briefly with
SGD (or loads the weights of a full run of ``glassnet train lenet5``, if
``runs/lenet5-mnist`` exists) and then looks inside:

* the learned filters of the first convolution: six 5×5 kernels, like the
  hand-made ones of lesson 10 but found by gradient descent;
* the feature maps of one digit after the first and the second convolution;
* test digits the network gets wrong.

Run it: ``glassnet lesson lenet --out lesson-figures``
(a full run first makes it better: ``glassnet train lenet5``, about 99 %).
"""

import numpy as np

import glassnet
from glassnet import nn, optim
from glassnet.data import DataLoader, TensorDataset
from glassnet.models import lenet5
from glassnet.training import NORMALIZATION, Run

from .common import figure, figures_wanted, mnist, save, written

TITLE = "LeNet on MNIST: train briefly (or load a run), learned filters, feature maps, misclassified digits"


def normalized(images):
    """uint8 digits (N, 28, 28) → float32 (N, 1, 28, 28) with MNIST's mean and spread, as ``glassnet train`` uses."""
    mean, std = NORMALIZATION["mnist"]
    return ((images.astype(np.float32) / 255 - mean) / std)[:, None]


def train_briefly(images, labels, count):
    """One pass of SGD with momentum over the first ``count`` training digits, 64 at a time."""
    glassnet.manual_seed(0)
    model = lenet5()
    optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loader = DataLoader(
        TensorDataset(glassnet.tensor(images[:count]), glassnet.tensor(labels[:count])),
        batch_size=64,
        shuffle=True,
        generator=glassnet.Generator(0),
    )
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for step, (x, y) in enumerate(loader):
        loss = loss_fn(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            print(f"  step {step:>4}: loss {loss.item():.3f}")
    return model


def predict(model, images):
    model.eval()
    with glassnet.no_grad():
        return np.concatenate(
            [model(glassnet.tensor(images[i : i + 1000])).numpy().argmax(axis=1) for i in range(0, len(images), 1000)]
        )


def run(out_dir=None, quick=False, checkpoint="runs/lenet5-mnist"):
    """Train (or load), test, and look inside; draw filters, feature maps and mistakes into ``out_dir``.

    ``quick`` trains on 4,000 digits and tests on 1,000 and never loads ``checkpoint``.
    """
    test_images, test_labels = mnist(train=False)
    if not quick and checkpoint and Run(checkpoint).exists():
        model, _ = Run(checkpoint).load_model()
        print(f"Loaded the weights trained by `glassnet train` from {checkpoint}")
    else:
        train_images, train_labels = mnist(train=True)
        count = 4000 if quick else 30000
        print(f"Training LeNet-5 for one pass over {count:,} training digits (SGD, lr 0.05, momentum 0.9)")
        model = train_briefly(normalized(train_images), train_labels, count)
    if quick:
        test_images, test_labels = test_images[:1000], test_labels[:1000]
    predicted = predict(model, normalized(test_images))
    wrong = np.nonzero(predicted != test_labels)[0]
    accuracy = 1 - len(wrong) / len(test_labels)
    print(f"Test accuracy on {len(test_labels):,} digits: {accuracy:.2%} ({len(wrong)} wrong)")

    digit = normalized(test_images[:1])
    with glassnet.no_grad():
        maps1 = model[:2](glassnet.tensor(digit)).numpy()[0]  # conv1 + ReLU: 6 maps of 28×28
        maps2 = model[:5](glassnet.tensor(digit)).numpy()[0]  # … pool, conv2 + ReLU: 16 maps of 10×10
    filters = model[0].weight.detach().numpy()[:, 0]  # 6 kernels of 5×5
    print(
        f"First conv layer: {filters.shape[0]} learned filters of {filters.shape[1]}×{filters.shape[2]}; "
        f"feature maps of test digit 0 (a {test_labels[0]}): {maps1.shape} after conv1, {maps2.shape} after conv2"
    )

    figures = []
    if figures_wanted(out_dir):
        figures = written(
            draw_filters(filters, out_dir),
            draw_feature_maps(test_images[0], maps1, maps2, out_dir),
            draw_mistakes(test_images, test_labels, predicted, wrong, out_dir),
        )
    return {
        "accuracy": accuracy,
        "wrong": len(wrong),
        "tested": len(test_labels),
        "filters": filters,
        "maps1_shape": maps1.shape,
        "maps2_shape": maps2.shape,
        "figures": figures,
    }


def draw_filters(filters, out_dir):
    """The six 5×5 kernels on one colour scale, so that their weights compare; 0 is white."""
    fig = figure(10, 2.3)
    limit = np.abs(filters).max()
    axes = fig.subplots(1, len(filters))
    for i, ax in enumerate(axes):
        image = ax.imshow(filters[i], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {i}", fontsize=10)
        ax.axis("off")
    fig.colorbar(image, ax=axes, label="weight", shrink=0.9, aspect=10)
    fig.suptitle("The learned 5×5 filters of the first convolution")
    return save(fig, out_dir, "lenet_filters.png")


def draw_feature_maps(digit, maps1, maps2, out_dir):
    """The digit and what each filter of conv1 finds in it (top), then conv2's maps; each layer on one scale."""
    fig = figure(12, 6.2)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.45])
    axes = top.subplots(1, 1 + len(maps1))
    axes[0].imshow(digit, cmap="gray")
    axes[0].set_title("the digit", fontsize=10)
    for i, (ax, feature_map) in enumerate(zip(axes[1:], maps1)):
        image = ax.imshow(feature_map, cmap="magma", vmin=0, vmax=maps1.max())
        ax.set_title(f"map {i}", fontsize=10)
    top.colorbar(image, ax=axes[1:], label="activation", aspect=8, shrink=0.85)
    top.suptitle("After conv1 + ReLU: 6 maps of 28×28, one per filter", fontsize=11)
    axes = np.concatenate([axes, bottom.subplots(2, len(maps2) // 2).ravel()])
    for i, (ax, feature_map) in enumerate(zip(axes[1 + len(maps1) :], maps2)):
        image = ax.imshow(feature_map, cmap="magma", vmin=0, vmax=maps2.max())
        ax.set_title(f"map {i}", fontsize=9)
    bottom.colorbar(image, ax=axes[1 + len(maps1) :], label="activation", aspect=15)
    bottom.suptitle("After conv2 + ReLU: 16 maps of 10×10 (after 2×2 max pooling of conv1's maps)", fontsize=11)
    for ax in axes:
        ax.axis("off")
    return save(fig, out_dir, "lenet_feature_maps.png")


def draw_mistakes(images, labels, predicted, wrong, out_dir):
    shown = wrong[:24]
    columns = 8
    rows = max(1, -(-len(shown) // columns))
    fig = figure(columns * 1.2, rows * 1.45)
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, i in zip(axes, shown):
        ax.imshow(images[i], cmap="gray")
        ax.set_title(f"{labels[i]} → {predicted[i]}", fontsize=9, color="tab:red")
    fig.suptitle(f"Misclassified test digits (true → predicted), {len(shown)} of {len(wrong)}")
    return save(fig, out_dir, "lenet_misclassified.png")
