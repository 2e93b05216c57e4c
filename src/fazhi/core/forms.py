"""Form and filter construction shared by every ledger."""

from __future__ import annotations

import copy
from functools import lru_cache

import django_filters
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import DecimalValidator
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .cells import esc
from .current import scope_units
from .text import refuse_control_characters


def bootstrap_class(widget: forms.Widget, size: str = "sm") -> str:
    """The Bootstrap 5 class of a widget: check boxes and radios, selects, and every other control."""
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):  # RadioSelect: CheckboxSelectMultiple too
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return f"form-select form-select-{size}" if size else "form-select"
    return f"form-control form-control-{size}" if size else "form-control"


class BootstrapBoundField(BoundField):
    """Gives every rendered widget its Bootstrap class, unless the widget names one itself.

    The size is the form's `control_size` ("sm" unless a form says otherwise; "" for full-size controls)."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if not widget.is_hidden and "class" not in attrs and "class" not in widget.attrs:
            attrs["class"] = bootstrap_class(widget, getattr(self.form, "control_size", "sm"))
        return attrs


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's renderer, with the bound field that sets the widgets' classes."""

    bound_field_class = BootstrapBoundField


class FastSelect(forms.Select):
    """A <select> rendered in Python rather than one template per option.

    Django renders each option through a template (about 0.1 ms each); a unit or item list has hundreds,
    which made the filter form the most expensive part of a ledger page.
    """

    def render(self, name, value, attrs=None, renderer=None):
        # Widget.get_context, not Select's: its per-option dicts (ChoiceWidget.optgroups) cost more than the option.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            widget["attrs"]["multiple"] = True
        choices, values = self.choices, tuple(widget["value"])
        if isinstance(choices, (list, tuple)) and all(type(v) in PLAIN and type(c) in PLAIN for v, c in choices):
            options = _plain_options(tuple(choices), values, self.allow_multiple_selected)  # the units of a scope
        else:
            options = _options(choices, values, self.allow_multiple_selected)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


PLAIN = (str, int)  # choices of these only are kept rendered (_plain_options)


def _options(choices, values, multiple: bool) -> str:
    """The options, marked selected as ChoiceWidget.optgroups marks them."""
    has_selected, parts = False, []
    for option_value, option_label in choices:
        if option_value is None:
            option_value = ""
        grouped = isinstance(option_label, (list, tuple))
        options = []
        for subvalue, sublabel in option_label if grouped else [(option_value, option_label)]:
            selected = (not has_selected or multiple) and str(subvalue) in values
            has_selected |= selected
            options.append(f'<option value="{esc(subvalue)}"{" selected" if selected else ""}>{esc(sublabel)}</option>')
        rendered = mark_safe("".join(options))
        parts.append(
            format_html('<optgroup label="{}">{}</optgroup>', option_value, rendered)
            if grouped and option_value
            else rendered
        )
    return mark_safe("".join(parts))


@lru_cache(maxsize=512)
def _plain_options(choices: tuple, values: tuple, multiple: bool) -> str:
    """`_options` of plain (value, label) pairs, kept per process: keyed by the choices themselves, read fresh for
    each page, so it is never out of date (a list page's unit filter: the same units for every page of a scope)."""
    return _options(choices, values, multiple)


def fast_select(widget: forms.Select) -> FastSelect:
    """The same select (choices, attributes, required) with FastSelect's rendering."""
    fast = FastSelect(attrs=widget.attrs, choices=widget.choices)
    fast.is_required, fast.allow_multiple_selected = widget.is_required, widget.allow_multiple_selected
    return fast


SEARCHABLE_OVER = 20  # a select with more options than this gets a search box (Tom Select, static/fazhi/app.js)
YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]


