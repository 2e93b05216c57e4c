"""Figures to catalogue metrics, by the rule table in data/rules.yaml (see its header for the terms)."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from fazhi.metrics.catalogue import catalogue

from .lexicon import Rule, lexicon, metric_lexicon, rulebook
from .model import Fact, Figure, Heading
from .outline import path_at, section_at
from .text import HARD, SOFT

YEAR = re.compile(r"((?:19|20)\d{2})\s?年")
SINCE_YEAR = re.compile(r"(?:以来|至今|起|开始)")
RESPECTIVELY = re.compile(r"分别(?:为|是|达到|达|占|有)?")
LIST_SPLIT = re.compile(r"、|和|及|与")


@dataclass
class Context:
    near: str
    clause: str
    topic: str
    sentence: tuple[int, int]
    index: int  # position of the figure within its sentence's figures
    previous: str = ""  # the sentence before, when in the same paragraph
    list_left: str = ""  # the clause before the figure, from the figure before it in the clause if any
    own: str = ""  # the sentence up to the clause of the next figure: what it says of this one


def _bound_left(text: str, start: int, floor: int, stops: str) -> int:
    i = start
    while i > floor and text[i - 1] not in stops:
        i -= 1
    return i


def _bound_right(text: str, end: int, ceiling: int, stops: str) -> int:
    i = end
    while i < ceiling and text[i] not in stops:
        i += 1
    return i


def contexts(masked: str, figures: list[Figure], sentences: list[tuple[int, int]]) -> list[Context]:
    starts = [s for s, _ in sentences]
    out: list[Context | None] = [None] * len(figures)
    by_sentence: dict[int, list[int]] = {}
    for i, figure in enumerate(figures):
        k = max(0, bisect.bisect_right(starts, figure.start) - 1)
        by_sentence.setdefault(k, []).append(i)
    for k, members in by_sentence.items():
        s_start, s_end = sentences[k]
        for j, i in enumerate(members):
            f = figures[i]
            prev_end = figures[members[j - 1]].end if j else s_start
            next_start = figures[members[j + 1]].start if j + 1 < len(members) else s_end
            left = _bound_left(masked, f.start, max(prev_end, s_start), SOFT)
            if j and left == prev_end and not masked[prev_end : f.start].strip(" 共计"):
                # "权力事项共8类2100项": the second figure counts the same words as the first
                previous = figures[members[j - 1]]
                left = _bound_left(
                    masked, previous.start, max(figures[members[j - 2]].end if j > 1 else s_start, s_start), SOFT
                )
                near_left = masked[left : previous.start] + masked[previous.end : f.start]
            else:
                near_left = masked[left : f.start]
            right = _bound_right(masked, f.end, min(next_start, s_end), SOFT)
            c_left = _bound_left(masked, f.start, s_start, HARD)
            c_right = _bound_right(masked, f.end, s_end, HARD)
            if j + 1 < len(members):
                own_end = max(c_right, _bound_left(masked, figures[members[j + 1]].start, s_start, HARD))
            else:
                own_end = s_end
            out[i] = Context(
                near=near_left.rstrip() + "#" + masked[f.end : right].lstrip(),
                clause=masked[c_left : f.start].rstrip() + "#" + masked[f.end : c_right].lstrip(),
                topic=masked[s_start : f.start],
                sentence=(s_start, s_end),
                index=j,
                previous=masked[sentences[k - 1][0] : sentences[k - 1][1]]
                if k and "\n" not in masked[sentences[k - 1][1] : s_start]
                else "",
                list_left=masked[max(c_left, prev_end) : f.start],
                own=masked[s_start:own_end],
            )
        _respectively(masked, figures, members, out)
    return out  # type: ignore[return-value]


def _respectively(masked: str, figures: list[Figure], members: list[int], out: list[Context]) -> None:
    """ "A、B和C分别达到x、y和z": figure i reads with label i, the shared words before and after the list."""
    for i in members:
        ctx = out[i]
        c_left = _bound_left(masked, figures[i].start, ctx.sentence[0], HARD)
        head = masked[c_left : figures[i].start]
        matches = list(RESPECTIVELY.finditer(head))
        if not matches:
            continue
        m = matches[-1]  # the 分别 nearest the figure
        # The figures of this list: those after 分别 in the same clause.
        group = [
            g
            for g in members
            if figures[g].start >= c_left + m.end()
            and _bound_left(masked, figures[g].start, ctx.sentence[0], HARD) == c_left
        ]
        parts = [p for p in LIST_SPLIT.split(head[: m.start()]) if p]
        n = len(group)
        if n < 2 or len(parts) < n:
            continue
        parts = parts[-n:]
        middle = sorted(len(p) for p in parts[1:-1])
        size = middle[len(middle) // 2] if middle else min(len(parts[0]), len(parts[-1]), 4)
        prefix, first = parts[0][:-size], parts[0][-size:]
        last, suffix = parts[-1][:size], parts[-1][size:]
        labels = [first, *parts[1:-1], last]
        index = group.index(i)
        # "常委会、常务会议分别学法6次、8次": the words between 分别 and the figures belong to each
        shared = masked[c_left + m.end() : figures[group[0]].start]
        ctx.near = prefix + labels[index] + suffix + shared + "#"


def _rule_matches(rule: Rule, ctx: Context, topic: str) -> bool:
    if rule.exclude and rule.exclude.search(ctx.near):
        return False
    if rule.exclude_clause and rule.exclude_clause.search(ctx.clause):
        return False
    if rule.near and not rule.near.search(ctx.near):
        return False
    if rule.clause and not rule.clause.search(ctx.clause):
        return False
    if rule.exclude_topic and rule.exclude_topic.search(ctx.topic):
        return False
    return not (rule.topic and not (rule.topic.search(topic) or rule.topic.search(ctx.near)))


# "每年召开一次专题会议", "每季度至少开展1次": a rule of frequency, not a count of the year's work
HABIT = re.compile(r"每(?:年度?|季度?|半年|月|周|两年)[^#]{0,8}$")
BODY_NOUN = re.compile(r"^(?:[乡镇街道村社区部门单位县市区]|行政村|机关)")
PLANNED = re.compile(
    r"(?<!模)拟(?!定|稿|人)|建议(?=宣布|废止|修改|修订|取消|失效|保留|继续)|计划(?=[\u4e00-\u9fa5]{0,6}$)"
)
CUMULATIVE_SINCE = re.compile(r"以来|至今|截至目前|截止目前|历年|上线|运行")


def stated_qualifier(masked: str, figure: Figure, ctx: Context) -> str | None:
    """Qualifiers stated in the words before a figure: 拟/建议 (planned, not done), 累计 since a platform's
    start (cumulative; 全年累计 within the year is a plain figure)."""
    left = ctx.near.split("#", 1)[0]
    if PLANNED.search(left):
        return "planned"
    clause_left = ctx.clause.split("#", 1)[0]
    if "累计" in clause_left and CUMULATIVE_SINCE.search(masked[ctx.sentence[0] : figure.start]):
        return "cumulative"
    return None


def _cue_weight(entry, text: str) -> int:
    return sum(len(m.group(0)) for m in entry.cues.finditer(text))


def score_metric(figure: Figure, ctx: Context) -> tuple[str | None, float, str | None]:
    """The metric whose lexicon words (data/metric_lexicon.yaml) weigh most in the figure's words: the near
    words and the clause name it (near words count twice), the sentence before the clause
    (with the clauses before it) weighs half. (best metric or None, its score, the runner-up when too close to call)."""
    lex = metric_lexicon()
    scored = []
    clause_left = ctx.clause.split("#", 1)[0]
    before = ctx.topic[: max(0, len(ctx.topic) - len(clause_left))].rstrip(HARD + " ")
    cut = max(before.rfind(c) for c in HARD)
    local = before[cut + 1 :] + ctx.clause  # the clause and the one before it
    left, _, right = ctx.near.partition("#")
    # "审核决策、文件等36件": the words a figure counts are the whole list before 等
    near = ctx.list_left + "#" + right if left.endswith("等") else ctx.near
    average = "平均" in left
    counts_bodies = bool(BODY_NOUN.match(right))
    # A later clause with a figure of its own speaks of that figure ("召开常务会议28次，其中会前学法12次": the 28
    # meetings are no law study); one without goes on about this one ("召开专题会议3次，研究法治…").
    for entry in lex.entries.get(unit_key(figure), ()):
        if entry.exclude and entry.exclude.search(ctx.clause):
            continue
        if entry.require and not entry.require.search(ctx.own):
            continue
        if entry.require_local and not entry.require_local.search(local):
            continue
        if (average and not entry.average) or counts_bodies != entry.counts_bodies:
            continue  # 平均86项 is no count; 138个乡镇 counts townships, not items
        near_weight = _cue_weight(entry, near)
        own = near_weight + _cue_weight(entry, ctx.clause) if near_weight else 0
        if not own:
            continue  # the sentence before may confirm a metric, never name it alone
        scored.append((own + 0.5 * _cue_weight(entry, before), entry))
    if not scored:
        return None, 0.0, None
    scored.sort(key=lambda pair: -pair[0])
    best_score, best = scored[0]
    second = scored[1][0] if len(scored) > 1 else 0.0
    if best_score < lex.min_score or best_score - second < lex.margin:
        return None, best_score, best.metric
    return best.metric, best_score, None


def list_metrics(figure: Figure, ctx: Context, chosen: str | None, sentence: str) -> list[str] | None:
    """ "召开常委会议、依法治区委员会会议、常务会议5次": a figure right after a list whose items name different
    metrics. Returns the items' metrics when the list is such a mixed one, else None."""
    clause_left = ctx.list_left
    right = ctx.near.partition("#")[2]
    if "、" not in clause_left or "分别" in ctx.clause or len(right) > 2:
        return None  # no list, a 分别 list, or the counted noun follows the figure (…等10项涉法事项)
    entries = [
        e
        for e in metric_lexicon().entries.get(unit_key(figure), ())
        if not (e.require and not e.require.search(sentence))
        and not (e.require_local and not e.require_local.search(sentence))
    ]
    named = []
    for part in clause_left.split("、"):
        weights = {e.metric: _cue_weight(e, part) for e in entries if not (e.exclude and e.exclude.search(part))}
        best = max(weights, key=weights.get, default=None)
        if best is None or weights[best] < 2:
            continue
        if chosen and weights.get(chosen):
            best = chosen  # the item names the chosen metric too
        if best not in named:
            named.append(best)
    return named if len(named) >= 2 else None


