"""{% calendar_reminder as year %}: the next year, when the system administrator should enter its holiday
arrangement now (see fazhi.system.workcalendar.missing_next_year); else None."""

from django import template

from fazhi.system.workcalendar import missing_next_year

register = template.Library()


@register.simple_tag(takes_context=True)
def calendar_reminder(context):
    user = context.get("user")
    return missing_next_year(user) if user is not None and user.is_authenticated else None
