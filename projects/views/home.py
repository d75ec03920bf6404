"""The landing page."""

from django.views.generic import TemplateView

from communities.selectors import needs_visible_to
from orgs.selectors import offerings_visible_to

from ..selectors import user_roles


class HomeView(TemplateView):
    """Landing page: what the platform is, and for a signed-in user, where each role goes."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["roles"] = user_roles(user)
        context["latest_needs"] = needs_visible_to(user).filter(status="published")[:5]
        context["latest_offerings"] = offerings_visible_to(user).filter(status="published")[:5]
        return context
