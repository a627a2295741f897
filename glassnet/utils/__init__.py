"""``glassnet.utils.data`` is ``glassnet.data``, under the name PyTorch gives it (``torch.utils.data``).

``from glassnet.utils.data import DataLoader`` and ``glassnet.utils.data.Dataset`` both work.
"""

import sys

from .. import data

sys.modules[__name__ + ".data"] = data