SHARED = re.compile(r"(?:均|都)(?:达到|达|为|是|超过|在)?$")


def overriding(rule_metric: str, figure: Figure, ctx: Context, sentence: str) -> str | None:
    """A lexicon metric that declares it takes figures from the rule's metric (overrides), when it wins."""
    if rule_metric not in metric_lexicon().overridden:
        return None
    metric, _score, _ = score_metric(figure, ctx)
    if metric and metric != rule_metric:
        for entry in metric_lexicon().entries.get(unit_key(figure), ()):
            if entry.metric == metric and rule_metric in entry.overrides:
                return metric
    return None


LABEL_HEAD = re.compile(
    r"^(?:其中|全年|今年|本年度?|全[市县区州省镇乡]|累计|先后|共计|共|已|还|并|同时|组织|开展|召开|举办|完成|实现|"
    r"办理|出台|制定|发放|印发|参加|参与|达到|达|有|对|推动|推进|推行|实现|聘请|聘任|设立|指导)+"
)
LABEL_TAIL = re.compile(r"(?:共计|共|累计|达到|达|为|约|近|超过|逾|计|有|总数|总量)+$")


def label_of(ctx: Context) -> str:
    """The words a figure counts, for a figure outside the catalogue: "开展中心组理论学习25次" → 中心组理论学习."""
    left, _, right = ctx.near.partition("#")
    label = LABEL_TAIL.sub("", LABEL_HEAD.sub("", left.strip())).strip()
    if len(label) < 2:
        label = right.strip()
    return label.replace("□", "").strip(" ,，、；;：:“”\"'()（）")[:30]


