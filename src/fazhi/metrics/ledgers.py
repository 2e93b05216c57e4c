from fazhi.core.ledgers import Ledger, registry

from .forms import ObservationForm
from .models import Observation

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
    )
)
