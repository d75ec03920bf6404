"""The record of a residents' meeting."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ResidentDecision


class DecisionForm(forms.ModelForm):
    """The counts of a residents' meeting; whether it is valid and passed is computed."""

    class Meta:
        model = ResidentDecision
        fields = [
            "subject",
            "amount",
            "meeting_date",
            "representatives_total",
            "attendees",
            "votes_for",
            "votes_against",
            "abstentions",
            "minutes",
        ]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "minutes": forms.Textarea(attrs={"rows": 4}),
            "amount": forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        }
        help_texts = {
            "attendees": _("Valid only when more than half of the representatives attend."),
            "votes_for": _("Passed only when more than half of those present vote for."),
            "minutes": _("Record the discussion, not residents' names or contact details."),
        }

    def clean(self):
        cleaned = super().clean()
        total, present = cleaned.get("representatives_total"), cleaned.get("attendees")
        if total is not None and present is not None and present > total:
            self.add_error("attendees", _("More attendees than representatives."))
        votes = [cleaned.get(n) or 0 for n in ("votes_for", "votes_against", "abstentions")]
        if present is not None and sum(votes) > present:
            self.add_error("votes_for", _("More votes than attendees."))
        return cleaned
