"""Who must sign in with a second factor, and the devices that provide it.

Staff who can publish or review medical content, and superusers, confirm
each admin sign-in with a code from an authenticator app (a django-otp TOTP
device) or, when the phone is lost, with one of their single-use recovery
codes (a static device). The rule reads permissions, never group names, as
``content.editorial`` does.
"""

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
RECOVERY_CODE_COUNT = 10
# publish_<model> and review_<model>: the rights that put content in front
# of the public as medically reviewed.
PRIVILEGED_ACTIONS = ("publish_", "review_")


def needs_second_factor(user) -> bool:
    """Whether this user's admin sessions need a second factor (ADMIN_MFA_REQUIRED)."""
    if not settings.ADMIN_MFA_REQUIRED:
        return False
    return user.is_superuser or any(
        permission.partition(".")[2].startswith(PRIVILEGED_ACTIONS)
        for permission in user.get_all_permissions()
    )


def second_factor_pending(user) -> bool:
    """A staff member signed in with a password who still owes a second factor.

    ``otp_device`` is set by django-otp's middleware from the session, and is
    missing on a user who has only just given a password.
    """
    return (
        user.is_authenticated
        and user.is_staff
        and getattr(user, "otp_device", None) is None
        and needs_second_factor(user)
    )


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def unconfirmed_authenticator(user) -> TOTPDevice:
    """The device being enrolled: the same secret until a code confirms it."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(
        user=user, name=AUTHENTICATOR_NAME, confirmed=False
    )


def issue_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with new ones and return them."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def device_for_code(user, code: str) -> Device | None:
    """The device a code is meant for: app codes are digits, recovery codes not.

    Only that device sees the code, so a mistyped app code never throttles
    the recovery codes (django-otp warns against trying every device).
    """
    if code.isdigit():
        return authenticator_of(user)
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The device's otpauth:// URL as an SVG QR code in a data: URI.

    A data: image passes the Content Security Policy (img-src data:) with no
    extra request and no script.
    """
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage
    )
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
