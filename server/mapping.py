"""The one place where library records and protobuf messages meet."""

from __future__ import annotations

import hashlib
from typing import Any

from google.protobuf.message import Message

from cleaner import CleanResult, Metadata, Removal, Stats
from cleaner.batch.records import InputRecord
from cleaner.rules.engine import RuleSet

from .generated.boilerplate.v1 import cleaner_pb2 as pb


def request_from_record(record: InputRecord) -> pb.CleanRequest:
    request = pb.CleanRequest(id=record.id, url=record.url or "", source=record.source or "")
    if record.text is not None:
        request.text = record.text
    if record.html is not None:
        request.html = record.html
    return request


def response_from_result(result: CleanResult) -> pb.CleanResponse:
    record = result.to_dict()
    return pb.CleanResponse(
        id=record["id"] or "",
        body=record["body"],
        metadata=pb.Metadata(**record["metadata"]),
        removed=[pb.Removal(**removal) for removal in record["removed"]],
        stats=pb.Stats(**record["stats"]),
    )


def error_response(record_id: str, code: str, message: str) -> pb.CleanResponse:
    return pb.CleanResponse(id=record_id, error=pb.Error(code=code, message=message))


def record_from_response(response: pb.CleanResponse) -> dict[str, Any]:
    """The JSON record of a successful response, exactly as ``CleanResult.to_dict`` makes it."""
    result = CleanResult(
        id=response.id,
        body=response.body,
        metadata=Metadata(**_fields(response.metadata)),
        removed=[Removal(**_fields(removal)) for removal in response.removed],
        stats=Stats(**_fields(response.stats)),
    )
    return result.to_dict()


def rules_response(rules: RuleSet) -> pb.ListRulesResponse:
    response = pb.ListRulesResponse()
    overall = hashlib.sha256()
    for loaded in rules.packs:
        info = loaded.info
        response.packs.append(
            pb.PackInfo(
                name=info.name,
                version=info.version,
                publisher=info.publisher,
                domains=info.domains,
                sha256=loaded.sha256,
                rule_count=len(loaded.rules),
            )
        )
        overall.update(loaded.sha256.encode())
        for rule in loaded.rules:
            response.rules.append(
                pb.RuleInfo(
                    id=loaded.pack.qualified_id(rule),
                    category=rule.category.value,
                    action=rule.action.value,
                    position=rule.position.value,
                    pack=info.name,
                    description=rule.description,
                )
            )
    response.rules_hash = overall.hexdigest()
    return response


def _fields(message: Message) -> dict[str, Any]:
    """A message's fields by name, repeated ones as lists."""
    return {
        field.name: list(value) if field.is_repeated else value
        for field in message.DESCRIPTOR.fields
        for value in [getattr(message, field.name)]
    }
