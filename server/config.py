"""Server settings (no gRPC import, so the launcher can read them before forking)."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cleaner.api import Cleaner, CleanerOptions

SERVICE_NAME = "boilerplate.v1.BoilerplateCleaner"
MESSAGE_OVERHEAD_BYTES = 1 << 20


class ServerConfig(BaseModel):
    """How to run ``cleaner serve``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(50051, ge=0, le=65535)
    workers: int = Field(1, ge=0, description="processes on one port; 0 means one per core")
    threads: int = Field(8, ge=1, description="threads per process")
    max_concurrent_rpcs: int = Field(64, ge=1, description="past this, calls get RESOURCE_EXHAUSTED")
    grace: float = Field(10.0, ge=0, description="seconds in-flight calls get to finish on shutdown")
    tls_cert: str | None = None
    tls_key: str | None = None
    cleaner: CleanerOptions = CleanerOptions()

    @model_validator(mode="after")
    def _consistent(self) -> ServerConfig:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("give both --tls-cert and --tls-key, or neither")
        if self.process_count > 1 and self.port == 0:
            raise ValueError("several workers share one port: give --port")
        return self

    def build_cleaner(self) -> Cleaner:
        """The server's cleaner, every rule alternation compiled before it serves."""
        cleaner = self.cleaner.build()
        cleaner.rules.compile_all()
        return cleaner

    @property
    def process_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def max_message_bytes(self) -> int:
        """Room for a document of ``max_chars`` characters in UTF-8, so the size check can say so."""
        return self.cleaner.settings.max_chars * 4 + MESSAGE_OVERHEAD_BYTES
