"""``Embedding``: a learned table of vectors, one row per index (word, token, category).

``Embedding(10, 3)(tensor([[1, 2], [4, 9]]))`` has shape (2, 2, 3): each index
is replaced by its row of ``weight``.  It equals one-hot vectors times the
weight matrix, without building the one-hot vectors (see ``glassnet.ops.embedding``).
"""

from __future__ import annotations

from .. import creation
from .._typing import DTypeLike
from ..ops.embedding import check_padding_idx, embedding
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``.

    Initialised as in PyTorch: N(0, 1), with the ``padding_idx`` row zero.
    That row gets no gradient, so it stays a fixed "pad" vector.  ``max_norm``,
    ``norm_type`` and ``scale_grad_by_freq`` behave as in ``F.embedding``;
    unlike PyTorch, ``sparse=True`` gives a dense gradient.  ``_weight`` (a
    Tensor of shape (num_embeddings, embedding_dim)) becomes the weight,
    sharing memory, and ``_freeze=True`` turns its gradient off.

    Shape:
        - Input: ``(*)``, integers in [0, num_embeddings).
        - Output: ``(*, embedding_dim)``.

    Attributes:
        weight: Parameter of shape (num_embeddings, embedding_dim).

    Example:
        >>> import glassnet
        >>> table = glassnet.nn.Embedding(10, 3)
        >>> table(glassnet.tensor([[1, 2], [4, 9]])).shape
        glassnet.Size([2, 2, 3])
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__()
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = check_padding_idx(padding_idx, num_embeddings)
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        if _weight is None:
            self.weight = Parameter(
                creation.empty(num_embeddings, embedding_dim, dtype=dtype), requires_grad=not _freeze
            )
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise AssertionError(
                    f"Shape of weight does not match num_embeddings and embedding_dim (Embedding: _weight has shape "
                    f"{tuple(_weight.shape)}, expected ({num_embeddings}, {embedding_dim}))"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)
        self.sparse = sparse

    def reset_parameters(self) -> None:
        """Rows from N(0, 1); the padding row zero."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.array[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        """``weight[input]``: each index replaced by its row."""
        return embedding(
            input, self.weight, self.padding_idx, self.max_norm, self.norm_type, self.scale_grad_by_freq, self.sparse
        )

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq is not False:
            s += f", scale_grad_by_freq={self.scale_grad_by_freq}"
        if self.sparse is not False:
            s += ", sparse=True"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An ``Embedding`` whose weight is ``embeddings`` (2-D, shared memory); ``freeze=True`` turns its gradient off."""
        if embeddings.dim() != 2:
            raise AssertionError(
                f"Embeddings parameter is expected to be 2-dimensional (Embedding.from_pretrained: got shape "
                f"{tuple(embeddings.shape)}); hint: a table of shape (num_embeddings, embedding_dim)"
            )
        rows, cols = embeddings.shape
        return cls(
            num_embeddings=rows,
            embedding_dim=cols,
            _weight=embeddings,
            _freeze=freeze,
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
        )
