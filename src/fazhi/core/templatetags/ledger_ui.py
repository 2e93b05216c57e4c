"""Template helpers of the back office: status tags, the page-number window of a list."""

from django import template

from fazhi.core import cells

register = template.Library()


@register.simple_tag
def status_tag(obj, name: str = "status"):
    """`{% status_tag obj %}`: the row's status as a coloured badge."""
    value = getattr(obj, name, None)
    display = getattr(obj, f"get_{name}_display", None)
    return cells.status_tag(value, display() if display else value)


@register.filter
def status_colour(value) -> str:
    """`{{ value|status_colour }}`: the Bootstrap colour of a status code."""
    return cells.status_colour(value)
