from django import forms

from .models import Observation, metric_choices


class ObservationForm(forms.ModelForm):
    """Manual entry: a metric of the catalogue, chosen by its Chinese name."""

    metric = forms.ChoiceField(label="指标", choices=metric_choices)

    class Meta:
        model = Observation
        fields = ["unit", "metric", "period_start", "period_end", "value", "qualifier", "evidence"]
