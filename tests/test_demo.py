"""The demo city's generator: invariants that a different seed or scale must not break."""

import random
from types import SimpleNamespace

from fazhi.rulemaking.demo import _issuers


def test_document_number_prefixes_are_unique_when_departments_share_their_first_characters():
    def unit(name):
        return SimpleNamespace(name=name, short_name=name)

    departments = [unit("生态环境局"), unit("生态林业局"), unit("交通运输局"), unit("交通工程局"), unit("文化旅游局")]
    city = SimpleNamespace(
        government=unit("云川市人民政府"),
        departments=departments,
        counties=[unit("澄江区")],
        zones=[unit("云川高新区")],
    )
    for seed in range(20):  # every sample of the departments
        prefixes = [prefix for *_, prefix in _issuers(city, random.Random(seed))]
        assert len(set(prefixes)) == len(prefixes), prefixes


def test_a_small_demo_city_keeps_every_ledger_invariant(db):
    """What `fazhi check` runs over a real deployment holds for the generated city (CI checks the default scale too)."""
    from fazhi.core.invariants import load, violations
    from fazhi.demo.generator import DemoBuilder

    DemoBuilder(seed=7, scale=0.003, log=lambda *_: None).build()
    assert len(load()) >= 7
    found = [str(v) for v in violations(limit=5)]
    assert found == [], found
