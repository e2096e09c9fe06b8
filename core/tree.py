"""A materialised-path tree shared by actors and locations.

Each node stores ``path``, the ids from its root down to itself (``/1/5/9/``), so a
subtree is one indexed prefix match and a root (an actor's bloc) is the path's first id.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Length, Substr


class TreeNode(models.Model):
    """Abstract base: a nullable ``parent`` and the materialised ``path`` kept by services."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Ids from the root down (``/1/5/9/``): text, so a tree is as deep as its users make it.
    path = models.TextField(editable=False, db_index=True, default="")

    class Meta:
        abstract = True

    @property
    def path_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    @property
    def root_id(self) -> int | None:
        ids = self.path_ids
        return ids[0] if ids else self.pk


def refresh_parent(node: TreeNode) -> None:
    """Put the parent as stored on ``node``: the caller's object may predate a move, and its
    ``path`` (and an actor's ``bloc``) would then be stale."""
    if node.parent_id is None:  # type: ignore[attr-defined]
        return
    parent = type(node)._default_manager.filter(pk=node.parent_id).first()  # type: ignore[attr-defined]
    if parent is None:
        raise ValidationError({"parent": "The chosen parent does not exist."})
    node.parent = parent


def subtree_q(nodes: Iterable["TreeNode"], prefix: str = "") -> Q:
    """A filter for the given nodes and everything below them (``prefix`` reaches through a relation)."""
    q = Q(pk__in=[])
    for node in nodes:
        q |= Q(**{f"{prefix}path__startswith": node.path})
    return q


def check_parent(node: TreeNode, parent: TreeNode | None) -> None:
    """Refuse a parent that would make the chain loop (the path is text: there is no depth limit)."""
    if parent is None:
        return
    if node.pk is not None and (parent.pk == node.pk or f"/{node.pk}/" in parent.path):
        raise ValidationError({"parent": f"{parent} is {node} itself or below it; a parent chain may not loop."})


def node_path(node: TreeNode, parent: TreeNode | None) -> str:
    return f"{parent.path if parent else '/'}{node.pk}/"


def move_subtree(model: type[TreeNode], old_path: str, new_path: str, **extra_updates: object) -> int:
    """Rewrite the paths of a node and everything below it in one UPDATE; returns rows changed."""
    if old_path == new_path:
        return 0
    return model._default_manager.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1, Length("path"))),
        **extra_updates,
    )
