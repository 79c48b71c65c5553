"""The one place where library records and protobuf messages meet."""

from __future__ import annotations

import hashlib
from typing import Any

from google.protobuf.message import Message

from cleaner import CleanResult, Metadata, Removal, Stats
from cleaner.batch.records import InputRecord
from cleaner.inputs import replace_surrogates
from cleaner.rules.engine import RuleSet

from .generated.boilerplate.v1 import cleaner_pb2 as pb


def request_from_record(record: InputRecord) -> tuple[pb.CleanRequest, int]:
    """The request for a record, and how many lone surrogates were replaced to make it.

    Protobuf strings are UTF-8, which cannot hold a lone surrogate; they are
    replaced by U+FFFD as the library replaces them (see ``cleaner.inputs``), and
    ``with_surrogates_replaced`` adds the count to the response's record, so the
    output is what in-process cleaning gives. The id was checked by ``parse_line``.
    """
    replaced = 0

    def repaired(value: str | None) -> str:
        nonlocal replaced
        text, count = replace_surrogates(value or "")
        replaced += count
        return text

    request = pb.CleanRequest(id=record.id, url=repaired(record.url), source=repaired(record.source))
    if record.text is not None:
        request.text = repaired(record.text)
    if record.html is not None:
        request.html = repaired(record.html)
    return request, replaced


def with_surrogates_replaced(record: dict[str, Any], replaced: int) -> dict[str, Any]:
    """A response's record with the client's replacements counted, as the library counts them."""
    record["stats"]["surrogates_replaced"] += replaced
    return record


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
