"""``cleaner batch --server``: stream JSONL records through ``CleanStream``.

Output is byte-identical to in-process cleaning. The client first asks the
server for its limits (``ListRules``), reads lines with them and checks each
record as the library would (``cleaner.inputs.check_document``): a line that is
not a valid record, or a document the server would refuse for its size (and
so could not even receive), becomes its error record here, as in-process, and
is never sent. Every other record is answered by the server, one response per
request, in order. At most ``window`` requests are in flight; when the
connection fails with UNAVAILABLE, the unanswered requests are sent again on a
new stream after a backoff.
"""

from __future__ import annotations

import queue
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc

from cleaner.batch.records import Item, Numbered, RecordError, dump, error_line, parse_line
from cleaner.errors import INVALID_ARGUMENT, InvalidInputError
from cleaner.inputs import check_document
from cleaner.settings import Settings

from .generated.boilerplate.v1 import cleaner_pb2 as pb
from .generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from .mapping import record_from_response, request_from_document, settings_from_limits, with_surrogates_replaced

DEFAULT_WINDOW = 64
RETRIES = 6
FIRST_BACKOFF_SECONDS = 0.2
LIMITS_TIMEOUT_SECONDS = 30.0
SIZE_MARGIN_BYTES = 1024  # a request is never longer than its JSON line plus this (protobuf framing)
_END = object()


@dataclass(slots=True)
class _Slot:
    """One input line's place in the output."""

    number: int
    record_id: str | None
    line: str | None = None
    surrogates_replaced: int = 0
    passed: dict[str, Any] = field(default_factory=dict)


class StreamClient:
    """A connection to a cleaner server; ``clean_lines`` streams a batch through it."""

    def __init__(self, target: str, *, tls_ca: str | None = None, window: int = DEFAULT_WINDOW) -> None:
        self.target = target
        self.window = window
        self._credentials = grpc.ssl_channel_credentials(Path(tls_ca).read_bytes()) if tls_ca else None
        self._channel = self._connect()
        self._settings: Settings | None = None
        self._max_request_bytes = 0  # 0: not reported (a server older than the limits)

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> StreamClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _connect(self) -> grpc.Channel:
        options = [("grpc.max_receive_message_length", -1), ("grpc.max_send_message_length", -1)]
        if self._credentials is not None:
            return grpc.secure_channel(self.target, self._credentials, options=options)
        return grpc.insecure_channel(self.target, options=options)

    @property
    def settings(self) -> Settings:
        """The server's limits (asked for once, retrying while it is unavailable); read lines with these."""
        if self._settings is None:
            self._settings = self._fetch_limits()
        return self._settings

    def _fetch_limits(self) -> Settings:
        stub = pb_grpc.BoilerplateCleanerStub(self._channel)  # type: ignore[no-untyped-call]
        backoff = FIRST_BACKOFF_SECONDS
        for attempt in range(RETRIES + 1):
            try:
                response: pb.ListRulesResponse = stub.ListRules(pb.ListRulesRequest(), timeout=LIMITS_TIMEOUT_SECONDS)
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or attempt == RETRIES:
                    raise _connection_error(self.target, error, attempt) from None
                time.sleep(backoff)
                backoff *= 2
                continue
            if not response.HasField("limits"):
                return Settings()
            self._max_request_bytes = response.limits.max_request_bytes
            return settings_from_limits(response.limits)
        raise AssertionError("unreachable")

    def clean_lines(self, lines: Iterable[Numbered]) -> Iterator[str]:
        """Output lines in input order."""
        settings = self.settings
        outbox: deque[_Slot] = deque()
        inflight: deque[tuple[_Slot, pb.CleanRequest]] = deque()
        stream = _Stream(self)
        try:
            for number, raw in lines:
                try:
                    parsed = parse_line(raw, number)
                    record = parsed.record
                except RecordError as error:
                    outbox.append(
                        _Slot(number, None, error_line(error.record_id, INVALID_ARGUMENT, str(error), number))
                    )
                    continue
                try:
                    document = check_document(
                        settings,
                        record.text,
                        html=_text(record.html),
                        url=record.url,
                        source=record.source,
                        id=record.id,
                    )
                    request = request_from_document(document)
                    self._check_size(raw, request)
                except InvalidInputError as error:  # the server would refuse it, or could not receive it
                    line = error_line(record.id, error.code, str(error), number, passed=parsed.passed)
                    outbox.append(_Slot(number, record.id, line))
                else:
                    slot = _Slot(number, record.id, None, document.surrogates_replaced, parsed.passed)
                    outbox.append(slot)
                    inflight.append((slot, request))
                    stream.send(request)
                while inflight and (len(inflight) >= self.window or len(outbox) >= 2 * self.window):
                    stream.answer_oldest(inflight)
                yield from _ready(outbox)
            stream.finish()
            while inflight:
                stream.answer_oldest(inflight)
            yield from _ready(outbox)
        finally:
            stream.cancel()

    def _check_size(self, raw: Item, request: pb.CleanRequest) -> None:
        """Refuse a request larger than the server receives (a checked document always fits; this guards)."""
        limit = self._max_request_bytes
        if not limit or not isinstance(raw, bytes) or len(raw) + SIZE_MARGIN_BYTES <= limit:
            return
        size = request.ByteSize()
        if size > limit:
            raise InvalidInputError(f"the request is {size:,} bytes; the server receives at most {limit:,}")


