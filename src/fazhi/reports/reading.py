"""Published reports read in the browser (issue 19): the steps behind /reports/read/.

- `store_upload` keeps an uploaded file (fazhi.jobs.files) and `read_stored` reads it: the reader's findings, the
  text its offsets point into, the boilerplate score against the reports read before; `create_reading` makes the
  rows, `fill_reading` fills a queued one (the task `reading_tasks.read_upload` does, for a batch).
- `confirm`, `correct`, `reject`, `confirm_all`: the office's decision on a figure, with history; after each,
  `sync_observations` makes the observation store hold exactly the reading's accepted figures of its unit's own
  total for its unit and year (source "report"): written once, replaced when corrected, withdrawn when rejected.
- `gold_line`: the decisions as a line of the gold format (`../shared/reports/gold.jsonl`), which
  `fazhi reports eval` reads: the office's corrections become evaluation data.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.steps import step
from fazhi.jobs import files
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period
from fazhi.metrics.store import import_report_facts, withdraw_observations

from .reader import ReaderError
from .reader.model import REQUIRED_SECTIONS
from .reading_models import ReadFigure, ReportReading

FOLDER = "readings"
GOLD_KEYS = ("file", "region", "level", "year", "required_sections", "facts")
FACT_KEYS = ("metric", "value", "qualifier", "scope", "quote")
COMPARED_AT_MOST = 500  # reports the boilerplate score compares a new one with (the latest read)


class NotAReport(ReaderError):
    pass


def store_upload(upload) -> str:
    return files.save_upload(upload, FOLDER)


def read_stored(name: str, original_name: str, year: int | None = None) -> tuple:
    """The reader's findings for a stored file, and the prepared text. Raises ReaderError, in Chinese, for a
    file that cannot be read or is no 法治政府建设 report."""
    from .reader.core import read_prepared
    from .reader.loaders import file_text

    with files.local_path(name) as path:
        try:
            text = file_text(path)
        except ReaderError as error:
            # The stored name is random: the message speaks of the name the file was uploaded under.
            raise ReaderError(str(error).replace(path.name, original_name)) from None
    found, norm = read_prepared(text, filename=original_name, year=year)
    if "法治" not in norm or not (any(found.required_sections.values()) or found.facts):
        raise NotAReport(
            f"文件“{original_name}”不像法治政府建设年度报告：没有找到报告的必备内容，也没有读出任何指标数据"
        )
    return found, norm


def _boilerplate(found, exclude_pk=None) -> tuple[float | None, list[dict], int]:
    """The share of the report's sentences found nearly the same in the reports read before, its closest
    reports, and how many were compared."""
    from .reader.similarity import corpus_similarity
    from .reader.text import sentence_spans

    others = list(
        ReportReading.objects.filter(status=ReportReading.Status.READ)
        .exclude(pk=exclude_pk)
        .order_by("-pk")
        .values_list("pk", "text")[:COMPARED_AT_MOST]
    )
    if not others:
        return None, [], 0
    documents = [found.sentences]
    for _, text in others:
        documents.append([text[a:b] for a, b in sentence_spans(text) if b - a >= 8])
    result = corpus_similarity(documents)
    similar = [{"reading": others[j - 1][0], "similarity": round(v, 4)} for j, v in result.neighbours[0] if j]
    return round(result.boilerplate[0], 4), similar[:5], len(others)


def _span(norm: str, offset: int, raw: str) -> tuple[int, int]:
    """Where the figure stands in the text: at its offset, else the nearest occurrence of its words."""
    raw = raw.strip()
    if not raw:
        return offset, offset
    if norm.startswith(raw, offset):
        return offset, offset + len(raw)
    near = norm.find(raw, max(0, offset - 50))
    if near != -1 and abs(near - offset) < 200:
        return near, near + len(raw)
    return offset, min(len(norm), offset + len(raw))


def _figure_rows(reading: ReportReading, found, norm: str) -> list[ReadFigure]:
    rows = []
    facts = [(True, f) for f in found.facts] + [(False, f) for f in found.unmapped]
    facts.sort(key=lambda pair: (pair[1].offset, not pair[0]))
    for position, (mapped, fact) in enumerate(facts, 1):
        start, end = _span(norm, fact.offset, fact.raw)
        rows.append(
            ReadFigure(
                reading=reading,
                position=position,
                start=start,
                end=end,
                mapped=mapped and bool(fact.metric),
                metric=fact.metric or "",
                value=fact.value,
                value_max=fact.value_max,
                qualifier=fact.qualifier or "",
                scope=fact.scope or "self",
                raw=fact.raw[:300],
                quote=fact.quote,
                label=(fact.label or "")[:300],
                section=fact.section or "",
                year=fact.year,
                note=(fact.note or "")[:300],
            )
        )
    return rows


def _fill(reading: ReportReading, found, norm: str, year: int | None) -> None:
    boilerplate, similar, compared = _boilerplate(found, exclude_pk=reading.pk)
    result = found.to_dict(unmapped=False)
    result["file"] = reading.original_name
    result["similar_readings"] = similar
    reading.year = year or found.year
    reading.title = (found.title or "")[:300]
    reading.region = (found.region or "")[:100]
    reading.level = (found.level or "")[:40]
    reading.detected_unit = (found.unit or "")[:200]
    reading.result = json.loads(json.dumps(result, ensure_ascii=False, default=str))
    reading.text = norm
    reading.boilerplate = boilerplate
    reading.compared_with = compared
    reading.status = ReportReading.Status.READ
    reading.error = ""
    reading.figures.all().delete()
    ReadFigure.objects.bulk_create(_figure_rows(reading, found, norm))


def create_reading(upload, unit, year: int | None, user) -> ReportReading:
    """Store an uploaded report, read it now and keep the reading. A file that cannot be read, or is no report,
    raises ReaderError (in Chinese) and nothing is stored; so does a report whose year is neither chosen nor
    found in its title."""
    name = store_upload(upload)
    try:
        found, norm = read_stored(name, upload.name, year)
        if not (year or found.year):
            raise ReaderError(f"未能从“{upload.name}”的标题识别报告年度，请选择报告年度")
        with transaction.atomic():
            reading = ReportReading(
                unit=unit, file=name, original_name=upload.name[:255], size=upload.size or 0, created_by=user
            )
            reading._change_reason = "上传并读取"
            reading.save()
            _fill(reading, found, norm, year)
            reading.save()
    except BaseException:
        files.delete(name)
        raise
    return reading


def queue_reading(upload, unit, year: int | None, user) -> ReportReading:
    """Store an uploaded report to be read by a task (a batch): the row waits, queued."""
    name = store_upload(upload)
    reading = ReportReading(
        unit=unit, year=year, file=name, original_name=upload.name[:255], size=upload.size or 0, created_by=user
    )
    reading._change_reason = "上传（排队读取）"
    reading.save()
    return reading


def fill_reading(reading: ReportReading, reporter=None) -> ReportReading:
    """Read a queued reading's stored file. A file that cannot be read leaves the reading failed, with the
    reason, and its file removed; the ReaderError goes on."""
    if reporter:
        reporter(stage="正在读取报告")
    try:
        found, norm = read_stored(reading.file, reading.original_name, reading.year)
    except ReaderError as error:
        files.delete(reading.file)
        reading.status, reading.error, reading.file = ReportReading.Status.FAILED, str(error)[:1000], ""
        reading._change_reason = "读取失败"
        reading.save()
        raise
    if reporter:
        reporter(stage="正在保存读取结果")
    with transaction.atomic():
        _fill(reading, found, norm, reading.year)
        reading._change_reason = "读取"
        reading.save()
    return reading


# -- decisions ----------------------------------------------------------------------------------------------
def parse_value(text: str, metric_code: str) -> float:
    """A value as a person types it: a rate as a percentage (95 or 95%), an amount in 万元, a count as is."""
    cleaned = (text or "").strip().replace(",", "").replace("，", "").replace("％", "%")
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%").strip())
    except ValueError:
        raise ValidationError("数值应为数字，如 86、12.5 或 95%") from None
    metric = catalogue().metrics.get(metric_code)
    if percent or (metric and metric.kind == "rate"):
        value = round(value / 100, 6)
    if value < 0 and not (metric and metric.kind == "rate"):
        raise ValidationError("数值不能为负数")
    return value


def input_value(metric_code: str, value: float) -> str:
    """The value as the correction form shows it (the inverse of parse_value)."""
    metric = catalogue().metrics.get(metric_code)
    if metric and metric.kind == "rate":
        return f"{round(value * 100, 6):g}"
    return f"{value:g}"


def _decided(figure: ReadFigure, decision: str, user) -> None:
    figure.decision = decision
    figure.decided_by = user
    figure.decided_at = timezone.now()


def _check_reading(figure: ReadFigure) -> None:
    if figure.reading.year is None:
        raise ValidationError("请先设置报告年度，再审核数字")


@step("确认")
def confirm(figure: ReadFigure, user) -> ReadFigure:
    _check_reading(figure)
    if not figure.mapped:
        raise ValidationError("目录外的数字不能直接确认：请用“更正”选择它所属的指标")
    _decided(figure, ReadFigure.Decision.CONFIRMED, user)
    figure.corrected_metric, figure.corrected_value = "", None
    figure.corrected_qualifier = figure.corrected_scope = ""
    figure.save()
    sync_observations(figure.reading, user)
    return figure


@step("更正")
def correct(figure: ReadFigure, user, metric: str, value: float, qualifier: str = "", scope: str = "self"):
    _check_reading(figure)
    if metric not in catalogue().metrics:
        raise ValidationError(f"指标“{metric}”不在指标目录中")
    _decided(figure, ReadFigure.Decision.CORRECTED, user)
    figure.corrected_metric, figure.corrected_value = metric, value
    figure.corrected_qualifier, figure.corrected_scope = qualifier or "", scope or "self"
    figure.save()
    sync_observations(figure.reading, user)
    return figure


@step("驳回")
def reject(figure: ReadFigure, user) -> ReadFigure:
    _decided(figure, ReadFigure.Decision.REJECTED, user)
    figure.save()
    sync_observations(figure.reading, user)
    return figure


@transaction.atomic
def confirm_all(reading: ReportReading, user) -> int:
    """Confirm every catalogue figure still waiting; the number confirmed."""
    if reading.year is None:
        raise ValidationError("请先设置报告年度，再审核数字")
    waiting = list(
        ReadFigure.objects.select_for_update().filter(
            reading=reading, decision=ReadFigure.Decision.PENDING, mapped=True
        )
    )
    for figure in waiting:
        _decided(figure, ReadFigure.Decision.CONFIRMED, user)
        figure._change_reason = "全部确认"
        figure.save()
    sync_observations(reading, user)
    return len(waiting)


@transaction.atomic
def set_unit_and_year(reading: ReportReading, unit, year: int, user) -> ReportReading:
    """Give a reading another unit or year: its figures leave the store of the old one for the new one."""
    reading = ReportReading.objects.select_for_update().get(pk=reading.pk)
    withdraw_observations(reading.figures.exclude(observation=None).values_list("observation_id", flat=True))
    ReadFigure.objects.filter(reading=reading).update(observation=None)
    reading.unit, reading.year = unit, year
    reading._change_reason = "更改单位和年度"
    reading.save()
    sync_observations(reading, user)
    return reading


@transaction.atomic
def delete_reading(reading: ReportReading) -> None:
    """Remove a reading, its figures from the store and its stored file."""
    withdraw_observations(reading.figures.exclude(observation=None).values_list("observation_id", flat=True))
    name = reading.file
    reading.delete()
    transaction.on_commit(lambda: files.delete(name))


# -- the observation store ----------------------------------------------------------------------------------
def stores(figure: ReadFigure, year: int | None) -> bool:
    """Whether an accepted figure is a value of the unit for the year: a catalogue metric of the unit's own
    total, not a year-on-year change, not a figure of another year stated for comparison (as
    `metrics.store.import_report_facts` and `fazhi reports read --import-to` have it)."""
    metric = catalogue().metrics.get(figure.final_metric)
    return (
        figure.accepted
        and metric is not None
        and not metric.internal
        and figure.final_scope == "self"
        and figure.final_qualifier != "yoy"
        and figure.year in (None, year)
    )


def _fact(figure: ReadFigure) -> dict:
    return {
        "metric": figure.final_metric,
        "value": figure.final_value,
        "qualifier": figure.final_qualifier or None,
        "scope": figure.final_scope,
        "quote": figure.quote,
    }


def sync_observations(reading: ReportReading, user=None) -> None:
    """Make the store hold exactly this reading's accepted figures for its unit and year: the first accepted
    figure of a metric, in the order of the text, stands for it. What is already there is left alone (confirming
    again writes nothing), a changed value replaces it, a metric no longer accepted is withdrawn."""
    from fazhi.metrics.models import Observation
    from fazhi.metrics.store import QUALIFIERS

    figures = list(ReadFigure.objects.filter(reading=reading).order_by("position"))
    wanted: dict[str, ReadFigure] = {}
    if reading.year is not None:
        for figure in figures:
            if stores(figure, reading.year):
                wanted.setdefault(figure.final_metric, figure)
    written = Observation.objects.filter(
        pk__in=[f.observation_id for f in figures if f.observation_id], superseded_at__isnull=True
    )
    period = Period.year(reading.year) if reading.year else None
    current = {}
    for obs in written:
        same_place = period and obs.unit_id == reading.unit_id and obs.period_start == period.start
        if same_place and obs.metric not in current:
            current[obs.metric] = obs
        else:
            withdraw_observations([obs])
    stale = [
        obs
        for code, obs in current.items()
        if code not in wanted
        or obs.value != wanted[code].final_value
        or obs.qualifier != QUALIFIERS.get(wanted[code].final_qualifier or None, "")
        or obs.evidence != wanted[code].quote[:2000]
    ]
    withdraw_observations(stale)
    for obs in stale:
        current.pop(obs.metric)
    new = [figure for code, figure in wanted.items() if code not in current]
    if new:
        batch = import_report_facts(
            reading.unit,
            period,
            [_fact(f) for f in new],
            note=f"{reading.original_name}：{reading.title}（网页审核）",
            user=user,
        )
        current.update({obs.metric: obs for obs in batch.observations.all()})
    for figure in figures:
        stands_for = wanted.get(figure.final_metric)
        obs = current.get(figure.final_metric) if stands_for is not None and stands_for.pk == figure.pk else None
        if figure.observation_id != (obs.pk if obs else None):
            ReadFigure.objects.filter(pk=figure.pk).update(observation=obs)


# -- the gold format ----------------------------------------------------------------------------------------
def waiting(reading: ReportReading) -> int:
    return reading.figures.filter(decision=ReadFigure.Decision.PENDING, mapped=True).count()


def gold_line(reading: ReportReading) -> dict:
    """The reading as the office decided it, one line of gold.jsonl: the reader's title facts (region, level,
    year, required content) and the facts confirmed or corrected, in the order of the text. A figure outside the
    catalogue counts once it is corrected to a metric; a rejected one, or one still waiting, does not."""
    facts = []
    for figure in reading.figures.order_by("position"):
        if figure.accepted:
            fact = _fact(figure)
            value = round(float(fact["value"]), 6)
            fact["value"] = int(value) if value.is_integer() else value
            facts.append({key: fact[key] for key in FACT_KEYS})
    sections = reading.required_sections
    return {
        "file": reading.original_name,
        "region": reading.region or None,
        "level": reading.level or None,
        "year": reading.year,
        "required_sections": {key: bool(sections.get(key)) for key in REQUIRED_SECTIONS},
        "facts": facts,
    }


def gold_jsonl(readings) -> str:
    return "".join(json.dumps(gold_line(r), ensure_ascii=False) + "\n" for r in readings)


def export_name(readings) -> str:
    readings = list(readings)
    if len(readings) == 1:
        return f"{Path(readings[0].original_name).stem}-gold.jsonl"
    return f"reports-gold-{timezone.localdate():%Y%m%d}.jsonl"
