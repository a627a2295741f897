"""``python -m glassnet.lessons``: list or run the lessons (the same as ``glassnet lesson``)."""

import sys

from . import main

sys.exit(main())
