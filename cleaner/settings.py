"""How a cleaner behaves beyond its rules: time budget, input limits, the article finder."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_TIMEOUT = 2.0
DEFAULT_MAX_CHARS = 5_000_000
DEFAULT_MAX_LINES = 20_000


class Settings(BaseModel):
    """Validated once when a ``Cleaner`` is made; a bad value is a ``ValueError`` naming the field."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout: float = Field(DEFAULT_TIMEOUT, gt=0, description="CPU seconds of one document's rule stage (its thread's)")
    max_chars: int = Field(DEFAULT_MAX_CHARS, ge=1, description="longest text or HTML accepted, in characters")
    max_lines: int = Field(DEFAULT_MAX_LINES, ge=1, description="most lines accepted in one document")
    find_article: bool = Field(True, description="remove what lies outside the densest run of prose")
