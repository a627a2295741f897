"""pytest setup shared by all tests: make ``glassnet`` and ``helpers`` importable without installing."""

import pathlib
import sys

TESTS = pathlib.Path(__file__).resolve().parent
for path in (TESTS, TESTS.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
