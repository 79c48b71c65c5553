"""HTML bytes to text: the encoding a browser would pick, then detection.

In order: a byte-order mark; the charset the transport declared (an HTTP
``Content-Type``); the page's own ``<meta charset>`` or ``http-equiv`` in its
first 1,024 bytes; UTF-8 if the bytes are valid UTF-8; charset-normalizer's
best guess; windows-1252 with replacement characters as the last resort. A
declared label is read as browsers read it (``iso-8859-1`` and ``ascii`` mean
windows-1252, per the WHATWG Encoding Standard); a declaration the bytes do not
fit is passed over.
"""

from __future__ import annotations

import codecs

import regex

PRESCAN_BYTES = 1024  # how far browsers look for a <meta> declaration
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META = regex.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", regex.IGNORECASE)
_WHATWG = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_WHATWG.update({"iso8859-1": "cp1252", "iso_8859-1": "cp1252", "l1": "cp1252", "x-user-defined": "cp1252"})


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page as text, decoded as described in the module docstring."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    for label in (declared, meta_charset(data)):
        decoded = _decode_as(data, label)
        if decoded is not None:
            return decoded
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # only for pages that declare nothing that fits

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", "replace")


def meta_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag in the page's first bytes declares, if any."""
    found = _META.search(data[:PRESCAN_BYTES])
    return found[1].decode("ascii") if found else None


def _decode_as(data: bytes, label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().lower()
    try:
        encoding = codecs.lookup(_WHATWG.get(name, name)).name
    except LookupError:
        return None
    if encoding.startswith("utf-16"):  # a page that declares UTF-16 but reached here has no BOM: ASCII-compatible
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