class ChineseDecimalValidator(DecimalValidator):
    """Django's DecimalValidator in the clerk's words: “金额过大：最多12位整数”, not “确认总共不超过 14 个数字”."""

    def __init__(self, max_digits, decimal_places, money: bool = False):
        super().__init__(max_digits, decimal_places)
        what = "金额过大" if money else "数值过大"
        self.messages = {
            **self.messages,
            "max_digits": f"{what}：最多%(whole)s位整数",
            "max_whole_digits": f"{what}：最多%(max)s位整数",
            "max_decimal_places": "最多%(max)s位小数",
        }

    def __call__(self, value):
        try:
            super().__call__(value)
        except ValidationError as error:
            if error.code == "max_digits":
                whole = (self.max_digits or 0) - (self.decimal_places or 0)
                raise ValidationError(self.messages["max_digits"], code="max_digits", params={"whole": whole}) from None
            raise


def is_money(label) -> bool:
    return any(word in str(label) for word in ("元", "金额", "罚款", "经费"))


def localize_form(form) -> None:
    """Generic and step forms speak Chinese: an empty choice reads 请选择, and a decimal field answers in Chinese when
    a number is too long."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.empty_label is not None:
            field.empty_label = "请选择"
        elif isinstance(field, forms.TypedChoiceField) and field.choices and field.choices[0][0] == "":
            field.choices = [("", "请选择"), *field.choices[1:]]
        if isinstance(field, forms.DecimalField):
            field.validators = [
                ChineseDecimalValidator(v.max_digits, v.decimal_places, money=is_money(field.label))
                if type(v) is DecimalValidator
                else v
                for v in field.validators
            ]
            if not any(isinstance(v, ChineseDecimalValidator) for v in field.validators):
                field.validators.append(
                    ChineseDecimalValidator(field.max_digits, field.decimal_places, money=is_money(field.label))
                )


class DateRangeWidget(django_filters.widgets.RangeWidget):
    """A date range as one control: 〔from〕至〔to〕 in one input group."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})})

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_  # the label names the first date

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        inputs = []
        for sub, label in zip(context["widget"]["subwidgets"], ("起", "止"), strict=False):
            sub_attrs = {**sub["attrs"], "class": "form-control form-control-sm", "aria-label": label}
            inputs.append(
                format_html(
                    '<input type="date" name="{}"{}{}>',
                    sub["name"],
                    format_html(' value="{}"', sub["value"]) if sub["value"] else "",
                    flatatt({k: v for k, v in sub_attrs.items() if k != "type"}),
                )
            )
        return format_html(
            '<div class="input-group input-group-sm date-range">{}<span class="input-group-text">至</span>{}</div>',
            inputs[0],
            inputs[1],
        )


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
    step_fields = set(ledger.step_fields)
    field_names = {f.name for f in ledger.model._meta.get_fields()}
    fields = (
        ledger.form_fields
        or declared
        or [
            f.name
            for f in ledger.model._meta.get_fields()
            if getattr(f, "editable", False)
            and not f.auto_created
            and f.concrete
            and f.name not in {"created_at", "updated_at", "deleted_at", "deleted_by", "deletion_reason"}
            and f.name not in step_fields
        ]
    )

    class LedgerForm(base):
        class Meta(getattr(base, "Meta", object)):
            model = ledger.model

        Meta.fields = fields

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                if isinstance(field, forms.ModelChoiceField):
                    field.queryset = scoped_choices(field.queryset.model, user)
            localize_form(self)
            for field in self.fields.values():
                if isinstance(field, forms.CharField):
                    field.validators.append(refuse_control_characters)
                widget = field.widget
                if isinstance(widget, forms.DateInput):
                    # The browser's date picker reads and writes ISO dates only.
                    widget.input_type, widget.format = "date", "%Y-%m-%d"
                if isinstance(widget, forms.Textarea):
                    widget.attrs["rows"] = 2
                if type(widget) is forms.Select:
                    field.widget = fast_select(field.widget)

        def add_error(self, field, error):
            # The model's rules may name a field this form does not show (a step date checked against an edited
            # one): the clerk sees it as an error of the whole form, with the field's name, never a crash.
            if field is None and hasattr(error, "error_dict"):
                hidden = {
                    name: errors
                    for name, errors in error.error_dict.items()
                    if name != NON_FIELD_ERRORS and name not in self.fields
                }
                if hidden:
                    shown = {name: errors for name, errors in error.error_dict.items() if name not in hidden}
                    for name, errors in hidden.items():
                        label = ledger.label(name) if name in field_names else name
                        for message in ValidationError(errors).messages:
                            super().add_error(None, f"{label}：{message}")
                    if not shown:
                        return
                    error = ValidationError(shown)
            super().add_error(field, error)

    return LedgerForm


