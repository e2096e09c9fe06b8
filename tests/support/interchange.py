"""Shared paths and helpers for the import and export tests."""

import csv
import io
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1] / "interchange"
# The UCDP GED sample (CC BY 4.0; attribution in tests/interchange/data/README.md).
UCDP_SAMPLE = TESTS / "data" / "ucdp_ged_sample.csv"
FIXTURES = TESTS / "fixtures"


def sample_text() -> str:
    return UCDP_SAMPLE.read_text(encoding="utf-8")


def sample_rows() -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(sample_text(), newline=""))
    return list(reader.fieldnames or []), list(reader)


def rows_to_csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def sample_path() -> Path:
    if not UCDP_SAMPLE.exists():
        pytest.fail(f"The UCDP sample is missing at {UCDP_SAMPLE}")
    return UCDP_SAMPLE
