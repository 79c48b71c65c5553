from __future__ import annotations

import pytest

from cleaner.document.dates import CACHED_LENGTH, parse_published


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("Wednesday 19 August 2015 19:08 EDT", "2015-08-19T19:08:00-04:00"),
        ("19th August 2015", "2015-08-19"),
        ("Nov. 19, 2019 3:05 p.m. ET", "2019-11-19T15:05:00-05:00"),
        ("Jul. 4, 2019 3:05 p.m. ET", "2019-07-04T15:05:00-04:00"),
        ("10:08 BST, 1 June 2020", "2020-06-01T10:08:00+01:00"),
        ("2019-11-19T10:00:00Z", "2019-11-19T10:00:00+00:00"),
        ("19 August 2015 14:30", "2015-08-19T14:30:00"),
        ("August 2015", "2015-08"),
        ("January 2016", "2016-01"),
        ("1 January 2016", "2016-01-01"),
        ("1 January 2016 00:00", "2016-01-01T00:00:00"),
        ("2 February 1908 01:01", "1908-02-02T01:01:00"),
        ("2016", "2016"),
        ("Tuesday", ""),
        ("0 comments", ""),
    ],
)
def test_printed_dates_become_iso_8601(printed: str, iso: str) -> None:
    assert parse_published(printed) == iso


def test_a_date_string_is_parsed_once() -> None:
    printed = "Thursday 3 March 2011 07:15 GMT"
    before = parse_published.cache_info()
    first, again = parse_published(printed), parse_published(printed)
    after = parse_published.cache_info()
    assert first == again == "2011-03-03T07:15:00+00:00"
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_a_long_string_is_parsed_but_not_remembered() -> None:
    printed = "Published 3 March 2011 " + "and then some words " * (CACHED_LENGTH // 10)
    before = parse_published.cache_info()
    assert parse_published(printed) == parse_published(printed) == "2011-03-03"
    after = parse_published.cache_info()
    assert (after.currsize, after.hits) == (before.currsize, before.hits)
