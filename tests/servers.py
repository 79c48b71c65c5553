"""Helpers of the tests that start servers or need a slow rule: a free port, waiting for SERVING, a slow block."""

from __future__ import annotations

import socket
import time

import grpc
import regex
from grpc_health.v1 import health_pb2, health_pb2_grpc

SLOW = "(?:a|aa)+(?:b|bb)+c"  # exponential on a run of a's and b's without the c
# The slow rule's prefilter lets its slow lines through (the one translated from SLOW rules them out, so the
# rule would never be tried on them).
SLOW_PREFILTER = "[a-d]+"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_serving(port: int, seconds: float = 30) -> None:
    """Return once the server on ``port`` answers health checks with SERVING (on a connection of its own)."""
    deadline = time.monotonic() + seconds
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.use_local_subchannel_pool", 1)]) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            try:
                if (
                    health.Check(health_pb2.HealthCheckRequest(), timeout=1).status
                    == health_pb2.HealthCheckResponse.SERVING
                ):
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.1)
    raise TimeoutError(f"server on port {port} never became SERVING")


def slow_block(seconds: float) -> str:
    """A block of a's and b's that ``SLOW`` takes at least ``seconds`` of CPU to give up on."""
    pattern = regex.compile(SLOW)
    for run in range(14, 40):
        block = "a" * run + "b" * run + "d"
        started = time.thread_time()
        pattern.match(block)
        if time.thread_time() - started >= seconds:
            return block
    raise AssertionError("the slow pattern never got slow")
