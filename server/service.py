"""The BoilerplateCleaner servicer: a thin layer over ``cleaner.Cleaner``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import grpc

from cleaner import Cleaner, CleanResult, InvalidInputError, RuleTimeoutError
from cleaner.errors import INTERNAL, describe_failure

from .config import SERVICE_NAME
from .decoding import Undecodable, lenient
from .generated.boilerplate.v1 import cleaner_pb2 as pb
from .mapping import error_response, response_from_result, rules_response

log = logging.getLogger("cleaner.server")

Request = pb.CleanRequest | Undecodable


class CleanerService:
    """Serves ``Clean``, ``CleanStream`` and ``ListRules`` once a cleaner is ready."""

    def __init__(self) -> None:
        self._cleaner: Cleaner | None = None

    def ready(self, cleaner: Cleaner) -> None:
        self._cleaner = cleaner

    def Clean(self, request: Request, context: grpc.ServicerContext) -> pb.CleanResponse:  # noqa: N802
        cleaner = self._require_ready(context)
        try:
            result = _clean(cleaner, request, context)
        except Exception as error:  # noqa: BLE001 - every failure becomes a status
            code, message = _failure(error)
            context.abort(grpc.StatusCode[code], message)
            raise  # abort raises; this line is never reached
        return response_from_result(result)

    def CleanStream(  # noqa: N802
        self, requests: Iterable[Request], context: grpc.ServicerContext
    ) -> Iterator[pb.CleanResponse]:
        cleaner = self._require_ready(context)
        for request in requests:
            try:
                yield response_from_result(_clean(cleaner, request, context))
            except Exception as error:  # noqa: BLE001 - one bad document never ends the stream
                yield error_response(request.id, *_failure(error))

    def ListRules(self, request: pb.ListRulesRequest, context: grpc.ServicerContext) -> pb.ListRulesResponse:  # noqa: N802
        return rules_response(self._require_ready(context))

    def _require_ready(self, context: grpc.ServicerContext) -> Cleaner:
        if self._cleaner is None:
            context.abort(grpc.StatusCode.UNAVAILABLE, "the rules are still compiling")
        assert self._cleaner is not None
        return self._cleaner

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
                    request_deserializer=pb.ListRulesRequest.FromString,
                    response_serializer=pb.ListRulesResponse.SerializeToString,
                ),
            },
        )


def _clean(cleaner: Cleaner, request: Request, context: grpc.ServicerContext) -> CleanResult:
    if isinstance(request, Undecodable):
        raise InvalidInputError(request.reason)
    remaining = context.time_remaining()
    budget = cleaner.timeout if remaining is None else min(cleaner.timeout, remaining)
    if budget <= 0:
        raise RuleTimeoutError("the deadline expired before cleaning started")
    content = request.WhichOneof("content")
    return cleaner.clean(
        request.text if content == "text" else None,
        html=request.html if content == "html" else None,
        url=request.url or None,
        source=request.source or None,
        id=request.id,
        timeout=budget,
    )


def _failure(error: Exception) -> tuple[str, str]:
    code, message = describe_failure(error)
    if code == INTERNAL:
        log.exception("unexpected error while cleaning")
    return code, message
