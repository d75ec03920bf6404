from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.health import healthz
from core.views import set_language
from projects.views import HomeView

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", include("config.api_urls")),
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("communities.urls")),
    path("", include("orgs.urls")),
    path("", include("projects.urls")),
    path("", include("matchmaking.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

admin.site.site_header = _("Three-Society Linkage · Community Service Matchmaking")
admin.site.site_title = _("Platform administration")
admin.site.index_title = _("Administration")

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "config.api.not_found"
handler500 = "config.api.server_error"
