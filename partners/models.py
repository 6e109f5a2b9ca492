"""Partner logins: people who sign in to see their partner's usage and keys.

The partner records themselves (``api.models.Partner``, its keys and usage)
stay in ``api``; a login only links a user account to one of them.
"""

from django.conf import settings
from django.db import models


class PartnerUser(models.Model):
    """A user account that signs in to the partner pages of one partner.

    Not staff: it never reaches the admin, only ``/partners/``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_login",
        help_text="The account the partner signs in with.",
    )
    partner = models.ForeignKey(
        "api.Partner",
        on_delete=models.CASCADE,
        related_name="logins",
        help_text="Whose usage, origins and keys this login sees and manages.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "user__username"]
        verbose_name = "partner login"

    def __str__(self):
        return f"{self.user.get_username()} ({self.partner})"
