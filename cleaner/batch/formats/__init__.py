"""Input and output formats: which one a path holds (by its bytes), one module per format."""
