"""The one error the engine raises for a request it refuses."""


class EngineError(Exception):
    """A refused request (bad definition, retry of a running execution...).

    ``status`` is the HTTP status the API should answer with (4xx).
    """

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
