from pathlib import Path

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS
from .reading import EXTENSIONS
from .uploads import max_bytes


def size(value: int) -> str:
    return filesizeformat(value)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=())
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(key, kind.label) for key, kind in KINDS.items()]
        self.fields["file"].widget.attrs["accept"] = ",".join(EXTENSIONS)
        self.fields["file"].help_text = _(
            "An .xlsx workbook or a .csv file, at most %(limit)s."
        ) % {"limit": size(max_bytes())}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower()
        if extension == ".xls":
            raise forms.ValidationError(
                _(
                    "Old .xls workbooks cannot be read: open it in Excel or WPS and save it as "
                    ".xlsx."
                )
            )
        if extension not in EXTENSIONS:
            raise forms.ValidationError(
                _("Only .xlsx and .csv files can be imported, not “%(name)s”.")
                % {"name": upload.name}
            )
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s. Split it into smaller files.")
                % {"size": size(upload.size), "limit": size(max_bytes())}
            )
        head = upload.read(65536)
        upload.seek(0)
        if extension == ".xlsx" and not head.startswith(b"PK\x03\x04"):
            raise forms.ValidationError(_("This file is named .xlsx but is not an Excel workbook."))
        if extension == ".csv" and (b"\x00" in head or head.startswith(b"PK\x03\x04")):
            raise forms.ValidationError(
                _("This file is named .csv but is not text; a workbook must be named .xlsx.")
            )
        return upload
