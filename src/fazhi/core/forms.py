"""Form and filter construction shared by every ledger."""
from __future__ import annotations

import copy

import django_filters
from django import forms
from django.db import models


def scoped_choices(model, user):
    """Choices for a foreign key: a scoped model offers only what the user may see."""
    manager = model._default_manager
    if hasattr(manager, "visible_to"):
        return manager.visible_to(user)
    return manager.all()


def ledger_form_class(ledger, user):
    """A ModelForm for the ledger whose foreign-key choices are limited to the user's scope."""
    base = ledger.form_class or forms.ModelForm
    declared = getattr(getattr(ledger.form_class, "Meta", None), "fields", None)
    fields = ledger.form_fields or declared or [
        f.name for f in ledger.model._meta.get_fields()
        if getattr(f, "editable", False) and not f.auto_created and f.concrete
        and f.name not in {"created_at", "updated_at", "deleted_at", "deleted_by", "deletion_reason"}
    ]

    class LedgerForm(base):
        class Meta(getattr(base, "Meta", object)):
            model = ledger.model

        Meta.fields = fields

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.queryset = scoped_choices(field.queryset.model, user)
            for field in self.fields.values():
                widget = field.widget
                if isinstance(widget, forms.DateInput):
                    # The browser's date picker reads and writes ISO dates only.
                    widget.input_type, widget.format = "date", "%Y-%m-%d"
                if isinstance(widget, forms.Textarea):
                    widget.attrs["rows"] = 2
                if isinstance(widget, forms.CheckboxInput):
                    widget.attrs.setdefault("class", "form-check-input")
                elif isinstance(widget, forms.Select):
                    widget.attrs.setdefault("class", "form-select form-select-sm")
                else:
                    widget.attrs.setdefault("class", "form-control form-control-sm")

    return LedgerForm


def ledger_filterset_class(ledger, user):
    class LedgerFilterSet(django_filters.FilterSet):
        class Meta:
            model = ledger.model
            fields = ledger.filter_fields

        @classmethod
        def filter_for_field(cls, field, field_name, lookup_expr="exact"):
            if isinstance(field, models.ForeignKey):
                return django_filters.ModelChoiceFilter(
                    field_name=field_name, label=field.verbose_name, queryset=scoped_choices(field.related_model, user)
                )
            if isinstance(field, models.DateField):
                return django_filters.DateFromToRangeFilter(
                    field_name=field_name,
                    label=field.verbose_name,
                    widget=django_filters.widgets.RangeWidget(attrs={"type": "date", "class": "form-control form-control-sm"}),
                )
            return super().filter_for_field(field, field_name, lookup_expr)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for f in self.form.fields.values():
                if not isinstance(f.widget, django_filters.widgets.RangeWidget):
                    is_select = isinstance(f.widget, forms.Select)
                    f.widget.attrs.setdefault("class", "form-select form-select-sm" if is_select else "form-control form-control-sm")

    if not ledger.extra_filters:
        return LedgerFilterSet
    # Declared filters must be class attributes when the FilterSet metaclass runs; copies keep the ledger's intact.
    extra = {name: copy.deepcopy(flt) for name, flt in ledger.extra_filters.items()}
    return type("LedgerFilterSet", (LedgerFilterSet,), extra)
