"""Requests the lenient decoder refuses on a real loopback server: both members of the content oneof."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import pytest
from cleaner_server.app import RunningServer, start
from cleaner_server.config import SERVICE_NAME, ServerConfig
from cleaner_server.generated.boilerplate.v1 import cleaner_pb2 as pb

from cleaner import Cleaner, InvalidInputError

TEXT = pb.CleanRequest(id="both", text="Some text of the story.").SerializeToString()
HTML = pb.CleanRequest(html="<p>Some text of a page.</p>").SerializeToString()
URL = pb.CleanRequest(url="https://example.com/a").SerializeToString()


@pytest.fixture(scope="module")
def channel() -> Iterator[grpc.Channel]:
    running: RunningServer = start(ServerConfig(port=0))
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            yield channel
    finally:
        running.stop(0)


@pytest.mark.parametrize(
    "raw", [TEXT + HTML, HTML + TEXT, TEXT + URL + HTML], ids=["text, html", "html, text", "url between"]
)
def test_text_and_html_together_are_invalid_argument(channel: grpc.Channel, raw: bytes, cleaner: Cleaner) -> None:
    with pytest.raises(InvalidInputError) as library:
        cleaner.clean("Some text of the story.", html="<p>Some text of a page.</p>")
    call = channel.unary_unary(f"/{SERVICE_NAME}/Clean", request_serializer=None, response_deserializer=None)
    with pytest.raises(grpc.RpcError) as raised:
        call(raw, timeout=10)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == str(library.value) == "give either text or html, not both"


def test_text_and_html_together_are_one_error_item_in_a_stream(channel: grpc.Channel) -> None:
    good = pb.CleanRequest(id="good", text="The council voted on Tuesday to approve the budget.").SerializeToString()
    call = channel.stream_stream(f"/{SERVICE_NAME}/CleanStream", request_serializer=None, response_deserializer=None)
    responses = [pb.CleanResponse.FromString(r) for r in call(iter([good, TEXT + HTML, good]), timeout=10)]
    assert [r.id for r in responses] == ["good", "both", "good"]
    assert responses[1].error == pb.Error(code="INVALID_ARGUMENT", message="give either text or html, not both")
    assert responses[2].body
