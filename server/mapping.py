"""The one place where library records and protobuf messages meet."""

from __future__ import annotations

import hashlib
from typing import Any

from google.protobuf.message import Message

from cleaner import Cleaner, CleanerOptions, CleanResult, Metadata, Removal, ResultValues, Stats
from cleaner.inputs import Document
from cleaner.settings import Settings

from .config import ServerConfig
from .generated.boilerplate.v1 import cleaner_pb2 as pb


def request_from_document(document: Document) -> pb.CleanRequest:
    """The request for a document checked by ``cleaner.inputs.check_document``.

    Protobuf strings are UTF-8, which cannot hold a lone surrogate: the check has
    replaced them by U+FFFD as the library does, and ``with_surrogates_replaced``
    adds its count to the response's record, so the output is what in-process
    cleaning gives.
    """
    request = pb.CleanRequest(id=document.id or "", url=document.url or "", source=document.source or "")
    if document.text is not None:
        request.text = document.text
    if document.html is not None:
        request.html = document.html
    return request


def with_surrogates_replaced(record: dict[str, Any], replaced: int) -> dict[str, Any]:
    """A response's record with the client's replacements counted, as the library counts them."""
    record["stats"]["surrogates_replaced"] += replaced
    return record


def response_from_result(result: ResultValues) -> pb.CleanResponse:
    """The response for a cleaned document, from its plain values (no pydantic model is built)."""
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


def rules_response(cleaner: Cleaner) -> pb.ListRulesResponse:
    """The rules in use and the limits on one request."""
    rules = cleaner.rules
    response = pb.ListRulesResponse(limits=limits_message(cleaner.settings))
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


def limits_message(settings: Settings) -> pb.Limits:
    """A server's limits; ``max_request_bytes`` is the message limit ``app.listen`` sets for these settings."""
    return pb.Limits(
        max_chars=settings.max_chars,
        max_lines=settings.max_lines,
        timeout=settings.timeout,
        max_request_bytes=ServerConfig(cleaner=CleanerOptions(settings=settings)).max_message_bytes,
    )


def settings_from_limits(limits: pb.Limits) -> Settings:
    """The settings a server reported (its cleaner's limits)."""
    return Settings(max_chars=limits.max_chars, max_lines=limits.max_lines, timeout=limits.timeout)


def _fields(message: Message) -> dict[str, Any]:
    """A message's fields by name, repeated ones as lists."""
    return {
        field.name: list(value) if field.is_repeated else value
        for field in message.DESCRIPTOR.fields
        for value in [getattr(message, field.name)]
    }
