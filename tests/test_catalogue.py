"""The metric catalogue as data: which metrics the ledgers compute, and its agreement with the design's catalogue."""

import re
from pathlib import Path

import pytest

from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import registry

SPEC = Path(__file__).resolve().parents[2] / "shared" / "design" / "metrics.md"
SPEC_ROW = re.compile(r"^\| ([a-z_0-9]+) \| ([^|]+?) \| ([a-z]+) \| .* \|$", re.M)


def test_a_metric_is_computed_by_a_ledger_unless_the_catalogue_marks_it_entered():
    metrics = catalogue().metrics
    quantities = {code for code, m in metrics.items() if not m.is_ratio}
    entered = {code for code, m in metrics.items() if m.entered}
    assert quantities - entered <= registry.computable
    assert not entered & registry.computable, "a metric marked entered is computed by a ledger: drop the mark"


def test_every_ratio_is_built_from_two_quantities_of_the_catalogue():
    metrics = catalogue().metrics
    for m in metrics.values():
        if m.is_ratio:
            assert not metrics[m.numerator].is_ratio and not metrics[m.denominator].is_ratio, m.code


@pytest.mark.skipif(not SPEC.exists(), reason="../shared/design is not there")
def test_every_code_of_the_design_catalogue_is_in_the_project_with_its_kind_and_shown():
    metrics = catalogue().metrics
    rows = [row for row in SPEC_ROW.findall(SPEC.read_text(encoding="utf-8")) if row[0] != "code"]
    assert len(rows) > 100
    for code, _name, kind in rows:
        assert code in metrics, code
        assert metrics[code].kind == kind and not metrics[code].internal, code