def unit_key(figure: Figure) -> str:
    if figure.bare_multiplier:
        return "万"
    return figure.unit


def choose_rule(figure: Figure, ctx: Context, headings_text: str) -> Rule | None:
    candidates = rulebook().by_unit.get(unit_key(figure), ())
    for rule in candidates:
        if _rule_matches(rule, ctx, ctx.topic):
            return rule
    wider = ctx.previous + "\n" + headings_text
    if wider.strip():
        # Second pass: the subject named only in the sentence before or a heading above
        # ("规范性文件的监督管理" … 审查文件15份).
        for rule in candidates:
            if rule.topic and _rule_matches(rule, ctx, wider):
                return rule
    return None


def metric_value(metric: str, figure: Figure) -> float | None:
    kind = catalogue()[metric].kind
    if kind == "rate":
        return figure.value if figure.unit == "%" else None
    if kind == "amount":
        if not (figure.money or figure.bare_multiplier):
            return None
        return round(figure.value / 10000, 6)
    return figure.value


def quote_of(text: str, figure: Figure, sentence: tuple[int, int]) -> str:
    start = _bound_left(text, figure.start, sentence[0], HARD)
    end = _bound_right(text, figure.end, sentence[1], HARD)
    if figure.start - start < 6 and start > sentence[0]:
        start = _bound_left(text, start - 1, sentence[0], HARD)
    return text[start:end].strip(" ,，；;：:")


