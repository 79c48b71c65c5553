"""The text layer: normalisation with an offset map, tokens, and blocks (one per line)."""
