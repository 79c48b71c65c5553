"""The signals that make a server process drain (no gRPC import: the supervisor uses them before forking).

SIGTERM (process managers), SIGINT (Ctrl-C) and SIGHUP (the terminal went away) all
drain; SIGKILL cannot be caught, and SIGQUIT keeps its default (a core dump, for
debugging).
"""

from __future__ import annotations

import signal

STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
