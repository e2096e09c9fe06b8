"""The editors' upload page at /admin/import/."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Claim
from interchange.models import ImportJob
from interchange.services import import_job_run
from tests.support.interchange import FIXTURES, rows_to_csv, sample_rows

pytestmark = pytest.mark.django_db
URL = "/admin/import/"


@pytest.fixture
def staff_editor(django_user_model):
    user = django_user_model.objects.create_user(username="staff-editor", password="pw-123456789", is_staff=True)
    user.groups.add(Group.objects.get(name="editors"))
    return user


def ucdp_file(*ids: str) -> SimpleUploadedFile:
    header, rows = sample_rows()
    data = rows_to_csv(header, [r for r in rows if r["id"] in ids])
    return SimpleUploadedFile("ucdp.csv", data, content_type="text/csv")


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_the_claim_permissions_are_refused(client, django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="pw-123456789", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_an_editor_uploads_ucdp_rows_and_sees_the_summary_with_the_faulty_row(client, staff_editor):
    client.force_login(staff_editor)
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Import a dataset" in page.content
    response = client.post(URL, {"dataset": "ucdp", "file": ucdp_file("300192", "381442")})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{job.pk}/"
    assert (job.state, Claim.objects.count()) == ("queued", 0)  # the request only recorded the job
    import_job_run(job_id=job.pk)  # what the worker (or the server's thread) does
    page = client.get(response["Location"])
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.made, job.faulty) == ("done", 2, 4, 1)
    assert b"Claims made" in page.content and b'data-field="made">4<' in page.content
    faulty = b"".join(client.get(f"{URL}{job.pk}/faulty.csv").streaming_content).decode()
    assert "low 12, best 12, high 11" in faulty
    assert Claim.objects.count() == 4


def test_strict_and_dry_run_are_honoured(client, staff_editor):
    client.force_login(staff_editor)
    response = client.post(URL, {"dataset": "ucdp", "file": ucdp_file("300192", "381442"), "dry_run": "on"})
    assert b"Dry run" in response.content
    assert Claim.objects.count() == 0
    client.post(URL, {"dataset": "ucdp", "file": ucdp_file("300192", "381442"), "strict": "on"})
    job = import_job_run(job_id=ImportJob.objects.get().pk)
    assert (job.skipped, job.kept) == (1, 0)
    assert Claim.objects.count() == 2


def test_a_wrong_file_is_refused_with_a_clear_message_and_nothing_written(client, staff_editor):
    client.force_login(staff_editor)
    acled = SimpleUploadedFile("acled.csv", (FIXTURES / "acled_sample.csv").read_bytes(), content_type="text/csv")
    response = client.post(URL, {"dataset": "ucdp", "file": acled})
    assert response.status_code == 400
    assert "Wrong header for a UCDP GED file" in response.content.decode()
    assert Claim.objects.count() == 0
    assert not ImportJob.objects.exists()


def test_an_editor_uploads_acled(client, staff_editor):
    client.force_login(staff_editor)
    acled = SimpleUploadedFile("acled.csv", (FIXTURES / "acled_sample.csv").read_bytes(), content_type="text/csv")
    client.post(URL, {"dataset": "acled", "file": acled})
    job = import_job_run(job_id=ImportJob.objects.get().pk)
    assert (job.state, job.made) == ("done", 8)
