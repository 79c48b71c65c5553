"""HTML input: the page's text and the metadata its markup gives."""
