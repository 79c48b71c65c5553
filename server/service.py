"""The BoilerplateCleaner servicer: a thin asyncio layer over ``cleaner.Cleaner``.

Requests are read on the event loop; each document is cleaned in the thread pool,
so a stream waiting for its next request holds no thread. A call that is cancelled
or whose deadline passes stops its document (``Cleaner.clean_values``' ``stop``), whether
it is being cleaned or still waiting for a thread. A stream with no request and
nothing in progress for ``stream_idle_timeout`` seconds, or idle when another call
needs its slot, is closed (UNAVAILABLE: the caller may open a new one; ``idle``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor
from functools import partial

import grpc

from cleaner import Cleaner, InvalidInputError, ResultValues, RuleTimeoutError
from cleaner.errors import INTERNAL, describe_failure

from . import metrics
from .config import SERVICE_NAME
from .decoding import Undecodable, lenient
from .generated.boilerplate.v1 import cleaner_pb2 as pb
from .idle import IdleStreams
from .mapping import error_response, response_from_result, rules_response

log = logging.getLogger("cleaner.server")

Request = pb.CleanRequest | Undecodable


class CleanerService:
    """Serves ``Clean``, ``CleanStream`` and ``ListRules`` once a cleaner is ready."""

    def __init__(self, pool: Executor, idle: IdleStreams) -> None:
        self._cleaner: Cleaner | None = None
        self._pool = pool
        self._idle = idle

    def ready(self, cleaner: Cleaner) -> None:
        self._cleaner = cleaner

    async def Clean(self, request: Request, context: grpc.aio.ServicerContext) -> pb.CleanResponse:  # noqa: N802
        cleaner = await self._require_ready(context)
        call = _CallEnd(context)
        try:
            result = await self._clean(cleaner, request, call)
        except asyncio.CancelledError:
            call.ended.set()
            raise
        except Exception as error:  # noqa: BLE001 - every failure becomes a status
            code, message = _failure(error)
            await context.abort(grpc.StatusCode[code], message)
        return response_from_result(result)

    async def CleanStream(  # noqa: N802
        self, requests: AsyncIterator[Request], context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.CleanResponse]:
        cleaner = await self._require_ready(context)
        call = _CallEnd(context)
        incoming = aiter(requests)
        try:
            while True:
                wait = asyncio.timeout(self._idle.timeout)  # not wait_for: it can swallow a cancellation
                try:
                    async with wait:
                        with self._idle.waiting(wait):
                            request = await anext(incoming)
                except StopAsyncIteration:
                    return
                except TimeoutError:
                    if self._idle.evicted(wait):
                        why = "closed to make room for another call (this one was idle)"
                    else:
                        why = f"no request for {self._idle.timeout:g} s with nothing in progress: stream closed"
                    await context.abort(grpc.StatusCode.UNAVAILABLE, f"{why}; open a new one")
                try:
                    response = response_from_result(await self._clean(cleaner, request, call))
                except Exception as error:  # noqa: BLE001 - one bad document never ends the stream
                    response = error_response(request.id, *_failure(error))
                yield response
        finally:
            call.ended.set()

    async def ListRules(  # noqa: N802
        self, request: pb.ListRulesRequest | Undecodable, context: grpc.aio.ServicerContext
    ) -> pb.ListRulesResponse:
        cleaner = await self._require_ready(context)
        if isinstance(request, Undecodable):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.reason)
        return rules_response(cleaner)

    async def _require_ready(self, context: grpc.aio.ServicerContext) -> Cleaner:
        if self._cleaner is None:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "the rules are still compiling")
        assert self._cleaner is not None
        return self._cleaner

    async def _clean(self, cleaner: Cleaner, request: Request, call: _CallEnd) -> ResultValues:
        if isinstance(request, Undecodable):
            raise InvalidInputError(request.reason)
        if call.expired():
            raise RuleTimeoutError("the deadline expired before cleaning started")
        content = request.WhichOneof("content")
        clean = partial(
            cleaner.clean_values,
            request.text if content == "text" else None,
            html=request.html if content == "html" else None,
            url=request.url or None,
            source=request.source or None,
            id=request.id,
            stop=call.ended.is_set,
            deadline=call.deadline,
        )
        result = await asyncio.get_running_loop().run_in_executor(self._pool, clean)
        metrics.document_cleaned(result)
        return result

    def handlers(self) -> grpc.GenericRpcHandler:
        """Method handlers with a lenient request decoder (see ``decoding``)."""
        decode = lenient(pb.CleanRequest)
        return grpc.method_handlers_generic_handler(
            SERVICE_NAME,
            {
                "Clean": grpc.unary_unary_rpc_method_handler(
                    self.Clean, request_deserializer=decode, response_serializer=pb.CleanResponse.SerializeToString
                ),
                "CleanStream": grpc.stream_stream_rpc_method_handler(
                    self.CleanStream,
                    request_deserializer=decode,
                    response_serializer=pb.CleanResponse.SerializeToString,
                ),
                "ListRules": grpc.unary_unary_rpc_method_handler(
                    self.ListRules,
                    request_deserializer=lenient(pb.ListRulesRequest),
                    response_serializer=pb.ListRulesResponse.SerializeToString,
                ),
            },
        )


class _CallEnd:
    """When a call is over for the cleaning threads: it ended (cancelled, or done) or its deadline passed.

    Read from the cleaning threads, so it holds no gRPC object they would touch.
    """

    def __init__(self, context: grpc.aio.ServicerContext) -> None:
        self.ended = threading.Event()
        remaining = context.time_remaining()
        self.deadline = None if remaining is None else time.monotonic() + remaining
        context.add_done_callback(lambda _context: self.ended.set())

    def expired(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline


def _failure(error: Exception) -> tuple[str, str]:
    code, message = describe_failure(error)
    metrics.document_failed(code, error)
    if code == INTERNAL:
        log.error("unexpected error while cleaning", exc_info=error)
    return code, message
