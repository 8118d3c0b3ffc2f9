"""Entry point of the bootstrap's second half: ``python -m jupyter_extension_companion.installer``."""

import sys

from .main import main

sys.exit(main())
