"""Pictures of training: loss and accuracy curves.

Needs matplotlib, the ``viz`` extra (``pip install 'glassnet[viz]'``, or
``pip install -e '.[viz]'`` in a clone).
"""
import matplotlib

matplotlib.use("Agg")  # draw to files; no screen needed
import matplotlib.pyplot as plt  # noqa: E402


def plot_history(history, path):
    """Two panels, per epoch: train and test loss; test accuracy. Written as PNG to ``path``."""
    epochs = [h["epoch"] for h in history]
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, [h["train_loss"] for h in history], "o-", label="train")
    left.plot(epochs, [h["test_loss"] for h in history], "s-", label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    left.legend()
    right.plot(epochs, [100 * h["test_accuracy"] for h in history], "o-", color="tab:green")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title="Test accuracy")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.xaxis.get_major_locator().set_params(integer=True)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)

