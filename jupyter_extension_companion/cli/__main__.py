"""``python -m jupyter_extension_companion.cli``: the ``classroom`` command."""

import sys

from .main import main

sys.exit(main())