def fact_year(topic: str, report_year: int | None) -> int | None:
    years = YEAR.findall(topic)
    relative = lexicon()["relative_years"]
    best_pos, best = -1, None
    if years:
        m = list(YEAR.finditer(topic))[-1]
        # "自2019年以来累计…": the span runs to the report's year, whose figure it is
        since = SINCE_YEAR.match(topic, m.end()) and report_year is not None
        best_pos, best = m.start(), report_year if since else int(m.group(1))
    if report_year is not None:
        for word, offset in relative.items():
            pos = topic.rfind(word)
            if pos > best_pos:
                best_pos, best = pos, report_year + offset
    return best if best is not None else report_year


def map_figures(
    text: str,
    masked: str,
    figures: list[Figure],
    sentences: list[tuple[int, int]],
    outline: list[Heading],
    year: int | None,
    partials: list[tuple[int, str]],
    level: str | None = None,
) -> tuple[list[Fact], list[Fact]]:
    book = rulebook()
    ctxs = contexts(masked, figures, sentences)
    facts: list[Fact] = []
    unmapped: list[Fact] = []
    sentence_of: dict[tuple[int, int], list[tuple[Figure, Context, Fact]]] = {}
    for figure, ctx in zip(figures, ctxs):
        section = section_at(figure.start, outline)
        key = section.key if section else None
        path = path_at(figure.start, outline)
        headings_text = "\n".join(h.title for h in path)
        qualifier = figure.qualifier
        period = None
        if qualifier != "yoy":
            for pos, phrase in partials:
                if ctx.sentence[0] <= pos < figure.start:
                    qualifier, period = "partial_period", phrase
        fact = Fact(
            label=label_of(ctx),
            metric=None,
            value=figure.value,
            qualifier=qualifier,
            scope="self",
            quote=quote_of(text, figure, ctx.sentence),
            unit=figure.unit,
            raw=text[figure.start : figure.end].strip(),
            section=key,
            year=fact_year(masked[ctx.sentence[0] : figure.start], year),
            value_max=figure.value_max,
            period=period,
            offset=figure.start,
        )
        if key == "next_year_plan":
            fact.note = "下一年度安排中的数字，不作为本年度数据"
            unmapped.append(fact)
            continue
        if HABIT.search(ctx.near.partition("#")[0]):
            fact.note = "频次要求，不是本年度的数字"
            unmapped.append(fact)
            continue
        if qualifier is None:
            fact.qualifier = stated_qualifier(masked, figure, ctx)
        sentence = masked[ctx.sentence[0] : ctx.sentence[1]]
        rule = choose_rule(figure, ctx, headings_text)
        metric = rule.metric if rule else None
        shared = []
        listed = list_metrics(figure, ctx, metric, sentence)
        if listed and SHARED.search(ctx.near.partition("#")[0]):
            metric, shared = listed[0], listed[1:]  # 参考率、合格率均达100%: one value for each
            rule = None
        elif listed:
            rule = metric = None
            fact.note = "多项合计，不对应单一指标"
        if metric is not None:
            metric = overriding(metric, figure, ctx, sentence) or metric
        elif not fact.note:
            metric = score_metric(figure, ctx)[0]
            if metric:
                fact.note = "由指标词表评分判定"
        value = metric_value(metric, figure) if metric else None
        if metric is not None and value is not None:
            fact.metric, fact.value = metric, value
            if figure.value_max is not None:
                fact.value_max = metric_value(
                    metric,
                    Figure(
                        0,
                        0,
                        0,
                        "",
                        figure.value_max,
                        figure.unit,
                        money=figure.money,
                        bare_multiplier=figure.bare_multiplier,
                    ),
                )
            if rule is not None and rule.metric == metric and rule.scope:
                fact.scope = rule.scope
            facts.append(fact)
            for other in shared:
                value = metric_value(other, figure)
                if value is not None:
                    facts.append(replace(fact, metric=other, value=value))
        else:
            unmapped.append(fact)
        sentence_of.setdefault(ctx.sentence, []).append((figure, ctx, fact))
    _inherit_parts(masked, sentence_of, book.part_names, facts, unmapped)
    _scopes(masked, sentence_of)
    _other_scopes(sentence_of, level)
    facts.extend(_phrase_facts(text, sentences, outline, year))
    facts.sort(key=lambda f: f.offset)
    return facts, unmapped


