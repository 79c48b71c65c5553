"""Every input format gives the output plain JSONL gives; every output format holds the same records.

Each format is built here from the seeds and the dev pages (``eval/``): gzip,
zstd, bz2 and xz JSONL (also under a wrong extension), Parquet, WARC (plain and
gzipped, HTML responses), WET (text conversions), and directories and globs of
pages; each is cleaned by ``cleaner batch`` and compared byte for byte with the
JSONL holding the same records.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from fastwarc.warc import WarcRecord, WarcRecordType

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT / "eval" / "dev.jsonl"
PAGES = 12  # dev pages used (of 78): enough kinds of page, seconds to clean
COMPRESSORS = {"gz": gzip.compress, "zst": zstandard.compress, "bz2": bz2.compress, "xz": lzma.compress}


def text_records() -> list[dict[str, str]]:
    records = [{"id": path.stem, "text": path.read_text(encoding="utf-8")} for path in SEEDS]
    for line in DEV.read_text(encoding="utf-8").splitlines()[:PAGES]:
        page = json.loads(line)
        records.append({"id": page["id"], "text": page["noisy_text"], "url": page["url"]})
    return records


def html_pages() -> list[tuple[str, str, bytes]]:
    """(id, url, HTML bytes) of the first dev pages."""
    found = []
    for line in DEV.read_text(encoding="utf-8").splitlines()[:PAGES]:
        page = json.loads(line)
        found.append(
            (page["id"], page["url"], gzip.decompress((DEV.parent / "html" / f"{page['id']}.html.gz").read_bytes()))
        )
    return found


def jsonl(records: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")


def batch(capsys: pytest.CaptureFixture[str], source: Path | str, output: Path, *options: str) -> bytes:
    code = main(["batch", str(source), "-o", str(output), "--no-progress", *options])
    err = capsys.readouterr().err
    assert code == 0, err
    return output.read_bytes()


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The text records as plain JSONL, and what ``cleaner batch`` writes for them."""
    folder = tmp_path_factory.mktemp("plain")
    source = folder / "in.jsonl"
    source.write_bytes(jsonl(text_records()))
    assert main(["batch", str(source), "-o", str(folder / "out.jsonl"), "--no-progress"]) == 0
    return source, (folder / "out.jsonl").read_bytes()


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_compressed_jsonl_reads_as_plain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plain: tuple[Path, bytes], suffix: str
) -> None:
    source, expected = plain
    data = COMPRESSORS[suffix](source.read_bytes())
    named = tmp_path / f"in.jsonl.{suffix}"
    named.write_bytes(data)
    assert batch(capsys, named, tmp_path / "out.jsonl") == expected
    misnamed = tmp_path / "in.jsonl"  # the bytes decide, not the name
    misnamed.write_bytes(data)
    assert batch(capsys, misnamed, tmp_path / "again.jsonl") == expected


def test_compressed_jsonl_reads_from_standard_input(tmp_path: Path, plain: tuple[Path, bytes]) -> None:
    source, expected = plain
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "batch", "-", "-o", "-", "--no-progress"],
        input=zstandard.compress(source.read_bytes()), capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected


def test_a_slow_pipe_is_read_ahead_before_it_is_judged(plain: tuple[Path, bytes]) -> None:
    source, expected = plain
    data = source.read_bytes()
    writer = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; d = sys.stdin.buffer.read(); o = sys.stdout.buffer; "
         "o.write(d[:1]); o.flush(); time.sleep(0.5); o.write(d[1:]); o.flush()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )  # fmt: skip
    assert writer.stdin is not None and writer.stdout is not None
    writer.stdin.write(data)
    writer.stdin.close()
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "batch", "-", "-o", "-", "--no-progress"],
        stdin=writer.stdout, capture_output=True, timeout=300,
    )  # fmt: skip
    writer.wait(timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_output_is_compressed_by_its_extension(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plain: tuple[Path, bytes], suffix: str
) -> None:
    source, expected = plain
    data = batch(capsys, source, tmp_path / f"out.jsonl.{suffix}")
    decompress = {"gz": gzip.decompress, "zst": _unzstd, "bz2": bz2.decompress, "xz": lzma.decompress}
    assert data != expected and decompress[suffix](data) == expected


def _unzstd(data: bytes) -> bytes:
    """A streamed zstd frame (its header holds no content size) read back."""
    return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()


def test_parquet_in_and_out(capsys: pytest.CaptureFixture[str], tmp_path: Path, plain: tuple[Path, bytes]) -> None:
    _, expected = plain
    records = text_records()
    table = pa.Table.from_pylist([{"id": r["id"], "text": r["text"], "url": r.get("url")} for r in records])
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=5)
    assert batch(capsys, tmp_path / "in.parquet", tmp_path / "out.jsonl") == expected
    batch(capsys, tmp_path / "in.parquet", tmp_path / "out.parquet")
    rows = pq.read_table(tmp_path / "out.parquet").to_pylist()
    wanted = [json.loads(line) for line in expected.decode("utf-8").splitlines()]
    assert [{key: row[key] for key in wanted[0]} for row in rows] == wanted
    assert all(row["error"] is None and row["filtered"] is None for row in rows)


