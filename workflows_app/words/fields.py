"""Read a field from an API dict (camelCase) or a service dataclass (snake_case) alike."""

from typing import Any


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part.title() for part in rest)


def field(source: Any, snake: str, default: Any = None) -> Any:
    """The value of `snake` on an object, or of its camelCase (or snake_case) key in a mapping.

    The service module hands templates frozen dataclasses while raw API payloads are dicts;
    presentation helpers accept either so that neither side has to convert for them.
    """
    if source is None:
        return default
    if isinstance(source, dict):
        for key in (camel(snake), snake):
            if key in source:
                return source[key]
        return default
    return getattr(source, snake, default)
