"""系统管理 → 法律参数: local values of the parameters the law leaves to local rules, and recomputing stored due dates.

A local value applies to matters from its date, exactly like a packaged version; a parameter not marked `local`
takes none; a stored due date moves only when the administrator recomputes, and the recompute lists exactly the
rows that moved and leaves each a history record.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.signals import request_started
from django.db import close_old_connections
from django.urls import reverse

from fazhi.core.invariants import violations
from fazhi.law.deadlines import deadline
from fazhi.law.errors import RuleViolation
from fazhi.law.local import set_local_value, withdraw_local_value
from fazhi.law.models import LocalParameterVersion
from fazhi.law.params import ParameterBook, forget_cached_book, param, parameter_book
from fazhi.oversight.choices import SuggestionKind
from fazhi.system.recompute import DERIVATIONS, RECOMPUTE_REASON, find_moves, local_codes, recompute

from .factories import LEDGER_FACTORIES, SuggestionFactory

D = dt.date
CODE = "suggestions.cppcc_reply"  # `local`: the packaged default is 3 months from 交办
RULE = ("某省人大代表建议和政协提案办理办法", "第十二条")


@pytest.fixture(autouse=True)
def fresh_book():
    """The book is cached per process: a test's local rows are rolled back, so they must not outlive it here."""
    forget_cached_book()
    yield
    forget_cached_book()


def local_page(code: str = CODE) -> str:
    return f"{reverse('system:param-local')}?code={code}"


def test_a_local_value_applies_to_matters_from_its_date_and_not_before(db):
    assert param(CODE, D(2025, 1, 1)).value == 3
    set_local_value(CODE, "2", *RULE, D(2025, 1, 1))

    before, after = param(CODE, D(2024, 12, 31)), param(CODE, D(2025, 1, 1))
    assert (before.value, before.local, before.effective_to) == (3, False, D(2024, 12, 31))
    assert (after.value, after.unit, after.local, after.effective_to) == (2, "months", True, None)
    assert after.citation == "《某省人大代表建议和政协提案办理办法》第十二条"
    assert deadline(CODE, D(2024, 12, 20)).due == D(2025, 3, 20)
    assert deadline(CODE, D(2025, 3, 20)).due == D(2025, 5, 20)

    # A later local version closes the earlier one the day before; withdrawing it restores the earlier one.
    later = set_local_value(CODE, "1", "某省人大代表建议和政协提案办理办法（2026年修订）", "第十二条", D(2026, 1, 1))
    assert (param(CODE, D(2025, 12, 31)).value, param(CODE, D(2026, 1, 1)).value) == (2, 1)
    assert param(CODE, D(2025, 12, 31)).effective_to == D(2025, 12, 31)
    withdraw_local_value(later.pk)
    assert param(CODE, D(2026, 6, 1)).value == 2
    # Other parameters are untouched.
    assert param("suggestions.cppcc_reply_max", D(2025, 6, 1)).value == 6


def test_a_value_set_by_another_process_is_seen_from_the_next_request_on(db):
    assert param(CODE, D(2025, 6, 1)).value == 3
    # Another process writes the row: this one's cached book does not know yet…
    LocalParameterVersion.objects.create(
        code=CODE, value="2", unit="months", law=RULE[0], article=RULE[1], effective_from=D(2025, 1, 1)
    )
    assert param(CODE, D(2025, 6, 1)).value == 3
    # …until its next request, whose first lookup reads the local versions again. (Django's own receiver,
    # close_old_connections, is held back: it would close the connection the test's transaction runs on.)
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
    assert param(CODE, D(2025, 6, 1)).value == 2


@pytest.mark.parametrize(
    "code, reason",
    [
        ("penalty.decision_limit", "由《中华人民共和国行政处罚法（2021年修订）》第六十条直接规定"),
        ("normative.provisional_validity_max", "依据尚待核实"),
    ],
)
def test_a_parameter_not_marked_local_cannot_be_given_a_local_value(db, users, client, code, reason):
    with pytest.raises(RuleViolation) as refused:
        set_local_value(code, "10", *RULE, D(2025, 1, 1))
    assert reason in refused.value.message and "不能设置本地取值" in refused.value.message

    client.force_login(users["sysadmin"])
    page = client.get(local_page(code))
    assert page.status_code == 200 and reason in page.content.decode()
    response = client.post(
        local_page(code),
        {"code": code, "value": "10", "law": RULE[0], "article": RULE[1], "effective_from": "2025-01-01"},
    )
    assert response.status_code == 400 and reason in response.content.decode()
    assert not LocalParameterVersion.objects.exists()
    assert not any(version.local for version in parameter_book().versions[code])


def test_a_local_value_is_checked_against_the_unit_and_cited(db):
    with pytest.raises(ValidationError) as refused:
        set_local_value(CODE, "两个月", "", "", D(2025, 1, 1))
    assert set(refused.value.error_dict) == {"value", "law", "article"}
    with pytest.raises(ValidationError, match="比例应为"):
        set_local_value("inspection.legal_services_min_ratio", "5", *RULE, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="月-日"):
        set_local_value("annual_report.department_submission", "02-30", *RULE, D(2025, 1, 1))
    set_local_value("annual_report.department_submission", "02-20", *RULE, D(2025, 1, 1))
    with pytest.raises(ValidationError, match="请先撤销"):
        set_local_value("annual_report.department_submission", "02-25", *RULE, D(2025, 1, 1))
    assert param("inspection.legal_services_min_ratio", D(2025, 6, 1)).value == 0.05


