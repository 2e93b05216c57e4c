"""The reader on corpora: boilerplate and similar reports, generated reports with known facts, the
writer's own sentences read back, and the real published reports against the gold file."""

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.reports.reader import read_text
from fazhi.reports.reader.similarity import KEYS, REPS, corpus_similarity, estimate, normal_form, sentence_sketch
from fazhi.reports.reader.synthetic import corpus

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "reports"

COMMON = "坚持把法治政府建设摆在全局工作的突出位置，与经济社会发展同部署同推进同督促"


# -- similarity -----------------------------------------------------------------------------------------
def test_normal_form_ignores_figures_and_punctuation():
    assert normal_form("共受理案件12件，办结10件。") == normal_form("共受理案件305件,办结298件")


def test_sketch_estimate_tracks_jaccard():
    a = sentence_sketch(normal_form("各执法部门落实执法公示、全程记录和重大决定审核三项制度并按季度通报"))
    b = sentence_sketch(normal_form("各执法部门落实执法公示、全程记录、重大决定审核三项制度并按季度通报"))
    c = sentence_sketch(normal_form("深入开展法治宣传教育活动提升全民法治素养和法治观念"))
    assert estimate(a, a) == 1.0 and estimate(a, b) > 0.7 and estimate(a, c) < 0.2


def test_boilerplate_share_and_most_similar_pairs():
    docs = [
        [COMMON, "县市场监管局开展食品安全专项检查行动", "全年新增市场主体四千余户"],
        [COMMON + "。", "县市场监管局开展食品安全专项检查活动", "完成高标准农田建设任务"],
        ["完全不同的内容在这里说明本县的特色做法", "另一句独有的话描述乡村振兴的进展情况"],
    ]
    result = corpus_similarity(docs)
    assert result.shared == [[True, True, False], [True, True, False], [False, False]]
    assert result.boilerplate == [0.6667, 0.6667, 0.0]
    assert result.pairs[0][:2] == (0, 1)
    assert result.neighbours[0][0][0] == 1


def test_comparisons_stay_linear_when_every_report_shares_the_same_text():
    """A sentence found in every report must not be compared with every other report (no quadratic step)."""

    def docs(n):
        rng = random.Random(n)
        return [
            [COMMON, f"第{i}份报告独有的一句话，编号{rng.random()}说明情况"]
            + [f"各部门{rng.choice('甲乙丙丁')}持续推进工作{k}项" for k in range(3)]
            for i in range(n)
        ]

    small, large = corpus_similarity(docs(100)), corpus_similarity(docs(400))
    sentences = 400 * 5
    assert large.comparisons <= KEYS * REPS * sentences
    assert large.comparisons <= 5 * max(small.comparisons, 1)  # 4 × the reports: about 4 × the work, never 16 ×
    assert all(flags[0] for flags in large.shared)


def test_large_corpus_uses_buckets_and_still_finds_the_twin():
    reports = corpus(80, seed=5)
    docs = [read_text(r.text).sentences for r in reports]
    docs.append(list(docs[7]))  # a verbatim copy of report 7
    result = corpus_similarity(docs)
    assert result.neighbours[80][0] == (7, 1.0)
    assert result.pairs[0] == (7, 80, 1.0)


# -- synthetic reports with known facts -----------------------------------------------------------------
def test_generated_reports_are_sized_and_read_back_with_their_facts():
    reports = corpus(12, seed=11)
    assert all(10_000 <= len(r.text.encode()) <= 42_000 for r in reports)
    for report in reports:
        reading = read_text(report.text, report.name)
        assert (reading.region, reading.level, reading.year) == (report.region, report.level, report.year)
        assert reading.missing_sections == []
        got = sorted((f.metric, round(f.value, 6), f.qualifier) for f in reading.facts)
        assert got == sorted((p.metric, round(p.value, 6), p.qualifier) for p in report.facts)


def test_generator_is_deterministic():
    assert [r.text for r in corpus(3, seed=9)] == [r.text for r in corpus(3, seed=9)]


# -- the writer's sentences read back (round trip) -------------------------------------------------------
def _writer_text(values):
    from fazhi.reports.writer import draft_sentence, sentence_book

    book = sentence_book()
    lines, stated = ["测试县人民政府关于2025年度法治政府建设情况的报告"], {}
    for section in book["sections"]:
        lines.append(section["title"].format(year=2025, next_year=2026))
        for part in section["parts"]:
            if part["title"]:
                lines.append(part["title"])
            drafted = [p for p in (draft_sentence(t, values) for t in part["sentences"]) if p]
            lines.append("".join(p.text for p in drafted))
            for p in drafted:
                stated.update(p.figures)
    return "\n".join(lines), stated


def _metric_values():
    from fazhi.metrics.catalogue import catalogue

    strategies = {}
    for code, m in catalogue().metrics.items():
        if m.kind == "rate":
            strategies[code] = st.integers(0, 10000).map(lambda v: v / 10000)
        elif m.kind in ("amount", "avg", "sum"):
            strategies[code] = st.integers(1, 10**8).map(lambda v: v / 100)
        else:
            strategies[code] = st.integers(0, 10**7)
    return st.fixed_dictionaries(strategies)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=_metric_values())
