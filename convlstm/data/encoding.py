"""Bytes in: read a path, bytes or upload within the size limit and decode its text.

Refuses binary files (images, archives, PDFs, NUL bytes) and detects UTF-8, UTF-16/32
and Windows-1252 / Latin-1.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import threading
from pathlib import Path
from typing import Any

from ..errors import DataError
from .cells import quote

#: Largest file ``read_csv`` accepts, in bytes.
MAX_BYTES = 50_000_000  # 50 MB as the app's uploader counts them (10**6 bytes)

_ZIP = "a ZIP archive"
_OFFICE_FILE = (
    "an Excel .xls workbook (Excel 97-2003), a password-protected workbook or "
    "another Office file"
)
# Leading bytes of common non-CSV files people rename or upload by mistake.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    # an Excel .xlsx and an OpenDocument .ods workbook are ZIP archives too, but
    # are read before this (convlstm.data.workbook): one that gets here holds no
    # workbook (a Parquet file is read before this too: convlstm.data.structured;
    # and an OLE2 file, .xls, goes to the workbook reader, which explains one
    # that holds no workbook)
    (b"PK\x03\x04", _ZIP),
    (b"PK\x05\x06", _ZIP),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        _OFFICE_FILE,
    ),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "a program"),
)
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 with a byte-order mark"),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
#: What to do with a spreadsheet that is not read: an Excel .xlsx workbook is.
_SPREADSHEET_HINTS = {
    _ZIP: (
        " or a workbook (Excel .xlsx, OpenDocument .ods: none is in it, or it is "
        "damaged); if it is a spreadsheet of another program (Numbers), save it as "
        "an Excel .xlsx workbook or as CSV"
    ),
    _OFFICE_FILE: (
        "; save it as an Excel .xlsx workbook (Excel 2007 or later, without a "
        "password) or as CSV"
    ),
}
#: What to do with a file that is not read, at the end of its message.
EXPORT_HINT = (
    "export the data as CSV text (comma- or semicolon-separated) and try again"
)
# Control characters that never occur in text (tab, newline, CR and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")

_fallback = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: decode bytes that are not UTF-8 as Windows-1252."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    _fallback.count = getattr(_fallback, "count", 0) + len(chunk)
    out = []
    for byte in chunk:
        try:
            out.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(byte))  # the five bytes cp1252 leaves undefined
    return "".join(out), exc.end


codecs.register_error("convlstm-cp1252", _cp1252_fallback)


def _too_large(what: str) -> DataError:
    return DataError(
        f"{what}. Keep only the time column and the values you need, or aggregate to "
        "a coarser frequency, and try again"
    )


def read_bytes(source: Any) -> bytes:
    """Return the raw bytes of a path, bytes or file-like ``source``.

    A ``str`` holding a newline is CSV text, not a path.

    Raises:
        DataError: the file is missing, larger than ``MAX_BYTES``, or ``source``
            is of a type that cannot be read.
    """
    limit = f"{MAX_BYTES / 1e6:.0f} MB"
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        if isinstance(source, str) and "\n" in source:
            return source.encode("utf-8")
        if not str(source).strip():
            raise DataError("no file given: the path is empty")
        path = Path(source)
        if not path.exists():
            raise DataError(f"file {quote(path, 80)} not found")
        if path.is_dir():
            raise DataError(f"{quote(path, 80)} is a folder, not a CSV file")
        try:
            if path.is_file():
                size = path.stat().st_size
                if size > MAX_BYTES:
                    raise _too_large(
                        f"the file is {size / 1e6:.1f} MB; the limit is {limit}"
                    )
            with path.open("rb") as stream:  # also a pipe (/dev/stdin, <(...))
                data = stream.read(MAX_BYTES + 1)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise DataError(f"could not read {quote(path, 80)}: {reason}") from None
    elif hasattr(source, "read"):
        if hasattr(source, "seek"):
            # Not seekable: read from where it is.
            with contextlib.suppress(OSError, ValueError):
                source.seek(0)
        data = source.read(MAX_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, bytes | bytearray):
            raise DataError(
                f"reading the upload returned {type(data).__name__}, not bytes"
            )
        data = bytes(data)
    else:
        raise DataError(
            f"cannot read a CSV from a {type(source).__name__}; pass a file path, "
            "bytes or an open file"
        )
    if len(data) > MAX_BYTES:
        raise _too_large(f"the file is larger than {limit}")
    return data


def decode(data: bytes) -> tuple[str, list[str]]:
    """Detect the encoding of ``data`` and return the text and notes about it.

    Raises:
        DataError: the bytes are a known binary format, hold NUL bytes, or are
            mostly not text.
    """
    _refuse_binary(data[:16])
    bom = b""
    for mark, codec, label in _BOMS:
        if data.startswith(mark):
            if codec != "utf-8":
                return _decode_with_bom(data, mark, codec, label)
            bom = mark  # decoded below, with the Windows-1252 fallback
            break
    body = data[len(bom) :]
    if b"\x00" in body:
        return _decode_utf16_without_bom(body)
    text, notes = _decode_utf8(body, bool(bom))
    _refuse_markup(text)
    n_control = len(_CONTROL.findall(text, 0, 1_000_000))
    if n_control > max(2, 0.01 * min(len(text), 1_000_000)):
        raise DataError(
            f"the file does not look like text ({n_control} control characters); "
            f"{EXPORT_HINT}"
        )
    return text, notes


#: The start of a web page or of JSON, saved under a .csv name.
_MARKUP = (
    (
        re.compile(r"<(?:!doctype\s+html|html|\?xml|head|body|table)\b", re.I),
        "a web page (HTML or XML)",
    ),
)


def _refuse_markup(text: str) -> None:
    """Raise when the text is a web page (a download that saved the page
    instead of the file), not a table. (JSON is read: the reader finds its
    records.)"""
    head = text[:2000].lstrip()
    for pattern, what in _MARKUP:
        if pattern.match(head):
            raise DataError(
                f"this is {what}, not a CSV file (it starts with "
                f"{head[:40].splitlines()[0]!r}); a download may have saved the "
                f"page instead of the file: {EXPORT_HINT}"
            )


def _refuse_binary(head: bytes) -> None:
    """Raise when the leading bytes are those of a known binary format."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise DataError(
                f"this is {what}, not a CSV file{_SPREADSHEET_HINTS.get(what, '')}; "
                f"{EXPORT_HINT}"
            )


