"""Actors: who makes claims and who claims are about."""

from django.db import models
from simple_history.models import HistoricalRecords

from core.tree import TreeNode


class Actor(TreeNode):
    """A party, group, person or outlet that makes claims or is the subject of them.

    ``parent`` is the group a person speaks for or the coalition a group belongs to. The
    root of the parent chain is the actor's *bloc*, stored in ``bloc`` and kept by the
    services: actors of one bloc are affiliated, actors of different blocs independent.
    """

    class Kind(models.TextChoices):
        ARMED_GROUP = "armed_group", "Armed group"
        GOVERNMENT = "government", "Government"
        MILITIA = "militia", "Militia"
        COALITION = "coalition", "Coalition"
        POLITICAL = "political", "Political"
        MEDIA = "media", "Media"
        ORGANIZATION = "organization", "Organization"
        PERSON = "person", "Person"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, allow_unicode=False)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names and spellings.")
    description = models.TextField(blank=True)
    is_party = models.BooleanField(default=False, help_text="A party to the conflict.", db_index=True)
    bloc = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="bloc_members",
        help_text="The root of the parent chain (derived).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["path", "bloc", "updated_at"])

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name"], name="actor_name_idx")]

    def __str__(self) -> str:
        return self.name
