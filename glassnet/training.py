"""Training an image classifier from start to finish, as ``glassnet train`` does.

A *run* is a folder holding everything about one training:

===========================  ==============================================
``config.json``              the settings (model, dataset, epochs, lr, …)
``model.safetensors``        the weights after the last finished epoch
``optimizer.safetensors``    the optimizer's state (momentum buffers, …)
``state.json``               epochs done and the random generators' states
``history.json``             per epoch: losses, accuracy, time, samples/s
``curves.png``               loss and accuracy plotted per epoch
===========================  ==============================================

Every file is written atomically after each epoch, so an interrupted run can
be continued with ``--resume DIR``; because the shuffling generator's state is
saved too, the continued run ends with exactly the weights an uninterrupted
run would have.
"""

import json
import math
import os
import time
from dataclasses import asdict, dataclass, fields

import numpy as np

from . import nn, no_grad, optim
from .data import DataLoader, TensorDataset
from .models import REGISTRY
from .optim.optimizer import flatten_state_dict, unflatten_state_dict
from .random import Generator, default_generator, manual_seed
from .serialization import atomic_write_bytes, load_arrays, save
from .tensor import Tensor

DATASETS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}
NORMALIZATION = {"mnist": (0.1307, 0.3081), "fashion-mnist": (0.2860, 0.3530)}


@dataclass
class TrainConfig:
    """Settings of a training run. The defaults train LeNet-5 to >= 99 % on MNIST."""

    model: str = "lenet5"
    dataset: str = "mnist"
    epochs: int = 10
    batch_size: int = 64
    lr: float = 0.02
    momentum: float = 0.9
    weight_decay: float = 5e-4
    seed: int = 0
    data_root: str = ""
    out: str = "runs/lenet5-mnist"

    def check(self):
        """Raise ValueError naming the first bad setting."""
        if self.model not in REGISTRY:
            raise ValueError(f"unknown model {self.model!r}; choose one of: {', '.join(sorted(REGISTRY))}")
        if self.dataset not in DATASETS:
            raise ValueError(f"unknown dataset {self.dataset!r}; choose one of: {', '.join(sorted(DATASETS))}")
        for name in ("epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be at least 1, got {getattr(self, name)}")
        if self.lr <= 0:
            raise ValueError(f"--lr must be positive, got {self.lr}")
        if not 0 <= self.momentum < 1:
            raise ValueError(f"--momentum must be in [0, 1), got {self.momentum}")


def load_dataset(name, root, train):
    """The whole split as (images float32 (N, 1, 28, 28) normalised, labels int64 (N,))."""
    from .data import datasets

    dataset = getattr(datasets, DATASETS[name])(root or datasets.default_root(), train=train, download=True)
    mean, std = NORMALIZATION[name]
    images = (dataset.images.astype(np.float32) / 255.0 - mean) / std
    return images[:, None, :, :], dataset.labels


def evaluate_arrays(model, images, labels, batch_size=1000):
    """Mean cross-entropy, accuracy and the confusion matrix (rows: true class, columns: predicted)."""
    model.eval()
    total_loss, predictions = 0.0, []
    with no_grad():
        for start in range(0, len(images), batch_size):
            logits = model(Tensor._from_array(images[start : start + batch_size]))
            target = Tensor._from_array(labels[start : start + batch_size])
            total_loss += nn.functional.cross_entropy(logits, target, reduction="sum").item()
            predictions.append(logits.array.argmax(axis=1))
    predicted = np.concatenate(predictions)
    classes = int(max(labels.max(), predicted.max())) + 1
    confusion = np.bincount(labels * classes + predicted, minlength=classes * classes).reshape(classes, classes)
    return total_loss / len(images), float((predicted == labels).mean()), confusion


def format_confusion(confusion, labels=None):
    """The confusion matrix as aligned text: rows are true classes, columns predictions."""
    labels = labels or [str(i) for i in range(len(confusion))]
    width = max(len(str(confusion.max())), max(len(x) for x in labels)) + 1
    lines = ["true\\pred".ljust(10) + "".join(x.rjust(width) for x in labels)]
    for label, row in zip(labels, confusion):
        lines.append(label.ljust(10) + "".join(str(v).rjust(width) for v in row))
    return "\n".join(lines)


class Run:
    """The files of one run folder (see the module docstring)."""

    def __init__(self, folder):
        self.folder = os.fspath(folder)

    def path(self, name):
        return os.path.join(self.folder, name)

    def exists(self):
        return os.path.exists(self.path("state.json"))

    def read_json(self, name):
        try:
            with open(self.path(name)) as f:
                return json.load(f)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{self.path(name)} not found; hint: is {self.folder} a folder written by `glassnet train`?"
            ) from None

    def write_json(self, name, value):
        atomic_write_bytes(self.path(name), (json.dumps(value, indent=2) + "\n").encode())

    def config(self):
        saved = self.read_json("config.json")
        known = {f.name for f in fields(TrainConfig)}
        return TrainConfig(**{k: v for k, v in saved.items() if k in known})

    def load_model(self):
        config = self.config()
        model = REGISTRY[config.model][0]()
        arrays, _ = load_arrays(self.path("model.safetensors"))
        model.load_state_dict(arrays)
        return model, config


