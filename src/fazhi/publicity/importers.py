"""Excel import of publicity events, the ledger with hundreds of rows a year."""

from fazhi.core.importing import Column, Importer, choice, date, integer, look_up, text
from fazhi.org.models import Unit

from .choices import Audience, EventType, Theme
from .models import PublicityEvent


class PublicityEventImport(Importer):
    """Events have no natural key: every row is a new event (duplicates are the clerk's to avoid)."""

    slug = "publicity-events"
    title = "普法活动"
    model = PublicityEvent
    columns = [
        Column("单位编码", "unit", text(32), example="YC-D08", note="本人数据范围内的单位编码"),
        Column("活动名称", "title", text(200), example="宪法宣传周集中宣传活动"),
        Column(
            "活动形式",
            "event_type",
            choice(EventType.choices),
            example="主题宣传活动",
            note="、".join(EventType.labels),
        ),
        Column("主题", "theme", choice(Theme.choices), required=False, example=Theme.CONSTITUTION.label),
        Column("主要对象", "audience", choice(Audience.choices), required=False, example="社会公众"),
        Column("举办日期", "held_on", date(), example="2025-12-04"),
        Column("地点", "place", text(200), required=False, example="人民广场"),
        Column("参与人次", "participants", integer(0, 10_000_000), example=500),
        Column("发放资料（份）", "materials_distributed", integer(0, 10_000_000), required=False, example=1200),
        Column("主讲人或承办方", "speaker", text(200), required=False),
    ]

    def prepare(self, user):
        return {"units": {u.code: u for u in Unit.objects.visible_to(user)}}

    def build(self, values, context):
        unit = look_up(context["units"], values["unit"], "单位编码不存在或不在您的数据范围内")
        return PublicityEvent(unit=unit, **{k: v for k, v in values.items() if v is not None and k != "unit"})

    def check(self, event, values, context):
        event.clean()
