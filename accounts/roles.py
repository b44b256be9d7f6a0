"""The roles a user can hold, and one gate per role for function views."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect


@dataclass(frozen=True)
class Role:
    key: str
    flag: str
    label: str
    why: str

    def held_by(self, user) -> bool:
        return bool(user.is_authenticated and user.is_active and getattr(user, self.flag))


CUSTOMER = Role("customer", "is_customer", "customer", "buy products and keep a library")
SELLER = Role("seller", "is_seller", "seller", "publish products from the studio")
STAFF = Role("staff", "is_staff", "staff member", "run the shop")


def _gate(role: Role) -> Callable:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def gated(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                login = redirect_to_login(request.get_full_path())
                if request.htmx:
                    return HttpResponseClientRedirect(login.url)
                return login
            if not role.held_by(request.user):
                return render(request, "accounts/role_required.html", {"role": role}, status=403)
            return view(request, *args, **kwargs)

        return gated

    return decorator


customer_required = _gate(CUSTOMER)
seller_required = _gate(SELLER)
staff_required = _gate(STAFF)
GATES = {CUSTOMER: customer_required, SELLER: seller_required, STAFF: staff_required}