def _decode_with_bom(
    data: bytes, bom: bytes, codec: str, label: str
) -> tuple[str, list[str]]:
    try:
        text = data[len(bom) :].decode(codec)
    except UnicodeDecodeError as exc:
        raise DataError(
            f"the file starts like {label} text but byte "
            f"{exc.start + len(bom)} cannot be decoded; {EXPORT_HINT}"
        ) from None
    return text, [f"read the file as {label} text"]


def _decode_utf16_without_bom(body: bytes) -> tuple[str, list[str]]:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = body[:4096]
    half = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = None
    if odd > 0.4 * half and even == 0:
        codec = "utf-16-le"
    elif even > 0.4 * half and odd == 0:
        codec = "utf-16-be"
    if codec is not None:
        try:
            return body.decode(codec), ["read the file as UTF-16 text"]
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: report the NUL bytes
    raise DataError(
        f"the file contains NUL bytes (first at byte {body.index(0)}), so it is "
        f"binary, not CSV text; {EXPORT_HINT}"
    )


def _decode_utf8(body: bytes, bom: bool) -> tuple[str, list[str]]:
    """UTF-8, with bytes that are not UTF-8 read as Windows-1252 / Latin-1."""
    notes = []
    _fallback.count = 0
    text = body.decode("utf-8", errors="convlstm-cp1252")
    n_fallback = _fallback.count
    if bom:
        notes.append("read the file as UTF-8 text (with a byte-order mark)")
    if n_fallback:
        runs = _GB_RUN.findall(body[:1_000_000])
        korean = _decode_korean(body, runs)
        if korean is not None:
            return korean, [*notes, "read the file as Korean EUC-KR / CP949 text"]
        chinese = _decode_gb(body, runs)
        if chinese is not None:
            return chinese, [*notes, "read the file as Chinese GBK / GB18030 text"]
        japanese = _decode_japanese(body)
        if japanese is not None:
            return japanese, [*notes, "read the file as Japanese Shift-JIS text"]
        if n_fallback > 0.1 * len(body) and len(body) > 20:
            single = _decode_single_byte(body)
            if single is not None:
                return single, [
                    *notes,
                    "read the file as Windows-1252 / Latin-1 text (not UTF-8)",
                ]
            raise DataError(
                f"the file does not look like text ({n_fallback} of {len(body)} bytes "
                f"are not valid characters); {EXPORT_HINT}"
            )
        if body.decode("utf-8", errors="ignore").isascii():
            notes.append("read the file as Windows-1252 / Latin-1 text (not UTF-8)")
        else:
            notes.append(
                f"the file mixes encodings: {n_fallback} bytes were not valid UTF-8 "
                "and were read as Windows-1252 / Latin-1; check accented text"
            )
    return text, notes


