"""REST API: one scoped viewset per registered ledger, generated from the same declaration as the UI."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from fazhi.core.serializers import StrictCharField, api_error, serializer_class
from fazhi.core.steps import StateConflict
from fazhi.org.models import Unit

from .evidence import evidence_routes
from .schema import DETAIL


def conflict(error: StateConflict) -> Response:
    return Response({"detail": "；".join(error.messages)}, status=status.HTTP_409_CONFLICT)


SERIALIZERS: dict[str, type] = {}


def serializer_for(ledger):
    """The ledger's serializer class, made once (the schema tells components apart by class)."""
    if ledger.slug not in SERIALIZERS:
        SERIALIZERS[ledger.slug] = ledger.serializer_class or serializer_class(
            ledger.model, read_only=ledger.state_fields
        )
    return SERIALIZERS[ledger.slug]


class DeletionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="删除原因（必填）")


class KnownQueryParametersMixin:
    """A query parameter the operation does not take is refused: a mistyped filter (?unti=5) must not quietly
    return the whole ledger."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        known = {"format"}
        if self.action == "list":
            known |= set(self.filterset_fields or ()) | {"cursor", "page_size"}
        elif self.action == "destroy":
            known.add("reason")
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ApiValidationError({"detail": "不支持的查询参数：" + "、".join(unknown)})


class LedgerViewSet(KnownQueryParametersMixin, viewsets.ModelViewSet):
    ledger = None

    def get_queryset(self):
        return self.ledger.model.objects.visible_to(self.request.user).select_related(*self.ledger.select_related)

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def _save(self, serializer):
        # Saving applies rules that need the whole row (a statutory deadline from the rule in force on the
        # received date, …); their refusal is a 400 with the rule's own message, as on the form.
        try:
            with transaction.atomic():
                serializer.save()
        except DjangoValidationError as error:
            raise api_error(error) from None

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        reason = request.data.get("reason") if hasattr(request.data, "get") else None
        reason = reason or request.query_params.get("reason", "")
        try:
            obj.soft_delete(request.user, reason)
        except StateConflict as error:
            return conflict(error)
        except DjangoValidationError as error:
            return Response({"detail": "；".join(error.messages)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(status=status.HTTP_204_NO_CONTENT)


# (form field class, serializer field class, its arguments from the form field); the first match wins.
FORM_FIELD_SERIALIZERS = [
    (forms.ModelMultipleChoiceField, serializers.ListField, lambda f: {"child": serializers.IntegerField()}),
    (forms.ModelChoiceField, serializers.IntegerField, lambda f: {}),
    (forms.ChoiceField, serializers.ChoiceField, lambda f: {"choices": [c for c in f.choices if c[0] != ""]}),
    (forms.DateField, serializers.DateField, lambda f: {}),
    (forms.BooleanField, serializers.BooleanField, lambda f: {}),
    # DecimalField and FloatField are IntegerFields to Django's forms: they come first.
    (
        forms.DecimalField,
        serializers.DecimalField,
        lambda f: {
            "max_digits": f.max_digits or 20,
            "decimal_places": f.decimal_places or 2,
            "coerce_to_string": False,
        },
    ),
    (forms.FloatField, serializers.FloatField, lambda f: {"min_value": f.min_value, "max_value": f.max_value}),
    (forms.IntegerField, serializers.IntegerField, lambda f: {"min_value": f.min_value, "max_value": f.max_value}),
    (forms.FileField, serializers.FileField, lambda f: {}),
    (forms.CharField, StrictCharField, lambda f: {"max_length": f.max_length}),
]
BLANK_ALLOWED = (serializers.ChoiceField, serializers.CharField)


def step_request_serializer(ledger, step):
    """The step form's fields as a serializer: the route's body is checked against it (JSON types, as the OpenAPI
    schema documents), then handed to the step's own form, which checks it as the web page's does."""
    fields = {}
    for name, field in step.form.base_fields.items():
        kind, arguments = next(
            (kind, arguments) for form_kind, kind, arguments in FORM_FIELD_SERIALIZERS if isinstance(field, form_kind)
        )
        # DRF rebuilds declared fields from their constructor arguments: everything goes in there.
        options = {"required": field.required, "label": field.label, "help_text": field.help_text or None}
        if not field.required and issubclass(kind, BLANK_ALLOWED):
            options["allow_blank"] = True
        fields[name] = kind(**arguments(field), **options)
    return type(f"{ledger.model.__name__}{step.name.title().replace('-', '')}Step", (serializers.Serializer,), fields)


def step_route(ledger, step):
    """POST /api/<ledger>/{id}/<step>/: the same form and step function as the detail page's button."""

    body_serializer = step_request_serializer(ledger, step)

    def route(self, request, pk=None, **kwargs):
        obj = self.get_object()
        body = body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = step.form_for(obj, form_data(body.validated_data))
        if not form.is_valid():
            raise ApiValidationError({name: list(errors) for name, errors in form.errors.items()})
        try:
            step.run(obj, form.cleaned_data, request.user)
        except StateConflict as error:
            return conflict(error)
        except DjangoValidationError as error:
            raise api_error(error) from None
        obj = self.get_queryset().model._base_manager.get(pk=obj.pk)
        return Response(self.get_serializer(obj).data)

    route.__name__ = route_name(step)
    route = action(detail=True, methods=["post"], url_path=step.name, url_name=step.name)(route)
    return extend_schema(
        summary=step.label,
        description=f"办理步骤“{step.label}”：与网页详情页的同名操作调用同一规则函数。"
        "不符合当前状态（例如已被他人办理）时返回 409，违反规则时返回 400 并说明依据。",
        request=body_serializer,
        responses={200: serializer_for(ledger), 409: OpenApiResponse(DETAIL, description="当前状态不允许该步骤")},
    )(route)


