"""Reading a dataset file: text from a path, bytes or an upload, and a CSV checked whole (header,
field counts, a truncated end) before any row is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from interchange.importers.base.summary import ImportFileError


def open_text(source: str | bytes | IO[Any]) -> IO[str]:
    """A text stream (UTF-8, BOM tolerated) from a path, bytes or an open (binary or text) file."""
    if isinstance(source, bytes):
        return io.StringIO(_decode(source))
    if isinstance(source, str):
        try:
            with open(source, "rb") as handle:
                return io.StringIO(_decode(handle.read()))
        except OSError as exc:
            raise ImportFileError(f"Cannot read {source}: {exc.strerror or exc}.") from exc
    data = source.read()
    if isinstance(data, bytes):
        data = _decode(data)
    return io.StringIO(data.lstrip("\ufeff"))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start} cannot be read).") from exc


@dataclass
class CsvRow:
    line: int  # the line the row starts on (the header is line 1)
    values: dict[str, str]


def read_csv(stream: IO[str], *, required: Iterable[str], dataset: str) -> tuple[list[str], int, Iterator[CsvRow]]:
    """Check the whole file's shape first (header, every row's field count, a truncated end), then
    return the header, the number of data rows and an iterator over them.

    The check is a streaming pass; the rows are read again by the iterator, so memory does not
    grow with the file.
    """
    text = stream.read()
    if not text.strip():
        raise ImportFileError(f"The file is empty: expected a {dataset} CSV with a header row.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except csv.Error as exc:
        raise ImportFileError(f"The header cannot be read: {exc}.") from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFileError(
            f"Wrong header for a {dataset} file: it lacks {', '.join(missing)} "
            f"(found: {', '.join(header[:8])}{', …' if len(header) > 8 else ''})."
        )
    count = 0
    start = reader.line_num + 1
    try:
        for values in reader:
            if not values or values == [""]:
                start = reader.line_num + 1
                continue
            if len(values) != len(header):
                where = "the last row" if _at_end(reader) else f"line {start}"
                raise ImportFileError(
                    f"The file looks truncated or damaged: {where} (line {start}) has {len(values)} fields, "
                    f"the header has {len(header)}. Nothing was imported."
                )
            count += 1
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            f"The file looks truncated or damaged near line {start}: {exc}. Nothing was imported."
        ) from exc
    if not text.endswith(("\n", "\r")):
        raise ImportFileError(
            f"The file looks truncated: its last row (line {start - 1}) does not end with a line break. "
            "Nothing was imported."
        )

    def rows() -> Iterator[CsvRow]:
        again = csv.reader(io.StringIO(text, newline=""), strict=True)
        next(again)
        first = again.line_num + 1
        for values in again:
            if values and values != [""]:
                yield CsvRow(first, {name: value.strip() for name, value in zip(header, values, strict=True)})
            first = again.line_num + 1

    return header, count, rows()


def _at_end(reader: Any) -> bool:
    try:
        next(reader)
    except StopIteration:
        return True
    except csv.Error:
        return True
    return False
