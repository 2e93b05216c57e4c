"""The report's heading as the rules and the unit give it: title, 主送, 落款 and a proposed 成文日期.

Pure functions of the unit and the year (no database writes). The office edits any of them; a blank field is
filled on save, so the record shows what the document will print.
"""

from __future__ import annotations

import datetime as dt

from fazhi.org.choices import UnitType

from .deadlines import publication_due, submission_due

# The 成文日期 is proposed this many days before the first deadline the report faces, leaving time to print,
# sign and send it; a placeholder the office replaces with the real date.
ISSUE_LEAD_DAYS = 10


def default_title(unit, year: int) -> str:
    return f"{unit.name}关于{year}年度法治政府建设情况的报告"


def default_issuer(unit) -> str:
    return unit.name


def default_recipient(unit) -> str:
    """Whom the report goes to (督察工作规定 and the provincial guidelines restating its reporting chain).

    A department (or a 功能区, a town) reports to the Party committee and government over it, which sit in its
    own region; a county's or a city's government to those of the region above.
    """
    region = unit.region
    if unit.unit_type in (UnitType.GOVERNMENT, UnitType.COUNTY):
        region = region.parent
        if region is None:
            return "省委、省政府："
    return f"中共{region.name}委员会、{region.name}人民政府："


def default_issue_date(unit, year: int) -> dt.date:
    first_due = submission_due(unit.unit_type, year) or publication_due(year)
    return first_due - dt.timedelta(days=ISSUE_LEAD_DAYS)


def fill_blank_heading(report) -> None:
    unit = report.unit
    report.title = report.title or default_title(unit, report.year)
    report.recipient = report.recipient or default_recipient(unit)
    report.issuer = report.issuer or default_issuer(unit)
    report.issue_date = report.issue_date or default_issue_date(unit, report.year)
