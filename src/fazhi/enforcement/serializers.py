"""API serializers for ledgers with many-to-many fields, which the generic ledger serializer cannot validate
(it sets every attribute on an unsaved instance, and a many-to-many relation cannot be set before saving)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError

from fazhi.core.forms import scoped_choices
from fazhi.core.serializers import LedgerModelSerializer

BOOKKEEPING = ("deleted_at", "deleted_by", "deletion_reason")


def _api_error(error: DjangoValidationError) -> ApiValidationError:
    if hasattr(error, "error_dict"):
        return ApiValidationError(error.message_dict)
    return ApiValidationError({"non_field_errors": error.messages})


class ManyToManyLedgerSerializer(LedgerModelSerializer):
    """Scoped choices for every relation, the model's clean() for plain fields, then `check_relations` for the rest."""

    def get_fields(self):
        fields = super().get_fields()
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
            raise _api_error(error) from None
        return attrs

    def check_relations(self, instance, relations: dict) -> None:
        """Rules that need the many-to-many values (given, or the saved ones when not given)."""


def serializer_class(model, base=ManyToManyLedgerSerializer):
    meta = type("Meta", (), {"model": model, "exclude": BOOKKEEPING, "read_only_fields": ("created_at", "updated_at")})
    return type(f"{model.__name__}Serializer", (base,), {"Meta": meta})
