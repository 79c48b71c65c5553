"""Access log: one line per call with method, status, latency and request id."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import grpc

REQUEST_ID_KEY = "x-request-id"

log = logging.getLogger("cleaner.access")


class AccessLogInterceptor(grpc.ServerInterceptor):
    """Logs every call; echoes the caller's ``x-request-id`` (or a new one) in the response metadata."""

    def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], grpc.RpcMethodHandler | None],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler | None:
        handler = continuation(handler_call_details)
        if handler is None:
            return None
        method = handler_call_details.method
        metadata = dict(handler_call_details.invocation_metadata or ())
        request_id = str(metadata.get(REQUEST_ID_KEY) or uuid.uuid4().hex[:16])
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(
                _unary(handler.unary_unary, method, request_id),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.stream_stream:
            return grpc.stream_stream_rpc_method_handler(
                _streaming(handler.stream_stream, method, request_id),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                _streaming(handler.unary_stream, method, request_id),
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler


def _unary(behaviour: Callable[..., Any], method: str, request_id: str) -> Callable[..., Any]:
    def call(request: Any, context: grpc.ServicerContext) -> Any:
        started = time.perf_counter()
        context.send_initial_metadata(((REQUEST_ID_KEY, request_id),))
        failed = True
        try:
            response = behaviour(request, context)
            failed = False
            return response
        finally:
            _log(method, context, started, request_id, failed)

    return call


def _streaming(behaviour: Callable[..., Iterator[Any]], method: str, request_id: str) -> Callable[..., Iterator[Any]]:
    def call(request: Any, context: grpc.ServicerContext) -> Iterator[Any]:
        started = time.perf_counter()
        context.send_initial_metadata(((REQUEST_ID_KEY, request_id),))
        count, failed = 0, False
        try:
            for response in behaviour(request, context):
                count += 1
                yield response
        except Exception:
            failed = True
            raise
        finally:
            _log(method, context, started, request_id, failed, count)

    return call


def _log(
    method: str,
    context: grpc.ServicerContext,
    started: float,
    request_id: str,
    failed: bool,
    count: int | None = None,
) -> None:
    code = context.code()
    if code is None and _expired(context):  # checked first: the call may not be marked inactive yet
        code = grpc.StatusCode.DEADLINE_EXCEEDED
    elif code is None and not context.is_active():
        code = grpc.StatusCode.CANCELLED
    elif code is None:
        code = grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK
    status = code.name if isinstance(code, grpc.StatusCode) else str(code)
    latency_ms = (time.perf_counter() - started) * 1000
    responses = "" if count is None else f" responses={count}"
    log.info("method=%s status=%s latency_ms=%.2f request_id=%s%s", method, status, latency_ms, request_id, responses)


def _expired(context: grpc.ServicerContext) -> bool:
    """Whether the call ended because its deadline passed (rather than the client cancelling it)."""
    remaining = context.time_remaining()
    return remaining is not None and remaining <= 0
