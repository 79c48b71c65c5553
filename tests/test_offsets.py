from __future__ import annotations

from cleaner.text.offsets import ChainedMap, OffsetMap


def test_identity_without_edits() -> None:
    mapping = OffsetMap()
    assert (mapping.start(7), mapping.end(7)) == (7, 7)


def test_replacement_insertion_and_deletion() -> None:
    # source "ab  cd\u200bef" became "ab cd" + "ef": two spaces collapsed, one character deleted
    mapping = OffsetMap()
    mapping.record(2, 3, 2, 4)  # "  " -> " "
    mapping.record(5, 5, 6, 7)  # zero-width space deleted
    assert mapping.start(3) == 4 and mapping.end(2) == 2
    assert mapping.end(3) == 4  # a span ending after the replacement covers it
    assert mapping.start(5) == 7  # deleted text belongs to what follows
    assert mapping.end(5) == 6
    assert mapping.start(6) == 8


def test_chained_maps_compose() -> None:
    inner, outer = OffsetMap(), OffsetMap()
    inner.record(0, 1, 0, 3)  # "abc" -> "x"
    outer.record(1, 1, 1, 2)  # delete one char after "x"
    chained = ChainedMap(inner, outer)
    assert chained.start(0) == 0 and chained.end(1) == 3 and chained.start(1) == 4
