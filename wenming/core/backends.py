"""Authentication backend: Django's model backend, minus demo accounts in production."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class WenmingModelBackend(ModelBackend):
    """Demo logins share a published password, so production never lets them in."""

    def user_can_authenticate(self, user) -> bool:
        if settings.PRODUCTION and getattr(user, "is_demo", False):
            return False
        return super().user_can_authenticate(user)
