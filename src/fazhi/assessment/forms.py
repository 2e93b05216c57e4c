"""Forms of the 考核方案 pages. They read what was typed; the steps in rules.py check it against the scheme and
the metric catalogue and refuse what does not fit, so a form is never the only check."""

from django import forms

from fazhi.org.choices import UnitType

from .models import OnMissing, Scheme, SchemeArea, SchemeIndicator
from .schemes import DEFAULT_LABEL, types_text
from .workbook import CellError, parse_rule


class CopyForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    source = forms.ChoiceField(label="复制自")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schemes = Scheme.objects.order_by("-year")
        self.fields["source"].choices = [(str(s.pk), f"{s}（{s.name}，{s.get_status_display()}）") for s in schemes] + [
            ("default", DEFAULT_LABEL)
        ]

    def source_scheme(self):
        source = self.cleaned_data["source"]
        return None if source == "default" else Scheme.objects.get(pk=source)


class SchemeForm(forms.Form):
    name = forms.CharField(label="方案名称", max_length=200)
    code = forms.CharField(label="方案编码", max_length=64, help_text="字母、数字、下划线、连字符和点")
    version = forms.CharField(label="版本", max_length=32)
    document = forms.CharField(label="依据文件", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    applies_to = forms.MultipleChoiceField(
        label="默认适用单位类型",
        choices=UnitType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="指标项未单独指定适用单位类型时，考核这些类型的单位",
    )
    on_missing = forms.ChoiceField(label="缺数据时（默认）", choices=OnMissing.choices)
    green = forms.FloatField(
        label="绿灯线（得分率）", min_value=0, max_value=1, help_text="如 0.85：得分率不低于85%为绿灯"
    )
    yellow = forms.FloatField(
        label="黄灯线（得分率）", min_value=0, max_value=1, help_text="如 0.70：不低于70%为黄灯，其余红灯"
    )


class AreaForm(forms.Form):
    name = forms.CharField(label="一级指标", max_length=200)
    order = forms.IntegerField(label="序号", min_value=0, required=False)


class IndicatorForm(forms.Form):
    area = forms.ModelChoiceField(label="一级指标", queryset=SchemeArea.objects.none())
    name = forms.CharField(label="二级指标", max_length=200)
    order = forms.IntegerField(label="序号", min_value=0, required=False)

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = SchemeArea.objects.filter(scheme=scheme)


class IndicatorChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.area.name} / {obj.name}"


class ItemForm(forms.Form):
    indicator = IndicatorChoice(label="二级指标", queryset=SchemeIndicator.objects.none())
    name = forms.CharField(label="考核内容", max_length=200)
    points = forms.FloatField(label="分值", min_value=0, widget=forms.NumberInput(attrs={"step": "0.5"}))
    rule_text = forms.CharField(
        label="评分规则",
        max_length=500,
        help_text="线性：下限0.6，上限0.95｜分档：≥0.99得100%；≥0.97得70%｜达标：≥1｜定性（单位自评、法治办审核）",
    )
    formula = forms.CharField(
        label="计算公式",
        max_length=500,
        required=False,
        help_text="指标目录中的指标编码与 + - * / ( ) min max，如 online_rate；定性指标不填",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    applies_to = forms.MultipleChoiceField(
        label="适用单位类型", choices=UnitType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    on_missing = forms.ChoiceField(label="缺数据时", required=False)
    guidance = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="佐证材料要求、口径说明等"
    )
    code = forms.CharField(
        label="指标项编码",
        max_length=64,
        required=False,
        help_text="字母开头，字母、数字、下划线；空白则自动生成。单位自评按编码对应指标项",
    )
    order = forms.IntegerField(label="序号", min_value=0, required=False)

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = SchemeIndicator.objects.filter(area__scheme=scheme).select_related("area")
        self.fields["applies_to"].help_text = f"不选：按方案默认（{types_text(scheme.applies_to) or '全部类型'}）"
        self.fields["on_missing"].choices = [
            ("", f"按方案默认（{OnMissing(scheme.on_missing).label}）"),
            *OnMissing.choices,
        ]

    def clean(self):
        data = super().clean()
        if "rule_text" in data:
            try:
                data["rule"] = parse_rule(data["rule_text"], data.get("points"))
            except CellError as error:
                self.add_error("rule_text", str(error))
        return data

    def fields_for_step(self) -> dict:
        data = self.cleaned_data
        return {
            "indicator": data["indicator"],
            "code": data["code"],
            "name": data["name"],
            "points": data["points"],
            "formula": data["formula"],
            "rule": data["rule"],
            "applies_to": data["applies_to"],
            "on_missing": data["on_missing"],
            "guidance": data["guidance"],
            "order": data["order"],
        }


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
