"""`{% url %}` with its results kept per process (a template builtin, settings.TEMPLATES: it replaces Django's).

A page's header, menu and buttons reverse the same dozen URLs on every request, about 35 µs each. A URL follows
from the view's name, its arguments, the current namespace, the URLconf and the script prefix alone, so a result
is kept under all of them; a call with an argument other than a plain string or number is reversed every time.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

from fazhi.org.history import Kept

register = template.Library()

PLAIN = (str, SafeString, int)  # a template's literal strings are SafeStrings
_kept = Kept(entries=4096, seconds=None)  # URLs kept per process, the least recently used dropped first


def clear_kept() -> None:
    _kept.clear()


def kept_reverse(view_name, args, kwargs, current_app) -> str:
    """`reverse(...)`, kept per process where every argument is a plain string or number."""
    if not all(type(value) in PLAIN for value in (view_name, *args, *kwargs.values())):
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
    key = (
        view_name,
        tuple(args),
        tuple(sorted(kwargs.items())),
        current_app,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    return _kept.get(key, lambda: reverse(view_name, args=args, kwargs=kwargs, current_app=current_app))


class KeptURLNode(URLNode):
    def render(self, context):  # as URLNode.render, through kept_reverse
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = kept_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
