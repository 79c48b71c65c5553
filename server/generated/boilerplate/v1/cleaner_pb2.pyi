from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CleanRequest(_message.Message):
    __slots__ = ("id", "text", "html", "url", "source")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    HTML_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    html: str
    url: str
    source: str
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., html: _Optional[str] = ..., url: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class CleanResponse(_message.Message):
    __slots__ = ("id", "body", "metadata", "removed", "stats", "error")
    ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    STATS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    id: str
    body: str
    metadata: Metadata
    removed: _containers.RepeatedCompositeFieldContainer[Removal]
    stats: Stats
    error: Error
    def __init__(self, id: _Optional[str] = ..., body: _Optional[str] = ..., metadata: _Optional[_Union[Metadata, _Mapping]] = ..., removed: _Optional[_Iterable[_Union[Removal, _Mapping]]] = ..., stats: _Optional[_Union[Stats, _Mapping]] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class Metadata(_message.Message):
    __slots__ = ("title", "subtitle", "authors", "published", "publisher", "agency", "dateline", "captions", "language", "word_count")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    AUTHORS_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    DATELINE_FIELD_NUMBER: _ClassVar[int]
    CAPTIONS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    WORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    title: str
    subtitle: str
    authors: _containers.RepeatedScalarFieldContainer[str]
    published: str
    publisher: str
    agency: str
    dateline: str
    captions: _containers.RepeatedScalarFieldContainer[str]
    language: str
    word_count: int
    def __init__(self, title: _Optional[str] = ..., subtitle: _Optional[str] = ..., authors: _Optional[_Iterable[str]] = ..., published: _Optional[str] = ..., publisher: _Optional[str] = ..., agency: _Optional[str] = ..., dateline: _Optional[str] = ..., captions: _Optional[_Iterable[str]] = ..., language: _Optional[str] = ..., word_count: _Optional[int] = ...) -> None: ...

class Removal(_message.Message):
    __slots__ = ("rule", "category", "start", "end", "text")
    RULE_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    rule: str
    category: str
    start: int
    end: int
    text: str
    def __init__(self, rule: _Optional[str] = ..., category: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., text: _Optional[str] = ...) -> None: ...

class Stats(_message.Message):
    __slots__ = ("chars_in", "chars_out", "blocks_in", "blocks_kept", "blocks_removed", "duplicates", "surrogates_replaced")
    CHARS_IN_FIELD_NUMBER: _ClassVar[int]
    CHARS_OUT_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_IN_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_KEPT_FIELD_NUMBER: _ClassVar[int]
    BLOCKS_REMOVED_FIELD_NUMBER: _ClassVar[int]
    DUPLICATES_FIELD_NUMBER: _ClassVar[int]
    SURROGATES_REPLACED_FIELD_NUMBER: _ClassVar[int]
    chars_in: int
    chars_out: int
    blocks_in: int
    blocks_kept: int
    blocks_removed: int
    duplicates: int
    surrogates_replaced: int
    def __init__(self, chars_in: _Optional[int] = ..., chars_out: _Optional[int] = ..., blocks_in: _Optional[int] = ..., blocks_kept: _Optional[int] = ..., blocks_removed: _Optional[int] = ..., duplicates: _Optional[int] = ..., surrogates_replaced: _Optional[int] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules", "packs", "rules_hash", "limits")
    RULES_FIELD_NUMBER: _ClassVar[int]
    PACKS_FIELD_NUMBER: _ClassVar[int]
    RULES_HASH_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[RuleInfo]
    packs: _containers.RepeatedCompositeFieldContainer[PackInfo]
    rules_hash: str
    limits: Limits
    def __init__(self, rules: _Optional[_Iterable[_Union[RuleInfo, _Mapping]]] = ..., packs: _Optional[_Iterable[_Union[PackInfo, _Mapping]]] = ..., rules_hash: _Optional[str] = ..., limits: _Optional[_Union[Limits, _Mapping]] = ...) -> None: ...

class Limits(_message.Message):
    __slots__ = ("max_chars", "max_lines", "timeout", "max_request_bytes")
    MAX_CHARS_FIELD_NUMBER: _ClassVar[int]
    MAX_LINES_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    MAX_REQUEST_BYTES_FIELD_NUMBER: _ClassVar[int]
    max_chars: int
    max_lines: int
    timeout: float
    max_request_bytes: int
    def __init__(self, max_chars: _Optional[int] = ..., max_lines: _Optional[int] = ..., timeout: _Optional[float] = ..., max_request_bytes: _Optional[int] = ...) -> None: ...

class RuleInfo(_message.Message):
    __slots__ = ("id", "category", "action", "position", "pack", "description")
    ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    PACK_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    category: str
    action: str
    position: str
    pack: str
    description: str
    def __init__(self, id: _Optional[str] = ..., category: _Optional[str] = ..., action: _Optional[str] = ..., position: _Optional[str] = ..., pack: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class PackInfo(_message.Message):
    __slots__ = ("name", "version", "publisher", "domains", "sha256", "rule_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PUBLISHER_FIELD_NUMBER: _ClassVar[int]
    DOMAINS_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    RULE_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    publisher: str
    domains: _containers.RepeatedScalarFieldContainer[str]
    sha256: str
    rule_count: int
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., publisher: _Optional[str] = ..., domains: _Optional[_Iterable[str]] = ..., sha256: _Optional[str] = ..., rule_count: _Optional[int] = ...) -> None: ...
