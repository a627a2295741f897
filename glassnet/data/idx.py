"""Reading IDX files, the simple binary format MNIST and Fashion-MNIST ship in.

An IDX file is a header followed by one flat array, stored big-endian::

    bytes 0-1   0x00 0x00                  (always zero)
    byte  2     dtype code                 (0x08 = uint8, see ``IDX_DTYPES``)
    byte  3     number of dimensions, d
    then d      big-endian uint32 sizes    (e.g. 60000, 28, 28)
    then        prod(sizes) items of dtype, row-major

So ``train-images-idx3-ubyte`` starts ``00 00 08 03 | 00 00 ea 60 | 00 00 00 1c |
00 00 00 1c``: uint8, 3 dimensions, 60000 x 28 x 28, and is exactly
16 + 60000*28*28 = 47,040,016 bytes long.  Anything else means the file is not
what it claims to be, and ``parse_idx`` says so instead of returning garbage.
"""

import gzip
import os

import numpy as np

# dtype code (byte 2 of the header) -> big-endian NumPy dtype
IDX_DTYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def parse_idx(buffer, name="<IDX bytes>"):
    """Decode the bytes of an IDX file into a NumPy array.

    Args:
        buffer: the whole file's bytes (``bytes`` or a writable ``bytearray``;
            with a ``bytearray`` the uint8 result shares its memory, no copy).
        name: what to call the file in error messages.

    Returns:
        An ndarray with the header's shape, in native byte order.

    Raises:
        ValueError naming ``name`` when the header is malformed or the file's
        length does not match the header (a truncated download, for example).
    """
    view = memoryview(buffer)
    if len(view) < 4 or view[0] != 0 or view[1] != 0:
        raise ValueError(
            f"{name}: not an IDX file (it must start with two zero bytes); was it saved compressed or as text?"
        )
    code, ndim = view[2], view[3]
    if code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}={d.name}" for c, d in IDX_DTYPES.items())
        raise ValueError(f"{name}: unknown IDX dtype code 0x{code:02X} (known: {known})")
    dtype = IDX_DTYPES[code]
    header_size = 4 + 4 * ndim
    if len(view) < header_size:
        raise ValueError(f"{name}: truncated header: {len(view)} bytes, but {ndim} dimensions need {header_size}")
    shape = tuple(int(s) for s in np.frombuffer(view, dtype=">u4", count=ndim, offset=4))
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(view) != expected:
        raise ValueError(
            f"{name}: header says {dtype.name} of shape {shape}, which is "
            f"{expected:,} bytes with the header, but the file has {len(view):,} "
            "bytes; it is truncated or corrupt: delete it and fetch it again"
        )
    array = np.frombuffer(view, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def read_bytes(path):
    """The bytes of ``path`` as a writable ``bytearray``, decompressed if it ends in ``.gz``."""
    path = str(path)
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return bytearray(f.read())
    with open(path, "rb") as f:
        data = bytearray(os.fstat(f.fileno()).st_size)  # read straight into it: one copy
        f.readinto(data)
        return data


def read_idx(path):
    """Read an IDX file (raw or ``.gz``) into a NumPy array; see ``parse_idx``."""
    return parse_idx(read_bytes(path), name=str(path))
