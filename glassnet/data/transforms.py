"""Image transforms with torchvision's names, arguments and semantics, on NumPy images.

A transform is a callable applied to one sample: ``MNIST(..., transform=t)``
calls ``t(image)`` for every image it returns.  Chain several with ``Compose``::

    transform = Compose([ToTensor(), Normalize((0.1307,), (0.3081,))])

Unlike torchvision:

* Images are NumPy arrays (``HxW`` or ``HxWxC``, as MNIST stores them), never PIL images.
* Every transform here also has a ``batch(images)`` method that transforms a
  whole batch ``(N, ...)`` at once and gives the same result as transforming each
  image (random transforms: the same distribution, each image drawing its own
  random numbers, though not the same numbers as one-by-one calls).  ``MNIST`` uses
  it, through ``DataLoader``, to build batches with a few NumPy calls instead of
  a Python loop over images.  ``can_batch(t)`` tells whether a transform can.
* Randomness comes from glassnet's default generator (``glassnet.manual_seed``).
"""

import numpy as np

from glassnet.random import numpy_generator

from ._interop import to_numpy, to_tensor


def can_batch(transform):
    """True when ``transform`` can be applied to a whole batch with ``transform.batch``.

    ``None`` (no transform) counts as batchable; a ``Compose`` is batchable when
    every step is.  Plain functions and lambdas are not: they see one sample.
    """
    if transform is None:
        return True
    if isinstance(transform, Compose):
        return all(can_batch(t) for t in transform.transforms)
    return callable(getattr(transform, "batch", None))


class Compose:
    """Apply ``transforms`` one after the other.

    Args:
        transforms (list): the transforms, applied first to last.
    """

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def batch(self, imgs):
        """Apply each step's ``batch`` in turn; every step must have one (see ``can_batch``)."""
        for t in self.transforms:
            if not can_batch(t):
                raise TypeError(
                    f"Compose.batch: {t!r} transforms one sample at a time (it has "
                    "no batch method); call the Compose on each sample instead"
                )
            imgs = t.batch(imgs)
        return imgs

    def __repr__(self):
        lines = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"Compose({lines}\n)"


class ToTensor:
    """Convert an image array to a Tensor laid out channels-first, scaled to [0, 1].

    As torchvision's ``ToTensor`` does for NumPy arrays: a ``uint8`` image with
    values 0..255 becomes ``float32`` with values 0..1 (divided by 255); an image
    of any other dtype keeps its dtype and values, only moved channels-first.

    Shape:
        - Input: ``(H, W)`` (one channel, e.g. MNIST) or ``(H, W, C)``.
        - Output: ``(C, H, W)`` Tensor, ``C == 1`` for an ``(H, W)`` input.
        - ``batch``: ``(N, H, W)`` or ``(N, H, W, C)`` -> ``(N, C, H, W)``.
    """

    def __call__(self, pic):
        pic = to_numpy(pic)
        if pic.ndim not in (2, 3):
            raise ValueError(
                f"ToTensor: expected one image of shape (H, W) or (H, W, C), got "
                f"shape {pic.shape}; for a batch (N, H, W[, C]) use ToTensor().batch"
            )
        if pic.ndim == 2:
            pic = pic[:, :, None]
        return to_tensor(_to_float(pic.transpose(2, 0, 1)))

    def batch(self, pics):
        """Convert a batch ``(N, H, W)`` or ``(N, H, W, C)`` to an ``(N, C, H, W)`` Tensor."""
        pics = to_numpy(pics)
        if pics.ndim not in (3, 4):
            raise ValueError(
                f"ToTensor.batch: expected a batch of shape (N, H, W) or (N, H, W, C), got shape {pics.shape}"
            )
        if pics.ndim == 3:
            pics = pics[:, :, :, None]
        return to_tensor(_to_float(pics.transpose(0, 3, 1, 2)))

    def __repr__(self):
        return "ToTensor()"


def _to_float(pic):
    """uint8 0..255 -> a new float32 array with values 0..1; other dtypes unchanged (C-contiguous)."""
    if pic.dtype != np.uint8:
        return np.ascontiguousarray(pic)
    out = pic.astype(np.float32, order="C")
    out /= np.float32(255)
    return out


