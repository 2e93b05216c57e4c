"""What a reading of a report gives back: plain dataclasses, no database."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

REQUIRED_SECTIONS = ("measures_and_results", "leader_duties", "shortcomings", "next_year_plan")
SECTION_NAMES = {
    "measures_and_results": "主要举措和成效",
    "leader_duties": "党政主要负责人履行第一责任人职责情况",
    "shortcomings": "存在的不足和原因",
    "next_year_plan": "下一年度主要安排",
    "other": "其他需要报告的情况",
}
QUALIFIER_NAMES = {
    None: "",
    "approx": "约数",
    "lower_bound": "下限（以上）",
    "upper_bound": "上限（以内）",
    "partial_period": "非全年数据",
    "yoy": "同比变化",
    "range": "区间",
}


@dataclass
class Figure:
    """A number stated in the text, with its unit word, in base units (count, yuan, or a fraction for %)."""

    start: int  # span of the whole figure (number, multiplier, unit, qualifier words)
    end: int
    num_start: int  # span of the number itself
    raw: str
    value: float
    unit: str  # "%" for a percentage, "元" for money, "" for a bare 万/亿
    qualifier: str | None = None
    value_max: float | None = None  # upper end of a range (1-2名)
    money: bool = False
    bare_multiplier: bool = False  # "1.5万" with no unit word: money only if the metric says so
    partial_period: str | None = None  # the phrase that limits the period (1-11月, 截至10月31日)
    year: int | None = None


@dataclass
class Fact:
    """A figure read from a report, mapped to a catalogue metric (or metric None when no rule matched)."""

    metric: str | None
    value: float
    qualifier: str | None
    scope: str  # "self": the unit's own total; "sub": a part of it
    quote: str
    unit: str = ""
    raw: str = ""
    section: str | None = None
    year: int | None = None
    value_max: float | None = None
    period: str | None = None
    offset: int = 0
    note: str = ""
    label: str = ""  # the words the figure counts (中心组理论学习), shown for a figure outside the catalogue

    def as_gold(self) -> dict:
        """The keys of a gold.jsonl fact, then the extra ones."""
        data = {
            "metric": self.metric,
            "value": self.value,
            "qualifier": self.qualifier,
            "scope": self.scope,
            "quote": self.quote,
        }
        extra = {k: v for k, v in asdict(self).items() if k not in data and v not in (None, "")}
        data.update(extra)
        return data


@dataclass
class Heading:
    level: int  # 1 一、 2 （一） 3 1. 4 （1） 5 ①
    marker: str
    title: str
    start: int
    end: int  # end of the section the heading opens
    key: str | None = None  # required content item, when the title says which

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class ReportReading:
    file: str | None
    title: str
    region: str | None
    level: str | None
    unit: str | None
    year: int | None
    required_sections: dict[str, bool]
    headings: list[Heading]
    facts: list[Fact]
    unmapped: list[Fact]
    sentences: list[str] = field(default_factory=list, repr=False)
    chars: int = 0
    boilerplate: float | None = None
    similar: list[dict] = field(default_factory=list)

    @property
    def other_figures(self) -> list[dict]:
        """Figures the report states outside the catalogue, each with the words it counts: everything the
        report counts, so that a reader sees it; never a catalogue fact."""
        out = []
        for f in self.unmapped:
            out.append(
                {
                    "label": f.label,
                    "text": f"{f.label} {f.raw}".strip(),
                    "value": f.value,
                    "unit": f.unit,
                    "raw": f.raw,
                    "qualifier": f.qualifier,
                    "section": f.section,
                    "quote": f.quote,
                    **({"note": f.note} if f.note else {}),
                }
            )
        return out

    @property
    def missing_sections(self) -> list[str]:
        return [key for key in REQUIRED_SECTIONS if not self.required_sections.get(key)]

    def to_dict(self, unmapped: bool = True) -> dict:
        """One object with the keys of a gold.jsonl line first, then what else the reading found."""
        data = {
            "file": self.file,
            "region": self.region,
            "level": self.level,
            "year": self.year,
            "required_sections": dict(self.required_sections),
            "facts": [f.as_gold() for f in self.facts],
            "unit": self.unit,
            "title": self.title,
            "missing_sections": self.missing_sections,
            "outline": [h.as_dict() for h in self.headings],
            "chars": self.chars,
            "sentences": len(self.sentences),
            "boilerplate": self.boilerplate,
            "similar": self.similar,
        }
        data["other_figures"] = self.other_figures
        if unmapped:
            data["unmapped"] = [f.as_gold() for f in self.unmapped]
        return data