def _inherit_parts(masked, sentence_of, part_names, facts, unmapped) -> None:
    """ "出庭应诉30件，其中县法院18件，市中院12件": parts after 其中 that name a body take the metric before it."""
    for (s_start, _), rows in sentence_of.items():
        for i, (figure, ctx, fact) in enumerate(rows):
            if fact.metric is not None:
                continue
            text_before = masked[s_start : figure.start]
            pos = text_before.rfind("其中")
            if pos < 0 or not part_names.search(ctx.near):
                continue
            parent = None
            for other, _, other_fact in rows[:i]:
                if other.start < s_start + pos and other_fact.metric and other.unit == figure.unit:
                    parent = other_fact
            # Nothing of its own between 其中 and this figure may have a metric of its own.
            between = [
                f
                for f, _, ff in rows[:i]
                if f.start > s_start + pos and ff.metric and (parent is None or ff.metric != parent.metric)
            ]
            if parent is None or between:
                continue
            value = metric_value(parent.metric, figure)
            if value is None:
                continue
            fact.metric, fact.value, fact.scope = parent.metric, value, "sub"
            unmapped.remove(fact)
            facts.append(fact)


def _scopes(masked, sentence_of) -> None:
    """A breakdown is a part: the same metric twice in a sentence, after 其中, or near a part marker."""
    markers = re.compile(lexicon()["sub_markers"])
    for (_s_start, _), rows in sentence_of.items():
        mapped = [(f, c, fact) for f, c, fact in rows if fact.metric]
        by_metric: dict[str, list] = {}
        for row in mapped:
            by_metric.setdefault(row[2].metric, []).append(row)
        for _metric, group in by_metric.items():
            for (a, _a_ctx, a_fact), (b, _b_ctx, b_fact) in zip(group, group[1:]):
                if masked.find("其中", group[0][0].end, b.start) >= 0:
                    b_fact.scope = "sub"  # 30件，其中县法院18件，市中院12件
                elif _same_clause(masked, a, b):
                    a_fact.scope = b_fact.scope = "sub"  # 41个部门、9个县(区)、3个功能区: a breakdown
        for _figure, ctx, fact in mapped:
            if markers.search(ctx.clause):
                fact.scope = "sub"


OTHER_BODY = re.compile(lexicon()["other_scope"]["bodies"])
PROVINCE_WIDE = re.compile(lexicon()["other_scope"]["province_wide"])


def _other_scopes(sentence_of, level: str | None) -> None:
    """Figures not of the reporting unit: the country's, a higher body's (全国, 国务院, 省级部门 …; 全省 in a report
    below the province), the party's own documents (党内). Scope "other". (Another year's figure keeps its
    scope; fact.year says the year, and the import leaves it out.)"""
    for rows in sentence_of.values():
        for _figure, ctx, fact in rows:
            if not fact.metric:
                continue
            left = ctx.clause.split("#", 1)[0]
            if OTHER_BODY.search(left) or (
                level not in ("province", "province_department") and PROVINCE_WIDE.search(left)
            ):
                fact.scope = "other"


def _same_clause(masked: str, a: Figure, b: Figure) -> bool:
    return not any(ch in HARD for ch in masked[a.end : b.start])


def _phrase_facts(text: str, sentences, outline, year) -> list[Fact]:
    found = []
    for start, end in sentences:
        sentence = text[start:end]
        for pattern, metric, value in rulebook().phrases:
            m = pattern.search(sentence)
            if not m:
                continue
            section = section_at(start + m.start(), outline)
            if section is not None and section.key in ("next_year_plan", "shortcomings"):
                continue
            found.append(
                Fact(
                    metric=metric,
                    value=value,
                    qualifier=None,
                    scope="self",
                    quote=m.group(0),
                    raw=m.group(0),
                    section=section.key if section else None,
                    year=year,
                    offset=start + m.start(),
                    note="由文字表述推定",
                )
            )
    return found