def test_every_figure_the_writer_states_is_read_back_with_its_metric(values):
    from fazhi.reports.writer import format_figure

    text, stated = _writer_text(values)
    reading = read_text(text)
    got = {}
    for f in reading.facts:
        assert f.scope == "self", f
        got.setdefault(f.metric, []).append(f.value)
    assert set(got) == set(stated)
    for code, value in stated.items():
        shown = format_figure(code, value)
        expected = float(shown.rstrip("%")) / 100 if shown.endswith("%") else float(shown)
        assert any(abs(v - expected) < 1e-6 for v in got[code]), (code, shown, got[code])
    assert reading.missing_sections == []


# -- the real reports ---------------------------------------------------------------------------------
@pytest.mark.skipif(not (REAL / "gold.jsonl").exists(), reason="../shared/reports is not there")
def test_real_reports_read_at_f1_of_at_least_0_95():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reader_eval.py"), str(REAL / "gold.jsonl"), str(REAL), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    # issue 20: measured 0.969 (P 0.954, R 0.984) on v2 gold; the target is 0.95
    assert result["overall"]["f1"] >= 0.95, result["overall"]
    assert result["required_sections_accuracy"] >= 0.95
    assert set(result["families"]) <= {
        "leadership",
        "services",
        "enforcement",
        "rules",
        "disputes",
        "oversight",
        "publicity",
    }


