"""``python -m edition_tools.bench``: the whole benchmark (``make bench``)."""

import sys

from edition_tools.bench.benchmark import main

sys.exit(main())
