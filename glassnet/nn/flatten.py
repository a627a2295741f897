"""``Flatten`` merges a range of dimensions into one (e.g. images into feature vectors); ``Unflatten`` splits one."""

from __future__ import annotations

from collections.abc import Sequence

from ..tensor import Tensor, _resolve_shape
from .module import Module


class Flatten(Module):
    """Merge dimensions ``start_dim`` through ``end_dim`` into one; the default keeps the batch dimension.

    Shape:
        - Input: ``(N, *dims)``.
        - Output: ``(N, ∏dims)`` with the defaults, e.g. (64, 1, 28, 28) → (64, 784).
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        """``input.flatten(start_dim, end_dim)``."""
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size`` (one size may be -1): the inverse of ``Flatten``.

    Shape:
        - Input: ``(*, S, *)`` with S the size of ``dim``.
        - Output: ``(*, *unflattened_size, *)``, e.g. ``Unflatten(1, (1, 28, 28))``: (64, 784) → (64, 1, 28, 28).
    """

    def __init__(self, dim: int, unflattened_size: Sequence[int]) -> None:
        super().__init__()
        if not isinstance(unflattened_size, (tuple, list)):
            raise TypeError(
                f"unflattened_size must be a tuple of ints, but found type {type(unflattened_size).__name__}"
            )
        for position, size in enumerate(unflattened_size):
            if not isinstance(size, int):
                raise TypeError(
                    f"unflattened_size must be tuple of ints, but found element of type {type(size).__name__} "
                    f"at pos {position}"
                )
        self.dim = dim
        self.unflattened_size = unflattened_size

    def forward(self, input: Tensor) -> Tensor:
        """``input`` with axis ``dim`` reshaped to ``unflattened_size``."""
        sizes, shape = tuple(self.unflattened_size), tuple(input.shape)
        if not sizes:
            raise RuntimeError("unflatten: sizes must be non-empty")
        if not -len(shape) <= self.dim < len(shape):
            raise IndexError(
                f"unflatten: dimension out of range (expected to be in range of [{-len(shape)}, {len(shape) - 1}], "
                f"but got {self.dim}) for input shape {shape}"
            )
        dim = self.dim % len(shape)
        if _resolve_shape(sizes, shape[dim]) is None:
            raise RuntimeError(
                f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {self.dim} "
                f"({shape[dim]}) in the input tensor (shape {shape}); hint: the sizes' product must equal "
                f"{shape[dim]}, and at most one size may be -1"
            )
        return input.reshape(shape[:dim] + sizes + shape[dim + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
