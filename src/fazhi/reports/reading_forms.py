"""Forms of /reports/read/: uploading published reports, correcting a figure, a reading's unit and year."""

from django import forms
from django.utils import timezone

from fazhi.metrics.catalogue import catalogue
from fazhi.org.models import Unit

from .reader.loaders import FORMATS, MAX_FILE_BYTES
from .reader.model import QUALIFIER_NAMES
from .reading_models import SCOPE_NAMES

FIRST_YEAR = 2019  # the year the annual report became a duty (督察工作规定)
MAX_FILES = 200


def year_options():
    return [(year, f"{year}年") for year in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def metric_options():
    by_family = {}
    for metric in catalogue().metrics.values():
        if not metric.internal:
            by_family.setdefault(metric.family, []).append((metric.code, metric.name))
    return [(catalogue().families.get(family, family), codes) for family, codes in by_family.items()]


QUALIFIER_OPTIONS = [("", "确数")] + [(code, name) for code, name in QUALIFIER_NAMES.items() if code]
SCOPE_OPTIONS = list(SCOPE_NAMES.items())


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(FORMATS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        items = [item for item in items if item]
        if not items:
            raise forms.ValidationError("请选择要读取的报告文件")
        if len(items) > MAX_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES} 个文件")
        problems = []
        for item in items:
            suffix = "." + item.name.rsplit(".", 1)[-1].lower() if "." in item.name else ""
            if suffix not in FORMATS:
                problems.append(f"“{item.name}”的格式不能读取（可读取 .txt、.docx、.html、.pdf）")
            elif not item.size:
                problems.append(f"“{item.name}”是空文件")
            elif item.size > MAX_FILE_BYTES:
                problems.append(f"“{item.name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像一份年度报告")
        if problems:
            raise forms.ValidationError(problems)
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name + ("（已撤销）" if obj.valid_to else "")


class UploadForm(forms.Form):
    files = MultipleFileField(label="报告文件", help_text="可一次选择多个文件（.docx、.pdf、.txt、.html）")
    unit = UnitChoiceField(label="报告单位", queryset=Unit.objects.none())
    year = forms.TypedChoiceField(
        label="报告年度", coerce=int, required=False, empty_value=None, help_text="不选则按报告标题中的年度"
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("path")
        self.fields["year"].choices = [("", "按报告标题识别")] + year_options()
        for name in ("unit", "year"):
            self.fields[name].widget.attrs["class"] = "form-select"


class SettingsForm(forms.Form):
    unit = UnitChoiceField(label="报告单位", queryset=Unit.objects.none())
    year = forms.TypedChoiceField(label="报告年度", coerce=int)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).order_by("path")
        self.fields["year"].choices = year_options()
        for name in ("unit", "year"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"


class CorrectForm(forms.Form):
    metric = forms.ChoiceField(label="指标")
    value = forms.CharField(label="数值", max_length=40, help_text="比率填百分数（如 95），金额以万元计")
    qualifier = forms.ChoiceField(label="限定", choices=QUALIFIER_OPTIONS, required=False)
    scope = forms.ChoiceField(label="范围", choices=SCOPE_OPTIONS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = metric_options()
