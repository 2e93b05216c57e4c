"""The real URLconf plus two views that forget the data scope, for the test that proves the walk catches it."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from fazhi.services.models import ServiceItem
from fazhi.urls import urlpatterns as real_urlpatterns


def leaky_list(request):
    return HttpResponse("\n".join(item.code for item in ServiceItem.objects.all()))


class LeakyDetail:
    """A detail view that fetches by pk without the scope; the walk finds its model through `model`."""

    model = ServiceItem


def leaky_detail(request, pk):
    return HttpResponse(get_object_or_404(ServiceItem.objects.all(), pk=pk).code)


leaky_detail.view_class = LeakyDetail
leaky_detail.view_initkwargs = {}

urlpatterns = [
    path("leaky/", leaky_list, name="leaky-list"),
    path("leaky/<int:pk>/", leaky_detail, name="leaky-detail"),
    *real_urlpatterns,
]
