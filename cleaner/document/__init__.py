"""The run of one document: rule verdicts, fragments, duplicates, the article, headings and metadata."""
