"""The test data: every registered ledger has a factory, and each makes a valid row showing its marker."""

import pytest

from fazhi.core.ledgers import registry

from .factories import LEDGER_FACTORIES, ledger_row


def test_every_registered_ledger_has_a_factory():
    slugs = {ledger.slug for ledger in registry}
    missing = sorted(slugs - set(LEDGER_FACTORIES))
    assert not missing, f"ledgers without a factory in tests/factories.py LEDGER_FACTORIES: {missing}"
    assert sorted(set(LEDGER_FACTORIES) - slugs) == [], "factories of ledgers no longer registered"


@pytest.mark.parametrize("slug", sorted(LEDGER_FACTORIES))
def test_a_factory_makes_a_valid_row_of_its_ledger(slug, tree):
    ledger = registry.get(slug)
    unit = tree["town"]
    row = ledger_row(ledger, unit, "MKfactoryZ")
    assert isinstance(row, ledger.model)
    row.full_clean()
    assert ledger.model.objects.filter(pk=row.pk).exists()
    shown = " ".join(str(getattr(row, name)) for name in ledger.columns)
    assert "MKfactoryZ" in shown or "MKfactoryZ" in str(row), (slug, shown)
    assert ledger.model.objects.filter(pk=row.pk).filter(**{ledger.model.objects.all().unit_lookup: unit}).exists()
