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
from fazhi.core.maintenance import refresh_statistics
from fazhi.org.choices import Role, UnitLevel, UnitType
from fazhi.org.models import Region, Unit, User

from . import names

DEMO_PASSWORD = "fazhi-demo-2026"
DEMO_YEAR = 2025
BATCH = 5000


@dataclass(frozen=True)
class DemoStep:
    title: str
    order: int
    function: object  # function(city: DemoCity, builder: DemoBuilder)


DEMO_STEPS: list[DemoStep] = []


def demo_step(title: str, order: int):
    """Register a ledger app's part of the demo city (in the app's demo.py, discovered at start-up)."""

    def register(function):
        DEMO_STEPS.append(DemoStep(title, order, function))
        return function

    return register


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
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("demo")
        self.rng = random.Random(seed)
        self.scale = scale
        self.log = log

    # -- units and users ------------------------------------------------------------------------------
    @transaction.atomic
    def build_org(self) -> DemoCity:
        province = Region.objects.create(code=names.PROVINCE[0], name=names.PROVINCE[1])
        city_region = Region.objects.create(code=names.CITY[0], name=names.CITY[1], parent=province)
        government = Unit.objects.create(
            code="YC",
            name=f"{names.CITY[1]}人民政府",
            unit_type=UnitType.GOVERNMENT,
            level=UnitLevel.CITY,
            region=city_region,
        )
        departments = [
            Unit.objects.create(
                code=f"YC-D{i:02d}",
                name=f"{names.CITY[1]}{name}",
                short_name=name,
                unit_type=UnitType.DEPARTMENT,
                level=UnitLevel.CITY,
                region=city_region,
                parent=government,
                sort_order=i,
            )
            for i, name in enumerate(names.DEPARTMENTS, 1)
        ]
        counties, towns, stems = [], [], list(names.TOWN_STEMS)
        for i, (code, name) in enumerate(names.COUNTIES, 1):
            region = Region.objects.create(code=code, name=name, parent=city_region)
            county = Unit.objects.create(
                code=f"YC-C{i:02d}",
                name=f"{name}人民政府",
                short_name=name,
                unit_type=UnitType.COUNTY,
                level=UnitLevel.COUNTY,
                region=region,
                parent=government,
                sort_order=100 + i,
            )
            counties.append(county)
            self.rng.shuffle(stems)
            for j, stem in enumerate(stems[: 3 + i % 3], 1):
                suffix = "街道办事处" if name.endswith("区") else "镇人民政府"
                towns.append(
                    Unit.objects.create(
                        code=f"{county.code}-T{j:02d}",
                        name=f"{name}{stem}{suffix}",
                        short_name=f"{stem}{suffix[:2]}",
                        unit_type=UnitType.TOWN,
                        level=UnitLevel.TOWNSHIP,
                        region=region,
                        parent=county,
                        sort_order=j,
                    )
                )
        zones = []
        for i, name in enumerate(names.ZONES, 1):
            zone = Unit.objects.create(
                code=f"YC-Z{i:02d}",
                name=f"{name}管理委员会",
                short_name=name,
                unit_type=UnitType.ZONE,
                level=UnitLevel.COUNTY,
                region=city_region,
                parent=government,
                sort_order=200 + i,
            )
            zones.append(zone)
            for j, stem in enumerate(names.TOWN_STEMS[i : i + 2], 1):
                towns.append(
                    Unit.objects.create(
                        code=f"{zone.code}-T{j:02d}",
                        name=f"{name}{stem}街道办事处",
                        short_name=f"{stem}街道",
                        unit_type=UnitType.TOWN,
                        level=UnitLevel.TOWNSHIP,
                        region=city_region,
                        parent=zone,
                        sort_order=j,
                    )
                )
        others = [
            Unit.objects.create(
                code=f"YC-O{i:02d}",
                name=name,
                unit_type=UnitType.OTHER,
                level=UnitLevel.CITY,
                region=city_region,
                parent=government,
                sort_order=300 + i,
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

    def build(self) -> DemoCity:
        city = self.build_org()
        for step in sorted(DEMO_STEPS, key=lambda s: s.order):
            self.log(f"生成{step.title}…")
            with transaction.atomic():
                step.function(city, self)
        refresh_statistics()
        return city
