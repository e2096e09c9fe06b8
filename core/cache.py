"""The cache degrades instead of failing: with Redis down (or unreachable within its timeouts),
every read is a miss and every write is dropped, so a page is computed fresh rather than answered
with a 500. The outage is logged once, when it starts, and once more when Redis answers again.

Only Redis's connection and timeout errors are absorbed; anything else (a bug, a wrong value)
still raises. The data version's counts (core/versions.py), DRF's throttles and anything else that
goes through ``django.core.cache`` get this for free.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("fogwatch.cache")

T = TypeVar("T")
OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


class _Outage:
    """Whether the cache is known to be down, so the log says so once per outage."""

    def __init__(self) -> None:
        self.down = False
        self.lock = threading.Lock()

    def failed(self, location: str, error: Exception) -> None:
        with self.lock:
            if self.down:
                return
            self.down = True
        logger.error("Cache unreachable (%s): %s; computing without it until it answers again.", location, error)

    def answered(self, location: str) -> None:
        if not self.down:
            return
        with self.lock:
            if not self.down:
                return
            self.down = False
        logger.warning("Cache reachable again (%s).", location)


outage = _Outage()


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, where an unreachable Redis is a miss (reads) or a no-op (writes)."""

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        try:
            value = call()
        except OUTAGE as error:
            outage.failed(self._where(), error)
            return fallback
        outage.answered(self._where())
        return value

    def _where(self) -> str:
        servers = getattr(self, "_servers", None)
        return str(servers[0]) if servers else "redis"

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict:
        return self._guard(lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        return self._guard(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data))

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> None:
        self._guard(lambda: super(ResilientRedisCache, self).clear(), None)
