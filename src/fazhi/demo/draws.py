"""Draws shared by the apps' demo steps: how many rows at a scale, a person's or a company's name, a day of the year."""

import datetime as dt

from . import names
from .generator import DEMO_YEAR, DemoBuilder

YEAR_START, YEAR_END = dt.date(DEMO_YEAR, 1, 1), dt.date(DEMO_YEAR, 12, 31)


def volume(builder: DemoBuilder, full: int, floor: int) -> int:
    return max(floor, round(full * builder.scale))


def structural(builder: DemoBuilder, full: int) -> int:
    """Organisations and people are the city's, not a year's flow: complete from scale 0.05 up."""
    return max(1, round(full * min(builder.scale * 20, 1)))


def person(rng) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choices(names.GIVEN, k=rng.choice([1, 2])))


def company(rng) -> str:
    return f"云川{rng.choice(names.COMPANY_WORDS)}{rng.choice(names.COMPANY_KINDS)}"


def day_in_year(rng, calendar, last=YEAR_END) -> dt.date:
    day = YEAR_START + dt.timedelta(days=rng.randrange((last - YEAR_START).days + 1))
    return calendar.next_workday(day) if calendar.is_rest_day(day) and calendar.next_workday(day) <= last else day
