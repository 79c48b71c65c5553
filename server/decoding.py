"""Decode requests leniently, so invalid UTF-8 becomes INVALID_ARGUMENT naming the field.

protobuf refuses to parse a string field holding invalid UTF-8; gRPC would then
answer INTERNAL before any handler runs. On that failure we parse the bytes again
with a mirror of the message whose string fields are ``bytes``, and report which
field is not UTF-8.

protobuf also accepts bytes that set two members of one ``oneof`` (text and
html), keeping the last one: the document would be cleaned as html where the
library and the batch refuse it. The field numbers on the wire are checked, so
such a request is refused too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
    oneofs = _oneof_members(message_class.DESCRIPTOR)

    def decode(data: bytes) -> Message | Undecodable:
        try:
            message = message_class.FromString(data)
        except DecodeError:
            return _explain(mirror, data)
        conflict = _oneof_conflict(oneofs, data) if oneofs else None
        if conflict is not None:
            return Undecodable(str(getattr(message, "id", "")), conflict)
        return message

    return decode


def _oneof_members(descriptor: Descriptor) -> list[dict[int, str]]:
    """For each oneof with several members: field number to name."""
    return [
        {field.number: field.name for field in oneof.fields} for oneof in descriptor.oneofs if len(oneof.fields) > 1
    ]


def _oneof_conflict(oneofs: list[dict[int, str]], data: bytes) -> str | None:
    """ "give either text or html, not both" when the bytes set two members of one oneof (as the library says)."""
    present = set(_field_numbers(data))
    for members in oneofs:
        given = [name for number, name in members.items() if number in present]
        if len(given) > 1:
            return f"give either {' or '.join(given)}, not both"
    return None


def _field_numbers(data: bytes) -> Iterator[int]:
    """The top-level field numbers on the wire, skipping values (the bytes parsed already, so they are well formed)."""
    position, end = 0, len(data)
    while position < end:
        key, position = _varint(data, position)
        wire_type = key & 7
        yield key >> 3
        if wire_type == 0:
            _, position = _varint(data, position)
        elif wire_type == 1:
            position += 8
        elif wire_type == 2:
            length, position = _varint(data, position)
            position += length
        elif wire_type == 5:
            position += 4
        else:  # groups (3, 4): not in this proto3 message; stop rather than guess
            return


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


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