class Normalize:
    """Standardise each channel: ``output[c] = (input[c] - mean[c]) / std[c]``.

    Args:
        mean (sequence): one mean per channel (or a single value for all).
        std (sequence): one standard deviation per channel (or a single value).
        inplace (bool): overwrite the input instead of allocating. Default: False.

    For MNIST the usual values are ``mean=(0.1307,)``, ``std=(0.3081,)``: the
    training set's pixel mean and standard deviation after ``ToTensor``.

    Shape:
        - Input: ``(..., C, H, W)`` float Tensor or array, so a single image
          ``(C, H, W)`` and a batch ``(N, C, H, W)`` both work (as in torchvision).
        - Output: same shape and dtype as the input.
    """

    def __init__(self, mean, std, inplace=False):
        self.mean = tuple(np.atleast_1d(mean).tolist())
        self.std = tuple(np.atleast_1d(std).tolist())
        self.inplace = inplace

    def __call__(self, tensor):
        x = to_numpy(tensor)
        if not np.issubdtype(x.dtype, np.floating):
            raise TypeError(
                f"Normalize: input should be a float tensor, got dtype {x.dtype}; put ToTensor() before Normalize"
            )
        if x.ndim < 3:
            raise ValueError(f"Normalize: expected a tensor image of shape (..., C, H, W), got shape {x.shape}")
        channels = x.shape[-3]
        for name, values in (("mean", self.mean), ("std", self.std)):
            if len(values) not in (1, channels):
                raise ValueError(
                    f"Normalize: {name} has {len(values)} values but the input has "
                    f"{channels} channel(s) (shape {x.shape}); give one per channel"
                )
        mean = np.array(self.mean, dtype=x.dtype).reshape(-1, 1, 1)
        std = np.array(self.std, dtype=x.dtype).reshape(-1, 1, 1)
        if (std == 0).any():
            raise ValueError(
                f"Normalize: std evaluated to zero after conversion to {x.dtype}, "
                f"leading to division by zero (std={self.std})"
            )
        if self.inplace:
            x -= mean
            x /= std
            return tensor
        out = (x - mean) / std
        return out if isinstance(tensor, np.ndarray) else to_tensor(out)

    def batch(self, tensors):
        """Same as calling it: Normalize already works on ``(N, C, H, W)``."""
        return self(tensors)

    def __repr__(self):
        return f"Normalize(mean={self.mean}, std={self.std})"


class Lambda:
    """Apply a function of your own, e.g. to one-hot encode a label.

    Args:
        lambd (callable): called on each sample; its result is the transform's.

    It sees one sample at a time (no ``batch`` method), so a dataset using it
    builds batches sample by sample.

    Example::

        >>> one_hot = Lambda(lambda y: glassnet.zeros(10).scatter_(0, glassnet.tensor(y), value=1))
    """

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Lambda: argument lambd should be callable, got {type(lambd).__name__!r}")
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return "Lambda()"


class RandomHorizontalFlip:
    """Mirror the image left to right with probability ``p``: a cheap data augmentation.

    Args:
        p (float): the probability of flipping. Default: 0.5.

    Shape:
        - Input: ``(..., H, W)`` Tensor or array (e.g. ``(C, H, W)`` after ``ToTensor``),
          or an ``(H, W, C)`` uint8 image array before it: NumPy arrays of three
          dimensions with a last axis of 1, 3 or 4 are read as ``(H, W, C)``, as
          torchvision reads a PIL image. Output: the same shape and type.
        - ``batch``: ``(N, ...)`` with each image flipped or not on its own draw.
    """

    def __init__(self, p=0.5):
        self.p = p

    def __call__(self, img):
        if numpy_generator().random() >= self.p:
            return img
        x = to_numpy(img)
        out = np.ascontiguousarray(x[:, ::-1] if _channels_last(img) else x[..., ::-1])
        return out if isinstance(img, np.ndarray) else to_tensor(out)

    def batch(self, imgs):
        """Flip each image of ``imgs`` ``(N, ...)`` with probability ``p``, independently."""
        x = to_numpy(imgs)
        flip = numpy_generator().random(len(x)) < self.p
        width_axis = 2 if isinstance(imgs, np.ndarray) and x.ndim == 4 and x.shape[-1] in (1, 3, 4) else -1
        out = x.copy()
        out[flip] = np.flip(x[flip], axis=width_axis)
        return out if isinstance(imgs, np.ndarray) else to_tensor(out)

    def __repr__(self):
        return f"RandomHorizontalFlip(p={self.p})"


