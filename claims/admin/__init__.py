"""The editors' admin for claims, citations, relations, conflicts and background jobs.

One module per model family (STYLE.md, "The house"); importing the package registers them all.
"""

from claims.admin import claims, conflicts, history, jobs, relations

__all__ = ["claims", "conflicts", "history", "jobs", "relations"]
