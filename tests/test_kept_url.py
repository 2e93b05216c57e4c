"""`{% url %}` keeps its results per process (fazhi.core.templatetags.kept_url) and prints what Django's would."""

from unittest import mock

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix

from fazhi.core.templatetags import kept_url


@pytest.fixture(autouse=True)
def _nothing_kept():
    kept_url.clear_kept()
    yield
    kept_url.clear_kept()
    set_script_prefix("/")


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


def test_the_tag_prints_what_reverse_gives_and_reverses_each_url_once():
    source = (
        "{% url 'web:dashboard' %}|{% url 'ledger:applications-detail' 7 %}|{% url 'ledger:applications-detail' pk %}|"
        "{% url name|add:'-list' %}|{% url 'web:area' area='services' %}"
    )
    expected = "|".join(
        [
            reverse("web:dashboard"),
            reverse("ledger:applications-detail", args=[7]),
            reverse("ledger:applications-detail", args=[8]),
            reverse("ledger:applications-list"),
            reverse("web:area", kwargs={"area": "services"}),
        ]
    )
    with mock.patch.object(kept_url, "reverse", wraps=reverse) as reversed_:
        assert render(source, pk=8, name="ledger:applications") == expected
        assert reversed_.call_count == 5
        assert render(source, pk=8, name="ledger:applications") == expected
        assert reversed_.call_count == 5  # all kept
        assert render(source, pk=9, name="ledger:applications").split("|")[2] == reverse(
            "ledger:applications-detail", args=[9]
        )
        assert reversed_.call_count == 6  # another argument: another URL


def test_a_url_under_another_script_prefix_is_its_own():
    assert render("{% url 'web:dashboard' %}") == "/"
    set_script_prefix("/fazhi/")
    assert render("{% url 'web:dashboard' %}") == "/fazhi/"


def test_as_a_variable_and_unknown_names_as_django_does():
    assert render("{% url 'nowhere' as link %}[{{ link }}]") == "[]"
    assert render("{% url 'web:dashboard' as link %}[{{ link }}]") == "[/]"
    with pytest.raises(NoReverseMatch):
        render("{% url 'nowhere' %}")


def test_an_argument_that_is_not_a_plain_value_is_reversed_every_time():
    class Key:
        def __str__(self):
            return "5"

    with mock.patch.object(kept_url, "reverse", wraps=reverse) as reversed_:
        for _ in range(2):
            assert render("{% url 'ledger:applications-detail' key %}", key=Key()) == reverse(
                "ledger:applications-detail", args=[5]
            )
        assert reversed_.call_count == 2
