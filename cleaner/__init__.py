"""Strip publisher boilerplate from scraped news articles.

>>> from cleaner import clean
>>> result = clean("Headline here\\n\\nThe article text.")
"""

from importlib.metadata import PackageNotFoundError, version

from .api import Cleaner, CleanerOptions, clean
from .errors import CleanerError, CleaningStopped, InvalidInputError, RulePackError, RuleTimeoutError
from .result import CleanResult, Metadata, Removal, ResultValues, Stats

try:
    __version__ = version("boilerplate-cleaner")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "CleanResult",
    "Cleaner",
    "CleanerError",
    "CleanerOptions",
    "CleaningStopped",
    "InvalidInputError",
    "Metadata",
    "Removal",
    "ResultValues",
    "RulePackError",
    "RuleTimeoutError",
    "Stats",
    "__version__",
    "clean",
]
