"""Counting attempts in fixed windows in the shared cache (Redis), so every web process agrees."""

from django.core.cache import cache


class Limiter:
    def __init__(self, name: str, limit: int, window_seconds: int):
        self.name, self.limit, self.window = name, limit, window_seconds

    def _key(self, subject: str) -> str:
        return f"ratelimit:{self.name}:{subject}"

    def is_blocked(self, subject: str) -> bool:
        return (cache.get(self._key(subject)) or 0) >= self.limit

    def hit(self, subject: str) -> int:
        key = self._key(subject)
        cache.add(key, 0, timeout=self.window)  # starts the window; no-op when it exists
        try:
            return cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window)
            return 1

    def take(self, subject: str) -> bool:
        """Count an attempt first, then say whether it is within the limit: atomic (Redis
        INCR), so forty attempts at once let at most `limit` through, where checking before
        counting let every one of them through."""
        return self.hit(subject) <= self.limit

    def give_back(self, subject: str) -> None:
        """Undo one `take` (an attempt that turned out not to count, like a right key)."""
        try:
            if cache.decr(self._key(subject)) < 0:
                cache.delete(self._key(subject))
        except ValueError:  # the window ended meanwhile
            pass

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))
