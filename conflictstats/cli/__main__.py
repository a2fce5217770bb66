"""``python -m conflictstats.cli``: the same as the ``conflictstats`` console script."""

import sys

from . import main

sys.exit(main())
