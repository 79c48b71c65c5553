"""Decode requests leniently, so invalid UTF-8 becomes INVALID_ARGUMENT naming the field.

protobuf refuses to parse a string field holding invalid UTF-8; gRPC would then
answer INTERNAL before any handler runs. On that failure we parse the bytes again
with a mirror of the message whose string fields are ``bytes``, and report which
field is not UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message


@dataclass(frozen=True, slots=True)
class Undecodable:
    """A request that could not be decoded, and why."""

    id: str
    reason: str


def lenient(message_class: type[Message]) -> Callable[[bytes], Message | Undecodable]:
    mirror = _bytes_mirror(message_class.DESCRIPTOR)

    def decode(data: bytes) -> Message | Undecodable:
        try:
            return message_class.FromString(data)
        except DecodeError:
            return _explain(mirror, data)

    return decode


def _explain(mirror: type[Message], data: bytes) -> Undecodable:
    try:
        raw = mirror.FromString(data)
    except DecodeError:
        return Undecodable("", "request is not a valid protobuf message")
    record_id, reason = "", "request is not a valid protobuf message"
    for field, value in raw.ListFields():
        if not isinstance(value, bytes):
            continue
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"{field.name} is not valid UTF-8 (byte {error.start})"
            continue
        if field.name == "id":
            record_id = text
    return Undecodable(record_id, reason)


def _bytes_mirror(descriptor: Descriptor) -> type[Message]:
    """The same message with every string field declared as bytes, in a private pool."""
    message = descriptor_pb2.DescriptorProto()
    descriptor.CopyToProto(message)
    for field in message.field:
        if field.type == FieldDescriptor.TYPE_STRING:
            field.type = FieldDescriptor.TYPE_BYTES
        if field.type_name:
            raise ValueError("lenient decoding handles flat messages only")
    file = descriptor_pb2.FileDescriptorProto(
        name=f"lenient/{descriptor.full_name}.proto", package="lenient", syntax="proto3", message_type=[message]
    )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    mirror: type[Message] = message_factory.GetMessageClass(pool.FindMessageTypeByName(f"lenient.{descriptor.name}"))
    return mirror
