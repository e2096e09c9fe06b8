"""make bench writes docs/benchmarks.md in two steps: bench/run.py writes the report anew (keeping the
hand-written end), then bench/ucdp_import.py writes its "Imports at dataset scale" section into it. Each
keeps what the other wrote."""

from bench.report import import_section, kept_sections, with_import_section

REPORT = (
    "# Benchmarks\n\n## Endpoints\n\n| a | b |\n\n## Where the time goes\n\nThe templates.\n\n### Before\n\n42 ms\n"
)
SECTION = "## Imports at dataset scale\n\n| events | seconds |\n| --- | --- |\n| 300,000 | 512.0 |\n"
NEWER = "## Imports at dataset scale\n\n| events | seconds |\n| --- | --- |\n| 300,000 | 498.5 |\n"


def test_the_import_section_goes_just_before_the_hand_written_end():
    document = with_import_section(REPORT, SECTION)
    assert document == (
        "# Benchmarks\n\n## Endpoints\n\n| a | b |\n\n"
        "## Imports at dataset scale\n\n| events | seconds |\n| --- | --- |\n| 300,000 | 512.0 |\n\n"
        "## Where the time goes\n\nThe templates.\n\n### Before\n\n42 ms\n"
    )
    assert import_section(document) == SECTION
    assert kept_sections(document) == kept_sections(REPORT)  # the hand-written end is untouched


def test_a_new_import_run_replaces_its_section_and_nothing_else():
    document = with_import_section(with_import_section(REPORT, SECTION), NEWER)
    assert document.count("## Imports at dataset scale") == 1
    assert "498.5" in document and "512.0" not in document
    assert document == with_import_section(REPORT, NEWER)


def test_without_a_hand_written_end_the_section_is_appended():
    document = with_import_section("# Benchmarks\n\n## Endpoints\n\n| a | b |\n", SECTION)
    assert document == "# Benchmarks\n\n## Endpoints\n\n| a | b |\n\n" + SECTION
    assert with_import_section("", SECTION) == SECTION


def test_the_main_report_written_anew_keeps_the_earlier_import_section():
    previous = with_import_section(REPORT, SECTION)
    fresh = "# Benchmarks\n\n## Endpoints\n\n| a | c |\n"
    # What bench/run.py writes: its new report, the hand-written end, and the import section kept.
    document = with_import_section(fresh + "\n" + kept_sections(previous), import_section(previous))
    assert document == (
        "# Benchmarks\n\n## Endpoints\n\n| a | c |\n\n" + SECTION + "\n"
        "## Where the time goes\n\nThe templates.\n\n### Before\n\n42 ms\n"
    )


def test_a_report_without_an_import_section_keeps_none():
    assert import_section(REPORT) == ""
    assert with_import_section(REPORT, import_section(REPORT)) == REPORT
