"""Title, region, level, issuing unit and year of a report, from its first lines and its 落款."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import alternation, lexicon

YEAR = re.compile(r"((?:19|20)\d{2})\s?年")
TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s?年度?")
NOT_A_PLACE = re.compile(r"^(全|我|本|各|市区|县区|区县|城区)|委|政府|法治|建设|工作|全面|关于|报告|情况|依法")
NOT_A_NAME_END = ("市场", "市级", "县级", "区级", "省级", "市直", "县直", "区直", "市域", "县域")
DATE_LINE = re.compile(r"^\s*((?:19|20)\d{2})\s?年\s?\d{1,2}\s?月\s?\d{1,2}\s?日\s*$")


@dataclass
class Meta:
    title: str
    region: str | None
    level: str | None
    unit: str | None
    year: int | None
    issued: str | None = None


@lru_cache(maxsize=1)
def _patterns():
    lex = lexicon()
    suffix_level = {}
    for level, words in lex["admin_suffixes"].items():
        for word in words:
            suffix_level[word] = level
    suffixes = alternation(suffix_level)
    # A place name: 2 to 8 Chinese characters ending with an administrative suffix, taken as short as possible.
    place = re.compile(rf"[\u4e00-\u9fa5]{{1,8}}?(?:{suffixes})")
    offices = alternation(lex["office_suffixes"])
    issuer = re.compile(rf"^\s*(?P<unit>[\u4e00-\u9fa5（）()]{{2,30}}?(?:{offices}))\s*$")
    title_office = re.compile(
        r"[\u4e00-\u9fa5]{0,12}?(?:人民政府办公室|人民政府|管理委员会|管委会|委员会|办公室|局|厅|中心)(?:党组|党委)?(?=关于|\d|法治|$)"
    )
    return {
        "title_office": title_office,
        "suffix_level": suffix_level,
        "place": place,
        "issuer": issuer,
        "cue": re.compile(lex["title_cues"]),
        "municipalities": set(lex["municipalities"]),
        "suffix_re": re.compile(rf"(?:{suffixes})$"),
    }


def _places(text: str) -> list[str]:
    """The chain of place names a unit name starts with: 江岚省云川市澄江区司法局 → [江岚省, 云川市, 澄江区]."""
    p = _patterns()
    chain, pos = [], 0
    text = re.sub(r"^(关于)?((?:19|20)\d{2}\s?年度?)?", "", text)
    while True:
        m = p["place"].match(text, pos)
        if not m:
            break
        name = m.group(0)
        end = m.end()
        if end < len(text) and text[end] in "市县区省" and len(name) < 8 and not text.startswith(NOT_A_NAME_END, end):
            # 台州市路桥区: the shortest match stops at 台州 (州 is a suffix too); a name never starts with 市.
            name, end = name + text[end], end + 1
        # "市区" "县区" "区县" are words, not names.
        if len(name) < 2 or NOT_A_PLACE.search(name):
            break
        chain.append(name)
        pos = end
    return chain


def _level(name: str) -> str | None:
    p = _patterns()
    if name in p["municipalities"]:
        return "province"
    for suffix in sorted(p["suffix_level"], key=len, reverse=True):
        if name.endswith(suffix):
            return p["suffix_level"][suffix]
    return None


LABEL = re.compile(r"^\s*(?:TITLE|标题|题目)\s*[:：]\s*")
NOTE = re.compile(r"\s*[\[【][^\]】]*[\]】]\s*$")
PARTY_PREFIX = re.compile(r"^中共[\u4e00-\u9fa5]{2,20}?(?:委员会|县委|市委|区委|州委|党组|党委|工委)\s+|^中共")


def clean_title(line: str) -> str:
    """A title line without its label (TITLE: …), an editor's note in brackets at its end, or a party
    committee issuing jointly in front (中共某县委 某县人民政府关于…)."""
    text = NOTE.sub("", LABEL.sub("", line.strip()))
    bare = PARTY_PREFIX.sub("", text)
    return bare if len(bare) >= 6 else text


def find_title(lines: list[str]) -> tuple[str, int]:
    """The title: among the first lines, the first that names the rule-of-law work and is short."""
    cue = _patterns()["cue"]
    for index, line in enumerate(lines[:40]):
        text = clean_title(line)
        if (
            6 <= len(text) <= 70
            and cue.search(text)
            and not re.match(r"^(?:[一二三四五六七八九十]{1,3}\s?[、.．]|[(（]|\d{1,2}\s?[.、．](?!\d))", text)
            and not text.endswith(("。", "；", "，"))
        ):
            if text.startswith("关于") and index:
                previous = lines[index - 1].strip()
                if previous and len(previous) <= 30 and _patterns()["issuer"].match(previous):
                    return previous + text, index
            return text, index
    first = next((line.strip() for line in lines if line.strip()), "")
    return first[:70], 0


def detect(text: str) -> Meta:
    lines = text.split("\n")
    title, index = find_title(lines)
    issuer_re = _patterns()["issuer"]
    unit = None
    issued = None
    # The 落款: an office name on a line of its own near the end, usually above the date.
    tail = [line.strip() for line in lines[-25:] if line.strip()]
    for i, line in enumerate(tail):
        if DATE_LINE.match(line):
            issued = line
            if i and issuer_re.match(tail[i - 1]):
                unit = tail[i - 1]
    if unit is None:
        for line in lines[max(0, index - 2) : index + 1] + tail:
            m = issuer_re.match(line.strip())
            if m and _places(m.group("unit")):
                unit = m.group("unit")
                break
    chain = _places(title)
    if chain:
        # The office named in the title after the places (云川市司法局…) is the issuing unit.
        start = title.find(chain[-1]) + len(chain[-1])
        office = _patterns()["title_office"].match(title, start)
        if office:
            # The unit's own name leaves out the province above it (江岚省云川市司法局 → 云川市司法局).
            places = [p for p in chain if _level(p) != "province"] or chain
            unit = "".join(places) + office.group(0)
    else:
        chain = _places(unit) if unit else []
    region = chain[-1] if chain else None
    level = _level(region) if region else None
    if unit is None and region:
        unit = region + ("办事处" if level == "street" else "人民政府")
    if (
        unit
        and not unit.endswith(("人民政府", "政府"))
        and region
        and re.search(r"(局|委|办|厅|中心|办公室|党组)$", unit)
        and not re.search(r"(街道办事处|街道办|管委会|管理委员会)$", unit)
    ):
        # A department of a government: named by the level of the government it belongs to.
        base = {"district": "county", "township": "township", "street": "township"}.get(level, level)
        level = f"{base}_department" if base else "department"
    year = None
    m = TITLE_YEAR.search(title)
    if m:
        year = int(m.group(1))
    else:
        # The opening lines only (the first paragraphs after the title), never a year met later in the text.
        opening = "\n".join([line for line in lines[index + 1 :] if line.strip()][:3])[:600]
        counts = Counter(int(y) for y in YEAR.findall(opening))
        if counts:
            year = counts.most_common(1)[0][0]
        elif issued:
            year = int(DATE_LINE.match(issued).group(1)) - 1
    return Meta(title=title, region=region, level=level, unit=unit, year=year, issued=issued)