def restore_route(ledger):
    """POST /api/<ledger>/{id}/restore/: a row in the recycle bin back in the ledger (the bin keeps every deletion)."""

    def restore(self, request, pk=None, **kwargs):
        queryset = ledger.model.all_objects.visible_to(request.user)
        obj = queryset.filter(pk=pk).first() if str(pk).isdigit() else None
        if obj is None:
            return Response({"detail": "记录不存在或不在您的数据范围内"}, status=status.HTTP_404_NOT_FOUND)
        try:
            obj.restore(request.user)
        except StateConflict as error:
            return conflict(error)
        return Response(self.get_serializer(obj).data)

    restore = action(detail=True, methods=["post"])(restore)
    return extend_schema(
        summary="从回收站恢复",
        request=None,
        description="恢复已删除（移入回收站）的记录；恢复记入变更记录。",
        responses={200: serializer_for(ledger), 409: OpenApiResponse(DETAIL, description="该记录不在回收站中")},
    )(restore)


def form_data(values: dict) -> dict:
    """Checked JSON values as a form reads posted data: dates and decimals as text, the rest as they are."""
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else str(value) if isinstance(value, Decimal) else value
        for name, value in values.items()
    }


def route_name(step) -> str:
    return f"step_{step.name.replace('-', '_')}"


def viewset_for(ledger):
    routes = {route_name(step): step_route(ledger, step) for step in ledger.actions}
    if ledger.evidence:
        routes.update(evidence_routes(ledger))
    return type(
        f"{ledger.model.__name__}ViewSet",
        (LedgerViewSet,),
        {
            "ledger": ledger,
            "queryset": ledger.model.objects.all(),  # for schema generation; requests use get_queryset
            "serializer_class": serializer_for(ledger),
            "filterset_fields": ledger.filter_fields,
            "restore": restore_route(ledger),
            **routes,
        },
    )


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ("id", "code", "name", "short_name", "unit_type", "level", "region", "parent", "depth", "is_active")


class UnitViewSet(KnownQueryParametersMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    queryset = Unit.objects.all()
    filterset_fields = ("unit_type", "level", "parent")

    def get_queryset(self):
        return Unit.objects.visible_to(self.request.user)
