"""The signals that make a server process drain (no gRPC import: the supervisor uses them before forking)."""

from __future__ import annotations

import signal

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}
