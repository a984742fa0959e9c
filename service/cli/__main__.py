"""`python -m service.cli`: the same as the `connections` script."""

import sys

from service.cli import main

if __name__ == "__main__":
    sys.exit(main())
