"""``Flatten``: merge a range of dimensions into one (e.g. images into feature vectors)."""

from .module import Module


class Flatten(Module):
    """Merge dimensions ``start_dim`` through ``end_dim`` into one; the default keeps the batch dimension.

    Shape:
        input: (N, *dims).  output: (N, ∏dims) with the defaults, e.g. (64, 1, 28, 28) -> (64, 784).
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
