"""系统管理 → 工作日历: where each year's holidays come from, a year's month grid, and the form that enters the
State Council's notice for a year (with a preview before saving and the moved deadlines listed after).

Every signed-in user may look; only the system administrator enters or changes a year.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from fazhi.law.arrangements import (
    FIRST_YEAR,
    LAST_YEAR,
    as_override,
    clean_arrangement,
    holidays_text,
    statutory_holidays,
)
from fazhi.law.calendar import PACKAGE_YEARS, SOURCES, WorkCalendar, default_calendar
from fazhi.law.holidays import reminder_from, rules_for
from fazhi.law.models import HolidayArrangement
from fazhi.org.choices import Role

from .calendar import enter_arrangement, reason_for
from .views import SECTIONS

SECTIONS.append(
    (
        (
            "工作日历",
            "system:calendar",
            "各年度节假日和调休上班日：录入国务院办公厅的年度通知；未录入的年度暂按法定节假日",
        ),
        {Role.SYSADMIN, Role.UNIT_ADMIN},
    )
)

KIND_NAMES = {"holiday": "放假", "makeup": "调休上班", "weekend": "周末", "workday": "工作日"}


def today() -> dt.date:
    return timezone.localdate()


def missing_next_year(user, on: dt.date | None = None) -> int | None:
    """The next year, when `user` is the system administrator, the reminder date of this year has come and the
    next year is still on the provisional calendar; else None."""
    if getattr(user, "role", None) != Role.SYSADMIN:
        return None
    on = on or today()
    if on < reminder_from(on.year):
        return None
    return on.year + 1 if default_calendar().is_provisional(on.year + 1) else None


class ArrangementForm(forms.Form):
    title = forms.CharField(
        label="通知标题", max_length=200, required=False, help_text="如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    number = forms.CharField(label="文号", max_length=100, required=False, help_text="如：国办发明电〔2026〕7号")
    published_on = forms.DateField(
        label="发布日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    holidays = forms.CharField(
        label="放假安排",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一段：名称 起始日期 至 结束日期，如“春节 2027-02-05 至 2027-02-11”；只放一天的写一个日期",
    )
    workdays = forms.CharField(
        label="调休上班日期",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="通知中需要上班的周六、周日，用空格、逗号或换行分隔，如“2027-02-14 2027-02-20”",
    )

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.arrangement = clean_arrangement(
                self.year,
                data.get("title", ""),
                data.get("number", ""),
                data.get("published_on"),
                data.get("holidays", ""),
                data.get("workdays", ""),
            )
        except ValidationError as error:
            for name, errors in error.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        return data


def month_grid(calendar: WorkCalendar, year: int) -> list[dict]:
    """Twelve months, each a list of weeks (Monday first) of (day, kind) or None outside the month."""
    months = []
    for month in range(1, 13):
        weeks = []
        for week in month_calendar.Calendar().monthdatescalendar(year, month):
            weeks.append([(day, calendar.day_kind(day)) if day.month == month else None for day in week])
        months.append({"month": month, "weeks": weeks})
    return months


def year_rows(calendar: WorkCalendar) -> list[dict]:
    entered = {row.year: row for row in HolidayArrangement.objects.select_related("entered_by")}
    this_year = today().year
    years = set(entered) | {this_year - 1, this_year, this_year + 1, this_year + 2}
    return [
        {
            "year": year,
            "source": calendar.source(year),
            "source_display": SOURCES[calendar.source(year)],
            "arrangement": entered.get(year),
        }
        for year in sorted(years, reverse=True)
        if year >= min(PACKAGE_YEARS) or year in entered
    ]


@login_required
def calendar_list(request):
    calendar = default_calendar()
    return render(
        request,
        "system/calendar/list.html",
        {
            "rows": year_rows(calendar),
            "can_edit": request.user.role == Role.SYSADMIN,
            "package_range": (min(PACKAGE_YEARS), max(PACKAGE_YEARS)),
            "missing_year": missing_next_year(request.user),
            "sources": SOURCES,
        },
    )


@login_required
def calendar_year(request, year: int):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("年份超出范围")
    can_edit = request.user.role == Role.SYSADMIN
    arrangement = HolidayArrangement.objects.filter(year=year).select_related("entered_by").first()
    calendar = default_calendar()
    preview, entered, status = None, None, 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有系统管理员可以录入节假日安排")
        form = ArrangementForm(request.POST, year=year)
        if not form.is_valid():
            status = 400
        elif request.POST.get("preview"):
            overrides = {**calendar.overrides, year: as_override(HolidayArrangement(**form.arrangement))}
            preview = WorkCalendar(
                overrides=overrides,
                makeup_days_are_workdays=calendar.makeup_days_are_workdays,
                roll_end_over_rest_days=calendar.roll_end_over_rest_days,
            )
        else:
            entered = enter_arrangement(form.arrangement, request.user)
            arrangement, calendar = entered.arrangement, default_calendar()
            messages.success(
                request,
                f"已录入{year}年节假日安排（{arrangement.number}）。重新计算了{len(entered.moved)}项期限，"
                "每条记录都留有变更记录，经办人已收到通知。",
            )
            form = ArrangementForm(initial=_initial(arrangement, year), year=year)
    else:
        form = ArrangementForm(initial=_initial(arrangement, year), year=year)
    shown = preview or calendar
    source = calendar.source(year)
    rules = rules_for(year)
    history = arrangement.history.select_related("history_user").order_by("-history_date") if arrangement else []
    return render(
        request,
        "system/calendar/year.html",
        {
            "year": year,
            "arrangement": arrangement,
            "source": source,
            "source_display": SOURCES[source],
            "rules": rules,
            "form": form,
            "can_edit": can_edit,
            "preview": preview is not None,
            "months": month_grid(shown, year),
            "kind_names": KIND_NAMES,
            "entered": entered,
            "history": history,
            "reason": reason_for(year),
        },
        status=status,
    )


def _initial(arrangement, year: int) -> dict:
    if arrangement is not None:
        return {
            "title": arrangement.title,
            "number": arrangement.number,
            "published_on": arrangement.published_on,
            "holidays": holidays_text(arrangement.holidays),
            "workdays": " ".join(arrangement.workdays),
        }
    return {"holidays": holidays_text(statutory_holidays(year))}
