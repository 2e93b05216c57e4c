"""The demo city's 政务服务: about 3,000 items, 1,000,000 applications and 200,000 ratings at scale 1."""

import datetime as dt

from fazhi.core import partitions
from fazhi.demo import names
from fazhi.demo.generator import BATCH, DEMO_YEAR, DemoBuilder, DemoCity, demo_step, entity_code, person_id
from fazhi.law.calendar import default_calendar

from .cards import backfill_cards
from .choices import ApplicantType, ApplicationStatus, Channel, ItemType, OnlineDepth, Outcome, RatingChannel
from .deadlines import derive_application, derive_rating
from .models import Application, Rating, ServiceItem


@demo_step("政务服务台账", order=10)
def build_services(city: DemoCity, builder: DemoBuilder) -> None:
    rng, calendar, log = builder.rng, default_calendar(), builder.log
    units = city.service_units
    item_count = max(len(units) * 2, round(3000 * min(builder.scale * 20, 1)))
    items = []
    for i in range(item_count):
        unit = units[i % len(units)]
        statutory = rng.choice([0, 5, 10, 15, 20, 20, 20, 30, 45, 60])
        promised = 0 if statutory == 0 or rng.random() < 0.12 else max(1, round(statutory * rng.uniform(0.28, 0.5)))
        tolerance = rng.random() < 0.2
        owner = unit.short_name or unit.name
        items.append(
            ServiceItem(
                unit=unit,
                code=f"{unit.code}-{i:05d}",
                name=f"{rng.choice(names.SERVICE_ITEM_NAMES)}（{owner}第{i // len(units) + 1}项）",
                item_type=rng.choices(list(ItemType.values), weights=[40, 12, 8, 2, 3, 3, 12, 20])[0],
                legal_basis="《中华人民共和国行政许可法》及相关法律法规",
                statutory_limit=statutory,
                promised_limit=promised,
                online_depth=rng.choices(list(OnlineDepth.values), weights=[3, 10, 45, 42])[0],
                visits_required=rng.choices([0, 1, 2], weights=[70, 27, 3])[0],
                tolerance_allowed=tolerance,
                tolerance_documents="身份证明复印件" if tolerance else "",
                commitment_allowed=rng.random() < 0.15,
                cross_province=rng.random() < 0.05,
                effective_from=dt.date(2023, 1, 1),
            )
        )
    ServiceItem.objects.bulk_create(items, batch_size=BATCH)
    items = list(ServiceItem.objects.order_by("id"))
    log(f"政务服务事项：{len(items)} 项")

    # PostgreSQL: the year's own partitions (ratings may fall in the next year), not the default ones.
    partitions.ensure([DEMO_YEAR, DEMO_YEAR + 1])
    total = round(1_000_000 * builder.scale)
    weights = [rng.paretovariate(1.2) for _ in items]
    year_start = dt.date(DEMO_YEAR, 1, 1)
    today_limit = dt.date(DEMO_YEAR, 12, 31)
    region_code = names.CITY[0]
    ratings_left = round(200_000 * builder.scale)
    made = 0
    while made < total:
        batch_items = rng.choices(items, weights=weights, k=min(BATCH, total - made))
        applications = []
        for item in batch_items:
            made += 1
            received = year_start + dt.timedelta(days=rng.randrange(365))
            if calendar.is_rest_day(received) and rng.random() < 0.9:
                received = calendar.next_workday(received)
            person = rng.random() < 0.7
            app = Application(
                unit_id=item.unit_id,
                item=item,
                number=f"YC{DEMO_YEAR}{made:08d}",
                applicant_type=ApplicantType.PERSON if person else ApplicantType.ENTITY,
                applicant_name=(rng.choice(names.SURNAMES) + "".join(rng.choices(names.GIVEN, k=rng.choice([1, 2]))))
                if person
                else f"云川{rng.choice(names.COMPANY_WORDS)}{rng.choice(names.COMPANY_KINDS)}",
                applicant_id_number=person_id(rng, region_code) if person else entity_code(rng, region_code),
                channel=rng.choices(list(Channel.values), weights=[62, 33, 5])[0],
                received_on=received,
            )
            if rng.random() < 0.015:
                app.status = ApplicationStatus.NOT_ACCEPTED
                app.decided_on = calendar.add_workdays(received, rng.randint(0, 5))
            else:
                app.accepted_on = received
                app.tolerance_acceptance = item.tolerance_allowed and rng.random() < 0.1
                app.commitment_acceptance = item.commitment_allowed and rng.random() < 0.3
                spent = item.promised_limit if rng.random() > 0.02 else item.promised_limit + rng.randint(1, 5)
                decided = calendar.add_workdays(received, rng.randint(0, spent) if spent else 0)
                if decided <= today_limit and rng.random() > 0.01:
                    app.decided_on = decided
                    app.status = ApplicationStatus.DECIDED
                    app.outcome = Outcome.APPROVED if rng.random() > 0.03 else Outcome.DENIED
                else:
                    app.status = ApplicationStatus.ACCEPTED
                derive_application(app, item.promised_limit, (), calendar)
            applications.append(app)
        Application.objects.bulk_create(applications, batch_size=BATCH)
        rated = [a for a in applications if a.status == ApplicationStatus.DECIDED and rng.random() < 0.2]
        rated = rated[:ratings_left]
        ratings_left -= len(rated)
        ratings = []
        for app in rated:
            stars = rng.choices([5, 4, 3, 2, 1], weights=[930, 45, 15, 6, 4])[0]
            rated_on = min(app.decided_on + dt.timedelta(days=rng.randint(0, 3)), today_limit)
            rating = Rating(
                unit_id=app.unit_id,
                application=app,
                stars=stars,
                channel=rng.choice(list(RatingChannel.values)),
                rated_on=rated_on,
            )
            if stars <= 2:
                rating.comment = rng.choice(["等候时间较长", "材料要求说明不清", "窗口人员态度需改进", "系统操作不便"])
                derive_rating(rating)
                if rng.random() < 0.9:
                    rating.rectified_on = calendar.add_workdays(rated_on, rng.randint(1, 5))
            ratings.append(rating)
        Rating.objects.bulk_create(ratings, batch_size=BATCH)
        log(f"办件：{made}/{total}")
    cards = backfill_cards(year_start, today_limit)
    log(f"电子监察：黄牌{cards['yellow']}张，红牌{cards['red']}张")
