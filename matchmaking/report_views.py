"""The reports pages: the list with a request form, a report's progress, its download.

Officials (and superusers) only: anyone else gets 403; a report outside the user's
jurisdiction is a 404. The detail page refreshes itself with htmx while the report is built
(as the matching run page does) — no script of our own, nothing inline (CSP).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from core.errors import NotAllowed, ValidationFailed

from .choices import RunStatus
from .models import ReportKind
from .permissions import can_use_reports
from .reports import services
from .reports.forms import ReportForm
from .reports.selectors import reports_visible_to


class _OfficialsOnly(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_use_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ReportListView(_OfficialsOnly, TemplateView):
    """The reports of the user's jurisdiction, newest first, and the form to request one."""

    template_name = "matchmaking/report_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reports = reports_visible_to(self.request.user)
        kind = self.request.GET.get("kind")
        if kind in ReportKind.values:
            reports = reports.filter(kind=kind)
        page = Paginator(reports, 20).get_page(self.request.GET.get("page"))
        context.setdefault("form", ReportForm(user=self.request.user))
        context.update(page_obj=page, reports=page.object_list, kinds=ReportKind.choices)
        return context

    def post(self, request, *args, **kwargs):
        form = ReportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            report = services.report_request(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                year=form.cleaned_data["year"],
                within=form.cleaned_data["within"],
                fmt=form.cleaned_data["format"],
            )
        except ValidationFailed as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.render_to_response(self.get_context_data(form=form))
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc
        messages.success(request, _("The report was queued."))
        return redirect("matchmaking:report-detail", pk=report.pk)


class ReportDetailView(_OfficialsOnly, DetailView):
    """A report's status and progress (refreshing itself while queued or running), its error
    when it failed, and the download button when it is done."""

    template_name = "matchmaking/report_detail.html"
    context_object_name = "report"

    def get_queryset(self):
        return reports_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context.update(
            active=report.status in (RunStatus.QUEUED, RunStatus.RUNNING),
            filename=services.report_filename(report),
        )
        return context


class ReportDownloadView(_OfficialsOnly, View):
    """The file of a finished report, as an attachment with a Chinese-safe name."""

    def get(self, request, pk):
        report = get_object_or_404(reports_visible_to(request.user), pk=pk)
        if report.status != RunStatus.DONE or not report.file:
            raise Http404(_("The report has no file."))
        try:
            handle = report.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("The report's file is missing.")) from exc
        return FileResponse(
            handle,
            as_attachment=True,
            filename=services.report_filename(report),
            content_type=services.CONTENT_TYPES[report.format],
        )