# Bytes outside ASCII in pairs from the GB2312 rows (0xA1-0xFE each): how
# Excel on a Chinese Windows saves text ("日期" is C8 D5 C6 DA). A letter with an
# accent in Windows-1252 stands beside ASCII letters, so it is not such a pair.
_GB_RUN = re.compile(rb"[\x80-\xff]+")
_GB_PAIR = re.compile(rb"(?:[\xa1-\xfe][\xa1-\xfe])+")
_CJK = re.compile(r"[\u4e00-\u9fff]")


# Hangul syllables common in Korean tables (dates, sales, amounts, totals,
# names) and text; Chinese bytes read as Korean give syllables at random, few of
# them these.
_KOREAN_COMMON = frozenset(
    "년월일날짜자매출금액수량가격합계총평균이다의는에하고을를지기로사서도한대정시"
    "인구전보주부상명번호품목객역판거래처입재점비용원개건회신규고객지점"
)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _decode_korean(body: bytes, runs: list[bytes]) -> str | None:
    """The text of ``body`` as CP949 (EUC-KR and its extension) when every run of
    bytes outside ASCII is pairs (as for GBK), and most of what they read as are
    Hangul syllables common in Korean text; None otherwise. ``runs``: the runs
    of bytes outside ASCII in the first megabyte."""
    if not runs or not all(len(run) % 2 == 0 for run in runs):
        return None
    try:
        text = body.decode("cp949")
    except UnicodeDecodeError:
        return None
    syllables = _HANGUL.findall(text[:1_000_000])
    wide = sum(len(run) // 2 for run in runs)
    if len(syllables) < 0.8 * wide:
        return None
    common = sum(ch in _KOREAN_COMMON for ch in syllables)
    return text if common >= 0.3 * len(syllables) else None


def _decode_gb(body: bytes, runs: list[bytes]) -> str | None:
    """The text of ``body`` as GB18030 (a superset of GBK and GB2312) when every
    run of bytes outside ASCII is GB2312 pairs, some run is two characters or
    more, and most of what they read as are Chinese characters; None otherwise
    (``runs`` as for :func:`_decode_korean`)."""
    if not runs or not all(_GB_PAIR.fullmatch(run) for run in runs):
        return None
    if max(len(run) for run in runs) < 4:
        return None  # no two characters together ("öß" in "Größe" is one pair)
    try:
        text = body.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = sum(len(run) // 2 for run in runs)
    if len(_CJK.findall(text[:1_000_000])) < 0.5 * wide:
        return None
    return text


# What Japanese text is written in: kanji, hiragana and katakana (full and half
# width), Japanese punctuation and full-width forms ("（円）").
_JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
_KANA = re.compile(r"[\u3040-\u30ff]")  # full width: "Ä" is a half-width one
# Kanji common in Japanese tables (dates, sales, amounts, totals, shops, items).
_JAPANESE_COMMON = frozenset("年月日付時間売上高金額数量価格合計平均店舗商品名番号円")


def _decode_japanese(body: bytes) -> str | None:
    """The text of ``body`` as Shift-JIS (Microsoft's CP932, how Excel on a
    Japanese Windows saves CSV) when it decodes without error, nearly every
    character outside ASCII is Japanese script, and some of them are kana or
    kanji common in tables; None otherwise. Its second bytes may be ASCII
    ("日" is 93 FA, "付" 95 74), so the runs test of GBK cannot apply."""
    try:
        text = body.decode("cp932")
    except UnicodeDecodeError:
        return None
    sample = text[:1_000_000]
    wide = [ch for ch in sample if not ch.isascii()]
    if len(wide) < 2:
        return None
    japanese = _JAPANESE.findall(sample)
    if len(japanese) < 0.95 * len(wide):
        return None
    common = sum(ch in _JAPANESE_COMMON for ch in japanese)
    return text if _KANA.search(sample) or common >= 0.3 * len(japanese) else None


def _decode_single_byte(body: bytes) -> str | None:
    """The text of ``body`` as Windows-1252 (or Latin-1) when it reads as printable
    text: no control characters and mostly ASCII (letters with accents are a
    minority even in dense German or French text); None otherwise (binary)."""
    for codec in ("cp1252", "latin-1"):
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if _CONTROL.search(text):
            continue
        if sum(not ch.isascii() for ch in text) <= 0.3 * len(text):
            return text
    return None