def warc_record(kind: WarcRecordType, record_id: str, url: str, content_type: str, content: bytes) -> bytes:
    record = WarcRecord()
    record.init_headers(kind, record_urn=record_id.strip("<>").removeprefix("urn:").encode())
    record.headers["WARC-Date"] = "2024-05-06T07:08:09Z"
    record.headers["WARC-Target-URI"] = url
    record.headers["Content-Type"] = content_type
    record.set_bytes_content(content)
    out = io.BytesIO()
    record.write(out)
    return out.getvalue()


def test_warc_responses_read_as_html_records(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    pages = html_pages()
    archive, expected_records = b"", []
    for number, (_, url, html) in enumerate(pages):
        record_id = f"<urn:uuid:00000000-0000-4000-8000-{number:012d}>"
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        request = warc_record(WarcRecordType.request, f"<urn:uuid:10000000-0000-4000-8000-{number:012d}>", url,
                              "application/http; msgtype=request", b"GET / HTTP/1.1\r\n\r\n")  # fmt: skip
        archive += request + warc_record(
            WarcRecordType.response, record_id, url, "application/http; msgtype=response", http
        )
        expected_records.append(
            {"id": record_id, "html": html.decode("utf-8"), "url": url, "date": "2024-05-06T07:08:09Z"}
        )
    (tmp_path / "same.jsonl").write_bytes(jsonl(expected_records))
    expected = batch(capsys, tmp_path / "same.jsonl", tmp_path / "expected.jsonl")
    (tmp_path / "crawl.warc").write_bytes(archive)
    assert batch(capsys, tmp_path / "crawl.warc", tmp_path / "out.jsonl") == expected
    members = b"".join(gzip.compress(record) for record in _records(archive))  # one gzip member per record
    (tmp_path / "crawl.warc.gz").write_bytes(members)
    assert batch(capsys, tmp_path / "crawl.warc.gz", tmp_path / "out.jsonl") == expected


def _records(archive: bytes) -> list[bytes]:
    starts = [index for index in range(len(archive)) if archive.startswith(b"WARC/1.1\r\n", index)]
    return [archive[start:end] for start, end in zip(starts, [*starts[1:], len(archive)], strict=True)]


def test_wet_conversions_read_as_text_records(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    records = text_records()
    archive, expected_records = b"", []
    for number, record in enumerate(records):
        record_id = f"<urn:uuid:20000000-0000-4000-8000-{number:012d}>"
        url = record.get("url") or f"https://example.com/{record['id']}"
        archive += warc_record(WarcRecordType.conversion, record_id, url, "text/plain", record["text"].encode("utf-8"))
        expected_records.append({"id": record_id, "text": record["text"], "url": url, "date": "2024-05-06T07:08:09Z"})
    (tmp_path / "same.jsonl").write_bytes(jsonl(expected_records))
    expected = batch(capsys, tmp_path / "same.jsonl", tmp_path / "expected.jsonl")
    (tmp_path / "crawl.wet.gz").write_bytes(b"".join(gzip.compress(record) for record in _records(archive)))
    assert batch(capsys, tmp_path / "crawl.wet.gz", tmp_path / "out.jsonl") == expected


def test_a_directory_and_a_glob_of_pages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    (folder / "html").mkdir(parents=True)
    expected_records: list[dict[str, object]] = []
    for path in SEEDS:
        (folder / path.name).write_bytes(path.read_bytes())
        expected_records.append({"id": path.name, "text": path.read_text(encoding="utf-8")})
    for page_id, _, html in html_pages():
        (folder / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html))
        expected_records.append({"id": f"html/{page_id}.html.gz", "html": html.decode("utf-8")})
    (folder / "notes.md").write_text("not a page", encoding="utf-8")
    expected_records.sort(key=lambda record: str(record["id"]))
    (tmp_path / "same.jsonl").write_bytes(jsonl(expected_records))
    expected = batch(capsys, tmp_path / "same.jsonl", tmp_path / "expected.jsonl")
    assert batch(capsys, folder, tmp_path / "out.jsonl") == expected
    globbed = batch(capsys, f"{folder}/*.txt", tmp_path / "glob.jsonl")
    assert [json.loads(line)["id"] for line in globbed.splitlines()] == [f"{folder}/{path.name}" for path in SEEDS]


def test_pages_and_rows_clean_alike_in_worker_processes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for page_id, _, html in html_pages()[:4]:
        (folder / f"{page_id}.html").write_bytes(html)
    pq.write_table(pa.Table.from_pylist(text_records()[:8]), tmp_path / "in.parquet")
    for source in (folder, tmp_path / "in.parquet"):
        one = batch(capsys, source, tmp_path / "one.jsonl")
        assert batch(capsys, source, tmp_path / "two.jsonl", "--workers", "2") == one


def test_a_warc_response_decodes_by_its_http_charset(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = "Café owners said the “new rules” — announced on Monday — would cost them €2,000 a year in fees."
    page = (
        f"<html><head><title>Café rules</title></head><body><article><p>{body}</p><p>{body}</p></article></body></html>"
    )
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\n\r\n" + page.encode("cp1252")
    record = warc_record(WarcRecordType.response, "<urn:uuid:30000000-0000-4000-8000-000000000000>", "https://example.com/cafe",
                         "application/http; msgtype=response", http)  # fmt: skip
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(record))
    assert json.loads(batch(capsys, tmp_path / "crawl.warc.gz", tmp_path / "out.jsonl"))["body"].startswith(body)


def test_a_windows_1252_page_decodes_by_its_declaration(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    body = "Café owners said the “new rules” — announced on Monday — would cost them €2,000 a year in fees."
    page = f'<html><head><meta charset="windows-1252"><title>Café rules</title></head><body><article><p>{body}</p><p>{body}</p></article></body></html>'
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "cafe.html").write_bytes(page.encode("cp1252"))
    out = batch(capsys, tmp_path / "pages", tmp_path / "out.jsonl")
    assert json.loads(out)["body"].startswith(body)
    code = main(["clean", str(tmp_path / "pages")])
    assert code == 0 and body in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary data"),
        ("plain text, not one JSON object\nsecond line\n".encode("utf-16"), "binary data"),
        (b"PK\x03\x04" + b"\x00" * 100, "a zip archive"),
        (b"Just a text file.\nWith lines, but no records.\n", "not JSON lines"),
        ("Caf\u00e9 \u00e0 la carte\n".encode("latin-1") * 20, "not UTF-8"),
        (gzip.compress(b"\x00\x01\x02" * 1000), "gzip data that is binary data"),
    ],
)
def test_input_it_cannot_read_is_one_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, says: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    output = tmp_path / "out.jsonl"
    assert main(["batch", str(source), "-o", str(output), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0] and err[0].startswith("cleaner batch: ")
    assert not output.exists() and not list(tmp_path.glob(".out.jsonl*"))


def test_resume_is_refused_where_the_output_cannot_be_continued(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl(text_records()[:2]))
    for name in ("out.jsonl.gz", "out.parquet"):
        assert main(["batch", str(source), "-o", str(tmp_path / name), "--resume"]) == 2
        assert "--resume needs a plain JSONL output" in capsys.readouterr().err
    assert (
        main(["batch", str(source), "-o", str(tmp_path / "o.jsonl"), "--resume", "--min-words", "5", "--drop-filtered"])
        == 2
    )
    assert "--drop-filtered" in capsys.readouterr().err


def test_resume_works_for_a_compressed_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, plain: tuple[Path, bytes]
) -> None:
    source, expected = plain
    (tmp_path / "in.jsonl.zst").write_bytes(zstandard.compress(source.read_bytes()))
    output = tmp_path / "out.jsonl"
    (tmp_path / ".out.jsonl.partial").write_bytes(b"".join(expected.splitlines(keepends=True)[:4]) + b'{"id": "torn')
    assert batch(capsys, tmp_path / "in.jsonl.zst", output, "--resume") == expected
