"""API filters: a value that cannot be read is refused (400), never ignored, so a typo in a filter does not
quietly return the unfiltered ledger."""

import django_filters
from django import forms
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend, FilterSet

TRUE = frozenset({"true", "True", "1"})
FALSE = frozenset({"false", "False", "0"})


class StrictBooleanField(forms.NullBooleanField):
    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value is True or value in TRUE:
            return True
        if value is False or value in FALSE:
            return False
        raise forms.ValidationError("请填写 true 或 false", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField  # django-filter reads integer columns as decimals: ?year=1.5 matched nothing


INTEGER_FIELDS = (
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
)


class StrictFilterSet(FilterSet):
    FILTER_DEFAULTS = {
        **FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        **{field: {"filter_class": IntegerFilter} for field in INTEGER_FIELDS},
    }


class LedgerFilterBackend(DjangoFilterBackend):
    filterset_base = StrictFilterSet
