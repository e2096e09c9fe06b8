"""Sessions in the database (Django's backend), reading only keys Django could have made.

A session cookie is whatever a client sends. Django's own check is only "at least 8 characters", so a
cookie holding a NUL reached the session lookup, and PostgreSQL refuses a NUL in a string: every
request with such a cookie answered 500 (found by the API fuzz, tests/core/api/test_schema.py). A key
here must also be of the characters Django makes keys of (``VALID_KEY_CHARS``) and no longer than
the column; any other cookie is no session, as an unknown key is.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

KEY_CHARS = frozenset(VALID_KEY_CHARS)
KEY_MAX_LENGTH = 40  # django_session.session_key


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return bool(super()._validate_session_key(key)) and len(key) <= KEY_MAX_LENGTH and set(key) <= KEY_CHARS
