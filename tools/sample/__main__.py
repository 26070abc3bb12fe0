"""`python -m sample` with tools/ on the path: see the package docstring."""

import sys

from sample import main

sys.exit(main())
