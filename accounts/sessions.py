"""Sessions in the cache and the database (Django's cached_db), read in the same round trip
as their user's cached copy (accounts.backends).

A signed-in request reads its session, then, with the user id found in it, that user's copy
and generation: two round trips to the cache, where a download has one query to make. This
process remembers which user each session it has read belonged to, and reads that user's
keys together with the session the next time. The memory only chooses which keys are
fetched: the fetched copy is used only for the user the session itself names, and is checked
against the generation read in the same MGET, exactly as when the backend reads them itself.
A session this process has not seen yet, or whose user has changed, is read as Django reads
it.
"""

import threading

import cachetools
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS

from accounts.backends import user_cache_keys
from ops.cache import cache_get_many

# A session key's hash (the keys themselves are not kept) -> the id of the user it named.
_users_of_sessions = cachetools.LRUCache(maxsize=10_000)
_lock = threading.Lock()


class SessionStore(cached_db.SessionStore):
    def load(self):
        with _lock:
            user_id = _users_of_sessions.get(hash(self.session_key))
        data = None
        # The user's keys live in the default cache (ops.cache); sessions kept elsewhere are
        # read alone.
        if user_id is not None and settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS:
            data = self._load_with_user(user_id)
        if data is None:
            data = super().load()
        with _lock:
            if SESSION_KEY in data:
                _users_of_sessions[hash(self.session_key)] = data[SESSION_KEY]
            else:
                _users_of_sessions.pop(hash(self.session_key), None)
        return data

    def _load_with_user(self, user_id: str) -> dict | None:
        """The session from the cache with `user_id`'s keys, None on a miss or an error
        (Django's load then reads the database)."""
        keys = user_cache_keys(user_id)
        found = cache_get_many([self.cache_key, *keys])  # empty, logged, when the cache fails
        data = found.get(self.cache_key)
        if data is not None and data.get(SESSION_KEY) == user_id:
            self.fetched_user_keys = (user_id, {key: found[key] for key in keys if key in found})
        return data
