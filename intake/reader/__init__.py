"""The intake's reader: draft claims from an article's text, by rules over the database's own names.

Pure Python (spaCy's blank pipelines, dateparser, text2num, lingua): no Django, no ORM, no settings, no
network. The Django side builds a :class:`Gazetteer` from every actor and place, keeps it, and calls
:func:`read` for each article.
"""

from .gazetteer import Gazetteer
from .model import Draft, Entity, Reading, Unknown
from .reader import find_names, read, warm

__all__ = ["Draft", "Entity", "Gazetteer", "Reading", "Unknown", "find_names", "read", "warm"]
