"""The admin site, with everything about a person's account in one "Accounts" section.

Users and their Telegram links are this app's; email addresses and connected Google accounts
are allauth's (its apps are also called "Accounts" and "Social Accounts"), groups are Django's
auth app's. Each app keeps its models and URLs; only the admin's lists of sections (the index,
a section's page, the sidebar) fold them together.
Installed in place of django.contrib.admin (INSTALLED_APPS), as Django documents.
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.http import HttpRequest
from django.urls import reverse

ACCOUNTS = "accounts"
# App label: the section its models are listed in.
FOLDED = {"auth": ACCOUNTS, "account": ACCOUNTS, "socialaccount": ACCOUNTS}


class AdminSite(admin.AdminSite):
    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        sections: dict[str, dict] = {}
        for app in super().get_app_list(request):
            label = FOLDED.get(app["app_label"], app["app_label"])
            if label not in sections:
                sections[label] = self._section(label, app)
            sections[label]["models"].extend(app["models"])
        for section in sections.values():
            section["models"].sort(key=lambda model: model["name"])
        if app_label is not None:
            wanted = FOLDED.get(app_label, app_label)
            return [section for label, section in sections.items() if label == wanted]
        return sorted(sections.values(), key=lambda section: section["name"].lower())

    def _section(self, label: str, first: dict) -> dict:
        """An empty section named and linked as app `label`, whichever of its apps came first."""
        url = reverse("admin:app_list", kwargs={"app_label": label}, current_app=self.name)
        name = apps.get_app_config(label).verbose_name
        return {**first, "name": name, "app_label": label, "app_url": url, "models": []}


class AdminConfig(DjangoAdminConfig):
    default_site = "accounts.admin_site.AdminSite"
