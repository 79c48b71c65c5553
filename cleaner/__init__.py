"""Strip publisher boilerplate from scraped news articles.

>>> from cleaner import clean
>>> result = clean("Headline here\\n\\nThe article text.")
"""

from .core import Cleaner, clean
from .errors import CleanerError, InvalidInputError, RulePackError, RuleTimeoutError
from .result import CleanResult, Metadata, Removal, Stats

__all__ = [
    "CleanResult",
    "Cleaner",
    "CleanerError",
    "InvalidInputError",
    "Metadata",
    "Removal",
    "RulePackError",
    "RuleTimeoutError",
    "Stats",
    "clean",
]
