"""Server settings (no gRPC import, so the launcher can read them before forking)."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cleaner.api import Cleaner, CleanerOptions

SERVICE_NAME = "boilerplate.v1.BoilerplateCleaner"
MESSAGE_OVERHEAD_BYTES = 1 << 20
# Documents cleaned before a process reports SERVING, so that no caller pays for loading the language
# model (py3langid, ~100 MB) or trafilatura and lxml on the first call.
WARM_UP_TEXT = (
    "Die Stadtverwaltung hat am Dienstag beschlossen, den neuen Haushalt für das kommende Jahr nach einer "
    "langen Debatte zu genehmigen. Die Opposition kritisierte die hohen Ausgaben für den Straßenbau."
)
WARM_UP_HTML = (
    "<html><head><title>Council approves the budget</title></head><body><article><h1>Council approves the "
    "budget</h1><p>The council voted on Tuesday to approve the new budget for the coming year after a long "
    "debate about the cost of the new roads.</p></article></body></html>"
)


class ServerConfig(BaseModel):
    """How to run ``cleaner serve``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    host: str = "127.0.0.1"
    port: int = Field(50051, ge=0, le=65535)
    workers: int = Field(1, ge=0, description="processes on one port; 0 means one per core")
    threads: int = Field(8, ge=1, description="cleaning threads per process")
    max_concurrent_rpcs: int = Field(
        64, ge=1, description="cleaner calls at once per process; past it RESOURCE_EXHAUSTED"
    )
    grace: float = Field(10.0, ge=0, description="seconds in-flight calls get to finish on shutdown")
    stream_idle_timeout: float = Field(
        60.0, gt=0, description="a stream with no request and nothing in progress this long is closed"
    )
    keepalive_time: float = Field(30.0, gt=0, description="seconds of silence on a connection before a ping")
    keepalive_timeout: float = Field(10.0, gt=0, description="seconds a ping may go unanswered before disconnecting")
    keepalive_min_interval: float = Field(10.0, gt=0, description="clients may ping this often, with or without calls")
    max_connection_idle: float = Field(300.0, gt=0, description="a connection with no call this long is closed")
    max_connection_age: float | None = Field(
        None, gt=0, description="a connection this old is asked to go away (GOAWAY), so clients reconnect"
    )
    max_connection_age_grace: float | None = Field(
        None, ge=0, description="after max_connection_age, calls in progress get this long before the close"
    )
    compression: Literal["auto", "none"] = "auto"
    """auto: responses are compressed (gzip, else deflate) for a client whose grpc-accept-encoding lists it."""
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(None, ge=1, le=65535, description="HTTP port of the Prometheus metrics")
    health_probe_interval: float = Field(2.0, gt=0, description="supervisor: seconds between probes of each worker")
    health_probe_timeout: float = Field(10.0, gt=0, description="supervisor: a worker silent this long is replaced")
    tls_cert: str | None = None
    tls_key: str | None = None
    cleaner: CleanerOptions = CleanerOptions()

    @model_validator(mode="after")
    def _consistent(self) -> ServerConfig:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("give both --tls-cert and --tls-key, or neither")
        if self.process_count > 1 and self.port == 0:
            raise ValueError("several workers share one port: give --port")
        if self.metrics_port is not None and self.metrics_port == self.port:
            raise ValueError("the metrics need a port of their own, not the gRPC port")
        return self

    def build_cleaner(self) -> Cleaner:
        """The server's cleaner, ready to serve: every rule alternation compiled, every lazy import loaded.

        Cleans a German paragraph (the language model) and a small page (trafilatura and lxml).
        """
        cleaner = self.cleaner.build()
        cleaner.rules.compile_all()
        for text, html in ((WARM_UP_TEXT, None), (None, WARM_UP_HTML)):
            try:
                cleaner.clean(text, html=html)
            except Exception:  # noqa: BLE001 - a pack that rejects the warm-up text still serves
                pass
        return cleaner

    def check_files(self) -> None:
        """Read the TLS files and validate the rule packs (no compiling): what every worker would fail on.

        Raises ``OSError`` or ``RulePackError``; a supervisor calls this before forking, so the user sees one
        message, once.
        """
        from pathlib import Path

        from cleaner.rules.loading import check_unique_names, load_packs

        for path in (self.tls_cert, self.tls_key):
            if path is not None:
                Path(path).read_bytes()
        check_unique_names(load_packs(self.cleaner.rule_paths, builtin=self.cleaner.builtin_rules))

    @property
    def process_count(self) -> int:
        return self.workers or os.cpu_count() or 1

    @property
    def max_message_bytes(self) -> int:
        """Room for a document of ``max_chars`` characters in UTF-8, so the size check can say so."""
        return self.cleaner.settings.max_chars * 4 + MESSAGE_OVERHEAD_BYTES
