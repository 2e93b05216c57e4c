"""Forms of 单位管理: a unit, and the four kinds of 机构改革 (each calls its step in org.changes)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from fazhi.core.forms import fast_select
from fazhi.core.identifiers import validate_uscc
from fazhi.org import changes
from fazhi.org.choices import UnitChangeKind, UnitLevel, UnitType
from fazhi.org.models import Region, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        dissolved = "（已撤销）" if unit.valid_to else ""
        return f"{'　' * unit.depth}{unit.name}{dissolved}（{unit.code}）"


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit):
        return f"{'　' * unit.depth}{unit.name}（{unit.code}）"


def units_in_force():
    return Unit.objects.filter(valid_to__isnull=True).order_by("path")


class UnitForm(forms.ModelForm):
    """A unit as the system administrator creates or corrects it. Its parent is chosen when it is created; moving
    it later, renaming it as a decision and ending it are 机构改革, recorded with their date."""

    parent = UnitChoiceField(queryset=Unit.objects.none(), required=False, label="上级单位", empty_label="（顶层单位）")

    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "code",
            "credit_code",
            "unit_type",
            "level",
            "region",
            "parent",
            "valid_from",
            "sort_order",
            "is_active",
        ]
        widgets = {"valid_from": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]
            self.fields[
                "name"
            ].help_text = "更正名称的错字用此处；单位依文件更名请登记机构改革（更名），以保留更名日期和依据"
        else:
            self.fields["parent"].queryset = units_in_force()
            self.fields["parent"].widget = fast_select(self.fields["parent"].widget)
        self.fields["region"].queryset = Region.objects.order_by("code")

    def clean_valid_from(self):
        day = self.cleaned_data.get("valid_from")
        if day and self.instance.valid_to and day > self.instance.valid_to:
            raise ValidationError(f"本单位存续至{self.instance.valid_to:%Y-%m-%d}，设立日期不能晚于该日")
        return day

    def clean_credit_code(self):
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        if code:
            validate_uscc(code)
            if Unit.objects.filter(credit_code=code).exclude(pk=self.instance.pk).exists():
                raise ValidationError("该统一社会信用代码已被其他单位使用")
        return code


class ChangeForm(forms.Form):
    """What every 机构改革 records: the day it takes effect and the document that decided it."""

    kind: str
    effective_on = forms.DateField(label="生效日期", widget=DateInput())
    document = forms.CharField(
        label="文件依据", max_length=200, required=False, help_text="批准机构改革的文件名称和文号"
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # form field for each name a step's refusal may give
    error_fields: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name not in ("effective_on", "document", "note")])

    def apply(self, user):
        """Record the change through its step; a refusal becomes the form's errors (and None is returned)."""
        try:
            return self.run(user, **self.common())
        except ValidationError as error:
            self.add_refusal(error)
            return None

    def common(self) -> dict:
        data = self.cleaned_data
        return {"document": data["document"], "note": data["note"]}

    def add_refusal(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.error_dict.items():
            target = self.error_fields.get(name, name)
            if target not in self.fields or target == NON_FIELD_ERRORS:
                target = None
            for message in ValidationError(messages).messages:
                self.add_error(target, message)

    def run(self, user, **common):
        raise NotImplementedError


class MergeForm(ChangeForm):
    kind = UnitChangeKind.MERGE
    predecessors = UnitsChoiceField(
        queryset=Unit.objects.none(),
        label="被合并的原单位",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl 可选择多个；原单位存续至生效日期的前一日",
    )
    successor = UnitChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label="并入已有单位",
        empty_label="（合并为新单位：填写下方新单位信息）",
    )
    new_name = forms.CharField(label="新单位名称", max_length=100, required=False)
    new_short_name = forms.CharField(label="新单位简称", max_length=50, required=False)
    new_code = forms.CharField(label="新单位编码", max_length=32, required=False, help_text="留空则取统一社会信用代码")
    new_credit_code = forms.CharField(label="新单位统一社会信用代码", max_length=18, required=False)
    new_unit_type = forms.ChoiceField(label="新单位类型", choices=[("", "—")] + UnitType.choices, required=False)
    new_level = forms.ChoiceField(label="新单位层级", choices=[("", "—")] + UnitLevel.choices, required=False)
    new_region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("code"), label="新单位行政区划", required=False
    )
    new_parent = UnitChoiceField(
        queryset=Unit.objects.none(), required=False, label="新单位的上级单位", empty_label="（顶层单位）"
    )
    move_children = forms.BooleanField(label="原单位的下级单位划入合并后的单位", required=False, initial=True)
    move_users = forms.BooleanField(label="原单位的用户转入合并后的单位", required=False, initial=True)

    error_fields = {
        "successor": "successor",
        "parent": "new_parent",
        "name": "new_name",
        "short_name": "new_short_name",
        "code": "new_code",
        "credit_code": "new_credit_code",
        "unit_type": "new_unit_type",
        "level": "new_level",
        "region": "new_region",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("predecessors", "successor", "new_parent"):
            self.fields[name].queryset = units_in_force()

    def clean(self):
        data = super().clean()
        if data.get("successor") is None:
            for name in ("new_name", "new_unit_type", "new_level", "new_region"):
                if not data.get(name):
                    self.add_error(name, "合并为新单位时必填")
            credit = (data.get("new_credit_code") or "").strip().upper()
            if credit:
                try:
                    validate_uscc(credit)
                except ValidationError as error:
                    self.add_error("new_credit_code", error)
                data["new_credit_code"] = credit
            if not data.get("new_code") and not credit:
                self.add_error("new_code", "单位编码和统一社会信用代码至少填写一项")
        return data

    def run(self, user, **common):
        data = self.cleaned_data
        successor = data["successor"] or Unit(
            name=data["new_name"],
            short_name=data["new_short_name"],
            code=data["new_code"] or data["new_credit_code"],
            credit_code=data["new_credit_code"],
            unit_type=data["new_unit_type"],
            level=data["new_level"],
            region=data["new_region"],
            parent=data["new_parent"],
        )
        return changes.merge_units(
            list(data["predecessors"]),
            successor,
            data["effective_on"],
            user=user,
            move_children=data["move_children"],
            move_users=data["move_users"],
            **common,
        )


class RenameForm(ChangeForm):
    kind = UnitChangeKind.RENAME
    unit = UnitChoiceField(queryset=Unit.objects.none(), label="单位")
    name = forms.CharField(label="新名称", max_length=100)
    short_name = forms.CharField(label="新简称", max_length=50, required=False, help_text="留空则保留原简称")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_in_force()

    def run(self, user, **common):
        data = self.cleaned_data
        return changes.rename_unit(
            data["unit"],
            data["name"],
            data["effective_on"],
            short_name=data["short_name"] or None,
            user=user,
            **common,
        )


class SplitForm(ChangeForm):
    kind = UnitChangeKind.SPLIT
    predecessor = UnitChoiceField(
        queryset=Unit.objects.none(), label="分设的原单位", help_text="存续至生效日期的前一日"
    )
    successors = UnitsChoiceField(
        queryset=Unit.objects.none(),
        label="分设后的新单位",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="新单位须先在“新建单位”中建立；按住 Ctrl 可选择多个",
    )
    set_up_successors = forms.BooleanField(
        label="未填设立日期的新单位以生效日期为设立日期", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("predecessor", "successors"):
            self.fields[name].queryset = units_in_force()

    def run(self, user, **common):
        data = self.cleaned_data
        return changes.split_unit(
            data["predecessor"],
            list(data["successors"]),
            data["effective_on"],
            user=user,
            set_up_successors=data["set_up_successors"],
            **common,
        )


class MoveForm(ChangeForm):
    kind = UnitChangeKind.MOVE
    unit = UnitChoiceField(queryset=Unit.objects.none(), label="单位", help_text="其下级单位随之调整")
    parent = UnitChoiceField(
        queryset=Unit.objects.none(), required=False, label="新的上级单位", empty_label="（顶层单位）"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("unit", "parent"):
            self.fields[name].queryset = units_in_force()

    def run(self, user, **common):
        data = self.cleaned_data
        return changes.move_unit(data["unit"], data["parent"], data["effective_on"], user=user, **common)


CHANGE_FORMS = {form.kind: form for form in (MergeForm, RenameForm, SplitForm, MoveForm)}
