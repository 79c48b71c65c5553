"""Syndicated copies across documents: MinHash signatures of cleaned bodies, banded into two levels.

``syndicate`` relates a list of results; ``SyndicationIndex`` does the same one
record at a time, in bounded memory (``cleaner batch --syndication``); the Spark
engine bands by group-by with the same signatures and band keys.
"""

from .index import SyndicationIndex
from .library import syndicate
from .options import Level, SyndicationOptions
from .signature import Signature, signature

__all__ = ["Level", "Signature", "SyndicationIndex", "SyndicationOptions", "signature", "syndicate"]
