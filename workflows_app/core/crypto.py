"""Encryption of the API keys the console keeps server-side (Fernet, from `cryptography`)."""

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def encryption_key() -> str:
    """The Fernet key in use: CONSOLE_ENCRYPTION_KEY, or in development one derived from
    SECRET_KEY (a server the tests start with DEBUG off is handed this one, to read their keys)."""
    key = settings.CONSOLE_ENCRYPTION_KEY
    if not key:
        # Development only (settings refuse an empty key when DEBUG is off).
        digest = hashlib.sha256(("console-dev:" + settings.SECRET_KEY).encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return str(key)


@cache
def _fernet() -> Fernet:
    return Fernet(encryption_key().encode())


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str | None:
    """The plain text, or None when the token was made with another key or is damaged."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None
