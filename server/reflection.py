"""Server reflection under both names clients use: ``grpc.reflection.v1`` and ``grpc.reflection.v1alpha``.

grpcio-reflection ships only v1alpha. v1 is the same protocol (the same messages,
field for field) in another package, so its descriptor is made from v1alpha's with
the package renamed, and its method is served by the same servicer.
"""

from __future__ import annotations

from collections.abc import Iterable

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_reflection.v1alpha import reflection
from grpc_reflection.v1alpha import reflection_pb2 as pb

V1ALPHA = reflection.SERVICE_NAME
V1 = "grpc.reflection.v1.ServerReflection"
V1_FILE = "grpc/reflection/v1/reflection.proto"
METHOD = "ServerReflectionInfo"


def service_names() -> tuple[str, str]:
    return V1, V1ALPHA


def enable(services: Iterable[str], server: grpc.aio.Server) -> None:
    """Serve reflection of ``services`` (and of both reflection services) under v1 and v1alpha."""
    _register_v1_descriptor()
    names = (*services, *service_names())
    servicer = reflection.aio.ReflectionServicer(names)
    for service in service_names():
        handler = grpc.stream_stream_rpc_method_handler(
            servicer.ServerReflectionInfo,
            request_deserializer=pb.ServerReflectionRequest.FromString,
            response_serializer=pb.ServerReflectionResponse.SerializeToString,
        )
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, {METHOD: handler}),))


def _register_v1_descriptor() -> None:
    """The v1 file in the default pool (so reflection can describe v1 too): v1alpha's, renamed."""
    pool = descriptor_pool.Default()
    try:
        pool.FindFileByName(V1_FILE)
        return
    except KeyError:
        pass
    file = descriptor_pb2.FileDescriptorProto()
    pb.DESCRIPTOR.CopyToProto(file)
    old = f".{file.package}."
    file.name, file.package = V1_FILE, "grpc.reflection.v1"
    for message in file.message_type:
        for field in message.field:
            if field.type_name.startswith(old):
                field.type_name = ".grpc.reflection.v1." + field.type_name[len(old) :]
    for service in file.service:
        for method in service.method:
            method.input_type = ".grpc.reflection.v1." + method.input_type[len(old) :]
            method.output_type = ".grpc.reflection.v1." + method.output_type[len(old) :]
    file.ClearField("options")
    pool.Add(file)
