"""Admin actions that ask before they act: a page listing what was chosen, with a form (a
reason, a confirmation), that posts back to the action with `apply` set."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

BOTH_PAGES = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
CHANGE_FORM_ACTION = f"{admin.ActionLocation.CHANGE_FORM.value}-action"


@dataclass(frozen=True)
class Item:
    pk: int
    label: str


def answered(request: HttpRequest, form_class: type[forms.Form]) -> forms.Form:
    """The action's form, bound once the page has been answered."""
    return form_class(request.POST if "apply" in request.POST else None)


def ask_before_action(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    form: forms.Form,
    *,
    action: str,
    title: str,
    intro: str,
    describe: Callable[[Model], str] = str,
) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "opts": model_admin.opts,
        "form": form,
        "items": [Item(obj.pk, describe(obj)) for obj in queryset],
        "action": action,
        # The page posts back to where the action was chosen: the list or one object's page.
        "action_field": CHANGE_FORM_ACTION if CHANGE_FORM_ACTION in request.POST else "action",
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/ask_before_action.html", context)