def test_a_stored_deadline_moves_only_on_recompute_which_lists_exactly_the_moved_rows(users, tree, client):
    unit = tree["dept"]
    before_rule = SuggestionFactory(unit=unit, kind=SuggestionKind.CPPCC, assigned_on=D(2024, 12, 20), marker="A1Z")
    under_rule = SuggestionFactory(unit=unit, kind=SuggestionKind.CPPCC, assigned_on=D(2025, 3, 20), marker="A2Z")
    npc = SuggestionFactory(unit=unit, kind=SuggestionKind.NPC, assigned_on=D(2025, 3, 20), marker="A3Z")
    assert under_rule.due_on == D(2025, 6, 20)
    admin = users["sysadmin"]
    client.force_login(admin)

    response = client.post(
        local_page(),
        {"code": CODE, "value": "2", "law": RULE[0], "article": RULE[1], "effective_from": "2025-01-01"},
    )
    assert response.status_code == 302
    assert LocalParameterVersion.objects.get().history.get().history_user == admin
    under_rule.refresh_from_db()
    assert under_rule.due_on == D(2025, 6, 20), "setting a local value moves no stored deadline"
    # `fazhi check` sees the row as not following the law in force until it is recomputed.
    check = "oversight.suggestion_due_date_recomputes"
    assert [v.pk for v in violations([check])] == [under_rule.pk]

    preview = client.get(reverse("system:params-recompute"))
    assert [move.pk for move in preview.context["moved"]] == [under_rule.pk]
    under_rule.refresh_from_db()
    assert under_rule.due_on == D(2025, 6, 20), "the preview writes nothing"

    done = client.post(reverse("system:params-recompute"))
    assert done.status_code == 200
    assert [(move.pk, move.changes) for move in done.context["moved"]] == [
        (under_rule.pk, [("答复期限", D(2025, 6, 20), D(2025, 5, 20))])
    ]
    page = done.content.decode()
    assert "A2Z" in page and "2025-06-20" in page and "2025-05-20" in page and "A1Z" not in page
    for row, due in ((before_rule, D(2025, 3, 20)), (under_rule, D(2025, 5, 20)), (npc, D(2025, 6, 20))):
        row.refresh_from_db()
        assert row.due_on == due
    record = under_rule.history.first()
    assert (record.history_change_reason, record.history_user) == (RECOMPUTE_REASON, admin)
    assert before_rule.history.count() == 1 and npc.history.count() == 1
    assert list(violations([check])) == []
    assert recompute(local_codes()) == [] and find_moves() == []


def test_a_local_value_entered_in_error_is_withdrawn_on_the_page(db, users, client):
    version = set_local_value(CODE, "2", *RULE, D(2025, 1, 1))
    admin = users["sysadmin"]
    client.force_login(admin)
    assert "本地取值" in client.get(local_page()).content.decode()
    assert client.post(local_page(), {"code": CODE, "withdraw": version.pk}).status_code == 302
    assert not LocalParameterVersion.objects.exists()
    assert param(CODE, D(2025, 6, 1)).value == 3
    withdrawn = LocalParameterVersion.history.get(history_type="-")
    assert (withdrawn.history_user, withdrawn.history_change_reason) == (admin, "撤销本地法律参数")


def test_only_the_system_administrator_opens_the_parameter_pages(users, client):
    client.force_login(users["sysadmin"])
    assert "法律参数" in client.get(reverse("system:index")).content.decode()
    for role, user in users.items():
        client.force_login(user)
        for url in (reverse("system:params"), local_page(), reverse("system:params-recompute")):
            assert client.get(url).status_code == (200 if role == "sysadmin" else 403), (role, url)


def test_the_list_shows_every_parameter_with_its_law_article_and_versions(db, users, client):
    set_local_value(CODE, "2", *RULE, D(2025, 1, 1))
    client.force_login(users["sysadmin"])
    page = client.get(reverse("system:params")).content.decode()
    for code, versions in parameter_book().versions.items():
        assert code in page
        for version in versions:
            assert version.law in page and version.article in page
    assert "本地取值" in page and "行政处罚案件办理期限" in page
    local_only = client.get(reverse("system:params"), {"local": "1"}).content.decode()
    assert CODE in local_only and "penalty.decision_limit" not in local_only


# Rows made a little fuller than the factories make them, so that the derivations reach their branches.
FULLER = {
    "cases": {"extended_on": D(2025, 3, 10), "decided_on": D(2025, 4, 1)},
    "normative-documents": {"published_on": D(2025, 3, 3), "filing_required": True, "valid_until": D(2027, 3, 2)},
    "suggestions": {"kind": SuggestionKind.CPPCC, "difficult": True},
    "reconsideration-cases": {"accepted_on": D(2025, 3, 5), "copy_sent_on": D(2025, 3, 6), "extension_days": 30},
    "lawsuits": {"served_on": D(2025, 3, 5)},
    "petitions": {"accepted_on": D(2025, 3, 5), "status": "accepted"},
    "ratings": {"stars": 1},
    "inspection-targets": {"inspected_on": D(2025, 3, 5)},
}


@pytest.mark.parametrize("derivation", DERIVATIONS, ids=lambda d: d.model.__name__)
def test_each_derivation_names_the_parameters_it_reads(db, monkeypatch, derivation):
    """A recompute after a local change walks only the derivations naming a changed parameter: none may read one
    it does not name."""
    row = LEDGER_FACTORIES[derivation.ledger.slug]()
    for name, value in FULLER.get(derivation.ledger.slug, {}).items():
        setattr(row, name, value)
    read = set()
    get = ParameterBook.get

    def recording(book, code, on):
        read.add(code)
        return get(book, code, on)

    monkeypatch.setattr(ParameterBook, "get", recording)
    derivation.derive(row)
    assert read and read <= derivation.codes