def cosine_lr(config, epoch):
    """Learning rate of ``epoch`` (0-based): cosine-annealed from ``config.lr`` towards 0 over the run.

    ``lr · (1 + cos(π · epoch / epochs)) / 2``, the closed form of ``CosineAnnealingLR``
    stepped once per epoch; computed from the epoch number alone, so a resumed run
    continues the same schedule.
    """
    return config.lr * (1 + math.cos(math.pi * epoch / config.epochs)) / 2


def train(config, resume=False, progress=True, log=print):
    """Train the run described by ``config``; returns the history.

    With ``resume=True`` the run in ``config.out`` is continued with the settings it
    was started with, from the last epoch it finished.
    """
    run = Run(config.out)
    if resume:
        if not run.exists():
            raise FileNotFoundError(f"nothing to resume in {run.folder}: no state.json there")
        config = TrainConfig(**{**asdict(run.config()), "out": config.out})
    config.check()

    manual_seed(config.seed)
    model = REGISTRY[config.model][0]()
    optimizer = optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    shuffle = Generator(config.seed)
    history, first_epoch = [], 0
    if resume:
        model.load_state_dict(load_arrays(run.path("model.safetensors"))[0])
        optimizer.load_state_dict(unflatten_state_dict(*load_arrays(run.path("optimizer.safetensors"))))
        state = run.read_json("state.json")
        first_epoch = state["epochs_done"]
        shuffle.set_state(state["shuffle_generator"])
        default_generator.set_state(state["default_generator"])
        history = run.read_json("history.json")
    run.write_json("config.json", asdict(config))

    train_x, train_y = load_dataset(config.dataset, config.data_root, train=True)
    test_x, test_y = load_dataset(config.dataset, config.data_root, train=False)
    loader = DataLoader(
        TensorDataset(Tensor._from_array(train_x), Tensor._from_array(train_y)),
        batch_size=config.batch_size,
        shuffle=True,
        generator=shuffle,
    )
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(first_epoch, config.epochs):
        model.train()
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(config, epoch)
        started, seen, running = time.perf_counter(), 0, 0.0
        bar = _progress(len(train_x), f"epoch {epoch + 1}/{config.epochs}", progress)
        for images, labels in loader:
            loss = loss_fn(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            seen += len(labels)
            running += loss.item() * len(labels)
            bar.update(len(labels))
            bar.set_postfix(loss=f"{loss.item():.4f}", refresh=False)
        bar.close()
        seconds = time.perf_counter() - started
        test_loss, accuracy, _ = evaluate_arrays(model, test_x, test_y)
        history.append(
            {
                "epoch": epoch + 1,
                "train_loss": running / seen,
                "test_loss": test_loss,
                "test_accuracy": accuracy,
                "seconds": seconds,
                "samples_per_second": seen / seconds,
            }
        )
        log(
            f"epoch {epoch + 1}/{config.epochs}: train loss {running / seen:.4f}, test loss {test_loss:.4f}, "
            f"test accuracy {accuracy:.2%} ({seconds:.1f} s, {seen / seconds:,.0f} samples/s)"
        )
        _save_epoch(run, model, optimizer, shuffle, history, epoch + 1)
    return history


def _save_epoch(run, model, optimizer, shuffle, history, epochs_done):
    save(model, run.path("model.safetensors"))
    arrays, metadata = flatten_state_dict(optimizer.state_dict())
    save(arrays, run.path("optimizer.safetensors"), metadata=metadata)
    run.write_json("history.json", history)
    run.write_json(
        "state.json",
        {
            "epochs_done": epochs_done,
            "shuffle_generator": shuffle.get_state(),
            "default_generator": default_generator.get_state(),
        },
    )
    try:
        from .plots import plot_history
    except ImportError:  # matplotlib is optional: no plot, everything else saved
        return
    plot_history(history, run.path("curves.png"))


def _progress(total, description, enabled):
    """A tqdm progress bar counting samples (shows samples/s and the ETA), or a silent stand-in.

    ``tqdm.auto`` draws a widget in Jupyter (with ipywidgets installed) and text on a terminal.
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:
        enabled = False
    if not enabled:
        return _Silent()
    # disable=None: a bar on a terminal or in a notebook, nothing in logs (the per-epoch lines are printed anyway)
    return tqdm(
        total=total, desc=description, unit="img", unit_scale=True, leave=False, dynamic_ncols=True, disable=None
    )


class _Silent:
    def update(self, n):
        pass

    def set_postfix(self, **kwargs):
        pass

    def close(self):
        pass
