"""The one table of core: what the API remembers of a POST sent with an ``Idempotency-Key`` header
(``core.api.idempotency``)."""

from django.conf import settings
from django.db import models


class IdempotencyRecord(models.Model):
    """A key a user sent with a POST, the request it came with, and (once that request succeeded) the
    answer to replay to a retry. Written in the same transaction as what the request created: a create
    that committed always has its record, a rolled-back one never does.

    ``status_code`` is null while no answer is kept: the request is running (its transaction holds
    this row's lock) or its process died before committing (nothing was written; the lock is gone,
    and a retry runs the request again)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.TextField()
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request's body as parsed.")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.BinaryField(default=b"", blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_one_per_user")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
