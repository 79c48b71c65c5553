"""``python -m cleaner.spark IN OUT``, or this file under ``spark-submit``: see ``cleaner.engines.spark``."""

import sys

from cleaner.engines.spark import main

if __name__ == "__main__":
    sys.exit(main())
