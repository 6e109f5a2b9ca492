from collections.abc import Callable

import django_otp
from django import forms
from django_otp.models import Device


class CodeForm(forms.Form):
    """One code, checked against the device it is meant for.

    django-otp counts every wrong code on that device and refuses even the
    right one for a while after failures (twice as long after each one).
    """

    code = forms.CharField(
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def __init__(self, user, device_for_code: Callable[[str], Device | None], **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.device_for_code = device_for_code
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        device = self.device_for_code(code)
        if device is None:
            raise forms.ValidationError("That code is not valid.", code="invalid")
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(
                "Too many wrong codes in a row: wait a little, then try again.",
                code="throttled",
            )
        self.device = django_otp.verify_token(self.user, device.persistent_id, code)
        if self.device is None:
            raise forms.ValidationError("That code is not valid.", code="invalid")
        return code
