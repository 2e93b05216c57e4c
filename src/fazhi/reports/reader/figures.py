"""Figures in Chinese text: Arabic and Chinese numerals, 万/亿, per cent, ranges, qualifiers, unit words.

Works on the masked text (text.mask) so that 一网通办 or a 《title》 gives no figure. Dates (2019年, 1-11月,
10月31日), document numbers (〔2019〕28号, 第712号) and ordinals (第十一届, 第5期) are not figures.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an

from .lexicon import alternation, lexicon
from .model import Figure
from .text import CN_NUMERALS

DASH = r"[-—–~～至到]{1,2}"


@lru_cache(maxsize=1)
def _patterns() -> dict:
    lex = lexicon()
    units = alternation(lex["units"])
    quals = lex["qualifiers"]
    arabic = re.compile(
        r"(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)"
        rf"(?:\s?(?P<sep>{DASH})\s?(?P<num2>\d+(?:\.\d+)?))?"
        r"\s?(?P<mult>千万|百万|万|亿)?"
        r"(?P<approx>余|多)?"
        r"\s?(?P<pct>%|‰)?"
        rf"\s?(?P<unit>{units})?"
        r"(?P<usfx>\((?:次|册|件|份|场|个)\)|/次)?"
        r"(?P<after>以上|以下|以内|左右|余|多)?"
    )
    cn_units = alternation(lex["chinese_numeral_units"])
    chinese = re.compile(
        rf"(?<![第{CN_NUMERALS}□届])(?P<cn>[{CN_NUMERALS}]{{1,8}})(?P<approx>余|多)?(?P<unit>{cn_units})"
        r"(?P<after>以上|以下|以内|左右|余|多)?"
    )
    percent_cn = re.compile(rf"百分之(?P<cn>[{CN_NUMERALS}点]{{1,8}})")
    skip = re.compile(
        r"(?:19|20)\d{2}\s?(?:年度?|" + DASH + r"\s?(?:19|20)\d{2}年?)"  # years and year ranges
        r"|\d{1,2}\s?" + DASH + r"\s?\d{1,2}\s?月份?"  # month ranges
        r"|\d{1,2}\s?月份?(?:\s?\d{1,2}\s?日)?(?:\s?" + DASH + r"\s?(?:\d{1,2}\s?月)?\s?\d{1,2}\s?日)?"  # dates
        r"|\d{1,2}\s?日"
        r"|\d{1,2}:\d{2}"
        r"|[〔\[(（【]\s?(?:19|20)\d{2}\s?[〕\])）】]\s?\d*\s?号?"  # 〔2019〕28号
        r"|第\s?[\d" + CN_NUMERALS + r"]+(?:\s?[期次届批轮号]?\s?[、和及]\s?\d+(?=\s?[期次届批轮号]))*"  # ordinals
        r"|\d+\s?号"
    )
    yoy = alternation(quals["yoy_cues"])
    change = alternation(quals["increase_verbs"] + quals["decrease_verbs"])
    partial = re.compile(
        r"(?:(?P<y1>(?:19|20)\d{2})\s?年\s?)?(?<!\d)1\s?月?\s?" + DASH + r"\s?(?P<m1>\d{1,2})\s?月"
        r"|截至\s?(?:(?P<y2>(?:19|20)\d{2})\s?年)?\s?(?P<m2>\d{1,2})\s?月(?:\s?(?P<d2>\d{1,2})\s?日|(?P<e2>底|末))?"
        r"|前[一二三]季度|上半年|前\d{1,2}个月|前[一二三四五六七八九十]{1,2}个月"
    )
    return {
        "arabic": arabic,
        "chinese": chinese,
        "percent_cn": percent_cn,
        "skip": skip,
        "yoy": re.compile(rf"(?:{yoy})[^，,；;。]{{0,10}}?(?P<verb>{change})了?(?:约|近)?$"),
        "decrease": re.compile(alternation(quals["decrease_verbs"])),
        "partial": partial,
        "approx_before": re.compile(rf"(?:{alternation(quals['approx_before'])})$"),
        "lower_before": re.compile(rf"(?:{alternation(quals['lower_bound_before'])})$"),
        "upper_before": re.compile(rf"(?:{alternation(quals['upper_bound_before'])})$"),
        "suffix_units": lex["unit_suffixes"],
        "multipliers": lex["multipliers"],
        "money": lex["money_units"],
        "quals": quals,
    }


def _blocked(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _patterns()["skip"].finditer(text)]


def _qualifier_after(word: str | None) -> str | None:
    quals = _patterns()["quals"]
    if not word:
        return None
    if word in quals["lower_bound_after"]:
        return "lower_bound"
    if word in quals["upper_bound_after"]:
        return "upper_bound"
    if word in quals["approx_after"]:
        return "approx"
    return None


def _qualifier_before(text: str, start: int) -> str | None:
    p = _patterns()
    window = text[max(0, start - 4) : start]
    if p["lower_before"].search(window):
        return "lower_bound"
    if p["upper_before"].search(window):
        return "upper_bound"
    if p["approx_before"].search(window) and not window.endswith(("最近", "附近", "临近")):
        return "approx"
    return None


def _number(token: str) -> float:
    return float(token.replace(",", ""))


def _cn_number(token: str) -> float | None:
    try:
        return float(cn2an.cn2an(token, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def extract(masked: str) -> list[Figure]:
    """Every figure in the text, in order."""
    p = _patterns()
    blocked = _blocked(masked)
    block_at = set()
    for a, b in blocked:
        block_at.update(range(a, b))
    figures: list[Figure] = []
    taken: set[int] = set()

    def free(a, b):
        return not any(i in block_at or i in taken for i in range(a, b))

    for m in p["arabic"].finditer(masked):
        num_start = m.start("num")
        if not free(num_start, m.end("num")):
            continue
        if num_start and (
            masked[num_start - 1].isascii() and masked[num_start - 1].isalnum() or masked[num_start - 1] in "+."
        ):
            continue  # part of a code (G318, 5G, 7+1) or a decimal already read
        unit, mult, pct = m.group("unit"), m.group("mult"), m.group("pct")
        if not (unit or mult or pct):
            continue  # a bare number (a hotline, a code) is not a figure
        end = m.end()
        if m.group("sep") and not (unit or pct or mult):
            continue
        value = _number(m.group("num"))
        value_max = _number(m.group("num2")) if m.group("num2") else None
        scale = p["multipliers"].get(mult, 1) if mult else 1
        unit_word = unit or ""
        if m.group("usfx"):
            unit_word = p["suffix_units"].get(unit_word + m.group("usfx"), unit_word)
        money = unit_word in p["money"]
        if money:
            scale *= p["money"][unit_word]
            unit_word = "元"
        if pct:
            scale = scale / (1000 if pct == "‰" else 100)
            unit_word = "%"
        elif unit_word in ("百分点", "个百分点"):
            scale = scale / 100
        qualifier = (
            _qualifier_before(masked, num_start)
            or _qualifier_after(m.group("approx"))
            or _qualifier_after(m.group("after"))
        )
        if value_max is not None and qualifier is None:
            qualifier = "range"
        figures.append(
            Figure(
                start=num_start,
                end=end,
                num_start=num_start,
                raw=masked[num_start:end].strip(),
                value=round(value * scale, 6),
                unit=unit_word,
                qualifier=qualifier,
                value_max=round(value_max * scale, 6) if value_max is not None else None,
                money=money,
                bare_multiplier=bool(mult and not unit and not pct),
            )
        )
        taken.update(range(num_start, end))

    for m in p["percent_cn"].finditer(masked):
        if not free(m.start(), m.end()):
            continue
        text = m.group("cn")
        value = _cn_number(text.replace("点", "点")) if "点" not in text else _cn_decimal(text)
        if value is None:
            continue
        figures.append(
            Figure(
                start=m.start(), end=m.end(), num_start=m.start(), raw=m.group(0), value=round(value / 100, 6), unit="%"
            )
        )
        taken.update(range(m.start(), m.end()))

    for m in p["chinese"].finditer(masked):
        if not free(m.start(), m.end()):
            continue
        value = _cn_number(m.group("cn"))
        if value is None:
            continue
        qualifier = (
            _qualifier_before(masked, m.start())
            or _qualifier_after(m.group("approx"))
            or _qualifier_after(m.group("after"))
        )
        unit_word = m.group("unit")
        money = unit_word in p["money"]
        scale = p["money"][unit_word] if money else 1
        figures.append(
            Figure(
                start=m.start(),
                end=m.end(),
                num_start=m.start(),
                raw=m.group(0),
                value=round(value * scale, 6),
                unit="元" if money else unit_word,
                qualifier=qualifier,
                money=money,
            )
        )
        taken.update(range(m.start(), m.end()))

    figures.sort(key=lambda f: f.start)
    _mark_yoy(masked, figures)
    return figures


def _cn_decimal(text: str) -> float | None:
    whole, _, frac = text.partition("点")
    head = _cn_number(whole) if whole else 0.0
    digits = "".join(str(int(_cn_number(ch) or 0)) for ch in frac)
    return None if head is None else float(f"{int(head)}.{digits or 0}")


def _mark_yoy(masked: str, figures: list[Figure]) -> None:
    """同比提高142% is a change against last year, not a level: qualifier yoy, negative when it fell."""
    p = _patterns()
    for figure in figures:
        window = masked[max(0, figure.start - 16) : figure.start]
        m = p["yoy"].search(window)
        if m:
            figure.qualifier = "yoy"
            if p["decrease"].fullmatch(m.group("verb")):
                figure.value = -figure.value


def partial_periods(masked: str, year: int | None) -> list[tuple[int, str]]:
    """(position, phrase) of each phrase that limits a statement to part of the year."""
    found = []
    for m in _patterns()["partial"].finditer(masked):
        phrase = m.group(0)
        stated_year = m.group("y1") or m.group("y2")
        if stated_year and year and int(stated_year) != year:
            continue  # about another year: a state at that date, not part of this one
        if m.group("m1"):
            if not 1 <= int(m.group("m1")) < 12:
                continue
        elif m.group("m2"):
            month = int(m.group("m2"))
            day = m.group("d2")
            if month > 12 or (month == 12 and (m.group("e2") or (day and int(day) >= 31))):
                continue
        found.append((m.start(), phrase))
    return found
