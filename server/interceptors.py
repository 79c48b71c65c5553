"""Every call, in one place: the access log, the concurrency limit, and requests that cannot be decoded.

- Access log: one line per call with method, status, latency and request id, for
  every call that reaches a method, including those refused by the limit.
- Limit: at most ``max_concurrent_rpcs`` calls of the cleaner service at once per
  process (health and reflection do not count, so they answer when it is full);
  the next makes an idle stream give up its slot (``idle``) or, if none is idle,
  gets RESOURCE_EXHAUSTED.
- Malformed requests: bytes that do not parse as the method's request message get
  INVALID_ARGUMENT (never gRPC's INTERNAL or UNKNOWN with a traceback), for every
  method. The cleaner's own requests are decoded by ``decoding.lenient``, which
  names the field that is not UTF-8.

A streaming call whose requests end is logged OK only if no cancellation lands just
after: gRPC's asyncio server ends the request stream the same way for a client's
half-close and for its cancellation (or a lost connection), and delivers the
cancellation a moment later (its ``context.cancelled()`` stays false).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc

from . import metrics
from .config import SERVICE_NAME
from .idle import IdleStreams

REQUEST_ID_KEY = "x-request-id"
# A call cancelled this close to its deadline was ended by the deadline: the client's clock started it
# earlier than ours, and its RST_STREAM on expiry looks the same as a cancellation.
DEADLINE_SLACK_SECONDS = 0.25
# After a request stream ends, how long a cancellation that ended it may take to land: a few 1 ms sleeps
# (measured: at most 0.5 ms after the end, under a load average of 5 on 2 cores).
SETTLE_SLEEPS, SETTLE_SLEEP_SECONDS = 5, 0.001

log = logging.getLogger("cleaner.access")


@dataclass(frozen=True, slots=True)
class Malformed:
    """A request whose bytes did not parse."""

    reason: str


class CallGate(grpc.aio.ServerInterceptor):
    """Logs every call, enforces the limit, refuses malformed requests; echoes ``x-request-id``."""

    def __init__(self, max_concurrent_rpcs: int, idle: IdleStreams) -> None:
        self.limit = max_concurrent_rpcs
        self.idle = idle
        self.active = 0  # touched only on the event loop's thread

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        call = _Call(self, handler_call_details)
        decode = _tolerant(handler.request_deserializer)
        encode = handler.response_serializer
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(call.unary(handler.unary_unary), decode, encode)
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(call.unary_stream(handler.unary_stream), decode, encode)
        if handler.stream_stream:
            return grpc.stream_stream_rpc_method_handler(call.streaming(handler.stream_stream), decode, encode)
        return handler


class _Call:
    """One call's bookkeeping: its id, when it started, whether it counts against the limit."""

    def __init__(self, gate: CallGate, details: grpc.HandlerCallDetails) -> None:
        self.gate = gate
        self.method = details.method
        metadata = dict(details.invocation_metadata or ())
        self.request_id = str(metadata.get(REQUEST_ID_KEY) or uuid.uuid4().hex[:16])
        self.limited = self.method.startswith(f"/{SERVICE_NAME}/")
        self.series = metrics.call_series(self.method)
        self.started = time.perf_counter()
        self.responses: int | None = None
        self.counted = False
        self.in_flight = False

    async def begin(self, context: grpc.aio.ServicerContext) -> None:
        self.started = time.perf_counter()
        self.series.in_flight.inc()
        self.in_flight = True
        await context.send_initial_metadata(((REQUEST_ID_KEY, self.request_id),))
        if self.limited:
            if self.gate.active >= self.gate.limit and not self.gate.idle.evict_one():
                await context.abort(
                    grpc.StatusCode.RESOURCE_EXHAUSTED, f"more than {self.gate.limit} calls at once: try again later"
                )
            self.gate.active += 1
            self.counted = True

    def end(self, context: grpc.aio.ServicerContext, code: grpc.StatusCode) -> None:
        if self.counted:
            self.gate.active -= 1
            self.counted = False
        seconds = time.perf_counter() - self.started
        if self.in_flight:
            self.series.in_flight.dec()
            self.in_flight = False
        self.series.ended(code.name, seconds)
        fields = {"method": self.method, "status": code.name, "latency_ms": round(seconds * 1000, 2)}
        fields["request_id"] = self.request_id
        if self.responses is not None:
            fields["responses"] = self.responses
        log.info(" ".join(f"{name}={value}" for name, value in fields.items()), extra={"fields": fields})

    def unary(self, behaviour: Callable[[Any, Any], Awaitable[Any]]) -> Callable[[Any, Any], Awaitable[Any]]:
        async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
            code = grpc.StatusCode.UNKNOWN
            try:
                await self.begin(context)
                if isinstance(request, Malformed):
                    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.reason)
                response = await behaviour(request, context)
                code = grpc.StatusCode.OK
                return response
            except BaseException as error:
                code = _status(error, context)
                raise
            finally:
                self.end(context, code)

        return call

    def unary_stream(
        self, behaviour: Callable[[Any, Any], AsyncIterator[Any]]
    ) -> Callable[[Any, Any], AsyncIterator[Any]]:
        async def call(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            if isinstance(request, Malformed):
                responses = _refused(request, context)
            else:
                responses = behaviour(request, context)
            async for response in self._relay(responses, context, settle=False):
                yield response

        return call

    def streaming(
        self, behaviour: Callable[[Any, Any], AsyncIterator[Any]]
    ) -> Callable[[Any, Any], AsyncIterator[Any]]:
        async def call(requests: AsyncIterator[Any], context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            async for response in self._relay(behaviour(_refusing_malformed(requests, context), context), context):
                yield response

        return call

    async def _relay(
        self, responses: AsyncIterator[Any], context: grpc.aio.ServicerContext, *, settle: bool = True
    ) -> AsyncIterator[Any]:
        code = grpc.StatusCode.UNKNOWN
        self.responses = 0
        try:
            await self.begin(context)
            async for response in responses:
                self.responses += 1
                yield response
            if settle:
                for _ in range(SETTLE_SLEEPS):  # a cancellation that ended the request stream lands here
                    await asyncio.sleep(SETTLE_SLEEP_SECONDS)
            task = asyncio.current_task()
            if task is not None and task.cancelling():  # a cancellation something swallowed on the way
                raise asyncio.CancelledError
            remaining = context.time_remaining()
            code = grpc.StatusCode.DEADLINE_EXCEEDED if remaining is not None and remaining <= 0 else grpc.StatusCode.OK
        except BaseException as error:
            code = _status(error, context)
            raise
        finally:
            self.end(context, code)


async def _refused(request: Malformed, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
    await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.reason)
    yield None  # never reached: abort raises


async def _refusing_malformed(requests: AsyncIterator[Any], context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
    """The requests of a stream; one that did not parse ends the call with INVALID_ARGUMENT.

    (``CleanStream`` never sees one: its decoder answers malformed items one by one.)
    """
    async for request in requests:
        if isinstance(request, Malformed):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.reason)
        yield request


def _tolerant(decode: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The method's decoder, returning ``Malformed`` instead of raising."""
    if decode is None:
        return None

    def tolerant(data: bytes) -> Any:
        try:
            return decode(data)
        except Exception:  # noqa: BLE001 - any parse failure is the caller's bad request
            return Malformed("request is not a valid protobuf message for this method")

    return tolerant


def _status(error: BaseException, context: grpc.aio.ServicerContext) -> grpc.StatusCode:
    """The status a call that raised ``error`` ended with."""
    if isinstance(error, asyncio.CancelledError):
        remaining = context.time_remaining()
        expired = remaining is not None and remaining <= DEADLINE_SLACK_SECONDS
        return grpc.StatusCode.DEADLINE_EXCEEDED if expired else grpc.StatusCode.CANCELLED
    if isinstance(error, grpc.aio.AbortError):
        code = context.code()
        return code if isinstance(code, grpc.StatusCode) else grpc.StatusCode.UNKNOWN
    return grpc.StatusCode.UNKNOWN
