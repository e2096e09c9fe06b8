"""make bench writes docs/benchmarks.md anew, keeping the hand-written "Where the time goes" at its end."""

from bench.report import kept_sections

REPORT = (
    "# Benchmarks\n\n## Endpoints\n\n| a | b |\n\n"
    "## Where the time goes\n\nThe templates.\n\n### Before and after\n\n42 ms\n"
)


def test_the_hand_written_end_of_the_report_is_kept():
    assert kept_sections(REPORT) == "\n## Where the time goes\n\nThe templates.\n\n### Before and after\n\n42 ms\n"


def test_a_report_without_it_keeps_nothing():
    assert kept_sections("# Benchmarks\n\n## Endpoints\n") == ""
    assert kept_sections("") == ""
