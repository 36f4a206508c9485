"""Which text encoding a SIE file is really in.

The standard says PC8 (IBM code page 437). Files in the wild are also UTF-8 or Windows-1252/Latin-1;
a CP437 file with å, ä and ö is never valid UTF-8, and the Swedish letters tell CP437 from Latin-1.
The file is scanned in blocks, so a file of any size is sniffed in constant memory."""
from __future__ import annotations

import codecs
import re
from pathlib import Path

__all__ = ["ENCODING_NAMES", "sniff"]

_CHUNK = 1 << 24
# Swedish letters (å ä ö Å Ä Ö é ü) as bytes in CP437 and in Latin-1/Windows-1252.
_CP437_LETTERS = b"\x86\x84\x94\x8f\x8e\x99\x82\x81"
_LATIN1_LETTERS = b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xfc"
_DECLARED_FORMAT = re.compile(rb"^[ \t]*#FORMAT[ \t]+\"?([^\s\"]*)", re.MULTILINE | re.IGNORECASE)
ENCODING_NAMES = {"cp437": "PC8/CP437", "utf-8": "UTF-8", "cp1252": "Windows-1252/Latin-1", "latin-1": "Latin-1"}


def sniff(path: Path) -> tuple[str, bool, str | None]:
    """(encoding, has a UTF-8 byte order mark, the #FORMAT the file declares or None)."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, ascii_only, cp1252_ok = True, True, True
    latin = pc8 = 0
    declared = None
    with path.open("rb") as f:
        first = f.read(_CHUNK)
        bom = first.startswith(b"\xef\xbb\xbf")
        m = _DECLARED_FORMAT.search(first[:1 << 16])
        if m:
            declared = m.group(1).decode("ascii", "replace").upper()
        chunk = first[3:] if bom else first
        while chunk:
            if not chunk.isascii():
                ascii_only = False
                if utf8_ok:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        utf8_ok = False
                latin += sum(chunk.count(bytes([b])) for b in _LATIN1_LETTERS)
                pc8 += sum(chunk.count(bytes([b])) for b in _CP437_LETTERS)
                if cp1252_ok:
                    try:
                        chunk.decode("cp1252")
                    except UnicodeDecodeError:
                        cp1252_ok = False
            chunk = f.read(_CHUNK)
    if bom:
        return "utf-8", True, declared
    if ascii_only:
        return "cp437", False, declared
    if utf8_ok:
        try:
            utf8.decode(b"", final=True)
            return "utf-8", False, declared
        except UnicodeDecodeError:
            pass
    if latin > pc8:
        return ("cp1252" if cp1252_ok else "latin-1"), False, declared
    return "cp437", False, declared
