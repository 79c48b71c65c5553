"""Names of the metadata fields that rules may fill."""

from enum import StrEnum


class MetadataField(StrEnum):
    TITLE = "title"
    SUBTITLE = "subtitle"
    AUTHORS = "authors"
    PUBLISHED = "published"
    PUBLISHER = "publisher"
    AGENCY = "agency"
    DATELINE = "dateline"
    CAPTIONS = "captions"