_filterset_classes: dict[str, type] = {}


def ledger_filterset_class(ledger):
    """The list's FilterSet, made once per ledger: build it with `request=`, whose user's scope limits the choices of
    every foreign key (a unit, an item, …)."""
    if ledger.slug not in _filterset_classes:
        _filterset_classes[ledger.slug] = _make_filterset_class(ledger)
    return _filterset_classes[ledger.slug]


def _scoped_choices_of(model):
    def choices(request):
        return scoped_choices(model, request.user)

    choices.model = model
    return choices


def filter_cells(form) -> str:
    """The list's filter controls (core/ledger_list.html's filter form), a cell each with its label and errors."""
    cells = []
    for field in form:
        width = (
            "col-12 col-md-6 col-xl-3" if getattr(field.field.widget, "widgets", None) else "col-6 col-md-3 col-xl-2"
        )
        errors = "".join(f'<div class="text-danger">{esc(error)}</div>' for error in field.errors)
        label = f'<label class="form-label mb-1" for="{esc(field.id_for_label)}">{esc(field.label)}</label>'
        cells.append(
            f'\n    <div class="{width} filter-cell">\n      {label}{esc(str(field))}\n      {errors}\n    </div>\n    '
        )
    return mark_safe("".join(cells))


def choices_are_units(filterset_class) -> bool:
    """Every choice a ledger's filters offer is either code (a field's choices, 是/否) or a unit of the user's scope
    (`current.scope_units`): the filter form then follows from the request's parameters and those units alone."""
    for flt in filterset_class.base_filters.values():
        queryset = getattr(flt, "queryset", None)
        model = getattr(queryset, "model", None)
        if queryset is not None and (model is None or model._meta.label != "org.Unit"):
            return False
    return True


def _make_filterset_class(ledger):
    class LedgerFilterSet(django_filters.FilterSet):
        class Meta:
            model = ledger.model
            fields = ledger.filter_fields

        @classmethod
        def filter_for_field(cls, field, field_name, lookup_expr="exact"):
            if isinstance(field, models.ForeignKey):
                return django_filters.ModelChoiceFilter(
                    field_name=field_name, label=field.verbose_name, queryset=_scoped_choices_of(field.related_model)
                )
            if isinstance(field, models.DateField):
                return django_filters.DateFromToRangeFilter(
                    field_name=field_name, label=field.verbose_name, widget=DateRangeWidget()
                )
            return super().filter_for_field(field, field_name, lookup_expr)

        def __init__(self, *args, **kwargs):
            if kwargs.get("request") is None:
                raise TypeError("a ledger's filters need the request: its user's scope limits their choices")
            super().__init__(*args, **kwargs)
            for f in self.form.fields.values():
                if isinstance(f, forms.NullBooleanField):
                    # django-filter calls an empty yes/no choice 未知; in a filter it means 全部.
                    f.widget = FastSelect(choices=YES_NO)
                elif type(f.widget) is forms.Select:
                    if getattr(f, "empty_label", None) is not None:  # model and choice filters: ---------
                        f.empty_label = "全部"
                        f.widget.choices = f.choices  # lazy iterators: they read the label when rendered
                        if isinstance(f, forms.ModelChoiceField) and f.queryset.model._meta.label == "org.Unit":
                            # the units of the user's scope as this request has read them for the unit switcher
                            f.widget.choices = [
                                ("", f.empty_label),
                                *((pk, name) for pk, name, *_ in scope_units(self.request)),
                            ]
                    f.widget = fast_select(f.widget)

    if not ledger.extra_filters:
        return LedgerFilterSet
    # Declared filters must be class attributes when the FilterSet metaclass runs; copies keep the ledger's intact.
    extra = {name: copy.deepcopy(flt) for name, flt in ledger.extra_filters.items()}
    return type("LedgerFilterSet", (LedgerFilterSet,), extra)
