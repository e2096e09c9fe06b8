"""Import jobs through the API: a file posted is a job answered with 202 at once; its state and counts
at /api/v1/imports/{id}/; its faulty rows as CSV; bad files refused with a message naming ``file``;
and a job run twice (a redelivered message) imports nothing twice."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Claim
from devdata.ucdp import csv_bytes
from interchange.models import ImportJob, ImportProblem
from interchange.services import import_job_run, import_jobs_sweep
from tests.support.interchange import FIXTURES, UCDP_SAMPLE

pytestmark = pytest.mark.django_db
URL = "/api/v1/imports/"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_a_file_posted_is_a_job_answered_at_once_then_followed_to_the_end(editor_api):
    response = editor_api.post(
        URL, format="multipart", data={"dataset": "ucdp", "file": upload("ged.csv", UCDP_SAMPLE.read_bytes())}
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["url"] and body["url"].endswith(f"{URL}{body['id']}/")
    assert (body["state"], body["rows_read"], body["made"]) == ("queued", 0, 0)
    assert Claim.objects.count() == 0  # nothing imported in the request

    import_job_run(job_id=body["id"])  # what the worker does

    status = editor_api.get(body["url"]).json()
    assert status["state"] == "done"
    assert status["rows_total"] == status["rows_read"] == 700
    assert status["made"] == Claim.objects.count() > 700
    assert (status["faulty"], status["kept"], status["skipped"]) == (5, 5, 0)  # the sample's five inconsistent rows
    assert "updated_since=" in status["claims_url"]

    faulty = editor_api.get(status["faulty_rows_url"])
    assert faulty.status_code == 200 and faulty["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(faulty.streaming_content).decode())))
    assert [r["id"] for r in rows] == ["381442", "192827", "162326", "299515", "193150"]
    assert rows[0]["line"] == "201" and "low ≤ best ≤ high does not hold" in rows[0]["problem"]
    assert rows[0]["action"].startswith("kept")


def test_a_job_run_again_imports_nothing_twice(editor_api):
    job_id = editor_api.post(
        URL, format="multipart", data={"dataset": "ucdp", "file": upload("g.csv", csv_bytes(300, seed=8))}
    ).json()["id"]
    first = import_job_run(job_id=job_id)
    claims = Claim.objects.count()
    again = import_job_run(job_id=job_id)  # a redelivered message
    assert (again.state, again.runs, again.made) == ("done", 1, first.made)
    assert Claim.objects.count() == claims
    assert ImportProblem.objects.filter(job_id=job_id).count() == first.faulty
    assert import_jobs_sweep()["stuck"] == []


def test_a_re_import_job_counts_everything_unchanged(editor_api):
    data = csv_bytes(200, seed=9)
    first = import_job_run(
        job_id=editor_api.post(URL, format="multipart", data={"dataset": "ucdp", "file": upload("a.csv", data)}).json()[
            "id"
        ]
    )
    second = import_job_run(
        job_id=editor_api.post(URL, format="multipart", data={"dataset": "ucdp", "file": upload("a.csv", data)}).json()[
            "id"
        ]
    )
    assert (second.made, second.updated, second.unchanged) == (0, 0, first.made)


@pytest.mark.parametrize(
    ("dataset", "name", "data", "message"),
    [
        ("ucdp", "acled.csv", (FIXTURES / "acled_sample.csv").read_bytes(), "Wrong header for a UCDP GED file"),
        ("ucdp", "latin1.csv", "id,name\n1,Fa\xe7ade\n".encode("latin-1"), "not UTF-8"),
        ("acled", "empty.csv", b"", "empty"),
        ("claimreview", "x.json", b"\xff\xfe", "not UTF-8"),
    ],
    ids=["wrong-header", "not-utf8", "empty", "claimreview-not-utf8"],
)
def test_a_bad_file_is_a_400_naming_the_file_and_no_job(editor_api, dataset, name, data, message):
    response = editor_api.post(URL, format="multipart", data={"dataset": dataset, "file": upload(name, data)})
    assert response.status_code == 400
    assert message in " ".join(response.json()["file"])
    assert not ImportJob.objects.exists()


def test_a_file_damaged_further_in_fails_the_job_with_the_reason_and_writes_nothing(editor_api):
    text = UCDP_SAMPLE.read_text(encoding="utf-8")
    cut = text[: len(text) // 2]  # the last row cut off mid-way
    job_id = editor_api.post(
        URL, format="multipart", data={"dataset": "ucdp", "file": upload("cut.csv", cut.encode())}
    ).json()["id"]
    job = import_job_run(job_id=job_id)
    assert job.state == "failed" and "truncated" in job.error
    assert Claim.objects.count() == 0
    assert editor_api.get(f"{URL}{job_id}/").json()["error"] == job.error


def test_an_unknown_dataset_is_a_400_naming_it(editor_api):
    response = editor_api.post(URL, format="multipart", data={"dataset": "gdelt", "file": upload("a.csv", b"a\n")})
    assert response.status_code == 400 and "dataset" in response.json()


def test_only_editors_import(analyst_api, api):
    data = {"dataset": "ucdp", "file": upload("a.csv", UCDP_SAMPLE.read_bytes())}
    assert analyst_api.post(URL, data, format="multipart").status_code == 403
    assert api.post(URL, data, format="multipart").status_code in (401, 403)
    assert not ImportJob.objects.exists()


def test_an_unknown_job_is_a_404(editor_api):
    assert editor_api.get(f"{URL}999999/").status_code == 404


def test_a_job_s_status_and_the_upload_page_take_a_fixed_number_of_queries(
    editor_api, client, editor, django_assert_max_num_queries
):
    jobs = [ImportJob.objects.create(kind="ucdp", data=b"id\n", file_name=f"f{n}.csv") for n in range(12)]
    with django_assert_max_num_queries(4):
        assert editor_api.get(f"{URL}{jobs[0].pk}/").status_code == 200
    client.force_login(editor)
    with django_assert_max_num_queries(10):  # session, user, permissions, the last ten jobs in one query
        page = client.get("/admin/import/")
    assert page.status_code == 200 and page.content.count(b'href="/admin/import/') >= 10
    with django_assert_max_num_queries(8):
        assert client.get(f"/admin/import/{jobs[0].pk}/status.json").json()["state"] == "queued"


def test_a_retried_upload_with_its_idempotency_key_makes_one_job(editor_api):
    """A client whose connection dropped sends the same upload again with its key: the first answer
    comes back and no second job is made; another file under the same key is refused (422)."""
    data = UCDP_SAMPLE.read_bytes()

    def send(payload: bytes):
        return editor_api.post(
            URL,
            format="multipart",
            data={"dataset": "ucdp", "file": upload("ged.csv", payload)},
            HTTP_IDEMPOTENCY_KEY="upload-ged-1",
        )

    first = send(data)
    assert first.status_code == 202, first.content
    again = send(data)
    assert again.status_code == 202 and again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert ImportJob.objects.count() == 1

    other = send(data.replace(b"\n", b"\r\n", 1))  # the same name, other bytes: another body
    assert other.status_code == 422 and "Idempotency-Key" in other.content.decode()
    assert ImportJob.objects.count() == 1
