"""``unbroadcast``: the adjoint of NumPy/PyTorch broadcasting.

If ``b`` of shape (3,) is broadcast against ``a`` of shape (2, 3) in ``a + b``,
each element of ``b`` was used twice, so its gradient is the *sum* of the two
upstream gradients.  In general: sum over the leading axes that broadcasting
added, and over every axis where the input had size 1.
"""


def unbroadcast(grad, shape):
    """Sum ``grad`` (an array, or a Tensor in ``backward_graph``) down to ``shape``, undoing broadcasting.

    Shape:
        grad: any shape that ``shape`` broadcasts to. Returns: ``shape``.
    """
    if grad.shape == tuple(shape):
        return grad
    added = grad.ndim - len(shape)
    axes = tuple(range(added)) + tuple(
        added + i for i, size in enumerate(shape) if size == 1 and grad.shape[added + i] != 1
    )
    return grad.sum(axes).reshape(shape)