class _Stream:
    """One ``CleanStream`` call at a time, re-opened on UNAVAILABLE."""

    def __init__(self, client: StreamClient) -> None:
        self.client = client
        self._open([])

    def _open(self, resend: list[pb.CleanRequest]) -> None:
        self.requests: queue.Queue[object] = queue.Queue()
        for request in resend:
            self.requests.put(request)
        stub = pb_grpc.BoilerplateCleanerStub(self.client._channel)  # type: ignore[no-untyped-call]
        self.call = stub.CleanStream(_drain(self.requests))
        self.responses = iter(self.call)
        self.finished = False

    def send(self, request: pb.CleanRequest) -> None:
        self.requests.put(request)

    def finish(self) -> None:
        self.finished = True
        self.requests.put(_END)

    def cancel(self) -> None:
        self.requests.put(_END)
        self.call.cancel()

    def answer_oldest(self, inflight: deque[tuple[_Slot, pb.CleanRequest]]) -> None:
        """Fill the oldest in-flight slot with the next response."""
        response = self._receive(inflight)
        slot, _ = inflight.popleft()
        if response.HasField("error"):
            error = response.error
            slot.line = error_line(slot.record_id, error.code, error.message, slot.number, passed=slot.passed)
        else:
            record = with_surrogates_replaced(record_from_response(response), slot.surrogates_replaced)
            slot.line = dump({**record, **slot.passed})

    def _receive(self, unanswered: deque[tuple[_Slot, pb.CleanRequest]]) -> pb.CleanResponse:
        """The next response; on UNAVAILABLE, reconnect and resend what was not answered."""
        backoff = FIRST_BACKOFF_SECONDS
        for attempt in range(RETRIES + 1):
            try:
                response: pb.CleanResponse = next(self.responses)
                return response
            except grpc.RpcError as error:
                if error.code() != grpc.StatusCode.UNAVAILABLE or attempt == RETRIES:
                    raise _connection_error(self.client.target, error, attempt) from None
            except StopIteration:
                raise ConnectionError("the server ended the stream early") from None
            time.sleep(backoff)
            backoff *= 2
            finished = self.finished
            self.requests.put(_END)
            self._open([request for _, request in unanswered])
            if finished:
                self.finish()
        raise AssertionError("unreachable")


def _text(html: str | bytes | None) -> str | None:
    """JSONL html is a string (only tables and pages give bytes, and ``batch --server`` reads JSONL only)."""
    assert not isinstance(html, bytes), "batch --server reads JSONL"
    return html


def _connection_error(target: str, error: grpc.RpcError, retries: int) -> ConnectionError:
    """One line for the user: the server, the status and its details (an ``RpcError`` prints a traceback's worth)."""
    code = error.code()
    status = code.name if isinstance(code, grpc.StatusCode) else str(code)
    tried = f" after {retries} retries" if retries else ""
    return ConnectionError(f"server {target} answered {status}{tried}: {error.details() or 'no details'}")


def _drain(requests: queue.Queue[object]) -> Iterator[pb.CleanRequest]:
    while (item := requests.get()) is not _END:
        assert isinstance(item, pb.CleanRequest)
        yield item


def _ready(outbox: deque[_Slot]) -> Iterator[str]:
    while outbox and outbox[0].line is not None:
        line = outbox.popleft().line
        assert line is not None
        yield line
