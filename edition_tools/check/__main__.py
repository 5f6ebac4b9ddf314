"""``python -m edition_tools.check``: validate the content, exit 0, 1 or 2."""

import sys

from edition_tools.check.run import main

sys.exit(main())
