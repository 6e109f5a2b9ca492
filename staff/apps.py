from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff sign-in"


class StaffAdminConfig(AdminConfig):
    """Django's admin, served by a site that asks for a second factor."""

    default_site = "staff.sites.StaffAdminSite"
