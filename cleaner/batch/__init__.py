"""Batches of records: parsing, cleaning in order (in worker processes), resuming, site learning."""
