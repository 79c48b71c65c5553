"""Distributed engines: Spark (``engines.spark``) and Ray Data (``engines.ray``), each an optional extra.

Both clean with one ``Cleaner`` per worker process, built lazily from its
``CleanerOptions`` (``worker``), and give per-record errors as values.
"""
