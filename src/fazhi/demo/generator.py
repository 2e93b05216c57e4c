"""The demo city: a deterministic, invented 云川市 with its units, users and a year of ledger data.

`--scale 1` produces the volumes of a real city (about 3,000 service items, 1,000,000 applications and
200,000 ratings a year); smaller scales shrink the ledgers, never the unit tree.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from fazhi.core.identifiers import id_check_char, uscc_check_char
from fazhi.law.calendar import default_calendar
from fazhi.org.choices import Role, UnitLevel, UnitType
from fazhi.org.models import Region, Unit, User
from fazhi.services.choices import (
    ApplicantType, ApplicationStatus, Channel, ItemType, OnlineDepth, Outcome, RatingChannel,
)
from fazhi.services.models import Application, Rating, ServiceItem

from . import names

DEMO_PASSWORD = "fazhi-demo-2026"
DEMO_YEAR = 2025
BATCH = 5000


@dataclass
class DemoCity:
    government: Unit
    departments: list[Unit]
    counties: list[Unit]
    zones: list[Unit]
    others: list[Unit]
    towns: list[Unit]

    @property
    def service_units(self) -> list[Unit]:
        return self.departments + self.counties + self.zones


def person_id(rng: random.Random, region_code: str) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    body = f"{region_code}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + id_check_char(body)


def entity_code(rng: random.Random, region_code: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region_code + "".join(rng.choice(alphabet) for _ in range(9))
    return body + uscc_check_char(body)


class DemoBuilder:
    def __init__(self, seed: int = 2026, scale: float = 0.05, log=print):
        self.rng = random.Random(seed)
        self.scale = scale
        self.log = log

    # -- units and users ------------------------------------------------------------------------------
    @transaction.atomic
    def build_org(self) -> DemoCity:
        province = Region.objects.create(code=names.PROVINCE[0], name=names.PROVINCE[1])
        city_region = Region.objects.create(code=names.CITY[0], name=names.CITY[1], parent=province)
        government = Unit.objects.create(
            code="YC", name=f"{names.CITY[1]}人民政府", unit_type=UnitType.GOVERNMENT, level=UnitLevel.CITY, region=city_region,
        )
        departments = [
            Unit.objects.create(
                code=f"YC-D{i:02d}", name=f"{names.CITY[1]}{name}", short_name=name, unit_type=UnitType.DEPARTMENT,
                level=UnitLevel.CITY, region=city_region, parent=government, sort_order=i,
            )
            for i, name in enumerate(names.DEPARTMENTS, 1)
        ]
        counties, towns, stems = [], [], list(names.TOWN_STEMS)
        for i, (code, name) in enumerate(names.COUNTIES, 1):
            region = Region.objects.create(code=code, name=name, parent=city_region)
            county = Unit.objects.create(
                code=f"YC-C{i:02d}", name=f"{name}人民政府", short_name=name, unit_type=UnitType.COUNTY,
                level=UnitLevel.COUNTY, region=region, parent=government, sort_order=100 + i,
            )
            counties.append(county)
            self.rng.shuffle(stems)
            for j, stem in enumerate(stems[: 3 + i % 3], 1):
                suffix = "街道办事处" if name.endswith("区") else "镇人民政府"
                towns.append(Unit.objects.create(
                    code=f"{county.code}-T{j:02d}", name=f"{name}{stem}{suffix}", short_name=f"{stem}{suffix[:2]}",
                    unit_type=UnitType.TOWN, level=UnitLevel.TOWNSHIP, region=region, parent=county, sort_order=j,
                ))
        zones = []
        for i, name in enumerate(names.ZONES, 1):
            zone = Unit.objects.create(
                code=f"YC-Z{i:02d}", name=f"{name}管理委员会", short_name=name, unit_type=UnitType.ZONE,
                level=UnitLevel.COUNTY, region=city_region, parent=government, sort_order=200 + i,
            )
            zones.append(zone)
            for j, stem in enumerate(names.TOWN_STEMS[i: i + 2], 1):
                towns.append(Unit.objects.create(
                    code=f"{zone.code}-T{j:02d}", name=f"{name}{stem}街道办事处", short_name=f"{stem}街道",
                    unit_type=UnitType.TOWN, level=UnitLevel.TOWNSHIP, region=city_region, parent=zone, sort_order=j,
                ))
        others = [
            Unit.objects.create(
                code=f"YC-O{i:02d}", name=name, unit_type=UnitType.OTHER, level=UnitLevel.CITY, region=city_region,
                parent=government, sort_order=300 + i,
            )
            for i, name in enumerate(names.OTHER_BODIES, 1)
        ]
        city = DemoCity(government, departments, counties, zones, others, towns)
        self.build_users(city)
        return city

    def build_users(self, city: DemoCity) -> list[User]:
        justice = next(u for u in city.departments if u.short_name == "司法局")
        market = next(u for u in city.departments if u.short_name == "市场监督管理局")
        specs = [
            ("admin", "系统管理员", Role.SYSADMIN, None),
            ("fzb", "依法治市办 周敏", Role.OFFICE, justice),
            ("county_admin", f"{city.counties[0].short_name}法治办 陈晨", Role.UNIT_ADMIN, city.counties[0]),
            ("clerk", f"{market.short_name} 李娜", Role.CLERK, market),
            ("leader", f"{city.counties[0].short_name}分管领导 王强", Role.LEADER, city.counties[0]),
        ]
        users = []
        for username, full_name, role, unit in specs:
            user = User(username=username, full_name=full_name, role=role, unit=unit)
            if role == Role.SYSADMIN:
                user.is_staff = user.is_superuser = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            users.append(user)
        return users

    # -- 政务服务 --------------------------------------------------------------------------------------
    def build_services(self, city: DemoCity) -> None:
        rng, calendar = self.rng, default_calendar()
        units = city.service_units
        item_count = max(len(units) * 2, round(3000 * min(self.scale * 20, 1)))
        items = []
        for i in range(item_count):
            unit = units[i % len(units)]
            statutory = rng.choice([0, 5, 10, 15, 20, 20, 20, 30, 45, 60])
            promised = 0 if statutory == 0 or rng.random() < 0.12 else max(1, round(statutory * rng.uniform(0.28, 0.5)))
            tolerance = rng.random() < 0.2
            items.append(ServiceItem(
                unit=unit, code=f"{unit.code}-{i:05d}",
                name=f"{rng.choice(names.SERVICE_ITEM_NAMES)}（{unit.short_name or unit.name}第{i // len(units) + 1}项）",
                item_type=rng.choices(list(ItemType.values), weights=[40, 12, 8, 2, 3, 3, 12, 20])[0],
                legal_basis="《中华人民共和国行政许可法》及相关法律法规", statutory_limit=statutory, promised_limit=promised,
                online_depth=rng.choices(list(OnlineDepth.values), weights=[3, 10, 45, 42])[0],
                visits_required=rng.choices([0, 1, 2], weights=[70, 27, 3])[0],
                tolerance_allowed=tolerance, tolerance_documents="身份证明复印件" if tolerance else "",
                commitment_allowed=rng.random() < 0.15, cross_province=rng.random() < 0.05,
                effective_from=dt.date(2023, 1, 1),
            ))
        ServiceItem.objects.bulk_create(items, batch_size=BATCH)
        items = list(ServiceItem.objects.order_by("id"))
        self.log(f"政务服务事项：{len(items)} 项")

        total = round(1_000_000 * self.scale)
        weights = [rng.paretovariate(1.2) for _ in items]
        year_start = dt.date(DEMO_YEAR, 1, 1)
        today_limit = dt.date(DEMO_YEAR, 12, 31)
        region_code = names.CITY[0]
        ratings_left = round(200_000 * self.scale)
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
                    unit_id=item.unit_id, item=item, number=f"YC{DEMO_YEAR}{made:08d}",
                    applicant_type=ApplicantType.PERSON if person else ApplicantType.ENTITY,
                    applicant_name=(rng.choice(names.SURNAMES) + "".join(rng.choices(names.GIVEN, k=rng.choice([1, 2]))))
                    if person else f"云川{rng.choice(names.COMPANY_WORDS)}{rng.choice(names.COMPANY_KINDS)}",
                    applicant_id_number=person_id(rng, region_code) if person else entity_code(rng, region_code),
                    channel=rng.choices(list(Channel.values), weights=[62, 33, 5])[0],
                    received_on=received,
                )
                if rng.random() < 0.015:
                    app.status = ApplicationStatus.NOT_ACCEPTED
                else:
                    app.accepted_on = received
                    app.tolerance_acceptance = item.tolerance_allowed and rng.random() < 0.1
                    app.commitment_acceptance = item.commitment_allowed and rng.random() < 0.3
                    app.due_on = calendar.add_workdays(received, item.promised_limit)
                    spent = item.promised_limit if rng.random() > 0.02 else item.promised_limit + rng.randint(1, 5)
                    decided = calendar.add_workdays(received, rng.randint(0, spent) if spent else 0)
                    if decided <= today_limit and rng.random() > 0.01:
                        app.decided_on = decided
                        app.status = ApplicationStatus.DECIDED
                        app.outcome = Outcome.APPROVED if rng.random() > 0.03 else Outcome.DENIED
                        app.on_time = decided <= app.due_on
                    else:
                        app.status = ApplicationStatus.ACCEPTED
                applications.append(app)
            Application.objects.bulk_create(applications, batch_size=BATCH)
            rated = [a for a in applications if a.status == ApplicationStatus.DECIDED and rng.random() < 0.2]
            rated = rated[:ratings_left]
            ratings_left -= len(rated)
            ratings = []
            for app in rated:
                stars = rng.choices([5, 4, 3, 2, 1], weights=[930, 45, 15, 6, 4])[0]
                rated_on = min(app.decided_on + dt.timedelta(days=rng.randint(0, 3)), today_limit)
                rating = Rating(unit_id=app.unit_id, application=app, stars=stars,
                                channel=rng.choice(list(RatingChannel.values)), rated_on=rated_on)
                if stars <= 2:
                    rating.comment = rng.choice(["等候时间较长", "材料要求说明不清", "窗口人员态度需改进", "系统操作不便"])
                    rating.rectification_due_on = calendar.add_workdays(rated_on, 5)
                    if rng.random() < 0.9:
                        rating.rectified_on = calendar.add_workdays(rated_on, rng.randint(1, 5))
                ratings.append(rating)
            Rating.objects.bulk_create(ratings, batch_size=BATCH)
            self.log(f"办件：{made}/{total}")

    def build(self) -> DemoCity:
        city = self.build_org()
        with transaction.atomic():
            self.build_services(city)
        return city
