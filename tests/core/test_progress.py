"""The progress helper of the long commands: a bar on a terminal, count lines in a log, a summary either way."""

from io import StringIO

from django.core.management.base import OutputWrapper

from core.progress import ProgressBar, StagedProgress


def test_a_log_gets_a_line_per_tenth_and_a_summary_however_many_counts():
    out = StringIO()
    with ProgressBar(out, desc="rows") as progress:
        for done in range(0, 10_001, 7):
            progress(done, 10_000)
        progress(10_000, 10_000)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0] == "rows [###...........................] 1001/10000"
    assert lines[9] == "rows [##############################] 10000/10000"
    assert lines[10].startswith("rows: 10000/10000 in ") and lines[10].endswith("/s)")


def test_the_unit_follows_the_counts_and_heads_the_summary_without_a_desc():
    out = StringIO()
    with ProgressBar(out, unit="claims") as progress:
        progress(3, 3)
    line, summary = out.getvalue().splitlines()
    assert line == "[##############################] 3/3 claims"
    assert summary.startswith("claims: 3/3 in ")


def test_nothing_to_do_is_a_full_bar():
    out = StringIO()
    with ProgressBar(out, unit="claims") as progress:
        progress(0, 0)
    assert out.getvalue().splitlines()[0] == "[##############################] 0/0 claims"


def test_a_terminal_gets_a_bar_redrawn_in_place_then_only_the_summary_line():
    raw = StringIO()
    with ProgressBar(OutputWrapper(raw), desc="rows", tty=True) as progress:
        for done in range(0, 201, 50):
            progress(done, 200)
    text = raw.getvalue()
    drawn, _, summary = text.rpartition("\r")
    assert "\n" not in drawn, "the bar stays on one line"
    assert "rows:   0%" in drawn and "0/200" in drawn and "rows/s" in drawn
    assert "[###" not in text, "no count lines on a terminal"
    assert summary.strip().startswith("rows: 200/200 in ")
    assert text.endswith("\n") and text.count("\n") == 1


def test_work_that_ends_early_says_where_it_stopped():
    out = StringIO()
    try:
        with ProgressBar(out, desc="rows") as progress:
            progress(40, 100)
            raise RuntimeError("the database went away")
    except RuntimeError:
        pass
    assert out.getvalue().splitlines()[-1].startswith("rows: stopped at 40/100 after ")


def test_a_bar_never_called_writes_nothing():
    out = StringIO()
    with ProgressBar(out, desc="rows", tty=False):
        pass
    with ProgressBar(out, desc="rows", tty=True):
        pass
    assert out.getvalue() == ""


def test_stages_get_a_bar_and_a_summary_each_in_order():
    out = StringIO()
    with StagedProgress(out) as progress:
        progress("reports", 5, 10)
        progress("reports", 10, 10)
        progress("claims", 30, 30)
    assert [line.split(" ")[0] for line in out.getvalue().splitlines()] == [
        "reports",
        "reports",
        "reports:",
        "claims",
        "claims:",
    ]
