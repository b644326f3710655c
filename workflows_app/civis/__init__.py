"""The console's one way to the Civis API: a typed client per person, its errors and helpers.

from workflows_app.civis import CivisClient, NotFound, gather
"""

from .client import REFERENCE_METHODS, CivisClient
from .concurrency import gather
from .errors import (
    TRANSIENT_ERRORS,
    CivisError,
    Forbidden,
    Invalid,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    Unauthorized,
    Unavailable,
)
from .pagination import Page
from .session import WEB, WORKER, RateLimit, RetryPolicy

__all__ = [
    "REFERENCE_METHODS",
    "TRANSIENT_ERRORS",
    "WEB",
    "WORKER",
    "CivisClient",
    "CivisError",
    "Forbidden",
    "Invalid",
    "NotFound",
    "Page",
    "RateLimit",
    "RateLimited",
    "RetryPolicy",
    "Unauthorized",
    "OutcomeUnknown",
    "Unavailable",
    "gather",
]
