from django import forms
from django.contrib.auth.forms import SetPasswordMixin, UserCreationForm, UsernameField

from partners.models import PartnerUser


class PartnerLoginCreationForm(forms.ModelForm):
    """A new partner login: a user account (not staff) and its partner.

    The account is checked as Django's own UserCreationForm checks one: a
    username nobody has, and a password the password validators accept.
    """

    username = UsernameField(
        help_text="What the partner types to sign in at /partners/sign-in/."
    )
    email = forms.EmailField(
        required=False, help_text="Optional: who this login belongs to."
    )
    password1, password2 = SetPasswordMixin.create_password_fields(
        label1="First password"
    )

    class Meta:
        model = PartnerUser
        fields = ["partner"]

    def clean(self):
        cleaned_data = super().clean()
        self.account = UserCreationForm(
            data={
                name: self.data.get(self.add_prefix(name), "")
                for name in ("username", "password1", "password2")
            }
        )
        if not self.account.is_valid():
            for name, errors in self.account.errors.items():
                for error in errors:
                    self.add_error(name if name in self.fields else None, error)
        return cleaned_data

    def save(self, commit=True):
        user = self.account.save(commit=False)
        user.email = self.cleaned_data.get("email", "")
        user.is_staff = False
        user.save()
        self.instance.user = user
        return super().save(commit)