@pytest.mark.skipif(not (REAL / "gold.jsonl").exists(), reason="../shared/reports is not there")
def test_real_reports_region_level_and_year():
    from fazhi.reports.reader import read_file

    for line in (REAL / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        reading = read_file(REAL / gold["file"])
        assert (reading.region, reading.level, reading.year) == (gold["region"], gold["level"], gold["year"])


def test_eval_harness_scores_metric_value_and_qualifier_per_family():
    sys.path.insert(0, str(ROOT / "bench"))
    from reader_eval import evaluate

    gold = [
        {
            "file": "x.txt",
            "required_sections": {"measures_and_results": True, "shortcomings": True},
            "region": "甲县",
            "level": "county",
            "year": 2023,
            "facts": [
                {"metric": "reconsideration_received", "value": 8, "qualifier": None, "scope": "self", "quote": "q"},
                {"metric": "reconsideration_received", "value": 8, "qualifier": None, "scope": "sub", "quote": "q"},
                {"metric": "online_rate", "value": 0.91, "qualifier": None, "scope": "self", "quote": "q"},
                {"metric": "staff_trained", "value": 300, "qualifier": "approx", "scope": "self", "quote": "q"},
            ],
        }
    ]
    reading = {
        "file": "x.txt",
        "region": "甲县",
        "level": "county",
        "year": 2022,
        "required_sections": {"measures_and_results": True, "shortcomings": False},
        "facts": [
            {"metric": "reconsideration_received", "value": 8.0, "qualifier": None, "scope": "self", "quote": "q"},
            {"metric": "online_rate", "value": 0.9100000001, "qualifier": None, "scope": "self", "quote": "q"},
            {
                "metric": "staff_trained",
                "value": 300,
                "qualifier": None,
                "scope": "self",
                "quote": "q",
            },  # qualifier wrong
            {"metric": None, "value": 5, "qualifier": None, "scope": "self", "quote": "q"},  # unmapped: not counted
        ],
    }
    result = evaluate(gold, {"x.txt": reading})
    assert result["overall"] == {"tp": 2, "predicted": 3, "gold": 4, "precision": 0.6667, "recall": 0.5, "f1": 0.5714}
    assert result["families"]["disputes"]["recall"] == 0.5 and result["families"]["services"]["f1"] == 1.0
    assert result["families"]["leadership"]["tp"] == 0
    assert result["required_sections_accuracy"] == 0.5
    assert result["meta_accuracy"] == {"region": 1.0, "level": 1.0, "year": 0.0}


# -- the fixed split of the development corpus (issue 20) ---------------------------------------------------
CORPUS = REAL / "corpus"


def test_corpus_split_is_fixed_ids_only_and_disjoint():
    from fazhi.reports.reader.evaluate import corpus_split

    split = corpus_split()
    develop, measure = split["develop"], split["measure"]
    assert not develop & measure
    assert len(develop) == 30 and len(measure) == 16
    assert all(len(i) == 4 and i[0] == "d" for i in develop | measure)  # ids, no text


@pytest.mark.skipif(not (CORPUS / "index.tsv").exists(), reason="../shared/reports/corpus is not there")
def test_corpus_split_follows_its_rule_stratified_by_level():
    import csv
    import hashlib

    from fazhi.reports.reader.evaluate import corpus_split

    rows = list(csv.DictReader((CORPUS / "index.tsv").open(encoding="utf-8"), delimiter="\t"))
    by_level: dict[str, list[str]] = {}
    for row in rows:
        by_level.setdefault(row["level"], []).append(row["file"].removesuffix(".txt"))
    split = corpus_split()
    assert split["develop"] | split["measure"] == {i for ids in by_level.values() for i in ids}
    for level, ids in by_level.items():
        ordered = sorted(ids, key=lambda i: hashlib.sha256(f"fazhi-reader-split:{i}".encode()).hexdigest())
        k = round(len(ids) / 3)
        assert set(ordered[:k]) == split["by_level"]["measure"][level], level


# -- `fazhi reports eval` ------------------------------------------------------------------------------------
def test_eval_command_scores_a_users_own_annotated_report(tmp_path):
    from django.core.management import call_command

    text = (
        "甲县人民政府关于2024年度法治政府建设情况的报告\n"
        "一、主要举措和成效\n全年共举办法治讲座6场，受理行政复议案件12件。\n"
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    gold = {
        "file": "a.txt",
        "region": "甲县",
        "level": "county",
        "year": 2024,
        "required_sections": {"measures_and_results": True, "next_year_plan": False},
        "facts": [
            {"metric": "reconsideration_received", "value": 12, "qualifier": None, "scope": "self", "quote": "q"},
            {"metric": "legality_reviews", "value": 3, "qualifier": None, "scope": "self", "quote": "审查3件"},
        ],
    }
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("reports", "eval", str(tmp_path / "gold.jsonl"), str(tmp_path), "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["overall"]["tp"] == 1 and result["overall"]["gold"] == 2
    assert result["levels"]["county"]["recall"] == 0.5
    assert result["required_sections"]["measures_and_results"]["accuracy"] == 1.0
    kinds = {(e["side"], e["kind"], e["fact"][0]) for e in result["errors"]}
    assert ("false_negative", "missed", "legality_reviews") in kinds
    assert ("false_positive", "spurious", "law_lectures") in kinds
    fp = next(e for e in result["errors"] if e["side"] == "false_positive")
    assert fp["sentence"] == "全年共举办法治讲座6场，受理行政复议案件12件。"  # the whole sentence
    out = io.StringIO()
    call_command("reports", "eval", str(tmp_path / "gold.jsonl"), str(tmp_path), stdout=out)
    assert "FN missed" in out.getvalue() and out.getvalue().splitlines()[-1].startswith("RESULT f1=0.5")


def test_eval_command_compares_only_the_units_own_figures_when_asked(tmp_path):
    from django.core.management import call_command

    text = (
        "甲县人民政府关于2024年度法治政府建设情况的报告\n"
        "一、主要举措和成效\n全年共受理行政复议案件12件，其中县政府作出的8件。2023年，受理行政复议案件9件。\n"
    )
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    facts = [
        {"metric": "reconsideration_received", "value": 12, "qualifier": None, "scope": "self", "quote": "q"},
        {"metric": "reconsideration_received", "value": 8, "qualifier": None, "scope": "sub", "quote": "q"},
    ]
    gold = {"file": "a.txt", "region": "甲县", "level": "county", "year": 2024, "facts": facts}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")

    def overall(*options):
        out = io.StringIO()
        call_command("reports", "eval", str(tmp_path / "gold.jsonl"), str(tmp_path), "--json", *options, stdout=out)
        return json.loads(out.getvalue())["overall"]

    every = overall()
    own = overall("--own-only")
    assert every["gold"] == 2 and every["predicted"] == 3  # the part and the other year's figure count as well
    assert (own["tp"], own["predicted"], own["gold"]) == (1, 1, 1)


def test_eval_command_refuses_a_split_with_no_report_and_a_missing_file(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    (tmp_path / "gold.jsonl").write_text(json.dumps({"file": "zz.txt", "facts": []}) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="没有可评估"):
        call_command("reports", "eval", str(tmp_path / "gold.jsonl"), str(tmp_path), "--split", "measure")
    with pytest.raises(CommandError, match="没有找到"):
        call_command("reports", "eval", str(tmp_path / "gold.jsonl"), str(tmp_path))


# -- the development corpus: the thirds read at what was reached (issue 20) ---------------------------------
def _corpus_result(split):
    from fazhi.reports.reader.evaluate import load_gold, run, select

    return run(select(load_gold(CORPUS / "gold.jsonl"), split), [CORPUS])


@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared/reports/corpus is not there")
def test_corpus_measure_third_reads_at_what_was_reached():
    """Measured once per change, never tuned on. Reached: F1 0.735 (target 0.9), required sections 0.984."""
    result = _corpus_result("measure")
    assert result["reports_read"] == 16
    assert result["overall"]["f1"] >= 0.72, result["overall"]
    assert result["required_sections_accuracy"] >= 0.95
    assert result["meta_accuracy"]["level"] >= 0.9 and result["meta_accuracy"]["year"] >= 0.9


@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="../shared/reports/corpus is not there")
def test_corpus_develop_third_reads_at_what_was_reached():
    result = _corpus_result("develop")
    assert result["reports_read"] == 30
    assert result["overall"]["f1"] >= 0.91, result["overall"]
    assert result["required_sections_accuracy"] >= 0.95
    assert result["meta_accuracy"]["region"] >= 0.9 and result["meta_accuracy"]["level"] >= 0.9
