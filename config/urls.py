from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from access import views as access_views
from accounts import views as account_views
from ops import views as ops_views
from shop import views as shop_views

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = f"{settings.SITE_NAME} admin"

urlpatterns = [
    path("", shop_views.home, name="home"),
    path("", include("shop.urls")),
    path("healthz", ops_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # One password, email and sign-out page per panel: allauth's own are sent there.
    path("accounts/login/", account_views.login, name="account_login"),
    path("accounts/logout/", account_views.logout, name="account_logout"),
    path("accounts/email/", account_views.email_elsewhere, name="account_email"),
    path("accounts/password/change/", account_views.password_change_elsewhere),
    # Google sign-in's pages in place of allauth's, none reachable while it is off.
    path("accounts/", include("accounts.google")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("telegram/webhook/", account_views.telegram_webhook, name="telegram_webhook"),
    path("library/", include(("access.urls", "library"))),
    path("download/<int:file_id>/", access_views.download, name="download"),
    path("billing/", include("billing.urls")),
    path("studio/inbox/", include(("support.inbox_urls", "inbox"))),
    path("support/", include("support.urls")),
    path("studio/", include(("shop.studio_urls", "studio"))),
]

# Local media in development; production serves covers from the public bucket or a CDN.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.BENCH_BASELINE:
    from ops.bench import baseline

    urlpatterns.append(path("bench/baseline/", baseline))
