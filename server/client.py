"""``cleaner batch --server``: stream JSONL records through ``CleanStream``.

Output is byte-identical to in-process cleaning: lines that are not valid records
become error records here, as in-process; every other line is answered by the
server, one response per request, in order. At most ``window`` requests are in
flight; when the connection fails with UNAVAILABLE, the unanswered requests are
sent again on a new stream after a backoff.
"""

from __future__ import annotations

import queue
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc

from cleaner.batch.records import RecordError, TooLong, dump, error_line, parse_line
from cleaner.errors import INVALID_ARGUMENT

from .generated.boilerplate.v1 import cleaner_pb2 as pb
from .generated.boilerplate.v1 import cleaner_pb2_grpc as pb_grpc
from .mapping import record_from_response, request_from_record, with_surrogates_replaced

DEFAULT_WINDOW = 64
RETRIES = 6
FIRST_BACKOFF_SECONDS = 0.2
_END = object()


@dataclass(slots=True)
class _Slot:
    """One input line's place in the output."""

    number: int
    record_id: str | None
    line: str | None = None
    surrogates_replaced: int = 0


class StreamClient:
    """A connection to a cleaner server; ``clean_lines`` streams a batch through it."""

    def __init__(self, target: str, *, tls_ca: str | None = None, window: int = DEFAULT_WINDOW) -> None:
        self.target = target
        self.window = window
        self._credentials = grpc.ssl_channel_credentials(Path(tls_ca).read_bytes()) if tls_ca else None
        self._channel = self._connect()

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

    def clean_lines(self, lines: Iterable[tuple[int, bytes | TooLong]]) -> Iterator[str]:
        """Output lines in input order."""
        outbox: deque[_Slot] = deque()
        inflight: deque[tuple[_Slot, pb.CleanRequest]] = deque()
        stream = _Stream(self)
        try:
            for number, raw in lines:
                try:
                    record = parse_line(raw)
                except RecordError as error:
                    outbox.append(
                        _Slot(number, None, error_line(error.record_id, INVALID_ARGUMENT, str(error), number))
                    )
                else:
                    request, replaced = request_from_record(record)
                    slot = _Slot(number, record.id, surrogates_replaced=replaced)
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
            slot.line = error_line(slot.record_id, response.error.code, response.error.message, slot.number)
        else:
            slot.line = dump(with_surrogates_replaced(record_from_response(response), slot.surrogates_replaced))

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
