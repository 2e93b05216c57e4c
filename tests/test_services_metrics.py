"""政务服务 metrics on a hand-computed example, own and subtree, with ratios derived from their parts."""

import datetime as dt

import pytest
from django.urls import reverse

from fazhi.metrics.registry import Period, unit_metrics
from fazhi.services import rules
from fazhi.services.choices import Outcome, RatingChannel
from fazhi.services.models import Rating

from .factories import make_application, make_item

YEAR = Period.year(2025)


@pytest.fixture
def ledger(tree):
    town, county = tree["town"], tree["county"]
    a = make_item(town, code="A", statutory=20, promised=5, online_depth=4, visits_required=0)
    b = make_item(town, code="B", statutory=10, promised=0, online_depth=1, visits_required=2, item_type="confirmation")
    c = make_item(county, code="C", statutory=0, promised=0, online_depth=3, visits_required=1)
    make_item(county, code="OLD", effective_to=dt.date(2024, 12, 31))  # not in force in 2025
    gone = make_item(county, code="GONE")
    gone.soft_delete(None, "测试")
    apps = []
    for i, (item, accepted, decided) in enumerate(
        [
            (a, dt.date(2025, 6, 3), dt.date(2025, 6, 10)),  # due 6-10: on time
            (a, dt.date(2025, 6, 3), dt.date(2025, 6, 11)),  # late
            (b, dt.date(2024, 12, 30), dt.date(2025, 1, 2)),  # accepted last year, decided this year
            (c, dt.date(2025, 12, 31), None),  # accepted, not decided
        ]
    ):
        app = make_application(item, number=f"N{i}", received=accepted)
        rules.accept(app, accepted)
        if decided:
            rules.decide(app, decided, Outcome.APPROVED)
        apps.append(app)
    for app, stars, rectified in [(apps[0], 5, None), (apps[1], 1, dt.date(2025, 6, 20)), (apps[2], 2, None)]:
        Rating.objects.create(
            unit=app.unit,
            application=app,
            stars=stars,
            channel=RatingChannel.ONLINE,
            rated_on=app.decided_on,
            rectified_on=rectified,
        )
    return tree


def test_own_metrics_of_a_unit(ledger):
    town = ledger["town"]
    values = unit_metrics(YEAR, [town], subtree=False)[town.pk]
    assert values["service_items"] == 2 and values["licensing_items"] == 1
    assert values["online_rate"] == 0.5 and values["depth4_rate"] == 0.5
    assert values["time_limit_compression_rate"] == pytest.approx((15 / 20 + 10 / 10) / 2)
    assert values["instant_rate"] == 0.5 and values["avg_visits"] == 1 and values["zero_visit_rate"] == 0.5
    assert values["max_one_visit_rate"] == 0.5  # A needs none, B two
    assert values["applications_received"] == 2  # the one accepted in 2024 is not counted
    assert values["applications_completed"] == 3
    assert values["applications_on_time_rate"] == pytest.approx(1 / 3)  # N1 late; N2 was 即办 but took 3 days
    assert values["ratings_total"] == 3 and values["ratings_good"] == 1 and values["ratings_bad"] == 2
    assert values["praise_rate"] == pytest.approx(1 / 3) and values["bad_ratings_rectified_rate"] == 0.5


def test_subtree_totals_and_ratios_from_parts(ledger):
    county, gov, other = ledger["county"], ledger["gov"], ledger["other_county"]
    values = unit_metrics(YEAR, [county, gov, other])
    assert values[county.pk]["service_items"] == 3  # town's 2 + county's 1 in force; deleted and expired excluded
    assert values[county.pk]["time_limit_compression_rate"] == pytest.approx(
        (0.75 + 1.0) / 2
    )  # C has no statutory limit
    assert values[county.pk]["applications_received"] == 3
    assert values[gov.pk]["service_items"] == 3
    assert values[other.pk]["service_items"] == 0 and values[other.pk]["online_rate"] is None


def test_figures_page_shows_the_units_year(ledger, users, client):
    client.force_login(users["unit_admin"])
    page = client.get(reverse("services:figures") + "?year=2025").content.decode()
    assert "测试县人民政府" in page
    assert '<td>政务服务事项数</td><td class="text-end">3</td>' in page
    assert '<td>好评率</td><td class="text-end">33.33%</td>' in page
    chart = client.get(reverse("services:figures") + "?year=2025").context["chart"]
    assert sum(chart["received"]) == 3 and chart["received"][5] == 2 and chart["completed"][0] == 1
