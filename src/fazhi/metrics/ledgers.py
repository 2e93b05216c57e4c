import datetime as dt

from fazhi.core.ledgers import Ledger, registry

from .forms import ObservationForm
from .models import Observation, Source


def sample_observation(unit, marker):
    return Observation.objects.create(
        unit=unit,
        metric="service_items",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        value=12,
        source=Source.MANUAL,
        evidence=f"依据{marker}",
    )


registry.register(
    Ledger(
        model=Observation,
        area="assessment",
        slug="observations",
        columns=["metric", "unit", "period_start", "period_end", "value", "source", "qualifier", "evidence"],
        sort_fields=["id", "period_start", "metric"],
        default_sort="-id",
        filter_fields=["unit", "source", "metric", "period_start", "qualifier"],
        search_fields=["metric", "evidence"],
        form_class=ObservationForm,
        sample=sample_observation,
    )
)
