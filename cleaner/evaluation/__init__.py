"""Scoring cleaned bodies against gold bodies (``cleaner eval``)."""
