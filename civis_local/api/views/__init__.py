"""JSON views of the local Civis API, one module per resource."""

from collections.abc import Callable

from ..wire import error_response


def methods(**handlers: Callable) -> Callable:
    """One URL, a handler per HTTP method; anything else is a JSON 405."""

    def dispatch(request, **kwargs):
        handler = handlers.get(request.method)
        if handler is None:
            return error_response(405, f"{request.method} is not allowed here.", "not_allowed")
        return handler(request, **kwargs)

    return dispatch