def _channels_last(img):
    """True for an ``(H, W, C)`` NumPy image as datasets store colour images (C of 1, 3 or 4)."""
    return isinstance(img, np.ndarray) and img.ndim == 3 and img.shape[-1] in (1, 3, 4)


class RandomCrop:
    """Crop a random ``size`` window out of the image, after optional padding.

    With ``padding=4`` on a 28x28 image the crop of size 28 is taken from a 36x36
    padded image, so the content shifts by up to 4 pixels in each direction: a
    cheap data augmentation. Arguments as in torchvision.

    Args:
        size (int or (h, w)): the output's height and width.
        padding (int or sequence, optional): added to the borders first. An int
            pads all four sides; ``(lr, tb)`` pads left/right by ``lr`` and
            top/bottom by ``tb``; ``(left, top, right, bottom)`` pads each side.
        pad_if_needed (bool): pad an image smaller than ``size`` so it can be cropped.
        fill (number): the value of padded pixels when ``padding_mode="constant"``.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Shape:
        - Input: ``(..., H, W)`` Tensor or array (e.g. ``(H, W)`` uint8 or
          ``(C, H, W)`` float).
        - Output: ``(..., h, w)``, same type and dtype.
        - ``batch``: ``(N, ..., H, W)`` -> ``(N, ..., h, w)``, a different random
          window for each image. (torchvision would crop a whole batch tensor with
          one window.)
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant"):
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(
                f"RandomCrop: padding_mode should be constant, edge, reflect or symmetric, got {padding_mode!r}"
            )
        self.size = _pair(size, "RandomCrop")
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def __call__(self, img):
        x = self._pad(to_numpy(img))
        (top,), (left,) = self._corners(x, count=1)
        h, w = self.size
        out = x[..., top : top + h, left : left + w]
        return out if isinstance(img, np.ndarray) else to_tensor(np.ascontiguousarray(out))

    def batch(self, imgs):
        """Crop each image of a batch ``(N, ..., H, W)`` at its own random position."""
        x = self._pad(to_numpy(imgs))
        top, left = self._corners(x, count=len(x))
        # Every possible window, as a view: shape (N, ..., H', W', h, w) with H' = H - h + 1.
        windows = np.lib.stride_tricks.sliding_window_view(x, self.size, axis=(-2, -1))
        n = np.arange(len(x))
        # Image k takes window (top[k], left[k]); the batch axis stays in front.
        out = np.moveaxis(windows, (-4, -3), (1, 2))[n, top, left]
        return out if isinstance(imgs, np.ndarray) else to_tensor(out)

    def _pad(self, x):
        """Apply ``padding``, then ``pad_if_needed``, to the last two axes of ``x``."""
        if self.padding is not None:
            x = _pad_sides(x, _sides(self.padding, "RandomCrop"), self.fill, self.padding_mode)
        h, w = self.size
        if self.pad_if_needed and x.shape[-1] < w:
            x = _pad_sides(x, (w - x.shape[-1], 0, w - x.shape[-1], 0), self.fill, self.padding_mode)
        if self.pad_if_needed and x.shape[-2] < h:
            x = _pad_sides(x, (0, h - x.shape[-2], 0, h - x.shape[-2]), self.fill, self.padding_mode)
        return x

    def _corners(self, x, count):
        """``count`` random top-left corners (rows, cols) of a ``size`` window in ``x``."""
        (height, width), (h, w) = x.shape[-2:], self.size
        if height < h or width < w:
            raise ValueError(
                f"RandomCrop: required crop size {(h, w)} is larger than the "
                f"(padded) input image size {(height, width)}; "
                "hint: pass padding or pad_if_needed=True"
            )
        rng = numpy_generator()
        return rng.integers(0, height - h + 1, size=count), rng.integers(0, width - w + 1, size=count)

    def __repr__(self):
        return f"RandomCrop(size={self.size}, padding={self.padding})"


def _pad_sides(x, sides, fill, padding_mode):
    """``x`` padded on its last two axes by ``(left, top, right, bottom)``."""
    left, top, right, bottom = sides
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        return np.pad(x, widths, mode="constant", constant_values=fill)
    return np.pad(x, widths, mode=padding_mode)


class Pad:
    """Pad the image's borders, e.g. MNIST's 28x28 to LeNet's 32x32 with ``Pad(2)``.

    Args:
        padding (int or sequence): an int pads all four sides; ``(lr, tb)`` pads
            left/right by ``lr`` and top/bottom by ``tb``; ``(left, top, right, bottom)``
            pads each side.
        fill (number): the value of new pixels when ``padding_mode="constant"``. Default: 0.
        padding_mode (str): ``"constant"``, ``"edge"``, ``"reflect"`` or ``"symmetric"``.

    Shape:
        - Input: ``(..., H, W)`` Tensor or array.
        - Output: ``(..., top + H + bottom, left + W + right)``, same type and dtype.
        - ``batch``: the same on ``(N, ..., H, W)``.
    """

    def __init__(self, padding, fill=0, padding_mode="constant"):
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"Pad: padding_mode should be constant, edge, reflect or symmetric, got {padding_mode!r}")
        self.sides = _sides(padding, "Pad")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def __call__(self, img):
        out = _pad_sides(to_numpy(img), self.sides, self.fill, self.padding_mode)
        return out if isinstance(img, np.ndarray) else to_tensor(out)

    def batch(self, imgs):
        """Same as calling it: the padding acts on the last two axes only."""
        return self(imgs)

    def __repr__(self):
        return f"Pad(padding={self.padding}, fill={self.fill}, padding_mode={self.padding_mode})"


class CenterCrop:
    """Cut the central ``size`` window out of the image.

    Args:
        size (int or (h, w)): the output's height and width. An image smaller
            than that is first padded with zeros, as torchvision does.

    Shape:
        - Input: ``(..., H, W)`` Tensor or array. Output: ``(..., h, w)``, same type and dtype.
        - ``batch``: the same on ``(N, ..., H, W)``.

    The top-left corner is ``(round((H - h) / 2), round((W - w) / 2))``, torchvision's.
    """

    def __init__(self, size):
        self.size = _pair(size, "CenterCrop")

    def __call__(self, img):
        x, (h, w) = to_numpy(img), self.size
        grow_h, grow_w = max(h - x.shape[-2], 0), max(w - x.shape[-1], 0)
        if grow_h or grow_w:
            x = _pad_sides(x, (grow_w // 2, grow_h // 2, (grow_w + 1) // 2, (grow_h + 1) // 2), 0, "constant")
        top, left = int(round((x.shape[-2] - h) / 2.0)), int(round((x.shape[-1] - w) / 2.0))
        out = x[..., top : top + h, left : left + w]
        return out if isinstance(img, np.ndarray) else to_tensor(np.ascontiguousarray(out))

    def batch(self, imgs):
        """Same as calling it: every image of the batch has the same size, so the same window."""
        return self(imgs)

    def __repr__(self):
        return f"CenterCrop(size={self.size})"


def _pair(size, op):
    """``28`` or ``(28,)`` -> ``(28, 28)``; ``(h, w)`` unchanged."""
    if isinstance(size, int):
        return (size, size)
    size = tuple(size)
    if len(size) == 1:
        return (size[0], size[0])
    if len(size) != 2:
        raise ValueError(f"{op}: size should be an int or a sequence of length 1 or 2, got {size}")
    return size


def _sides(padding, op):
    """torchvision's padding forms -> ``(left, top, right, bottom)``."""
    if isinstance(padding, int):
        return (padding,) * 4
    padding = tuple(padding)
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return padding + padding
    if len(padding) == 4:
        return padding
    raise ValueError(f"{op}: padding must be an int or a sequence of length 1, 2 or 4, got {padding}")
