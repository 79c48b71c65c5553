"""Fuzz targets for the cleaner (not part of the installed package): ``python -m fuzz text|html``."""
