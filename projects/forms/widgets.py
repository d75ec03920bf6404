"""Widgets the project forms share."""

from django import forms


def _money_widget():
    return forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"})


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})
