"""Form rendering: FastSelect renders what Select renders without a template per option; the renderer sets classes."""

from django import forms
from django.test.html import parse_html

from fazhi.core.forms import FastSelect, fast_select

CHOICES = [("", "---------"), ("1", "云川市<人民政府>"), ("地区", [("2", "澄江区"), ("3", "“引号”&符号")])]


def test_fast_select_renders_what_select_renders():
    for value in ("", "1", "3", None):
        attrs = {"id": "id_unit", "class": "form-select"}
        expected = forms.Select(choices=CHOICES).render("unit", value, attrs=attrs)
        actual = FastSelect(choices=CHOICES).render("unit", value, attrs=attrs)
        assert parse_html(actual) == parse_html(expected)


def test_a_converted_widget_keeps_choices_attributes_and_requiredness():
    field = forms.ChoiceField(choices=CHOICES, required=True)
    field.widget.attrs["class"] = "form-select"
    fast = fast_select(field.widget)
    assert fast.is_required and fast.attrs == {"class": "form-select"}
    html = fast.render("unit", "2")
    assert '<option value="2" selected>澄江区</option>' in html
    assert "&lt;人民政府&gt;" in html and "<optgroup" in html


class SampleForm(forms.Form):
    title = forms.CharField()
    notes = forms.CharField(widget=forms.Textarea)
    kind = forms.ChoiceField(choices=CHOICES)
    urgent = forms.BooleanField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput)
    own = forms.CharField(widget=forms.TextInput(attrs={"class": "text-end"}))


def test_every_form_gets_its_bootstrap_classes_from_the_renderer():
    rendered = {name: str(SampleForm()[name]) for name in SampleForm.base_fields}
    assert 'class="form-control form-control-sm"' in rendered["title"]
    assert 'class="form-control form-control-sm"' in rendered["notes"]
    assert 'class="form-select form-select-sm"' in rendered["kind"]
    assert 'class="form-check-input"' in rendered["urgent"]
    assert "class=" not in rendered["secret"] and 'class="text-end"' in rendered["own"]

    class FullSize(SampleForm):
        control_size = ""

    assert 'class="form-control"' in str(FullSize()["title"]) and 'class="form-select"' in str(FullSize()["kind"])
