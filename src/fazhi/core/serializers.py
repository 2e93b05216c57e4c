"""Every ledger's serializer: the API accepts what its schema documents, returns what it promises, and refuses what
the forms refuse, with the same messages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

from fazhi.privacy.serializers import MaskedPersonalFields

from .forms import scoped_choices
from .provisional import deadline_fields, is_provisional_deadline
from .text import CONTROL_CHARACTER_MESSAGE, CONTROL_CHARACTERS

# The recycle bin's own fields: shown and set by its endpoints, not by a ledger's.
DELETION_FIELDS = ("deleted_at", "deleted_by", "deletion_reason")


def api_error(error: DjangoValidationError) -> ApiValidationError:
    """A model rule's refusal as the API's 400: field by field, or under non_field_errors."""
    return ApiValidationError(
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )


class StrictCharField(serializers.CharField):
    """Text is text: a JSON number or boolean sent for a text field is refused, not silently stringified;
    control characters (which no one types, and which an Excel export cannot hold) are refused; and the
    length limit applies to what was sent, before surrounding spaces are trimmed, as the schema says."""

    default_error_messages = {
        "not_a_string": "请输入文本（字符串），而不是数字或布尔值",
        "control_character": CONTROL_CHARACTER_MESSAGE,
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        if CONTROL_CHARACTERS.search(data):
            self.fail("control_character")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class LedgerModelSerializer(MaskedPersonalFields, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        # DRF stops at read-only (editable=False) fields before it sets allow_blank/allow_null, so a choice
        # field filled in by a workflow step ("处理决定", "答复类型") would be documented as one of its choices
        # while an open case returns "" or null for it.
        if kwargs.get("read_only") and "choices" in kwargs:
            if model_field.blank:
                kwargs["allow_blank"] = True
            if model_field.null:
                kwargs["allow_null"] = True
        return field_class, kwargs

    def get_fields(self):
        fields = super().get_fields()
        ledger = self.ledger()
        for name in ledger.step_fields if ledger else ():
            if name in fields:
                field = fields[name]
                field.read_only = True
                if isinstance(field, serializers.ChoiceField):
                    # A step-owned choice is empty ("" or null) until its step is taken: documented as such.
                    model_field = self.Meta.model._meta.get_field(name)
                    field.allow_blank = field.allow_blank or model_field.blank
                    field.allow_null = field.allow_null or model_field.null
        return fields

    def ledger(self):
        from .ledgers import registry

        return registry.for_model(self.Meta.model)

    def to_internal_value(self, data):
        refused = self.refused_step_fields(data) if hasattr(data, "keys") else {}
        if refused:
            raise ApiValidationError(refused)
        return super().to_internal_value(data)

    def refused_step_fields(self, data) -> dict[str, list[str]]:
        """Step-owned fields sent with a value other than the stored one (a GET body sent back unchanged passes)."""
        ledger = self.ledger()
        refused = {}
        for name in ledger.step_fields if ledger else ():
            if name not in data:
                continue
            field = self.Meta.model._meta.get_field(name)
            current = field.value_from_object(self.instance) if self.instance is not None else field.get_default()
            try:
                sent = field.to_python(data[name])
            except (DjangoValidationError, TypeError, ValueError):
                sent = object()
            if sent != current and not (sent in (None, "") and current in (None, "")):
                refused[name] = [step_hint(ledger, field)]
        return refused


def step_hint(ledger, field) -> str:
    """Why a field cannot be written, and which steps write it."""
    routes = "；".join(f"{action.label}：POST /api/{ledger.slug}/{{id}}/{action.name}/" for action in ledger.actions)
    how = f"请通过办理步骤办理（{routes}）" if routes else "由系统根据其他字段计算"
    return f"“{field.verbose_name}”由办理步骤或系统计算设置，不能直接修改；{how}"


class ProvisionalField(serializers.BooleanField):
    """`<deadline>_provisional`: the deadline was computed on the provisional 工作日 calendar (暂定)."""

    def __init__(self, deadline: str, **kwargs):
        self.deadline = deadline
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, value):
        return is_provisional_deadline(getattr(value, self.deadline))


class LedgerSerializer(LedgerModelSerializer):
    """Scoped choices for every relation; the model's clean() for the plain fields, then `check_relations` for the
    many-to-many ones, which cannot be set on an unsaved instance (a ledger with such rules subclasses this).
    Each derived deadline comes with `<field>_provisional` (暂定: its year's holidays are not published yet)."""

    def get_fields(self):
        fields = super().get_fields()
        for name in deadline_fields(self.Meta.model):
            if name in fields:
                fields[f"{name}_provisional"] = ProvisionalField(
                    name, label=f"{fields[name].label}（暂定）", help_text="该期限按暂定工作日历计算"
                )
        user = self.context["request"].user
        for field in fields.values():
            related = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if isinstance(related, serializers.PrimaryKeyRelatedField) and related.queryset is not None:
                related.queryset = scoped_choices(related.queryset.model, user)
        return fields

    def validate(self, attrs):
        many = {f.name for f in self.Meta.model._meta.many_to_many}
        instance = self.instance or self.Meta.model()
        for key, value in attrs.items():
            if key not in many:
                setattr(instance, key, value)
        try:
            instance.full_clean(validate_unique=False, exclude=list(many))
            self.check_relations(instance, {k: v for k, v in attrs.items() if k in many})
        except DjangoValidationError as error:
            raise api_error(error) from None
        return attrs

    def check_relations(self, instance, relations: dict) -> None:
        """Rules that need the many-to-many values (given, or the saved ones when not given)."""


def serializer_class(model, base: type[LedgerSerializer] = LedgerSerializer, read_only=()):
    """A serializer of every field of `model` but the recycle bin's; timestamps and `read_only` are not written."""
    meta = type(
        "Meta",
        (),
        {"model": model, "exclude": DELETION_FIELDS, "read_only_fields": ("created_at", "updated_at", *read_only)},
    )
    return type(f"{model.__name__}Serializer", (base,), {"Meta": meta})
