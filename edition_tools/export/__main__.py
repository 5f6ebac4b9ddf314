"""``python -m edition_tools.export``: write the annotations as JSON-LD."""

import sys

from edition_tools.export.w3c import main

sys.exit(main())
