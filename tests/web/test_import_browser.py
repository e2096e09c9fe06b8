"""An editor uploads a dataset at /admin/import/ in real Chromium: the upload returns at once to the
job's page, whose progress bar and counts follow the import without a reload (the page polls the
job's status; no inline script, under the site's CSP), then links to the imported claims and to the
faulty rows as CSV. Without Redis the job runs in a thread of the serving process."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from claims.models import Claim
from interchange.models import ImportJob
from tests.support.browser import new_page
from tests.support.interchange import UCDP_SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]


def test_an_upload_shows_its_progress_without_reload_then_its_claims_and_faulty_rows(
    browser, live_server, editor, settings
):
    settings.FOGWATCH_IMPORT_BATCH = 50  # fourteen batches: the bar moves several times
    page = new_page(browser, live_server)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto("/admin/login/?next=/admin/import/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("editor-pass-123")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/import/$"))

    page.get_by_label("Dataset").select_option("ucdp")
    page.get_by_label("File").set_input_files(str(UCDP_SAMPLE))
    page.get_by_role("button", name="Import").click()
    expect(page).to_have_url(re.compile(r"/admin/import/\d+/$"))
    page.evaluate("window.fogwatchSamePage = true")  # gone if the page reloaded

    seen = set()
    bar = page.locator("#import-progress")
    for _ in range(600):
        seen.add(bar.evaluate("bar => bar.value"))
        if page.locator("#import-done").is_visible():
            break
        page.wait_for_timeout(100)
    expect(page.locator("#import-done")).to_be_visible(timeout=120_000)
    assert page.evaluate("window.fogwatchSamePage") is True
    job = ImportJob.objects.get()
    assert (job.state, job.rows_done, job.faulty) == ("done", 700, 5)
    assert bar.evaluate("bar => [bar.value, bar.max]") == [700, 700]
    assert len(seen) >= 2, seen  # the bar moved while the page stayed
    expect(page.locator('[data-field="state"]')).to_have_text("Done")
    expect(page.locator('[data-field="made"]')).to_have_text(str(Claim.objects.count()))
    expect(page.locator('[data-field="faulty"]')).to_have_text("5")

    with page.expect_download() as download:
        page.locator("#import-faulty").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert [(r["line"], r["id"]) for r in rows][:2] == [("201", "381442"), ("205", "192827")]
    assert all(r["problem"] for r in rows)

    page.locator("#import-claims").click()
    expect(page).to_have_url(re.compile(r"/claims/\?updated_since="))
    expect(page.locator("a[href^='/claims/']").first).to_be_visible()
    assert not [p for p in problems if "Content Security Policy" in p], problems
    page.context.close()
