"""Pictures of training: loss and accuracy curves.

Needs matplotlib, the ``viz`` extra (``pip install 'glassnet[viz]'``, or
``pip install -e '.[viz]'`` in a clone).
"""

import matplotlib

matplotlib.use("Agg")  # draw to files; no screen needed
import matplotlib.pyplot as plt  # noqa: E402


def plot_history(history, path):
    """Two panels, per epoch: train and test loss; test accuracy, its best marked. Written as PNG to ``path``."""
    epochs = [h["epoch"] for h in history]
    accuracy = [100 * h["test_accuracy"] for h in history]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    # The train loss is the mean over the epoch's batches while the weights still moved; the test loss is
    # measured after the epoch, which is why it can be the lower one early on.
    left.plot(epochs, [h["train_loss"] for h in history], "o-", label="train (mean over the epoch)")
    left.plot(epochs, [h["test_loss"] for h in history], "s-", label="test (after the epoch)")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    left.legend()
    right.plot(epochs, accuracy, "o-", color="tab:green")
    best = max(range(len(accuracy)), key=accuracy.__getitem__)
    right.plot(epochs[best], accuracy[best], "*", color="black", ms=12)
    right.set(
        xlabel="epoch",
        ylabel="accuracy on the test set (%)",
        title=f"Test accuracy: best {accuracy[best]:.2f} % (★, epoch {epochs[best]})",
    )
    bottom, top = right.get_ylim()
    right.set_ylim(bottom, min(top, 100))
    for axis in (left, right):
        axis.grid(alpha=0.3)
        if len(epochs) <= 12:
            axis.set_xticks(epochs)
        else:
            axis.xaxis.get_major_locator().set_params(integer=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
