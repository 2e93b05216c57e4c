"""The API side of masking: personal fields are returned masked unless the caller's role handles the records."""

from .masking import mask, may_see_personal, personal_fields


class MaskedPersonalFields:
    """A ModelSerializer mixin. A masked value sent back unchanged (a GET body PUT back) keeps the stored value."""

    def _hides_personal(self) -> bool:
        request = self.context.get("request")
        return request is not None and not may_see_personal(request.user)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self._hides_personal():
            for name in personal_fields(self.Meta.model):
                if name in data:
                    data[name] = mask(data[name])
        return data

    def to_internal_value(self, data):
        if self.instance is not None and hasattr(data, "keys"):
            unchanged = [
                name
                for name in personal_fields(self.Meta.model)
                if name in data
                and data[name] != getattr(self.instance, name)
                and data[name] == mask(getattr(self.instance, name))
            ]
            if unchanged:
                data = {**data, **{name: getattr(self.instance, name) for name in unchanged}}
        return super().to_internal_value(data)
