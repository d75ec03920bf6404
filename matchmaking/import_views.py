"""Bulk import in the browser: choose the kind, download a template, upload, preview, confirm.

The upload is validated in full at once (a dry run) and the preview shows its first rows, what
would be created or updated and every problem; confirming imports the same file again for
real, so rows that changed on the platform in between are checked once more.
"""

import csv
import io

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from communities.models import Region

from .imports import KINDS, import_file, templates, uploads
from .imports.forms import UploadForm, size
from .imports.permissions import can_import, import_scope

ERRORS_ON_PAGE = 1000


class ImportAccessMixin(LoginRequiredMixin):
    """Officials and superusers only; anonymous visitors are sent to sign in first."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not can_import(request.user):
            raise PermissionDenied(_("Only civil-affairs officials can import data."))
        return super().dispatch(request, *args, **kwargs)


class ImportView(ImportAccessMixin, TemplateView):
    template_name = "matchmaking/import_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = import_scope(self.request.user)
        context.update(
            form=kwargs.get("form") or UploadForm(initial={"kind": self.request.GET.get("kind")}),
            kinds=list(KINDS.values()),
            scope=None if scope is None else Region.objects.filter(code__in=scope),
            limit=size(uploads.max_bytes()),
        )
        return context

    def post(self, request, *args, **kwargs):
        # An oversized request is refused without opening the file. (The CSRF check has read
        # the body already: cap request bodies in the web server too, e.g. client_max_body_size.)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > uploads.max_bytes() + 64 * 1024:
            refused = _(
                "The file is %(size)s; the limit is %(limit)s. Split it into smaller files."
            ) % {"size": size(length), "limit": size(uploads.max_bytes())}
            context = self.get_context_data(form=UploadForm(), refused=refused)
            return self.render_to_response(context, status=400)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        file = form.cleaned_data["file"]
        data = file.read()
        upload = uploads.store(
            data=data, filename=file.name, kind=form.cleaned_data["kind"], user=request.user
        )
        report = import_file(
            kind=upload.kind, data=data, filename=upload.filename, actor=request.user, dry_run=True
        )
        upload.save_report("preview", report)
        return redirect("matchmaking:import-preview", token=upload.token)


class ImportTemplateView(ImportAccessMixin, View):
    """A blank template of a kind, generated on request."""

    def get(self, request, kind, fmt):
        if kind not in KINDS or fmt not in ("xlsx", "csv"):
            raise Http404
        if fmt == "xlsx":
            content = templates.xlsx_template(kind)
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content, content_type = templates.csv_template(kind), "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{templates.filename(kind, fmt)}"'
        return response


class UploadMixin(ImportAccessMixin):
    """Looks up the upload of the signed token in the URL: the user's own, still fresh."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can_import(request.user):
            self.upload = uploads.load(kwargs["token"], request.user)
            if self.upload is None or self.upload.kind not in KINDS:
                raise Http404(_("This upload has expired or is not yours; upload the file again."))
        return super().dispatch(request, *args, **kwargs)

    def context_for(self, report) -> dict:
        return {
            "upload": self.upload,
            "kind": KINDS[self.upload.kind],
            "report": report,
            "errors": report.errors[:ERRORS_ON_PAGE],
            "more_errors": max(0, len(report.errors) - ERRORS_ON_PAGE),
            "token": self.kwargs["token"],
        }


class ImportPreviewView(UploadMixin, TemplateView):
    template_name = "matchmaking/import_preview.html"

    def get(self, request, *args, **kwargs):
        if self.upload.report("result") is not None:
            return redirect("matchmaking:import-result", token=kwargs["token"])
        report = self.upload.report("preview")
        if report is None:
            raise Http404(_("This upload has expired; upload the file again."))
        return self.render_to_response(self.context_for(report))

    def post(self, request, *args, **kwargs):
        """Confirm: import the file for real (validated again, all or nothing)."""
        if self.upload.report("result") is not None:
            return redirect("matchmaking:import-result", token=kwargs["token"])
        try:
            data = self.upload.data()
        except FileNotFoundError:
            raise Http404(_("This upload has expired; upload the file again.")) from None
        report = import_file(
            kind=self.upload.kind, data=data, filename=self.upload.filename, actor=request.user
        )
        self.upload.save_report("result", report)
        if report.stored:
            self.upload.discard_file()
        return redirect("matchmaking:import-result", token=kwargs["token"])


class ImportResultView(UploadMixin, TemplateView):
    template_name = "matchmaking/import_result.html"

    def get(self, request, *args, **kwargs):
        report = self.upload.report("result")
        if report is None:
            return redirect("matchmaking:import-preview", token=kwargs["token"])
        return self.render_to_response(self.context_for(report))


class ImportErrorsView(UploadMixin, View):
    """Every problem of the upload (of the import if it was confirmed) as a CSV to work from."""

    def get(self, request, *args, **kwargs):
        report = self.upload.report("result") or self.upload.report("preview")
        if report is None:
            raise Http404
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Sheet"), _("Row"), _("Column"), _("Problem")])
        for error in report.errors:
            writer.writerow([error.sheet, error.row or "", error.column, error.problem])
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="import-problems.csv"'
        return response
