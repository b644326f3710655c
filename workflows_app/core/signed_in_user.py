"""Who is signed in, read with their Civis account in one query (issue 13, item 8).

Every signed-in page reads `request.user.civis` (whose key to call the API with, the viewer's
id), which Django's ModelBackend loads with a second query after the user's. This backend
loads both at once. Sessions store the path of the backend that signed them in, and Django
refuses a session whose backend is no longer listed, so settings list ModelBackend after this
one: people signed in before this backend existed stay signed in (their pages cost the second
query until they sign in again).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

PATH = "workflows_app.core.signed_in_user.AccountBackend"


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related("civis")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
